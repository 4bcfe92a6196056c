/**
 * Provider key pools. `api_key` may be one key or a list: requests go round-robin over the healthy
 * keys; a 429 rests a key (for `Retry-After`, else the cooldown) and the next key is tried; a
 * 401/403 disables a key until the provider's config changes. A provider with a single key is never
 * rested or disabled: hiding its real error behind "key cooling down" would only confuse.
 * State is reported as `keys` activity events with masked suffixes only.
 */
import {isEnvRef} from '../config/env-refs.js';
import type {ActivityBus} from '../activity/bus.js';
import type {KeyHealth} from '../activity/events.js';
import type {ProviderConfig} from '../config/schema.js';
import {maskSecret} from '../config/redact.js';
import {formatSeconds} from '../text/format.js';

type KeyState = {readonly key: string; coolingUntil: number; disabled: boolean};

type Pool = {signature: string; keys: KeyState[]; cursor: number};

export type KeyPick =
	/** `key` is undefined for keyless providers (Ollama). */
	| {readonly kind: 'key'; readonly key: string | undefined; readonly suffix?: string; readonly pooled: boolean}
	| {readonly kind: 'exhausted'; readonly reason: 'cooling' | 'disabled'; readonly retryAfterMs?: number; readonly message: string};

export class KeyPools {
	readonly #pools = new Map<string, Pool>();
	readonly #bus: ActivityBus;
	readonly #now: () => number;

	constructor(bus: ActivityBus, now: () => number = Date.now) {
		this.#bus = bus;
		this.#now = now;
	}

	/** The next healthy key, round-robin; `avoid` skips keys already tried for this request. */
	pick(provider: ProviderConfig, avoid: ReadonlySet<string> = new Set()): KeyPick {
		const pool = this.#pool(provider);
		if (pool.keys.length === 0) return {kind: 'key', key: undefined, pooled: false};
		if (pool.keys.length === 1) {
			const only = pool.keys[0]!;
			return {kind: 'key', key: only.key, suffix: maskSecret(only.key), pooled: false};
		}

		const now = this.#now();
		let recovered = false;
		for (const state of pool.keys) {
			if (state.coolingUntil !== 0 && state.coolingUntil <= now) {
				state.coolingUntil = 0;
				recovered = true;
			}
		}

		if (recovered) this.#publish(provider.name, pool);
		for (let step = 0; step < pool.keys.length; step++) {
			const index = (pool.cursor + step) % pool.keys.length;
			const state = pool.keys[index]!;
			if (state.disabled || state.coolingUntil > now || avoid.has(state.key)) continue;
			pool.cursor = (index + 1) % pool.keys.length;
			return {kind: 'key', key: state.key, suffix: maskSecret(state.key), pooled: true};
		}

		const cooling = pool.keys.filter(state => !state.disabled && state.coolingUntil > now);
		if (cooling.length > 0) {
			const soonest = Math.min(...cooling.map(state => state.coolingUntil));
			return {
				kind: 'exhausted',
				reason: 'cooling',
				retryAfterMs: Math.max(0, soonest - now),
				message: `all ${pool.keys.length} keys of provider "${provider.name}" are rate-limited (429); the first is usable again in ${formatSeconds(Math.ceil((soonest - now) / 1000) * 1000)}`,
			};
		}

		const disabled = pool.keys.filter(state => state.disabled).length;
		if (disabled === pool.keys.length) {
			return {
				kind: 'exhausted',
				reason: 'disabled',
				message: `every key of provider "${provider.name}" was rejected by the upstream (401/403); fix api_key in the config`,
			};
		}

		// The remaining keys were already tried for this request.
		return {kind: 'exhausted', reason: 'cooling', message: `every key of provider "${provider.name}" failed for this request`};
	}

	/** A 429 on a pooled key: rest it. Returns false for single-key providers (nothing rested). */
	coolDown(provider: ProviderConfig, key: string | undefined, ms: number): boolean {
		const state = this.#find(provider, key);
		if (!state) return false;
		state.coolingUntil = this.#now() + ms;
		this.#publish(provider.name, this.#pool(provider));
		return true;
	}

	/** A 401/403 on a pooled key: disable it until the provider's config changes. */
	disable(provider: ProviderConfig, key: string | undefined): boolean {
		const state = this.#find(provider, key);
		if (!state) return false;
		state.disabled = true;
		this.#publish(provider.name, this.#pool(provider));
		return true;
	}

	/** Healthy answer: a key that had been resting is fine again. */
	succeeded(provider: ProviderConfig, key: string | undefined): void {
		const state = this.#find(provider, key);
		if (!state || state.coolingUntil === 0) return;
		state.coolingUntil = 0;
		this.#publish(provider.name, this.#pool(provider));
	}

	health(provider: ProviderConfig): KeyHealth['keys'] {
		return describe(this.#pool(provider), this.#now());
	}

	#find(provider: ProviderConfig, key: string | undefined): KeyState | undefined {
		const pool = this.#pool(provider);
		if (key === undefined || pool.keys.length < 2) return undefined;
		return pool.keys.find(state => state.key === key);
	}

	#pool(provider: ProviderConfig): Pool {
		// Any change to the provider (keys, URL, headers) resets its pool: "disabled until the config changes".
		const signature = signatureOf(provider);
		const existing = this.#pools.get(provider.name);
		if (existing?.signature === signature) return existing;
		const keys = providerKeys(provider);
		const pool: Pool = {signature, keys: keys.map(key => ({key, coolingUntil: 0, disabled: false})), cursor: 0};
		this.#pools.set(provider.name, pool);
		if (existing && keys.length > 1) this.#publish(provider.name, pool);
		return pool;
	}

	#publish(provider: string, pool: Pool): void {
		this.#bus.emit({type: 'keys', provider, keys: describe(pool, this.#now())});
	}
}

/** `api_key` as a list of usable keys (empty strings and unresolved `$VARS` dropped). */
export function providerKeys(provider: ProviderConfig): string[] {
	const raw = provider.api_key;
	const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
	return [...new Set(list.map(key => key.trim()).filter(key => key !== '' && !isEnvRef(key)))];
}

function describe(pool: Pool, now: number): KeyHealth['keys'] {
	return pool.keys.map(state => {
		const suffix = maskSecret(state.key);
		if (state.disabled) return {suffix, state: 'disabled' as const};
		if (state.coolingUntil > now) return {suffix, state: 'cooling' as const, until: state.coolingUntil};
		return {suffix, state: 'ok' as const};
	});
}

/** Config snapshots are immutable (a change makes new objects): one JSON.stringify per provider object, not per request. */
const signatures = new WeakMap<ProviderConfig, string>();
function signatureOf(provider: ProviderConfig): string {
	let signature = signatures.get(provider);
	if (signature === undefined) {
		signature = JSON.stringify(provider);
		signatures.set(provider, signature);
	}

	return signature;
}
