import {describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import type {KeyStateChanged} from '../../source/activity/events.js';
import {providerSchema, type ProviderConfig} from '../../source/config/schema.js';
import {providerKeys} from '../../source/config/provider-keys.js';
import {KeyPools} from '../../source/proxy/key-pool.js';

const keys = ['sk-pool-key-aaaa1111', 'sk-pool-key-bbbb2222', 'sk-pool-key-cccc3333'];

function provider(apiKey: string | string[] | undefined, extra: Record<string, unknown> = {}): ProviderConfig {
	return providerSchema.parse({name: 'p', api_base_url: 'http://127.0.0.1:1/v1', models: ['m'], ...(apiKey === undefined ? {} : {api_key: apiKey}), ...extra});
}

function setup() {
	let now = 1_000_000;
	const bus = new ActivityBus();
	const health: KeyStateChanged[] = [];
	const resets: string[][] = [];
	bus.on(event => {
		if (event.type === 'key:state') health.push(event);
		if (event.type === 'key:pool') resets.push([...event.labels]);
	});
	const pools = new KeyPools(bus, () => now);
	return {pools, health, resets, advance: (ms: number) => (now += ms), now: () => now};
}

function pickKey(pools: KeyPools, config: ProviderConfig, avoid?: Set<string>): string | undefined {
	const pick = pools.pick(config, avoid);
	if (pick.kind !== 'key') throw new Error(`exhausted: ${pick.message}`);
	return pick.key;
}

describe('KeyPools', () => {
	it('round-robins over the keys', () => {
		const {pools} = setup();
		const config = provider(keys);
		expect([1, 2, 3, 4].map(() => pickKey(pools, config))).toEqual([keys[0], keys[1], keys[2], keys[0]]);
	});

	it('a 429 rests a key for the given time, then it comes back; each change is one masked key event', () => {
		const {pools, advance, health, now} = setup();
		const config = provider(keys);
		expect(pools.coolDown(config, keys[0], 30_000, {status: 429, message: 'quota exceeded'})).toBe(true);
		expect([1, 2, 3].map(() => pickKey(pools, config))).toEqual([keys[1], keys[2], keys[1]]);
		expect(health[0]).toEqual({
			type: 'key:state',
			at: now(),
			provider: 'p',
			index: 0,
			label: '••••1111',
			state: 'cooling',
			reason: 'rate-limited',
			status: 429,
			until: now() + 30_000,
			error: 'quota exceeded',
		});
		expect(pools.health(config).map(key => key.state)).toEqual(['cooling', 'untested', 'untested']);
		advance(30_001);
		const after = [1, 2, 3].map(() => pickKey(pools, config));
		expect(after).toContain(keys[0]);
		expect(health.at(-1)).toEqual({type: 'key:state', at: now(), provider: 'p', index: 0, label: '••••1111', state: 'ok'});
		// The last error stays with the key after it recovers.
		expect(pools.health(config)[0]).toMatchObject({state: 'ok', lastError: {status: 429, message: 'quota exceeded'}});
	});

	it('a 5xx rests a key as a server error; the first answer of a key is reported once', () => {
		const {pools, health} = setup();
		const config = provider(keys.slice(0, 2));
		pools.succeeded(config, keys[1]);
		pools.succeeded(config, keys[1]);
		expect(health.map(event => [event.index, event.state])).toEqual([[1, 'ok']]);
		pools.coolDown(config, keys[0], 500, {status: 503, message: 'overloaded'});
		expect(health.at(-1)).toMatchObject({index: 0, state: 'cooling', reason: 'server-error', status: 503});
		// The other key is preferred while it rests…
		expect(pickKey(pools, config)).toBe(keys[1]);
		// …but such a rest never refuses a request: with the other key refused, the resting one is used.
		pools.disable(config, keys[1], {status: 401, message: 'invalid api key'});
		expect(pickKey(pools, config)).toBe(keys[0]);
	});

	it('all keys resting → exhausted with the time until the first is usable', () => {
		const {pools} = setup();
		const config = provider(keys.slice(0, 2));
		pools.coolDown(config, keys[0], 60_000, {status: 429, message: 'slow down'});
		pools.coolDown(config, keys[1], 20_000, {status: 429, message: 'slow down'});
		const pick = pools.pick(config);
		expect(pick).toMatchObject({kind: 'exhausted', reason: 'cooling', retryAfterMs: 20_000});
		if (pick.kind === 'exhausted') expect(pick.message).toMatch(/all 2 keys of provider "p" are rate-limited/);
	});

	it('401/403 disables a key until the provider config changes', () => {
		const {pools} = setup();
		const config = provider(keys.slice(0, 2));
		pools.disable(config, keys[0], {status: 401, message: 'invalid api key'});
		expect([1, 2].map(() => pickKey(pools, config))).toEqual([keys[1], keys[1]]);
		pools.disable(config, keys[1], {status: 403, message: 'forbidden'});
		expect(pools.pick(config)).toMatchObject({kind: 'exhausted', reason: 'disabled', message: expect.stringContaining('fix api_key')});
		// A new config object with the same content keeps the state; a changed one resets it.
		expect(pools.pick(provider(keys.slice(0, 2)))).toMatchObject({kind: 'exhausted'});
		expect(pickKey(pools, provider([...keys.slice(0, 2), keys[2]!]))).toBe(keys[0]);
	});

	it('keys already tried for this request are skipped', () => {
		const {pools} = setup();
		const config = provider(keys.slice(0, 2));
		expect(pickKey(pools, config, new Set([keys[0]!]))).toBe(keys[1]);
		expect(pools.pick(config, new Set(keys))).toMatchObject({kind: 'exhausted'});
	});

	it('a single key is never rested or disabled (its real error must surface)', () => {
		const {pools, health} = setup();
		const config = provider('sk-single-key-0000');
		expect(pools.coolDown(config, 'sk-single-key-0000', 60_000, {status: 429, message: 'x'})).toBe(false);
		expect(pools.disable(config, 'sk-single-key-0000', {status: 401, message: 'x'})).toBe(false);
		expect(pools.pick(config)).toEqual({kind: 'key', key: 'sk-single-key-0000', suffix: '••••0000', pooled: false});
		expect(health).toEqual([]);
	});

	it('keyless providers get no key', () => {
		const {pools} = setup();
		expect(pools.pick(provider(undefined))).toEqual({kind: 'key', key: undefined, pooled: false});
	});

	it('success clears a rest early', () => {
		const {pools} = setup();
		const config = provider(keys.slice(0, 2));
		pools.coolDown(config, keys[0], 60_000, {status: 429, message: 'x'});
		pools.succeeded(config, keys[0]);
		expect(pools.health(config).map(key => key.state)).toEqual(['ok', 'untested']);
	});

	it('a config change rebuilds the pool at once and announces it (every key untested again)', () => {
		const {pools, resets} = setup();
		const config = provider(keys.slice(0, 2));
		pools.disable(config, keys[0], {status: 401, message: 'invalid api key'});
		expect(resets).toEqual([['••••1111', '••••2222']]);
		pools.sync([provider(keys.slice(0, 2))]);
		expect(resets).toHaveLength(1);
		pools.sync([provider([keys[0]!, keys[2]!])]);
		expect(resets.at(-1)).toEqual(['••••1111', '••••3333']);
		expect(pools.health(provider([keys[0]!, keys[2]!])).map(key => key.state)).toEqual(['untested', 'untested']);
	});

	it('never reports a key in clear', () => {
		const {pools, health} = setup();
		const config = provider(keys);
		pools.coolDown(config, keys[1], 1000, {status: 429, message: 'x'});
		pools.disable(config, keys[2], {status: 401, message: 'x'});
		expect(JSON.stringify(health)).not.toMatch(/sk-pool/);
	});
});

describe('providerKeys', () => {
	it('accepts a string or a list; drops blanks, duplicates and unresolved $VARs', () => {
		expect(providerKeys(provider('one-key-000000'))).toEqual(['one-key-000000']);
		expect(providerKeys(provider(['a-key-1111111', ' ', 'a-key-1111111', '$MISSING_KEY', '${ALSO_MISSING}', 'b-key-2222222']))).toEqual(['a-key-1111111', 'b-key-2222222']);
		expect(providerKeys(provider(undefined))).toEqual([]);
	});
});
