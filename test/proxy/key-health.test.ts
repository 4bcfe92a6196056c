import {afterEach, describe, expect, it} from 'vitest';
import type {KeyStateChanged} from '../../source/activity/events.js';
import {byKey, keyOf, rateLimited} from '../fakes/faulty-upstream.js';
import {answer, fail} from '../fakes/openai-upstream.js';
import {startHarness, type FakeUpstreamHandler, type Harness} from '../helpers/proxy-harness.js';
import {fastTimings, outcome, params, recordingSleep} from '../faults/fault-kit.js';

const [KEY_A, KEY_B, KEY_C] = ['sk-health-key-aaaa1111', 'sk-health-key-bbbb2222', 'sk-health-key-cccc3333'] as const;

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

function keyEvents(h: Harness): KeyStateChanged[] {
	return h.events.filter((event): event is KeyStateChanged => event.type === 'key:state');
}

async function start(keys: readonly string[], upstream: FakeUpstreamHandler, clock: () => number): Promise<Harness> {
	const {sleep} = recordingSleep();
	harness = await startHarness({
		upstream,
		timings: {...fastTimings, now: clock, sleep},
		config: url => ({Providers: [{name: 'pool', api_base_url: `${url}/v1/chat/completions`, api_key: [...keys], models: ['up-model']}], Router: {default: 'pool,up-model'}}),
	});
	return harness;
}

describe('per-key health events from the proxy', () => {
	it('429 with Retry-After → cooling until (injected clock) with reason, status and the upstream words; 401 → disabled; the answering key → ok', async () => {
		const clock = 1_800_000_000_000;
		const h = await start(
			[KEY_A, KEY_B, KEY_C],
			byKey({
				[KEY_A]: rateLimited({retryAfter: '42', message: 'Quota exceeded for requests per minute'}),
				// A strict upstream that echoes the key it refused: the event must not carry it.
				[KEY_B]: fail(401, `Incorrect API key provided: ${KEY_B}`),
			}),
			() => clock,
		);
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok).toBe(true);
		expect(h.upstreamRequests.map(keyOf)).toEqual([KEY_A, KEY_B, KEY_C]);
		const events = keyEvents(h);
		expect(events).toEqual([
			{
				type: 'key:state',
				at: clock,
				provider: 'pool',
				index: 0,
				label: '••••1111',
				state: 'cooling',
				reason: 'rate-limited',
				status: 429,
				until: clock + 42_000,
				error: expect.stringContaining('Quota exceeded for requests per minute'),
			},
			{
				type: 'key:state',
				at: clock,
				provider: 'pool',
				index: 1,
				label: '••••2222',
				state: 'disabled',
				reason: 'rejected',
				status: 401,
				error: expect.stringContaining('Incorrect API key'),
			},
			{type: 'key:state', at: clock, provider: 'pool', index: 2, label: '••••3333', state: 'ok'},
		]);
		expect(JSON.stringify(h.events)).not.toContain(KEY_B);
		expect(JSON.stringify(h.events)).not.toContain('bbbb2222');

		// The activity store aggregates them for the panel: one status per key, in pool order.
		await expect.poll(() => h.activity.getSnapshot().keys['pool']?.map(key => key.state)).toEqual(['cooling', 'disabled', 'ok']);
		expect(h.activity.getSnapshot().keys['pool']?.[1]).toMatchObject({label: '••••2222', lastError: {status: 401, at: clock}});
	});

	it('a 5xx on a pooled key rests it as a server error; when every key fails the client gets the upstream error, not a pool summary', async () => {
		let clock = 1_800_000_000_000;
		const h = await start([KEY_A, KEY_B], byKey({[KEY_A]: fail(503, 'upstream overloaded')}, answer({text: 'from b'})), () => clock);
		const first = await outcome(() => h.client.messages.create(params));
		expect(first.ok).toBe(true);
		expect(keyEvents(h)[0]).toMatchObject({index: 0, state: 'cooling', reason: 'server-error', status: 503, error: expect.stringContaining('upstream overloaded')});
		expect(keyEvents(h)[0]?.until).toBeGreaterThan(clock);

		clock += 120_000;
		h.upstream.setHandler(fail(503, 'upstream overloaded'));
		const failed = await outcome(() => h.client.messages.create(params));
		expect(failed).toMatchObject({ok: false, status: 529, type: 'overloaded_error'});
		if (!failed.ok) expect(failed.message).toContain('upstream overloaded');
	});

	it('a provider edit announces the rebuilt pool (every key untested) without waiting for a request', async () => {
		const h = await start([KEY_A, KEY_B], byKey({[KEY_A]: fail(401, 'invalid api key')}), () => 1_800_000_000_000);
		await h.client.messages.create(params);
		await expect.poll(() => h.activity.getSnapshot().keys['pool']?.map(key => key.state)).toEqual(['disabled', 'ok']);
		h.store.update(raw => {
			(raw['Providers'] as Array<Record<string, unknown>>)[0]!['api_key'] = [KEY_A, KEY_C];
		});
		await expect.poll(() => h.activity.getSnapshot().keys['pool']?.map(key => `${key.label} ${key.state}`)).toEqual(['••••1111 untested', '••••3333 untested']);
	});
});
