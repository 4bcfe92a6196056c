/** Small pure formatters shared by the panels (fixed-width friendly, no colours). */

/** 850 → '850ms', 3240 → '3.2s', 95000 → '1m35s'. */
export function formatDuration(ms: number | undefined): string {
	if (ms === undefined || !Number.isFinite(ms)) return '—';
	if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
	const minutes = Math.floor(ms / 60_000);
	const seconds = Math.floor((ms % 60_000) / 1000);
	return `${minutes}m${String(seconds).padStart(2, '0')}s`;
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

/** 950 → '950', 12_345 → '12.3k', 60_000 → '60k', 2_500_000 → '2.5M'. */
export function formatCount(value: number | undefined): string {
	if (value === undefined || !Number.isFinite(value)) return '—';
	if (value < 1000) return String(Math.round(value));
	if (value < 1_000_000) return `${trimZero((value / 1000).toFixed(value < 100_000 ? 1 : 0))}k`;
	return `${trimZero((value / 1_000_000).toFixed(1))}M`;
}

function trimZero(text: string): string {
	return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** Host (and port) of a URL; the URL itself when it does not parse. Never the path or query. */
export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/** Last characters of an id: enough to tell rows apart. */
export function shortId(id: string, length = 6): string {
	return id.length <= length ? id : id.slice(-length);
}

/**
 * The short Claude Code session tag a row shows (`·f9a4ad`): the first 6 letters/digits of the
 * session id (a UUID's start), so the requests of one `claude` window read as one group.
 */
export function sessionTag(sessionId: string | undefined): string {
	const tag = sessionId?.replace(/[^0-9A-Za-z]/g, '').slice(0, 6);
	return tag ? `·${tag}` : '';
}

/** The provider,model cell of an activity row, with the session tag when the request had one. */
export function rowTarget(record: {readonly provider: string; readonly model: string; readonly sessionId?: string}): string {
	const tag = sessionTag(record.sessionId);
	return tag ? `${record.provider},${record.model} ${tag}` : `${record.provider},${record.model}`;
}

/** `~/…` for paths under the home directory (shorter header). */
export function tildePath(path: string, home: string | undefined): string {
	if (home && home !== '/' && path.startsWith(`${home}/`)) return `~${path.slice(home.length)}`;
	return path;
}

/** `HH:MM:SS` in local time (cool-down ends, last errors). */
export function formatClockTime(at: number): string {
	return new Date(at).toTimeString().slice(0, 8);
}
