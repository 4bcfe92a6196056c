import {afterEach, describe, expect, it} from 'vitest';
import {foldKeyEvent, type KeyHealthMap, type KeyStatus} from '../../source/activity/key-health.js';
import {byKey, keyOf, rateLimited} from '../fakes/faulty-upstream.js';
import {answer, fail, sequence} from '../fakes/openai-upstream.js';
import {startHarness, type Harness, type HarnessOptions} from '../helpers/proxy-harness.js';
import {fastTimings, outcome, params, recordFault, recordingSleep} from './fault-kit.js';

const POOL = ['sk-pool-key-aaaa1111', 'sk-pool-key-bbbb2222', 'sk-pool-key-cccc3333'] as const;
const [KEY_A, KEY_B, KEY_C] = POOL;

function poolConfig(keys: readonly string[] = POOL, extra: Record<string, unknown> = {}) {
	return (url: string) => ({
		Providers: [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: [...keys], models: ['up-model'], ...extra}],
		Router: {default: 'fake,up-model'},
	});
}

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

async function start(options: HarnessOptions): Promise<Harness> {
	harness = await startHarness({...options, timings: {...fastTimings, ...options.timings}});
	return harness;
}

/** The pool as the proxy's key events describe it: label, state and until only. */
function lastKeys(h: Harness): Array<Pick<KeyStatus, 'label' | 'state' | 'until'>> | undefined {
	let map: KeyHealthMap = {};
	for (const event of h.events) if (event.type === 'key:state' || event.type === 'key:pool') map = foldKeyEvent(map, event);
	return map['fake']?.map(({label, state, until}) => ({label, state, ...(until === undefined ? {} : {until})}));
}

describe('429 on a single key', () => {
	it('honours Retry-After (seconds) before the one retry, then answers', async () => {
		const {sleep, waits} = recordingSleep();
		const h = await start({upstream: sequence(rateLimited({retryAfter: '1'}), answer({text: 'after the wait'})), timings: {sleep}});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok && result.value.content[0]).toMatchObject({type: 'text', text: 'after the wait'});
		expect(h.upstreamRequests).toHaveLength(2);
		// The proxy's clock is injected: what it waited is asserted, not how long the machine took.
		expect(waits).toEqual([1000]);
		recordFault('429 + `Retry-After: 1`, single key', '200 answer (proxy waited 1 s, retried once)', result.ms);
	});

	it('honours retry-after-ms', async () => {
		const {sleep, waits} = recordingSleep();
		const h = await start({upstream: sequence(rateLimited({retryAfterMs: '150'}), answer({text: 'ok'})), timings: {sleep}});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok).toBe(true);
		expect(waits).toEqual([150]);
		recordFault('429 + `retry-after-ms: 150`, single key', '200 answer after one retry', result.ms);
	});

	it('without Retry-After: 2 backoff retries, then the real 429 reaches the client; the key is never silently rested', async () => {
		const {sleep, waits} = recordingSleep();
		const h = await start({upstream: rateLimited({message: 'Rate limit reached for requests (upstream wording)'}), timings: {sleep}});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result).toMatchObject({name: 'RateLimitError', status: 429, type: 'rate_limit_error'});
		expect(result.message).toContain('upstream wording');
		expect(h.upstreamRequests).toHaveLength(3);
		expect(waits).toHaveLength(2);
		recordFault('429 without Retry-After, single key (3 × 429)', '429 `rate_limit_error` with the upstream message, after 2 backoff retries', result.ms);

		// The only key is not "cooling": the next request goes upstream again and gets the real answer.
		h.upstream.setHandler(answer({text: 'recovered'}));
		const next = await outcome(() => h.client.messages.create(params));
		expect(next.ok).toBe(true);
		expect(h.upstreamRequests).toHaveLength(4);
	});

	it('a Retry-After longer than the cap is not waited for: 429 at once, Retry-After forwarded', async () => {
		const {sleep, waits} = recordingSleep();
		const h = await start({upstream: rateLimited({retryAfter: '120'}), timings: {sleep}});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, status: 429, type: 'rate_limit_error'});
		if (result.ok) return;
		expect(result.error.headers.get('retry-after')).toBe('120');
		expect(h.upstreamRequests).toHaveLength(1);
		expect(waits).toEqual([]);
		recordFault('429 + `Retry-After: 120` (> 60 s cap)', '429 at once, `retry-after: 120` forwarded (SDK/Claude Code wait)', result.ms);
	});
});

