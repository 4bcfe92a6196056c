import {describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import type {KeyHealth} from '../../source/activity/events.js';
import {providerSchema, type ProviderConfig} from '../../source/config/schema.js';
import {KeyPools, providerKeys} from '../../source/proxy/key-pool.js';

const keys = ['sk-pool-key-aaaa1111', 'sk-pool-key-bbbb2222', 'sk-pool-key-cccc3333'];

function provider(apiKey: string | string[] | undefined, extra: Record<string, unknown> = {}): ProviderConfig {
	return providerSchema.parse({name: 'p', api_base_url: 'http://127.0.0.1:1/v1', models: ['m'], ...(apiKey === undefined ? {} : {api_key: apiKey}), ...extra});
}

function setup() {
	let now = 1_000_000;
	const bus = new ActivityBus();
	const health: KeyHealth[] = [];
	bus.on(event => {
		if (event.type === 'keys') health.push(event);
	});
	const pools = new KeyPools(bus, () => now);
	return {pools, health, advance: (ms: number) => (now += ms), now: () => now};
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

	it('a 429 rests a key for the given time, then it comes back', () => {
		const {pools, advance, health} = setup();
		const config = provider(keys);
		expect(pools.coolDown(config, keys[0], 30_000)).toBe(true);
		expect([1, 2, 3].map(() => pickKey(pools, config))).toEqual([keys[1], keys[2], keys[1]]);
		expect(health.at(-1)?.keys).toEqual([
			{suffix: '••••1111', state: 'cooling', until: expect.any(Number)},
			{suffix: '••••2222', state: 'ok'},
			{suffix: '••••3333', state: 'ok'},
		]);
		advance(30_001);
		const after = [1, 2, 3].map(() => pickKey(pools, config));
		expect(after).toContain(keys[0]);
		expect(health.at(-1)?.keys[0]).toEqual({suffix: '••••1111', state: 'ok'});
	});

	it('all keys resting → exhausted with the time until the first is usable', () => {
		const {pools} = setup();
		const config = provider(keys.slice(0, 2));
		pools.coolDown(config, keys[0], 60_000);
		pools.coolDown(config, keys[1], 20_000);
		const pick = pools.pick(config);
		expect(pick).toMatchObject({kind: 'exhausted', reason: 'cooling', retryAfterMs: 20_000});
		if (pick.kind === 'exhausted') expect(pick.message).toMatch(/all 2 keys of provider "p" are rate-limited/);
	});

	it('401/403 disables a key until the provider config changes', () => {
		const {pools} = setup();
		const config = provider(keys.slice(0, 2));
		pools.disable(config, keys[0]);
		expect([1, 2].map(() => pickKey(pools, config))).toEqual([keys[1], keys[1]]);
		pools.disable(config, keys[1]);
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
		expect(pools.coolDown(config, 'sk-single-key-0000', 60_000)).toBe(false);
		expect(pools.disable(config, 'sk-single-key-0000')).toBe(false);
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
		pools.coolDown(config, keys[0], 60_000);
		pools.succeeded(config, keys[0]);
		expect(pools.health(config).map(key => key.state)).toEqual(['ok', 'ok']);
	});

	it('never reports a key in clear', () => {
		const {pools, health} = setup();
		const config = provider(keys);
		pools.coolDown(config, keys[1], 1000);
		pools.disable(config, keys[2]);
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
