import {describe, expect, test} from 'vitest';
import {C, DONE, runStream, toolNamesFor, U} from './helpers.js';
import {STREAM_FIXTURES, type StreamFixture} from './stream-fixtures.js';

/** mulberry32: small seeded PRNG so a failure is reproducible from the printed seed. */
function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const MULTIBYTE: StreamFixture = {
	id: 'multibyte',
	title: 'multi-byte text, reasoning and tool arguments',
	upstream: [
		C({reasoning_content: 'Überlegung: 思考中… 🤔'}),
		C({content: '你好, '}),
		C({content: 'wörld 🙂🚀 — ok'}),
		C({tool_calls: [{index: 0, id: 'call_ü', function: {name: 'Write', arguments: '{"file_path":"/tmp/日本.txt","content":"'}}]}),
		C({tool_calls: [{index: 0, function: {arguments: 'こんにちは 🌸\\n"}'}}]}),
		': keep-alive\r\n\r\n',
		C({}, 'tool_calls'),
		U({prompt_tokens: 99, completion_tokens: 42}),
		DONE,
	],
	expected: '',
};

const FIXTURES = [...STREAM_FIXTURES, MULTIBYTE];
const encoder = new TextEncoder();

function reference(fixture: StreamFixture): string {
	return runStream(fixture.upstream, {profile: fixture.profile, toolNames: toolNamesFor(fixture)}).text;
}

function split(fixture: StreamFixture, cuts: number[]): string {
	const bytes = encoder.encode(fixture.upstream.join(''));
	const pieces: Uint8Array[] = [];
	let previous = 0;
	for (const cut of [...cuts, bytes.length]) {
		pieces.push(bytes.subarray(previous, cut));
		previous = cut;
	}

	return runStream(pieces, {profile: fixture.profile, toolNames: toolNamesFor(fixture)}).text;
}

describe('chunk-boundary property', () => {
	test('the multibyte fixture really contains 3- and 4-byte characters and reaches message_stop', () => {
		const text = reference(MULTIBYTE);
		expect(text).toContain('🙂🚀');
		expect(text).toContain('event: message_stop');
		expect(text).not.toContain('\uFFFD');
	});

	test.each(FIXTURES.map(fixture => [fixture.id, fixture] as const))('%s: one byte per read gives the same output', (_id, fixture) => {
		const length = encoder.encode(fixture.upstream.join('')).length;
		expect(
			split(
				fixture,
				Array.from({length: length - 1}, (_, index) => index + 1),
			),
		).toBe(reference(fixture));
	});

	test('400 random splits (inside UTF-8 sequences, JSON and line endings) give the same output', () => {
		const seed = 20_240_601;
		const random = prng(seed);
		const references = new Map(FIXTURES.map(fixture => [fixture, reference(fixture)]));
		for (let iteration = 0; iteration < 400; iteration++) {
			const fixture = FIXTURES[Math.floor(random() * FIXTURES.length)]!;
			const length = encoder.encode(fixture.upstream.join('')).length;
			const count = 1 + Math.floor(random() * 12);
			const cuts = [...new Set(Array.from({length: count}, () => 1 + Math.floor(random() * (length - 1))))].sort((a, b) => a - b);
			const output = split(fixture, cuts);
			if (output !== references.get(fixture)) {
				throw new Error(`seed ${seed} iteration ${iteration} fixture ${fixture.id} cuts ${JSON.stringify(cuts)} differ`);
			}
		}
	});
});
