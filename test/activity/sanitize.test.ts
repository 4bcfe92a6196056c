import {describe, expect, it} from 'vitest';
import {ActivityStore} from '../../source/activity/store.js';
import {sanitizeTerminalText} from '../../source/activity/sanitize.js';
import {formatRequestLine} from '../../source/commands/start.js';

const ESC = '\u001b';
/** Anything a terminal acts on: C0, DEL, C1, bidi controls and line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('sanitizeTerminalText (the one sanitiser for outside text)', () => {
	it('drops every C0 and C1 control and DEL; line breaks become a visible ↵, tabs a space', () => {
		for (let code = 0; code <= 0x9f; code++) {
			if (code > 0x1f && code < 0x7f) continue;
			const out = sanitizeTerminalText(`a${String.fromCharCode(code)}b`);
			expect(out, `U+${code.toString(16).padStart(4, '0')}`).not.toMatch(CONTROL);
			expect(out.startsWith('a')).toBe(true);
		}

		expect(sanitizeTerminalText('model\nfake line\r\nanother')).toBe('model↵fake line↵another');
		expect(sanitizeTerminalText('a\tb')).toBe('a b');
	});

	it.each([
		['OSC 2 title, BEL', `${ESC}]2;owned${'\u0007'}`],
		['OSC 2 title, ST', `${ESC}]2;owned${ESC}\\`],
		['OSC 52 clipboard', `${ESC}]52;c;cm0gLXJmIH4=${'\u0007'}`],
		['OSC 8 hyperlink', `${ESC}]8;;https://evil.example${ESC}\\`],
		['CSI colour', `${ESC}[31m`],
		['CSI cursor and erase', `${ESC}[2J${ESC}[H${ESC}[?1049h`],
		['8-bit CSI', '\u009b31m'],
		['8-bit OSC', '\u009d2;owned\u009c'],
		['DCS', `${ESC}Pq#0;2;0;0;0${ESC}\\`],
		['lone ESC', `${ESC}c`],
	])('removes %s whole', (_name, sequence) => {
		const out = sanitizeTerminalText(`before ${sequence}after`);
		expect(out).toBe('before after');
	});

	it('drops bidi overrides and isolates (no reordered text)', () => {
		for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
			expect(sanitizeTerminalText(`key${String.fromCharCode(code)}exe.txt`)).toBe('keyexe.txt');
		}
	});

	it('leaves ordinary text of any script alone (the same string)', () => {
		for (const text of ['deepseek,deepseek-chat', '把这个函数改成异步的', 'café 🚀👩‍💻 Ελληνικά', 'quota "exceeded" (429)']) {
			expect(sanitizeTerminalText(text)).toBe(text);
		}
	});
});

describe('outside text on its way to the terminal', () => {
	const start = {
		type: 'request:start',
		id: 'r1',
		at: 0,
		scenario: 'default',
		reason: 'x',
		provider: 'p',
		model: 'm',
		requestedModel: `claude\n12:00:00  default  forged 200${ESC}[31m`,
		stream: false,
		inputTokens: 1,
		upstreamHost: 'h',
	} as const;
	const error = {
		type: 'request:error',
		id: 'r1',
		at: 1,
		status: 502,
		errorType: 'api_error',
		message: `upstream says ${ESC}]2;pwned${'\u0007'}${ESC}]52;c;ZXZpbA==${'\u0007'}hi\u202e`,
		durationMs: 5,
	} as const;

	it('the dashboard: the activity store keeps only sanitised strings', () => {
		const store = new ActivityStore();
		store.apply(start);
		store.apply(error);
		const record = store.getSnapshot().recent[0]!;
		expect(JSON.stringify(record)).not.toMatch(/\\u001b|\\u0007|\\n|\u202e/);
		expect(record.requestedModel).toBe('claude↵12:00:00  default  forged 200');
		expect(record.errorMessage).toBe('upstream says hi');
	});

	it('the headless log line: one line, no escape sequence', () => {
		const store = new ActivityStore();
		store.apply(start);
		const line = formatRequestLine(error, start);
		// start() passes each line through the sanitiser before writing it.
		expect(sanitizeTerminalText(line)).not.toMatch(CONTROL);
		expect(sanitizeTerminalText(line).split('\n')).toHaveLength(1);
	});
});
