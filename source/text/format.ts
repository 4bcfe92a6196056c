/**
 * How the program writes durations and counts, in the panels, the wizards, the command-line output
 * and the proxy's messages alike. Pure; imports nothing, so every layer may use it.
 */

/** 850 → '850 ms', 3240 → '3.2 s', 42_000 → '42 s', 95_000 → '1m35s'; not a number → '—'. */
export function formatDuration(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return '—';
	if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
	const minutes = Math.floor(ms / 60_000);
	const seconds = Math.floor((ms % 60_000) / 1000);
	return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** A configured limit in seconds, as exact as it was set: 30_000 → '30 s', 600_000 → '600 s', 1500 → '1.5 s'. */
export function formatSeconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Uptime as `1h02m`, `4m05s` or `12s`. */
export function formatUptime(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
	if (minutes > 0) return `${minutes}m${String(seconds).padStart(2, '0')}s`;
	return `${seconds}s`;
}

/** A count in a narrow column: 950 → '950', 12_345 → '12.3k', 60_000 → '60k', 2_500_000 → '2.5M'. */
export function formatCount(value: number | undefined): string {
	if (value === undefined || !Number.isFinite(value)) return '—';
	if (value < 1000) return String(Math.round(value));
	if (value < 1_000_000) return `${trimZero((value / 1000).toFixed(value < 100_000 ? 1 : 0))}k`;
	return `${trimZero((value / 1_000_000).toFixed(1))}M`;
}

/** A count written out in full, in a sentence or a log line: 1234567 → '1,234,567' (without a trip through Intl). */
export function formatInteger(value: number): string {
	return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function trimZero(text: string): string {
	return text.endsWith('.0') ? text.slice(0, -2) : text;
}
