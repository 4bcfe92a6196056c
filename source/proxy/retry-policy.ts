/**
 * The pure half of the one retry loop: what a failed attempt means (retry the same target? move
 * to the next fallback? give up?) and how long to wait. The loop itself is in upstream-call.ts.
 */
import type {ProviderConfig} from '../config/schema.js';
import {DEFAULT_MAX_RETRIES, type ProxyTimings} from './timings.js';

/** Why one attempt did not produce an answer. */
export type AttemptFailure =
	| {readonly kind: 'http'; readonly status: number; readonly retryAfterMs?: number; readonly opaque?: boolean}
	| {readonly kind: 'network'; readonly code: string}
	| {readonly kind: 'connect-timeout'}
	| {readonly kind: 'first-byte-timeout'}
	| {readonly kind: 'deadline'}
	/** The proxy is closing: no retry, no fallback. */
	| {readonly kind: 'shutdown'};

/**
 * Same target again (with backoff)? Only transient failures: 408, 409, 429, 5xx and network
 * errors. A first-byte timeout already waited as long as we accept, so it moves on instead.
 */
export function isRetryable(failure: AttemptFailure): boolean {
	switch (failure.kind) {
		case 'http': {
			return failure.status === 408 || failure.status === 409 || failure.status === 429 || failure.status >= 500;
		}

		case 'network':
		case 'connect-timeout': {
			return true;
		}

		default: {
			return false;
		}
	}
}

/** Next fallback target? On 429, 5xx, network errors and timeouts (before any byte was sent). */
export function allowsFallback(failure: AttemptFailure): boolean {
	if (failure.kind === 'http') return failure.status === 408 || failure.status === 429 || failure.status >= 500;
	return failure.kind !== 'deadline' && failure.kind !== 'shutdown';
}

/** Retries per target: the provider's `max_retries`, else 0 for Gemini Balance (it retries itself), else 2. */
export function maxRetriesFor(provider: ProviderConfig, profileName: string): number {
	if (provider.max_retries !== undefined) return provider.max_retries;
	return profileName === 'gemini-balance' || profileName === 'gemini-balance-native' ? 0 : DEFAULT_MAX_RETRIES;
}

/**
 * Delay before retry number `retry` (0-based): the upstream's Retry-After when it gave one, else
 * base × 2^retry capped, ±20 % jitter. Undefined when Retry-After asks for more than we wait.
 */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, timings: ProxyTimings): number | undefined {
	if (retryAfterMs !== undefined) return retryAfterMs <= timings.retryAfterCapMs ? retryAfterMs : undefined;
	const exponential = Math.min(timings.retryMaxDelayMs, timings.retryBaseDelayMs * 2 ** retry);
	const jitter = 1 + (timings.random() * 0.4 - 0.2);
	return Math.round(exponential * jitter);
}

/** `Retry-After` (seconds or an HTTP date) or `retry-after-ms`, in ms; undefined when absent or bad. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
	const ms = first(headers['retry-after-ms']);
	if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
	const value = first(headers['retry-after'])?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function first(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

const GB_OPAQUE_500 = 'Internal server error during chat_completion';
/** The same on its native path (`/v1beta`): per operation, and for network errors on streams too. */
const GB_NATIVE_OPAQUE_500 = /Internal server error during gemini_(stream_)?generate_content/;

/**
 * Gemini Balance turns every Google error on a non-streaming call (refused request, quota, unknown
 * model) into this 500 after trying its own keys: worth one more try (it may be transient), never more.
 */
export function isOpaqueGeminiBalanceError(profileName: string, status: number, body: string): boolean {
	if (status !== 500) return false;
	if (profileName === 'gemini-balance-native') return GB_NATIVE_OPAQUE_500.test(body);
	return profileName === 'gemini-balance' && body.includes(GB_OPAQUE_500);
}

export const OPAQUE_GB_MESSAGE =
	`Gemini Balance answered 500 "Internal server error during …" twice. On non-streaming calls it replaces every Google error ` +
	'(a refused request, an exhausted quota, an unknown model) with this, after trying its keys; its /logs page shows the real error';
