import {createContext, useContext} from 'react';

/**
Semantic colour tokens. Components never name raw colours; they ask for a meaning. Colour is never
the only signal: every status also carries a glyph or a word (see `statusLook`).
*/
export type Theme = {
	/** False under NO_COLOR: every colour token below is undefined. */
	readonly color: boolean;
	readonly accent?: string;
	readonly ok?: string;
	readonly warn?: string;
	readonly error?: string;
	readonly live?: string;
	readonly muted?: string;
	readonly border?: string;
	readonly borderFocus?: string;
};

const colourful: Theme = {
	color: true,
	accent: 'cyan',
	ok: 'green',
	warn: 'yellow',
	error: 'red',
	live: 'cyan',
	muted: 'gray',
	border: 'gray',
	borderFocus: 'cyan',
};

const monochrome: Theme = {color: false};

/** NO_COLOR (https://no-color.org): present and not empty disables colour. */
export function createTheme(env: Record<string, string | undefined> = process.env): Theme {
	const noColor = env['NO_COLOR'];
	return noColor !== undefined && noColor !== '' ? monochrome : colourful;
}

export const ThemeContext = createContext<Theme>(colourful);

export function useTheme(): Theme {
	return useContext(ThemeContext);
}

export type StatusTone = 'ok' | 'warn' | 'error' | 'live' | 'muted';

/** Glyphs that keep their meaning in monochrome. */
export const GLYPHS = {
	ok: '✔',
	warn: '▲',
	error: '✖',
	idle: '·',
	pointer: '❯',
} as const;

/** Braille spinner frames, advanced by the shared clock (one timer for every spinner). */
const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

export function spinnerFrame(now: number): string {
	return SPINNER_FRAMES[Math.floor(now / 120) % SPINNER_FRAMES.length] ?? SPINNER_FRAMES[0];
}

export function toneColor(theme: Theme, tone: StatusTone): string | undefined {
	return theme[tone];
}

/** HTTP status → tone: 2xx ok, 4xx warn, 5xx and network failures (0) error. */
function toneForStatus(status: number | undefined): StatusTone {
	if (status === undefined) return 'muted';
	if (status >= 200 && status < 400) return 'ok';
	if (status >= 400 && status < 500) return 'warn';
	return 'error';
}

/**
 * A finished request's tone, the same in its row and its detail: a failure is an error, except a 4xx
 * (the client's or a rate limit's), which warns; a failure with no status (cancelled, cut) is an error.
 */
export function recordTone(record: {readonly state: string; readonly status?: number}): StatusTone {
	const byStatus = toneForStatus(record.status);
	if (record.state !== 'error') return byStatus;
	return byStatus === 'warn' ? 'warn' : 'error';
}

export function glyphForTone(tone: StatusTone): string {
	switch (tone) {
		case 'ok': {
			return GLYPHS.ok;
		}

		case 'warn': {
			return GLYPHS.warn;
		}

		case 'error': {
			return GLYPHS.error;
		}

		default: {
			return GLYPHS.idle;
		}
	}
}