describe('key pool', () => {
	it('rotates to the next key on 429, rests the key for 60 s, then uses it again', async () => {
		let clock = 1_000_000;
		const h = await start({
			config: poolConfig(),
			timings: {now: () => clock},
			upstream: byKey({[KEY_A]: rateLimited()}, answer({text: 'from another key'})),
		});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok && result.value.content[0]).toMatchObject({text: 'from another key'});
		expect(h.upstreamRequests.map(keyOf)).toEqual([KEY_A, KEY_B]);
		recordFault('429 on key 1 of a 3-key pool', '200 answer from key 2 (no delay)', result.ms);

		// Masked health only.
		expect(lastKeys(h)).toEqual([
			{label: '••••1111', state: 'cooling', until: clock + 60_000},
			{label: '••••2222', state: 'ok'},
			{label: '••••3333', state: 'untested'},
		]);

		// While A rests, requests rotate over B and C only.
		h.upstream.setHandler(answer({text: 'ok'}));
		for (let index = 0; index < 4; index++) await h.client.messages.create(params);
		expect(h.upstreamRequests.slice(2).map(keyOf)).not.toContain(KEY_A);
		expect(new Set(h.upstreamRequests.slice(2).map(keyOf))).toEqual(new Set([KEY_B, KEY_C]));

		// Cooldown expiry.
		clock += 60_001;
		for (let index = 0; index < 3; index++) await h.client.messages.create(params);
		expect(h.upstreamRequests.slice(6).map(keyOf)).toContain(KEY_A);
		expect(lastKeys(h)?.map(key => key.state)).toEqual(['ok', 'ok', 'ok']);
	});

	it('a Retry-After on a pooled key rests it for that long', async () => {
		let clock = 5_000_000;
		const h = await start({config: poolConfig([KEY_A, KEY_B]), timings: {now: () => clock}, upstream: byKey({[KEY_A]: rateLimited({retryAfter: '7'})})});
		await h.client.messages.create(params);
		expect(lastKeys(h)?.[0]).toEqual({label: '••••1111', state: 'cooling', until: clock + 7000});
		clock += 7001;
		h.upstream.setHandler(answer({text: 'ok'}));
		await h.client.messages.create(params);
		await h.client.messages.create(params);
		expect(h.upstreamRequests.slice(2).map(keyOf)).toContain(KEY_A);
	});

	it('all keys rate-limited: 429 with the soonest retry-after; further requests answered at once without upstream calls', async () => {
		const clock = 2_000_000;
		const {sleep, waits} = recordingSleep();
		const h = await start({config: poolConfig(), timings: {now: () => clock, sleep}, upstream: rateLimited()});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, name: 'RateLimitError', status: 429, type: 'rate_limit_error'});
		if (result.ok) return;
		expect(h.upstreamRequests.map(keyOf)).toEqual([KEY_A, KEY_B, KEY_C]);
		expect(Number(result.error.headers.get('retry-after'))).toBe(60);
		recordFault('429 on every key of a 3-key pool', '429 `rate_limit_error`, `retry-after: 60`', result.ms);

		const waited = waits.length;
		const again = await outcome(() => h.client.messages.create(params));
		expect(again).toMatchObject({ok: false, status: 429, type: 'rate_limit_error'});
		if (again.ok) return;
		expect(again.message).toMatch(/all 3 keys .*rate-limited/);
		// Answered from the pool's state: no upstream call and no wait.
		expect(h.upstreamRequests).toHaveLength(3);
		expect(waits).toHaveLength(waited);
		recordFault('request while all pool keys cool down', '429 at once (no upstream call), says when a key is free', again.ms);
	});

	it('401 disables a key until the provider config changes', async () => {
		const h = await start({config: poolConfig([KEY_A, KEY_B]), upstream: byKey({[KEY_A]: fail(401, 'invalid api key')}, answer({text: 'ok'}))});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok).toBe(true);
		expect(lastKeys(h)?.[0]).toEqual({label: '••••1111', state: 'disabled'});
		recordFault('401 on key 1 of a 2-key pool', '200 answer from key 2; key 1 disabled', result.ms);
		for (let index = 0; index < 3; index++) await h.client.messages.create(params);
		expect(h.upstreamRequests.slice(2).map(keyOf)).toEqual([KEY_B, KEY_B, KEY_B]);

		// Editing the provider (here: its models) gives disabled keys another chance.
		h.store.update(draft => {
			(draft['Providers'] as Array<Record<string, unknown>>)[0]!['models'] = ['up-model', 'new-model'];
		});
		h.upstream.setHandler(answer({text: 'ok'}));
		await h.client.messages.create(params);
		await h.client.messages.create(params);
		expect(h.upstreamRequests.slice(5).map(keyOf)).toContain(KEY_A);
	});

	it('every key rejected: 401 authentication_error telling the user to fix api_key', async () => {
		const h = await start({config: poolConfig([KEY_A, KEY_B]), upstream: fail(401, 'invalid api key')});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, name: 'AuthenticationError', status: 401, type: 'authentication_error'});
		if (result.ok) return;
		expect(result.message).toMatch(/api_key/);
		recordFault('401 on every key of a pool', '401 `authentication_error` "fix api_key in the config"', result.ms);
	});
});
