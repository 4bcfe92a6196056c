/**
 * The official SDK → ccr-tui → the fake Gemini Balance's native path (`/gemini/v1beta`, and
 * `…/v1beta/models/` with Claude Code Router's `gemini` transformer) → the strict Google rules. What
 * Gemini Balance does on the way (drops toolConfig and unknown generationConfig fields, replaces the
 * safety settings, cleans schemas its own way, retries over its keys, its own error envelope) is in
 * the fake; these tests check that the proxy copes with each.
 */
import type Anthropic from '@anthropic-ai/sdk';
import {APIError} from '@anthropic-ai/sdk';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {Notice} from '../../source/activity/events.js';
import {resolveProfile} from '../../source/proxy/translate/resolve-profile.js';
import {call, type FakeGeminiBalance, type GbRecordedRequest, google429, reply, startFakeGeminiBalance, text, thought} from '../fakes/gemini-balance.js';
import {GB_SAFETY_SETTINGS} from '../fakes/gemini-balance/native.js';
import {type Harness, startHarness} from '../helpers/proxy-harness.js';

const TOKEN = 'sk-gb-native-token-7319';
const MODEL = 'claude-sonnet-5-5';

/** Claude Code's Read tool plus a property named like a schema keyword (Gemini Balance's cleaner deletes those). */
const READ_TOOL: Anthropic.Tool = {
	name: 'Read',
	description: 'Read a file',
	input_schema: {
		type: 'object',
		properties: {file_path: {type: 'string'}, examples: {type: 'string', description: 'sample lines'}},
		required: ['file_path', 'examples'],
		additionalProperties: false,
		$schema: 'http://json-schema.org/draft-07/schema#',
	} as Anthropic.Tool.InputSchema,
};

let gb: FakeGeminiBalance;
let harness: Harness;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN]});
	harness = await startHarness({
		config: () => ({
			Providers: [
				{name: 'gb', api_base_url: `${gb.url}/gemini/v1beta`, api_key: TOKEN, models: ['gemini-2.5-flash', 'gemini-2.5-flash-search', 'gemini-2.0-flash']},
				{name: 'gemini-balance-ccr', api_base_url: `${gb.url}/v1beta/models/`, api_key: TOKEN, models: ['gemini-2.5-flash'], transformer: {use: ['gemini']}},
				{name: 'gb-bad-token', api_base_url: `${gb.url}/gemini/v1beta`, api_key: 'sk-not-allowed-0000', models: ['gemini-2.5-flash'], profile: 'gemini-balance-native'},
			],
			Router: {default: 'gb,gemini-2.5-flash', webSearch: 'gb,gemini-2.5-flash'},
		}),
	});
});
afterAll(async () => {
	await harness?.close();
	await gb?.close();
});
afterEach(() => gb.reset());

const natives = (): GbRecordedRequest[] => gb.requests.filter(request => /:(stream)?[gG]enerateContent$/.test(request.path));
const upstream = (index = 0) => natives()[index]!.upstreamPayload as {contents: Array<{role: string; parts: Array<Record<string, any>>}>} & Record<string, any>;
const ask = (extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}): Anthropic.MessageCreateParamsNonStreaming => ({
	model: MODEL,
	max_tokens: 1024,
	messages: [{role: 'user', content: 'hi'}],
	...extra,
});

async function rejection(promise: Promise<unknown>): Promise<APIError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	if (error instanceof APIError) return error;
	throw new Error(`expected an APIError, got ${String(error)}`);
}

const errorType = (error: APIError) => (error.error as {error?: {type?: string}}).error?.type;

