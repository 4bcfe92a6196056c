/**
 * Google says how long to wait in the error body, not in a header: a 429 RESOURCE_EXHAUSTED with a
 * `google.rpc.RetryInfo` detail. The retry loop must wait that delay (one key) or move to the next
 * key of the pool at once, the exhausted key resting that long. Waits go through the injected sleep.
 */
import {APIError} from '@anthropic-ai/sdk';
import {afterEach, describe, expect, test} from 'vitest';
import type {KeyStateChanged} from '../../source/activity/events.js';
import {fastTimings, recordingSleep} from '../faults/fault-kit.js';
import {geminiBalanceNativeError, geminiError} from '../../source/proxy/dialects/gemini/errors.js';
import {type GeminiAnswer, geminiNative} from '../fakes/gemini-native.js';
import {type Harness, startHarness} from '../helpers/proxy-harness.js';

/** The proxy's clock, fixed: a key's rest is asserted as an instant, not measured. */
const NOW = 1_800_000_000_000;
const KEYS = ['AIzaSy-retry-key-aaaa1111', 'AIzaSy-retry-key-bbbb2222'];
let h: Harness | undefined;
afterEach(async () => {
	await h?.close();
	h = undefined;
});

const exhausted = (retryDelay: string): GeminiAnswer => ({
	parts: [],
	status: 429,
	error: {
		code: 429,
		message: 'You exceeded your current quota, please check your plan and billing details.',
		status: 'RESOURCE_EXHAUSTED',
		details: [
			{'@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests'}]},
			{'@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay},
		],
	},
});

async function start(keys: string[], answers: (key: string, index: number) => GeminiAnswer, known?: string[]) {
	const {sleep, waits} = recordingSleep();
	const fake = geminiNative((request, index) => answers(String(request.headers['x-goog-api-key']), index), known ? {keys: known} : {});
	h = await startHarness({
		upstream: fake,
		timings: {...fastTimings, sleep, now: () => NOW},
		config: url => ({
			Providers: [{name: 'studio', api_base_url: `${url}/v1beta`, api_key: keys.length === 1 ? keys[0] : keys, models: ['gemini-2.5-flash'], profile: 'gemini-native'}],
			Router: {default: 'studio,gemini-2.5-flash'},
		}),
	});
	return {fake, waits};
}

const ask = () => h!.client.messages.create({model: 'claude-sonnet-5-5', max_tokens: 64, messages: [{role: 'user', content: 'hi'}]});

describe('RetryInfo drives the retry loop', () => {
	test('one key: the loop waits the 7 s Google asked for (recorded sleep), then the retry answers', async () => {
		const {fake, waits} = await start([KEYS[0]!], (_key, index) => (index === 0 ? exhausted('7s') : {parts: [{text: 'after the wait'}]}));
		const answer = await ask();
		expect(answer.content).toStrictEqual([{type: 'text', text: 'after the wait'}]);
		expect(fake.seen).toHaveLength(2);
		expect(waits).toStrictEqual([7000]);
	});

	test('a fractional delay is rounded up, never waited short ("1.5s" → 2 s)', async () => {
		const {waits} = await start([KEYS[0]!], (_key, index) => (index === 0 ? exhausted('1.5s') : {parts: [{text: 'ok'}]}));
		await ask();
		expect(waits).toStrictEqual([2000]);
	});

	test('a pool: the next key at once (no wait), the exhausted key rests for the 7 s', async () => {
		const {fake, waits} = await start(KEYS, key => (key === KEYS[0] ? exhausted('7s') : {parts: [{text: 'from key b'}]}));
		const answer = await ask();
		expect(answer.content).toStrictEqual([{type: 'text', text: 'from key b'}]);
		expect(fake.seen.map(request => request.headers['x-goog-api-key'])).toStrictEqual(KEYS);
		expect(waits).toStrictEqual([]);
		const cooling = h!.events.filter((event): event is KeyStateChanged => event.type === 'key:state' && event.state === 'cooling');
		expect(cooling.map(key => [key.label, key.until, key.status])).toStrictEqual([['••••1111', NOW + 7000, 429]]);
	});

	test('a delay beyond the cap is not waited for: 429 rate_limit_error at once, Retry-After from RetryInfo', async () => {
		const {fake, waits} = await start([KEYS[0]!], () => exhausted('3600s'));
		const error = await ask().then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(APIError);
		if (!(error instanceof APIError)) return;
		expect([error.status, (error.error as {error?: {type?: string}}).error?.type, error.headers?.get('retry-after')]).toStrictEqual([429, 'rate_limit_error', '3600']);
		expect(fake.seen).toHaveLength(1);
		expect(waits).toStrictEqual([]);
	});
});

describe("Google's invalid key (400 API_KEY_INVALID)", () => {
	test('a pool: the refused key is disabled and the next key answers at once, no wait', async () => {
		const {fake, waits} = await start(KEYS, () => ({parts: [{text: 'from key b'}]}), [KEYS[1]!]);
		const answer = await ask();
		expect(answer.content).toStrictEqual([{type: 'text', text: 'from key b'}]);
		expect(fake.seen.map(request => request.headers['x-goog-api-key'])).toStrictEqual(KEYS);
		expect(waits).toStrictEqual([]);
		const disabled = h!.events.filter((event): event is KeyStateChanged => event.type === 'key:state' && event.state === 'disabled');
		expect(disabled.map(key => [key.label, key.status])).toStrictEqual([['••••1111', 400]]);
	});

	test('one key: a 400 for Claude Code (not a 401 that would send it to /login) that says the key was refused, sent once', async () => {
		const {fake} = await start([KEYS[0]!], () => ({parts: [{text: 'never'}]}), [KEYS[1]!]);
		const error = await ask().then(
			() => undefined,
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(APIError);
		if (!(error instanceof APIError)) return;
		const body = error.error as {error?: {type?: string; message?: string}};
		expect([error.status, body.error?.type, error.headers?.get('x-should-retry')]).toStrictEqual([400, 'invalid_request_error', 'false']);
		expect(body.error?.message).toBe('upstream rejected the provider API key: API key not valid. Please pass a valid API key.');
		expect(fake.seen).toHaveLength(1);
	});
});

describe('whose key Google refused', () => {
	const body = JSON.stringify({
		error: {
			code: 400,
			message: 'API key not valid. Please pass a valid API key.',
			status: 'INVALID_ARGUMENT',
			details: [{'@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID'}],
		},
	});

	test("AI Studio: the provider's own key (the pool disables it)", () => {
		expect(geminiError(400, body, {provider: 'studio'}).keyRejected).toBe(true);
	});

	test("Gemini Balance's native path: one of its upstream keys, not ccr-tui's token (the pool keeps the token)", () => {
		const error = geminiBalanceNativeError(400, body, {provider: 'gemini-balance'});
		expect(error.keyRejected).toBeUndefined();
		expect([error.status, error.body.error.type]).toStrictEqual([400, 'invalid_request_error']);
	});
});
