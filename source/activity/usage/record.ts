/**
 * One line of the usage history: what a finished request cost and how it went. Metadata only: never a
 * key (the pool index at most), never a prompt or an answer. Kept flat and short: 100,000 of them are
 * parsed when `ccr-tui usage` summarises 30 days.
 */
import type {AttemptOutcome, RequestFailed, RequestFinished, RequestStarted, RouteScenario} from '../events.js';

const RECORD_VERSION = 1;

export type UsageRecord = {
	readonly v: typeof RECORD_VERSION;
	/** Epoch ms when the request finished. */
	readonly at: number;
	readonly session?: string;
	readonly route: RouteScenario | string;
	readonly reason: string;
	readonly provider: string;
	readonly model: string;
	readonly status: number;
	/** Anthropic error type when the request failed. */
	readonly error?: string;
	readonly input: number;
	readonly output: number;
	readonly cacheRead: number;
	readonly cacheWrite: number;
	readonly ttftMs?: number;
	readonly durationMs: number;
	/** Upstream tries after the first (same or other target). */
	readonly retries: number;
	/** Another target than the routed one answered (or was tried). */
	readonly fallback: boolean;
	/** Index of the key in the provider's `api_key` list, when it had several. */
	readonly keyIndex?: number;
	/** A second key of the same pool was tried for this request. */
	readonly keyRotated: boolean;
};

/** Finds a key's position in its provider's pool from the masked suffix the activity reports. */
export type KeyIndexOf = (provider: string, keySuffix: string) => number | undefined;

export type FinishedRequest = {
	readonly start: RequestStarted;
	readonly attempts: readonly AttemptOutcome[];
	readonly ttftMs?: number;
	readonly end: RequestFinished | RequestFailed;
};

/** The record for one finished request (pure). */
export function toUsageRecord(request: FinishedRequest, keyIndexOf?: KeyIndexOf): UsageRecord {
	const {start, attempts, end} = request;
	const provider = (end.type === 'request:end' ? end.provider : undefined) ?? start.provider;
	const model = (end.type === 'request:end' ? end.model : undefined) ?? start.model;
	const tried = attempts.filter(attempt => !attempt.outcome.startsWith('skipped'));
	const last = tried.at(-1);
	const usage = end.usage;
	const keyIndex = last?.keySuffix && keyIndexOf ? keyIndexOf(last.provider, last.keySuffix) : undefined;
	return {
		v: RECORD_VERSION,
		at: end.at,
		...(start.sessionId ? {session: start.sessionId} : {}),
		route: start.scenario,
		reason: start.reason,
		provider,
		model,
		status: end.status,
		...(end.type === 'request:error' ? {error: end.errorType} : {}),
		input: usage?.inputTokens ?? (end.type === 'request:error' ? 0 : start.inputTokens),
		output: usage?.outputTokens ?? 0,
		cacheRead: usage?.cacheReadTokens ?? 0,
		cacheWrite: usage?.cacheCreationTokens ?? 0,
		...(request.ttftMs === undefined ? {} : {ttftMs: request.ttftMs}),
		durationMs: end.durationMs,
		retries: Math.max(0, tried.length - 1),
		fallback: provider !== start.provider || model !== start.model || tried.some(attempt => attempt.provider !== start.provider || attempt.model !== start.model),
		...(keyIndex === undefined ? {} : {keyIndex}),
		keyRotated: keyRotated(tried),
	};
}

function keyRotated(attempts: readonly AttemptOutcome[]): boolean {
	const seen = new Map<string, string>();
	for (const attempt of attempts) {
		if (!attempt.keySuffix) continue;
		const previous = seen.get(attempt.provider);
		if (previous !== undefined && previous !== attempt.keySuffix) return true;
		seen.set(attempt.provider, attempt.keySuffix);
	}

	return false;
}

/**
 * A line back into a record; undefined for a torn line (crash mid-write) or anything that is not ours.
 * Hand-checked rather than schema-validated: this runs 100,000 times per summary.
 */
export function parseUsageLine(line: string): UsageRecord | undefined {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		return undefined;
	}

	if (typeof value !== 'object' || value === null) return undefined;
	const record = value as Record<string, unknown>;
	if (record['v'] !== RECORD_VERSION || typeof record['at'] !== 'number' || typeof record['provider'] !== 'string' || typeof record['model'] !== 'string') return undefined;
	if (typeof record['status'] !== 'number' || typeof record['durationMs'] !== 'number' || typeof record['input'] !== 'number' || typeof record['output'] !== 'number')
		return undefined;
	return record as UsageRecord;
}