describe('Gemini Balance native path through the proxy', () => {
	it('profiles: /gemini/v1beta and a CCR `gemini` config on Gemini Balance are its native flavour; AI Studio is not', () => {
		const [gbProvider, ccr] = harness.store.getSnapshot().config.Providers;
		expect(resolveProfile(gbProvider!, 'gemini-2.5-flash').profile.name).toBe('gemini-balance-native');
		expect(resolveProfile(ccr!, 'gemini-2.5-flash').profile.name).toBe('gemini-balance-native');
		const studio = {name: 'studio', api_base_url: 'https://generativelanguage.googleapis.com/v1beta', models: ['gemini-2.5-flash']} as never;
		expect(resolveProfile(studio, 'gemini-2.5-flash').profile.name).toBe('gemini-native');
	});

	it('text, streamed (always SSE) and whole; token in x-goog-api-key; safety settings replaced, defaults filled', async () => {
		gb.enqueue(reply(text('Hello there', {split: 3})), reply(text('Whole answer')));
		const streamed = await harness.client.messages.stream(ask({system: 'be brief'})).finalMessage();
		expect(streamed.content).toStrictEqual([{type: 'text', text: 'Hello there'}]);
		expect(streamed.stop_reason).toBe('end_turn');
		const whole = await harness.client.messages.create(ask());
		expect(whole.content).toStrictEqual([{type: 'text', text: 'Whole answer'}]);
		const [first, second] = natives();
		expect(first!.path).toBe('/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent');
		expect(first!.headers['x-goog-api-key']).toBe(TOKEN);
		expect(JSON.stringify(first!.query)).not.toContain(TOKEN);
		expect(second!.path).toBe('/gemini/v1beta/models/gemini-2.5-flash:generateContent');
		expect(upstream().safetySettings).toStrictEqual(GB_SAFETY_SETTINGS);
		expect(upstream().generationConfig).toMatchObject({temperature: 0.7, topP: 0.9, topK: 40, candidateCount: 1, maxOutputTokens: 1024});
		expect(upstream().systemInstruction).toStrictEqual({parts: [{text: 'be brief'}]});
	});

	it('narration then a call; the result back as functionResponse; schema survives both cleaners (keyword property renamed)', async () => {
		gb.enqueue(reply([...text('Let me read it.'), ...call('Read', {file_path: '/a', examples_: 'x'})]), reply(text('It says hi.')));
		const question: Anthropic.MessageParam = {role: 'user', content: 'read /a'};
		const first = await harness.client.messages.stream(ask({tools: [READ_TOOL], messages: [question]})).finalMessage();
		expect(first.stop_reason).toBe('tool_use');
		const use = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
		expect(use).toMatchObject({name: 'Read', input: {file_path: '/a', examples: 'x'}});
		expect(natives()[0]!.status).toBe(200);
		const parameters = upstream().tools[0].functionDeclarations[0].parameters;
		expect(parameters.required).toStrictEqual(['file_path', 'examples_']);
		expect(Object.keys(parameters.properties)).toStrictEqual(['file_path', 'examples_']);

		const second = await harness.client.messages
			.stream(
				ask({
					tools: [READ_TOOL],
					messages: [question, {role: 'assistant', content: first.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: use!.id, content: 'hi'}]}],
				}),
			)
			.finalMessage();
		expect(second.content).toStrictEqual([{type: 'text', text: 'It says hi.'}]);
		expect(natives()[1]!.status).toBe(200);
		expect(upstream(1).contents.at(-1)!.parts[0]!['functionResponse']).toMatchObject({name: 'Read', response: {content: 'hi'}});
	});

	it('tool_choice forced: toolConfig is not sent (Gemini Balance drops it), the instruction asks for the call, a notice says so', async () => {
		gb.setDefault(reply(call('Read', {file_path: '/b', examples_: ''})));
		const forced = ask({tools: [READ_TOOL], tool_choice: {type: 'tool', name: 'Read'}, messages: [{role: 'user', content: 'read /b'}]});
		const message = await harness.client.messages.stream(forced).finalMessage();
		expect(message.stop_reason).toBe('tool_use');
		await harness.client.messages.create(forced);
		const sent = natives().map(request => request.body as Record<string, unknown>);
		expect(sent.map(body => 'toolConfig' in body)).toStrictEqual([false, false]);
		expect(JSON.stringify(upstream().systemInstruction)).toContain('Answer by calling the function Read.');
		const notices = harness.events.filter((event): event is Notice => event.type === 'notice' && event.message.includes('toolConfig'));
		expect(notices.map(notice => notice.message)).toStrictEqual([
			'provider "gb": Gemini Balance\'s native API drops toolConfig: tool_choice "tool" is asked for in the system instruction instead',
		]);
	});

	it('thinking: includeThoughts passes Gemini Balance, the thought comes back as a thinking block', async () => {
		gb.enqueue(reply([...thought('Weighing it.'), ...text('Four.')]));
		const message = await harness.client.messages
			.stream(ask({max_tokens: 4096, thinking: {type: 'enabled', budget_tokens: 1024}, messages: [{role: 'user', content: '2+2?'}]}))
			.finalMessage();
		expect(message.content.map(block => block.type)).toStrictEqual(['thinking', 'text']);
		expect(upstream().generationConfig.thinkingConfig).toStrictEqual({thinkingBudget: 1024, includeThoughts: true});
	});

	it('webSearch route → the listed -search model; googleSearch reaches Google; sources from grounding', async () => {
		gb.enqueue(reply(text('Sunny.'), {grounding: [{uri: 'https://weather.example/today', title: 'Weather today'}]}));
		const message = await harness.client.messages
			.stream(ask({tools: [{type: 'web_search_20250305', name: 'web_search', max_uses: 8} as never], messages: [{role: 'user', content: 'weather?'}]}))
			.finalMessage();
		expect(natives()[0]!.path).toBe('/gemini/v1beta/models/gemini-2.5-flash-search:streamGenerateContent');
		expect(upstream().tools).toStrictEqual([{googleSearch: {}}]);
		expect((message.content[0] as Anthropic.TextBlock).text).toContain('[Weather today](https://weather.example/today)');
	});

	it('a CCR config (`…/v1beta/models/`, transformer gemini) works unchanged', async () => {
		gb.enqueue(reply(text('ccr ok')));
		const message = await harness.client.messages.create(ask({model: 'gemini-balance-ccr,gemini-2.5-flash'}));
		expect(message.content).toStrictEqual([{type: 'text', text: 'ccr ok'}]);
		expect(natives()[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
	});

	it('maxOutputTokens is capped per model: 8,192 for gemini-2.0, 65,536 from 2.5 on', async () => {
		await harness.client.messages.stream(ask({model: 'gb,gemini-2.0-flash', max_tokens: 32_000})).finalMessage();
		await harness.client.messages.stream(ask({max_tokens: 100_000})).finalMessage();
		expect([upstream(0).generationConfig.maxOutputTokens, upstream(1).generationConfig.maxOutputTokens]).toStrictEqual([8192, 65_536]);
	});
});

