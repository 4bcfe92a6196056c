/**
 * One huge `data:` line (a base64 image as one content delta) is streamed while it arrives, and
 * gives exactly what reading it whole gives; any other shape is read whole, as before.
 */
import {describe, expect, it} from 'vitest';
import {type JsonPath, LongStringScanner} from '../../source/proxy/translate/long-string.js';
import {LONG_LINE_BYTES, SseReader} from '../../source/proxy/translate/sse-reader.js';
import {DONE, newTranslator, parseSse, type SseEvent} from './helpers.js';

/** A small deterministic generator: the same cases on every run. */
function generator(seed: number) {
	return (limit: number) => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed % limit;
	};
}

const TARGET = ['choices', 0, 'delta', 'content'] as const;
const anything = (_path: JsonPath, _literal?: string) => true;

/** Text with everything JSON must escape or may split: quotes, backslashes, controls, 2-, 3- and 4-byte characters. */
function awkwardText(next: (limit: number) => number, length: number): string {
	const units = ['a', 'Z', '"', '\\', '\n', '\t', '\u0001', 'é', '速', '🚀', '\u2028', '/', 'u', ' '];
	let text = '';
	for (let index = 0; index < length; index++) text += units[next(units.length)];
	return text;
}

/** The JSON of a chunk, sometimes with \uXXXX escapes where JSON.stringify would write the character. */
function chunkJson(content: string, next: (limit: number) => number): string {
	const json = JSON.stringify({id: 'c1', object: 'chat.completion.chunk', choices: [{index: 0, delta: {role: 'assistant', content}, finish_reason: null}], usage: null});
	if (next(2) === 0) return json;
	return json.replace(/[é速🚀]/gu, character => [...character].map(unit => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
}

function scan(json: string, next: (limit: number) => number, mayPrecede = anything) {
	const pieces: string[] = [];
	const scanner = new LongStringScanner({target: TARGET, mayPrecede, onText: text => pieces.push(text)});
	for (let offset = 0; offset < json.length; ) {
		const size = 1 + next(12);
		scanner.push(json.slice(offset, offset + size));
		offset += size;
	}

	return {scanner, pieces, rest: scanner.streaming ? scanner.finish() : undefined};
}

describe('LongStringScanner', () => {
	it('any split of any content gives its exact text, in pieces that never hold half a character, and the rest of the payload', () => {
		const next = generator(5);
		for (let round = 0; round < 400; round++) {
			const content = awkwardText(next, 1 + next(80));
			const {pieces, rest} = scan(chunkJson(content, next), next);
			expect(pieces.join('')).toBe(content);
			for (const piece of pieces) expect(piece.charCodeAt(piece.length - 1) >= 0xd800 && piece.charCodeAt(piece.length - 1) <= 0xdbff).toBe(false);
			expect(JSON.parse(rest!)).toEqual({
				id: 'c1',
				object: 'chat.completion.chunk',
				choices: [{index: 0, delta: {role: 'assistant', content: ''}, finish_reason: null}],
				usage: null,
			});
		}
	});

	it('gives up before the target when a value may not come first, and keeps all it read', () => {
		const json = JSON.stringify({choices: [{index: 0, delta: {reasoning_content: 'think', content: 'x'.repeat(100)}}]});
		const {scanner, pieces} = scan(json, generator(1), path => path[3] !== 'reasoning_content');
		expect(scanner.streaming).toBe(false);
		expect(pieces).toEqual([]);
		expect(json.startsWith(scanner.readSoFar)).toBe(true);
	});

	it('a payload without the target is not streamed', () => {
		const {scanner} = scan(JSON.stringify({choices: [{index: 0, delta: {}}], usage: {prompt_tokens: 1}}), generator(2));
		expect(scanner.streaming).toBe(false);
	});
});

/** Feeds `line` in 64 KiB pieces; returns the SSE text written after each piece. */
function translate(lines: string): {outputs: string[]; events: SseEvent[]} {
	const translator = newTranslator();
	const bytes = Buffer.from(lines);
	const outputs: string[] = [translator.start()];
	for (let offset = 0; offset < bytes.length; offset += 64 * 1024) outputs.push(translator.push(bytes.subarray(offset, offset + 64 * 1024)));
	outputs.push(translator.end());
	return {outputs, events: parseSse(outputs.join(''))};
}

const textOf = (events: SseEvent[]) =>
	events
		.filter(([name, data]) => name === 'content_block_delta' && (data as {delta: {type: string}}).delta.type === 'text_delta')
		.map(([, data]) => (data as {delta: {text: string}}).delta.text)
		.join('');
const line = (chunk: unknown) => `data: ${JSON.stringify(chunk)}\n\n`;

describe('the OpenAI stream translator with one huge content line', () => {
	const image = `![image](data:image/png;base64,${'iVBORw0KGgo'.repeat(Math.ceil((4 * LONG_LINE_BYTES) / 11))})`;

	it('streams the content while the line still arrives, and ends exactly as reading it whole would', () => {
		const stream =
			line({id: 'c', choices: [{index: 0, delta: {role: 'assistant', content: image}, finish_reason: null}]}) +
			line({choices: [{index: 0, delta: {}, finish_reason: 'stop'}], usage: {prompt_tokens: 3, completion_tokens: 9}}) +
			DONE;
		const {outputs, events} = translate(stream);
		// Text went out before the piece that ends the line: the client no longer waits for all of it.
		const endOfLine = Math.ceil(Buffer.byteLength(stream.slice(0, stream.indexOf('\n'))) / (64 * 1024));
		expect(outputs.slice(0, endOfLine).join('')).toContain('text_delta');
		expect(textOf(events)).toBe(image);
		expect(events.filter(([name]) => name === 'content_block_start')).toHaveLength(1);
		expect(events.at(-2)).toMatchObject(['message_delta', {delta: {stop_reason: 'end_turn'}, usage: {output_tokens: 9}}]);
		expect(events.at(-1)?.[0]).toBe('message_stop');
	});

	it('a finish and usage in the same long line still end the message', () => {
		const {events} = translate(line({choices: [{index: 0, delta: {content: image}, finish_reason: 'length'}], usage: {prompt_tokens: 3, completion_tokens: 7}}) + DONE);
		expect(textOf(events)).toBe(image);
		expect(events.at(-2)).toMatchObject(['message_delta', {delta: {stop_reason: 'max_tokens'}, usage: {output_tokens: 7}}]);
	});

	const whole: Array<[string, unknown]> = [
		['reasoning before the content', {choices: [{index: 0, delta: {reasoning_content: 'plan', content: image}}]}],
		['a finish before the content', {choices: [{index: 0, finish_reason: 'stop', delta: {content: image}}]}],
		['a second choice', {choices: [{index: 1, delta: {content: image}}]}],
		['an error first', {error: {message: 'upstream broke'}, choices: [{index: 0, delta: {content: image}}]}],
	];
	for (const [label, chunk] of whole) {
		it(`${label}: read whole, nothing written before the line ends, the answer as before`, () => {
			const stream = line(chunk) + line({choices: [{index: 0, delta: {}, finish_reason: 'stop'}]}) + DONE;
			const {outputs, events} = translate(stream);
			const endOfLine = Math.ceil(Buffer.byteLength(stream.slice(0, stream.indexOf('\n'))) / (64 * 1024));
			expect(outputs.slice(1, endOfLine).join('')).toBe('');
			const order = events.filter(([name]) => name === 'content_block_start').map(([, data]) => (data as {content_block: {type: string}}).content_block.type);
			if (label.startsWith('reasoning')) expect(order).toEqual(['thinking', 'text']);
			if (label === 'a second choice') expect(textOf(events)).toBe('');
			if (label === 'an error first') expect(events.at(-1)?.[0]).toBe('error');
		});
	}

	it('after event: error the long line is read whole, as an error', () => {
		const stream = `event: error\n${line({error: {message: `quota ${'x'.repeat(2 * LONG_LINE_BYTES)}`, type: 'rate_limit_error'}})}`;
		const {events} = translate(stream);
		expect(events.at(-1)).toMatchObject(['error', {error: {type: 'rate_limit_error'}}]);
	});
});

describe('SseReader with a long-string spec (every line "long": any split, CRLF, mixed shapes)', () => {
	it('gives the payloads of the whole-line read, the target text handed on instead', () => {
		const next = generator(9);
		for (let round = 0; round < 200; round++) {
			const chunks: unknown[] = [];
			for (let index = 0; index < 1 + next(4); index++) {
				const content = awkwardText(next, next(30));
				const shapes = [
					{choices: [{index: 0, delta: {role: 'assistant', content}}]},
					{choices: [{index: 0, delta: {reasoning_content: 'r', content}}]},
					{usage: {prompt_tokens: 1}, choices: [{index: 0, delta: {content}, finish_reason: null}]},
					{choices: []},
				];
				chunks.push(shapes[next(shapes.length)]);
			}

			const eol = next(2) === 0 ? '\n' : '\r\n';
			const stream = Buffer.from(`${chunks.map(chunk => `data: ${JSON.stringify(chunk)}${eol}${eol}`).join('')}data: [DONE]${next(2) ? eol : ''}`);
			const texts: string[] = [];
			const payloads: unknown[] = [];
			const reader = new SseReader(
				{onData: payload => payloads.push(payload), onDone: () => payloads.push('done')},
				{longLineBytes: 4, longString: {target: TARGET, mayPrecede: path => path[3] !== 'reasoning_content', onText: text => texts.push(text)}},
			);
			for (let offset = 0; offset < stream.length; ) {
				const size = 1 + next(16);
				reader.push(stream.subarray(offset, offset + size));
				offset += size;
			}

			reader.end();
			// What was handed on is the content of the streamable chunks, in order; their payloads come with it emptied.
			const streamable = chunks.filter(chunk => !JSON.stringify(chunk).includes('reasoning_content') && JSON.stringify(chunk).includes('content'));
			expect(texts.join('')).toBe(streamable.map(chunk => (chunk as {choices: Array<{delta: {content: string}}>}).choices[0]!.delta.content).join(''));
			const emptied = chunks.map(chunk => (streamable.includes(chunk) ? JSON.parse(JSON.stringify(chunk).replace(/"content":"(?:[^"\\]|\\.)*"/, '"content":""')) : chunk));
			expect(payloads).toEqual([...emptied, 'done']);
		}
	});
});
