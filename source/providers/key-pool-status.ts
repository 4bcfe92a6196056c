/**
 * Gemini Balance's own key monitoring: `GET {root}/v1/keys/list` with its admin token (AUTH_TOKEN).
 * The answer holds the raw Gemini API keys, so nothing leaves this module but counts and at most
 * the last 4 characters of a key. Only this read-only route is called: the `/gemini/v1beta/reset-*`
 * and `verify-*` routes have no auth, make upstream calls and change the server's state.
 */
import {RequestFailedError, timedRequest} from './http.js';
import {describeFailure} from './network-words.js';
import type {StepOutcome} from './test-step.js';

type KeyPoolStatus = {
	readonly valid: number;
	readonly invalid: number;
	readonly total: number;
	/** Failures counted against all keys together. */
	readonly failures: number;
	/** Keys with failures, most first, as `last 4 characters` + count (at most 3). */
	readonly failing: ReadonlyArray<{readonly suffix: string; readonly failures: number; readonly invalid: boolean}>;
};

export type KeyPoolOutcome =
	| ({readonly kind: 'ok'; readonly ttfbMs: number} & KeyPoolStatus)
	| {readonly kind: 'auth'; readonly status: number}
	| {readonly kind: 'unexpected'; readonly status: number}
	| {readonly kind: 'failure'; readonly message: string};

const TIMEOUT_MS = 10_000;

export async function fetchKeyPoolStatus(root: string, adminToken: string, options: {timeoutMs?: number; signal?: AbortSignal} = {}): Promise<KeyPoolOutcome> {
	let status: number;
	let body: string;
	let ttfbMs: number;
	try {
		const answer = await timedRequest(`${root}/v1/keys/list`, {
			headers: {accept: 'application/json', authorization: `Bearer ${adminToken}`},
			headersTimeoutMs: Math.min(TIMEOUT_MS, options.timeoutMs ?? TIMEOUT_MS),
			signal: options.signal,
		});
		status = answer.response.status;
		ttfbMs = answer.ttfbMs;
		body = await answer.text();
	} catch (error) {
		if (!(error instanceof RequestFailedError)) throw error;
		return {kind: 'failure', message: describeFailure(error.failure)};
	}

	if (status === 401 || status === 403) return {kind: 'auth', status};
	const pool = status === 200 ? parsePool(body) : undefined;
	return pool ? {kind: 'ok', ttfbMs, ...pool} : {kind: 'unexpected', status};
}

/** `{"data": {"valid_keys": {key: failures}, "invalid_keys": {...}}}` → counts; the keys are dropped here. */
function parsePool(body: string): KeyPoolStatus | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return undefined;
	}

	const data = (parsed as {data?: {valid_keys?: unknown; invalid_keys?: unknown}} | null)?.data;
	if (!data || !isCounts(data.valid_keys) || !isCounts(data.invalid_keys)) return undefined;
	const entries = [
		...Object.entries(data.valid_keys).map(([key, failures]) => ({key, failures: Number(failures) || 0, invalid: false})),
		...Object.entries(data.invalid_keys).map(([key, failures]) => ({key, failures: Number(failures) || 0, invalid: true})),
	];
	const failing = entries
		.filter(entry => entry.failures > 0 || entry.invalid)
		.sort((a, b) => b.failures - a.failures)
		.slice(0, 3)
		.map(entry => ({suffix: entry.key.length > 8 ? entry.key.slice(-4) : '', failures: entry.failures, invalid: entry.invalid}));
	return {
		valid: Object.keys(data.valid_keys).length,
		invalid: Object.keys(data.invalid_keys).length,
		total: entries.length,
		failures: entries.reduce((sum, entry) => sum + entry.failures, 0),
		failing,
	};
}

function isCounts(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeKeyPool(outcome: KeyPoolOutcome): StepOutcome {
	switch (outcome.kind) {
		case 'ok': {
			const failing = outcome.failing.map(key => `${key.suffix ? `••••${key.suffix}` : 'a key'} ${key.invalid ? 'invalid' : `${key.failures} failures`}`);
			const detail = [`${outcome.valid} valid`, `${outcome.invalid} invalid`, `${outcome.failures} failures`, ...failing].join(' · ');
			if (outcome.valid === 0) {
				return {
					status: 'fail',
					detail,
					hint: 'Every key is marked invalid (MAX_FAILURES reached). Gemini Balance still uses them as a fallback until its hourly check; its /keys page resets them.',
					durationMs: outcome.ttfbMs,
				};
			}

			return outcome.invalid > 0
				? {status: 'warn', detail, hint: "Some keys reached MAX_FAILURES; Gemini Balance's /keys page shows why.", durationMs: outcome.ttfbMs}
				: {status: 'pass', detail, durationMs: outcome.ttfbMs};
		}

		case 'auth':
			return {status: 'warn', detail: `admin token refused (HTTP ${outcome.status}); key status skipped`, hint: "admin_token must be Gemini Balance's AUTH_TOKEN."};
		case 'unexpected':
			return {status: 'warn', detail: `no key list (HTTP ${outcome.status}); key status skipped`, hint: 'Gemini Balance older than 2.x, or not Gemini Balance.'};
		case 'failure':
			return {status: 'warn', detail: `key status skipped: ${outcome.message}`};
	}
}