describe("Gemini Balance's native errors → Anthropic errors", () => {
	it('a token it does not know: its 401 → authentication_error, no retry', async () => {
		const error = await rejection(harness.client.messages.create(ask({model: 'gb-bad-token,gemini-2.5-flash'})));
		expect([error.status, errorType(error)]).toStrictEqual([401, 'authentication_error']);
		expect(error.message).toContain('Invalid key and invalid x-goog-api-key');
		expect(natives()).toHaveLength(1);
	});

	it('stream: every key exhausted → its 429 with Google RESOURCE_EXHAUSTED inside → rate_limit_error, not retried by us', async () => {
		gb.enqueue({attempts: [google429()]});
		const error = await rejection(harness.client.messages.stream(ask()).finalMessage());
		expect([error.status, errorType(error)]).toStrictEqual([429, 'rate_limit_error']);
		expect(error.message).toContain('Resource has been exhausted');
		expect(natives()).toHaveLength(1);
		expect(Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0)).toBe(3);
	});

	it('stream: Google 503 behind it → overloaded_error; an unknown model → not_found_error', async () => {
		gb.enqueue({attempts: [{status: 503}]});
		const overloaded = await rejection(harness.client.messages.stream(ask()).finalMessage());
		expect(errorType(overloaded)).toBe('overloaded_error');
		const missing = await rejection(harness.client.messages.stream(ask({model: 'gb,gemini-9-nope'})).finalMessage());
		expect([missing.status, errorType(missing)]).toStrictEqual([404, 'not_found_error']);
	});

	it('whole: its opaque 500 "Internal server error during gemini_generate_content" → tried once more, then a clear api_error', async () => {
		gb.setDefault({attempts: [google429()]});
		const error = await rejection(harness.client.messages.create(ask()));
		expect([error.status, errorType(error)]).toStrictEqual([500, 'api_error']);
		expect(error.message).toContain('/logs');
		// Two calls of three keys each: never the default retry budget on top of Gemini Balance's own.
		expect(natives()).toHaveLength(2);
		expect(Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0)).toBe(6);
	});

	it('MALFORMED_FUNCTION_CALL → a clear error that says to retry; a blocked prompt → a refusal naming the reason', async () => {
		gb.enqueue(reply(text(''), {finishReason: 'MALFORMED_FUNCTION_CALL'}), {attempts: [{ok: {chunks: [], blocked: true}}]});
		// Another conversation than the tests before: the proxy remembers Gemini Balance's refusals for a while.
		const fresh = ask({messages: [{role: 'user', content: 'read it'}]});
		const malformed = await rejection(harness.client.messages.stream(fresh).finalMessage());
		expect(errorType(malformed)).toBe('api_error');
		expect(malformed.message).toMatch(/malformed function call.*retry/);
		const blocked = await harness.client.messages.stream(fresh).finalMessage();
		expect(blocked.stop_reason).toBe('refusal');
		expect(blocked.content).toStrictEqual([{type: 'text', text: 'Gemini refused the prompt (blockReason SAFETY).'}]);
	});
});
