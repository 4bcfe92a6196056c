/**
 * The connection test against Google's native API (AI Studio) and Gemini Balance's `/v1beta`: the
 * completion is `streamGenerateContent?alt=sse` (no `[DONE]`; complete with its finishReason), the
 * model list is read page by page, and Google's 400 API_KEY_INVALID is a rejected key.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ProviderConfig} from '../../source/config/schema.js';
import {runConnectionTest, type TestResult, type TestStep} from '../../source/providers/connection-test.js';
import {startFakeGeminiBalance, type FakeGeminiBalance} from '../fakes/gemini-balance.js';
import {geminiNative, type GeminiAnswer} from '../fakes/gemini-native.js';
import {startFakeOpenAI, type FakeOpenAI} from '../fakes/openai-upstream.js';

const KEY = 'AIza-native-probe-key-0001';
const OTHER_KEY = 'AIza-native-probe-key-0002';
const TOKEN = 'sk-gb-native-token-1234567890';

let answer: GeminiAnswer = {parts: [{text: 'pong'}]};
let google: FakeOpenAI;
let gb: FakeGeminiBalance;
beforeAll(async () => {
	// Two models a page: the list of three chat models (and two others) takes three pages.
	google = await startFakeOpenAI(geminiNative(() => answer, {keys: [KEY, OTHER_KEY], maxPageSize: 2}));
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN]});
});
afterAll(async () => {
	await google.close();
	await gb.close();
});
afterEach(() => {
	answer = {parts: [{text: 'pong'}]};
});

function studio(overrides: Partial<ProviderConfig> = {}): ProviderConfig {
	return {name: 'gemini', api_base_url: `${google.url}/v1beta/models/`, api_key: KEY, models: ['gemini-2.5-flash'], transformer: {use: ['gemini']}, ...overrides};
}

function step(result: TestResult, id: string): TestStep {
	const found = result.steps.find(item => item.id === id);
	if (!found) throw new Error(`no step ${id} in ${JSON.stringify(result.steps)}`);
	return found;
}

async function test(provider: ProviderConfig): Promise<TestResult> {
	const result = await runConnectionTest(provider);
	expect(JSON.stringify(result)).not.toContain(KEY);
	return result;
}

describe('connection test, Google AI Studio (native)', () => {
	it('passes: every page of the model list, then one streamed generateContent with the key in x-goog-api-key', async () => {
		const before = google.requests.length;
		const result = await test(studio());
		expect(result.status).toBe('pass');
		expect(step(result, 'models').detail).toBe('key accepted · 3 models');
		expect(step(result, 'completion').detail).toMatch(/^gemini-2\.5-flash · TTFT .* · reply "pong"$/);
		const seen = google.requests.slice(before);
		const lists = seen.filter(request => request.method === 'GET' && request.url.startsWith('/v1beta/models'));
		expect(lists.map(request => new URL(request.url, 'http://x').searchParams.get('pageToken'))).toEqual([null, '2', '4']);
		expect(lists.every(request => new URL(request.url, 'http://x').searchParams.get('pageSize') === '1000')).toBe(true);
		const completion = seen.find(request => request.method === 'POST');
		expect(completion?.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
		expect(completion?.headers['x-goog-api-key']).toBe(KEY);
		expect(completion?.headers['authorization']).toBeUndefined();
		expect(completion?.body).toEqual({contents: [{role: 'user', parts: [{text: 'Reply with exactly one word: pong'}]}], generationConfig: {temperature: 0}});
	});

	it('finds a model listed on a later page', async () => {
		const result = await test(studio({models: ['gemini-3-pro-preview']}));
		expect(step(result, 'model')).toMatchObject({status: 'pass', detail: 'gemini-3-pro-preview'});
		expect(result.status).toBe('pass');
	});

	it("reports Google's 400 API_KEY_INVALID as a rejected key, not as a bad request", async () => {
		const result = await runConnectionTest(studio({api_key: 'AIza-not-a-key-000000000'}));
		expect(result.status).toBe('fail');
		expect(step(result, 'models')).toMatchObject({status: 'fail', detail: 'key rejected (HTTP 400: API key not valid. Please pass a valid API key.)'});
		expect(result.steps.map(item => item.id)).not.toContain('completion');
	});

	it('checks each key of a pool against the list: the invalid one is named, the pool works', async () => {
		const result = await test(studio({api_key: ['AIza-not-a-key-000000000', OTHER_KEY]}));
		expect(step(result, 'key-1')).toMatchObject({status: 'warn', detail: 'rejected (HTTP 400)'});
		expect(step(result, 'key-2')).toMatchObject({status: 'pass', detail: 'works'});
		expect(result.keys?.map(key => key.works)).toEqual([false, true]);
		expect(step(result, 'completion').status).toBe('pass');
	});

	it('a thought arrives as reasoning, the answer as the reply', async () => {
		answer = {parts: [{text: 'thinking about it', thought: true}, {text: 'pong'}]};
		const result = await test(studio());
		// Thoughts are only sent when asked for (includeThoughts): the probe does not ask, so only the reply comes.
		expect(step(result, 'completion')).toMatchObject({status: 'pass'});
		expect(result.metrics).toMatchObject({reply: 'pong', reasoningChars: 0, done: true, finishReason: 'STOP'});
	});

	it('an answer Google declines (finishReason SAFETY) is a warning that names the reason', async () => {
		answer = {parts: [], finishReason: 'SAFETY'};
		const result = await test(studio());
		expect(step(result, 'completion')).toMatchObject({status: 'warn'});
		expect(step(result, 'completion').detail).toMatch(/^refused by Google \(SAFETY\)/);
	});

	it('a stream that ends before any finishReason is interrupted', async () => {
		answer = {parts: [], raw: ['data: {"candidates":[{"content":{"role":"model","parts":[{"text":"po"}]},"index":0}]}\r\n\r\n']};
		const result = await test(studio());
		expect(step(result, 'completion')).toMatchObject({status: 'fail'});
		expect(step(result, 'completion').detail).toMatch(/^stream interrupted \(no finishReason\)/);
	});

	it('usage comes from usageMetadata: prompt, candidates + thoughts, total', async () => {
		const result = await test(studio());
		expect(result.metrics?.usage).toEqual({prompt: 120, completion: 42, total: 162});
		expect(step(result, 'completion').detail).toContain('120/42/162 tokens');
	});
});

describe("connection test, Gemini Balance's native API (/v1beta)", () => {
	it('passes with the token in x-goog-api-key and a streamed generateContent', async () => {
		const before = gb.requests.length;
		const result = await runConnectionTest({
			name: 'gemini-balance',
			api_base_url: `${gb.url}/v1beta/models/`,
			api_key: TOKEN,
			models: ['gemini-2.5-flash'],
			profile: 'gemini-balance-native',
			transformer: {use: ['gemini']},
		});
		expect(JSON.stringify(result)).not.toContain(TOKEN);
		expect(result.status).toBe('pass');
		expect(step(result, 'completion').detail).toMatch(/reply "/);
		const completion = gb.requests.slice(before).find(request => request.method === 'POST');
		expect(completion?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
	});

	it("a token Gemini Balance does not know is refused at the list, in Gemini Balance's words", async () => {
		const result = await runConnectionTest({
			name: 'gemini-balance',
			api_base_url: `${gb.url}/v1beta`,
			api_key: 'sk-wrong-token-000000000000',
			models: ['gemini-2.5-flash'],
			profile: 'gemini-balance-native',
		});
		expect(step(result, 'models')).toMatchObject({status: 'fail'});
		expect(step(result, 'models').detail).toMatch(/^token rejected \(HTTP 401/);
	});
});
