/**
 * Provider key pools. `api_key` may be one key or a list: requests go round-robin over the healthy
 * keys; a 429 rests a key (for `Retry-After`, else the cooldown) and the next key is tried; a 5xx
 * rests it for as long as the retry waits (others are preferred meanwhile, but a request is never
 * refused for such a rest alone); a 401/403 disables it until the provider's config
 * changes. A provider with a single key is never rested or disabled: hiding its real error behind
 * "key cooling down" would only confuse. Every change of a key is a `key:state` activity event
 * (masked label, reason, status, until, the redacted error); a rebuilt pool is a `key:pool` event.
 */
import type {ActivityBus} from '../activity/bus.js';
import {troubleOf, type KeyStatus} from '../activity/key-health.js';
import type {KeyTrouble} from '../activity/events.js';
import {providerKeys} from '../config/provider-keys.js';
import type {ProviderConfig} from '../config/schema.js';
import {maskSecret} from '../config/redact.js';
import {formatSeconds} from '../text/format.js';

type KeyState = {
	readonly key: string;
	readonly index: number;
	readonly label: string;
	coolingUntil: number;
	disabled: boolean;
	/** Answered at least once (the first answer is reported, later ones are not). */
	answered: boolean;
	reason?: KeyTrouble;
	status?: number;
	error?: {message: string; at: number; status: number};
};

type Pool = {signature: string; keys: KeyState[]; cursor: number};

/** What the upstream answered that made the pool rest or disable a key. */
export type KeyFailure = {readonly status: number; readonly message: string};

export type KeyPick =
	/** `key` is undefined for keyless providers (Ollama). */
	| {readonly kind: 'key'; readonly key: string | undefined; readonly suffix?: string; readonly pooled: boolean}
	| {readonly kind: 'exhausted'; readonly reason: 'cooling' | 'disabled'; readonly retryAfterMs?: number; readonly message: string};

/** Longest upstream error text kept for the panel. */
const ERROR_CHARS = 240;

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
			return {kind: 'key', key: only.key, suffix: only.label, pooled: false};
		}

		const now = this.#now();
		for (const state of pool.keys) {
			if (state.coolingUntil !== 0 && state.coolingUntil <= now) this.#recover(provider.name, state);
		}

		for (let step = 0; step < pool.keys.length; step++) {
			const index = (pool.cursor + step) % pool.keys.length;
			const state = pool.keys[index]!;
			if (state.disabled || state.coolingUntil > now || avoid.has(state.key)) continue;
			pool.cursor = (index + 1) % pool.keys.length;
			return {kind: 'key', key: state.key, suffix: state.label, pooled: true};
		}

		// A 5xx says little about the key: its rest only makes the others preferred, it never refuses a request.
		const resting = pool.keys.filter(state => !state.disabled && state.reason === 'server-error' && !avoid.has(state.key));
		const soonest = resting.sort((a, b) => a.coolingUntil - b.coolingUntil)[0];
		if (soonest) return {kind: 'key', key: soonest.key, suffix: soonest.label, pooled: true};
		return exhausted(provider.name, pool, now);
	}

	/** A 429 or 5xx on a pooled key: rest it. Returns false for single-key providers (nothing rested). */
	coolDown(provider: ProviderConfig, key: string | undefined, ms: number, failure: KeyFailure): boolean {
		const state = this.#find(provider, key);
		if (!state) return false;
		state.coolingUntil = this.#now() + ms;
		this.#fail(provider.name, state, failure);
		return true;
	}

	/** A 401/403 on a pooled key: disable it until the provider's config changes. */
	disable(provider: ProviderConfig, key: string | undefined, failure: KeyFailure): boolean {
		const state = this.#find(provider, key);
		if (!state) return false;
		state.disabled = true;
		this.#fail(provider.name, state, failure);
		return true;
	}

	/** Healthy answer: reported the first time, and when the key had been resting. */
	succeeded(provider: ProviderConfig, key: string | undefined): void {
		const state = this.#find(provider, key);
		if (!state || (state.answered && state.coolingUntil === 0)) return;
		state.answered = true;
		this.#recover(provider.name, state);
	}

	/**
	 * The config changed: pools of changed or removed providers are dropped now (a changed pool
	 * is announced as `key:pool`), so the panel does not keep showing a key disabled that the next
	 * request will use again.
	 */
	sync(providers: readonly ProviderConfig[]): void {
		const byName = new Map(providers.map(provider => [provider.name, provider]));
		for (const [name, pool] of this.#pools) {
			const provider = byName.get(name);
			if (!provider) this.#pools.delete(name);
			else if (pool.signature !== signatureOf(provider)) this.#pool(provider);
		}
	}

	/** The pool as the panel would show it (tests and the headless log). */
	health(provider: ProviderConfig): KeyStatus[] {
		const now = this.#now();
		return this.#pool(provider).keys.map(state => statusOf(state, now));
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
		const keys = providerKeys(provider).map((key, index) => ({key, index, label: maskSecret(key), coolingUntil: 0, disabled: false, answered: false}));
		const pool: Pool = {signature, keys, cursor: 0};
		this.#pools.set(provider.name, pool);
		if (keys.length > 1) this.#bus.emit({type: 'key:pool', at: this.#now(), provider: provider.name, labels: keys.map(state => state.label)});
		return pool;
	}

	#fail(provider: string, state: KeyState, failure: KeyFailure): void {
		const at = this.#now();
		state.reason = troubleOf(failure.status);
		state.status = failure.status;
		state.error = {message: failure.message.slice(0, ERROR_CHARS), at, status: failure.status};
		this.#emit(provider, state, {error: state.error.message});
	}

	#recover(provider: string, state: KeyState): void {
		state.coolingUntil = 0;
		state.reason = undefined;
		state.status = undefined;
		this.#emit(provider, state, {});
	}

	#emit(provider: string, state: KeyState, extra: {error?: string}): void {
		const status = statusOf(state, this.#now());
		const {lastError: _lastError, ...shown} = status;
		this.#bus.emit({type: 'key:state', at: this.#now(), provider, ...shown, state: status.state === 'untested' ? 'ok' : status.state, ...extra});
	}
}

