import {describe, expect, it} from 'vitest';
import {SseReader} from '../../source/proxy/translate/sse-reader.js';
import {C, DONE, newTranslator, parseSse} from './helpers.js';

/** Sum of the lengths of every string and Buffer searched for a newline while `run` runs. */
function scannedWhile(run: () => void): number {
	let scanned = 0;
	const stringIndexOf = String.prototype.indexOf;
	const bufferIndexOf = Buffer.prototype.indexOf;
	const bufferLastIndexOf = Buffer.prototype.lastIndexOf;
	String.prototype.indexOf = function (this: string, search: string, position?: number) {
		if (search === '\n') scanned += this.length - (position ?? 0);
		return stringIndexOf.call(this, search, position);
	};
	Buffer.prototype.indexOf = function (this: Buffer, ...args: Parameters<Buffer['indexOf']>) {
		if (args[0] === 10 || args[0] === '\n') scanned += this.length;
		return bufferIndexOf.apply(this, args);
	};
	Buffer.prototype.lastIndexOf = function (this: Buffer, ...args: Parameters<Buffer['lastIndexOf']>) {
		if (args[0] === 10 || args[0] === '\n') scanned += this.length;
		return bufferLastIndexOf.apply(this, args);
	};
	try {
		run();
	} finally {
		String.prototype.indexOf = stringIndexOf;
		Buffer.prototype.indexOf = bufferIndexOf;
		Buffer.prototype.lastIndexOf = bufferLastIndexOf;
	}

	return scanned;
}

describe('SseReader: one long line (a base64 image as one data: line)', () => {
	it('is read in linear time: every byte is searched for a newline a bounded number of times', () => {
		const text = 'A'.repeat(4 * 1024 * 1024);
		const stream = Buffer.from(`data: ${JSON.stringify({choices: [{index: 0, delta: {content: text}}]})}\n\ndata: [DONE]\n\n`);
		const payloads: unknown[] = [];
		const reader = new SseReader({onData: payload => payloads.push(payload), onDone: () => payloads.push('done')});
		const scanned = scannedWhile(() => {
			for (let offset = 0; offset < stream.length; offset += 16 * 1024) reader.push(stream.subarray(offset, offset + 16 * 1024));
			reader.end();
		});
		expect(payloads).toHaveLength(2);
		expect((payloads[0] as {choices: Array<{delta: {content: string}}>}).choices[0]!.delta.content).toBe(text);
		// Rescanning the pending line on every chunk (the old reader) searched ~256 × the line.
		expect(scanned).toBeLessThan(3 * stream.length);
	});

	it('a line above the bound is a clear error, and nothing after it is dispatched', () => {
		const errors: string[] = [];
		const payloads: unknown[] = [];
		const reader = new SseReader(
			{onData: payload => payloads.push(payload), onDone: () => payloads.push('done'), onError: message => errors.push(message)},
			{maxLineBytes: 1024 * 1024},
		);
		reader.push(`data: {"a":"${'x'.repeat(600 * 1024)}`);
		reader.push(`${'x'.repeat(600 * 1024)}"}\n\n`);
		reader.push('data: {"b":1}\n\ndata: [DONE]\n\n');
		reader.end();
		expect(errors).toEqual(['the upstream sent an SSE line longer than 1 MiB; ccr-tui stops reading this stream']);
		expect(payloads).toEqual([]);
	});

	it('through the translator: the client gets an Anthropic event: error naming the limit', () => {
		const translator = newTranslator();
		let out = translator.push(C({role: 'assistant', content: 'Hi'}));
		// The default bound is 64 MiB: 65 pieces of 1 MiB without a newline.
		const piece = 'x'.repeat(1024 * 1024);
		out += translator.push('data: {"choices":[{"index":0,"delta":{"content":"');
		for (let index = 0; index < 65; index++) out += translator.push(piece);
		out += translator.push(`"}}]}\n\n${DONE}`);
		out += translator.end();
		const events = parseSse(out);
		expect(events.at(-1)).toMatchObject(['error', {type: 'error', error: {type: 'api_error'}}]);
		expect(JSON.stringify(events.at(-1))).toContain('longer than 64 MiB');
	});

	it('lines split inside UTF-8 sequences and CRLF line ends still decode exactly', () => {
		const payloads: unknown[] = [];
		const reader = new SseReader({onData: payload => payloads.push(payload), onDone: () => {}});
		const bytes = Buffer.from('data: {"t":"速度 é 🚀"}\r\n\r\ndata: {"t":"ü"}\n\n');
		for (let index = 0; index < bytes.length; index++) reader.push(bytes.subarray(index, index + 1));
		reader.end();
		expect(payloads).toEqual([{t: '速度 é 🚀'}, {t: 'ü'}]);
	});

	it('any split of any bytes, valid UTF-8 or not, gives the payloads of decoding each whole line at once', () => {
		// A small deterministic generator: the same cases on every run.
		let seed = 7;
		const next = (limit: number) => {
			seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
			return seed % limit;
		};
		const units = ['a', 'é', '速', '🚀', '\\u00e9'].map(unit => Buffer.from(unit));
		const broken = [Buffer.from([0xe9]), Buffer.from([0xf0, 0x9f]), Buffer.from([0x80]), Buffer.from([0xe0, 0x80])];
		for (let round = 0; round < 300; round++) {
			const parts: Buffer[] = [];
			const length = 1 + next(40);
			for (let index = 0; index < length; index++) parts.push(next(10) === 0 ? broken[next(broken.length)]! : units[next(units.length)]!);
			const line = Buffer.concat([Buffer.from('data: {"t":"'), ...parts, Buffer.from('"}\n\n')]);
			const expected = JSON.parse(line.subarray(6, line.length - 2).toString('utf8')) as unknown;
			const payloads: unknown[] = [];
			const reader = new SseReader({onData: payload => payloads.push(payload), onDone: () => {}});
			for (let offset = 0; offset < line.length; ) {
				const size = 1 + next(7);
				reader.push(line.subarray(offset, offset + size));
				offset += size;
			}

			reader.end();
			expect(payloads).toEqual([expected]);
		}
	});
});
