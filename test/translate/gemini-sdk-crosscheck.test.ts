/**
 * The native Gemini fixtures (gemini-fixtures.ts) cross-checked with the official SDK: the strict
 * fake of Google's API validates each request, then replays the fixture's bytes; the proxy's answer
 * must make `messages.stream(…).finalMessage()` (and `messages.create` for the merged whole
 * response) equal the message the fixture's notation describes, or throw the APIError it names.
 */
import {APIError} from '@anthropic-ai/sdk';
import type {MessageCreateParamsNonStreaming} from '@anthropic-ai/sdk/resources/messages';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type GeminiAnswer, geminiNative} from '../fakes/gemini-native.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {GEMINI_FIXTURES, type GeminiFixture} from './gemini-fixtures.js';
import {mergedResponse} from './gemini-merge.js';
import {type Block, comparable, expectedEvents, expectedMessage} from './helpers.js';

const MODEL = 'claude-sonnet-5-5';
let harness: Harness;
let current: GeminiAnswer = {parts: []};
const fake = geminiNative(() => current);

beforeAll(async () => {
	harness = await startHarness({
		upstream: fake,
		timings: {postFinishGraceMs: 150},
		config: url => ({
			Providers: [{name: 'studio', api_base_url: `${url}/v1beta`, api_key: 'AIzaSy-crosscheck-0001', models: ['gemini-2.5-flash'], profile: 'gemini-native', max_retries: 0}],
			Router: {default: 'studio,gemini-2.5-flash'},
		}),
	});
});
afterAll(async () => {
	await harness?.close();
});

function requestFor(fixture: GeminiFixture): MessageCreateParamsNonStreaming {
	const thinks = fixture.upstream.some(piece => Buffer.from(piece).toString('utf8').includes('"thought":true'));
	return {
		model: MODEL,
		max_tokens: 2048,
		// Every fixture is its own conversation (the proxy may remember a refused one).
		messages: [{role: 'user', content: `fixture ${fixture.id}`}],
		...(fixture.tools ? {tools: fixture.tools as MessageCreateParamsNonStreaming['tools']} : {}),
		...(thinks ? {thinking: {type: 'enabled', budget_tokens: 1024}} : {}),
	};
}

/** Thinking blocks compare with Google's own signature where the fixture names one. */
function exact(block: Block): Block {
	return block['type'] === 'thinking' && !String(block['signature']).startsWith('sig_') ? {...comparable(block), signature: block['signature']} : comparable(block);
}

async function rejection(promise: Promise<unknown>): Promise<APIError> {
	const outcome = await promise.then(
		() => undefined,
		(error: unknown) => error,
	);
	if (outcome instanceof APIError) return outcome;
	throw new Error(`expected the SDK to throw an APIError, got ${String(outcome)}`);
}

const completing = GEMINI_FIXTURES.filter(fixture => fixture.expected.endsWith('MX'));
const erroring = GEMINI_FIXTURES.filter(fixture => fixture.expected.includes('ERR'));

describe('native Gemini fixtures through the proxy and the official SDK', () => {
	test.each(completing.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('stream %s', async (_name, fixture) => {
		current = {parts: [], raw: fixture.upstream};
		const message = await harness.client.messages.stream(requestFor(fixture)).finalMessage();
		const expected = expectedMessage(expectedEvents(fixture.expected));
		expect(message.content.map(block => exact(block as Block))).toEqual(expected.content.map(exact));
		expect(message.stop_reason).toBe(expected.stopReason);
		const [input, ...rest] = expected.usage;
		expect([message.usage.output_tokens, message.usage.cache_creation_input_tokens, message.usage.cache_read_input_tokens]).toEqual(rest);
		if (input !== 42) expect(message.usage.input_tokens).toBe(input);
	});

	test.each(completing.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('whole %s', async (_name, fixture) => {
		current = {parts: [], json: mergedResponse(fixture.upstream)};
		const message = await harness.client.messages.create(requestFor(fixture));
		const expected = expectedMessage(expectedEvents(fixture.expected));
		expect(message.content.map(block => exact(block as Block))).toEqual(expected.content.map(exact));
		expect(message.stop_reason).toBe(expected.stopReason);
	});

	test.each(erroring.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('error %s', async (_name, fixture) => {
		current = {parts: [], raw: fixture.upstream};
		const expectedType = /ERR (\w+)/.exec(fixture.expected)?.[1];
		const error = await rejection(harness.client.messages.stream(requestFor(fixture)).finalMessage());
		expect((error.error as {error?: {type?: string}}).error?.type).toBe(expectedType);
	});
});