function statusOf(state: KeyState, now: number): KeyStatus {
	const base = {index: state.index, label: state.label};
	const lastError = state.error ? {lastError: state.error} : {};
	const why = {...(state.reason ? {reason: state.reason} : {}), ...(state.status === undefined ? {} : {status: state.status})};
	if (state.disabled) return {...base, state: 'disabled', ...why, ...lastError};
	if (state.coolingUntil > now) return {...base, state: 'cooling', until: state.coolingUntil, ...why, ...lastError};
	return {...base, state: state.answered || state.error ? 'ok' : 'untested', ...lastError};
}

/** Every usable key rests or is refused: when the first is usable again, and why, in words. */
function exhausted(name: string, pool: Pool, now: number): KeyPick {
	const cooling = pool.keys.filter(state => !state.disabled && state.coolingUntil > now);
	if (cooling.length > 0) {
		const soonest = Math.min(...cooling.map(state => state.coolingUntil));
		const statuses = [...new Set(cooling.map(state => state.status).filter(status => status !== undefined))].sort();
		const why = statuses.length === 1 && statuses[0] === 429 ? 'are rate-limited (429)' : `are resting after errors (${statuses.join(', ')})`;
		return {
			kind: 'exhausted',
			reason: 'cooling',
			retryAfterMs: Math.max(0, soonest - now),
			message: `all ${pool.keys.length} keys of provider "${name}" ${why}; the first is usable again in ${formatSeconds(Math.ceil((soonest - now) / 1000) * 1000)}`,
		};
	}

	if (pool.keys.every(state => state.disabled)) {
		return {kind: 'exhausted', reason: 'disabled', message: `every key of provider "${name}" was rejected by the upstream (401/403); fix api_key in the config`};
	}

	// The remaining keys were already tried for this request.
	return {kind: 'exhausted', reason: 'cooling', message: `every key of provider "${name}" failed for this request`};
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
