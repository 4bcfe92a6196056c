/**
 * Every delay the proxy waits for, in one place, so tests can shrink them (no real 60 s waits)
 * and `sleep`/`random` can be replaced.
 */
export type ProxyTimings = {
	/** TCP/TLS connect to the upstream. */
	readonly connectTimeoutMs: number;
	/** Until upstream response headers, unless the provider sets `first_byte_timeout_ms`. */
	readonly firstByteTimeoutMs: number;
	/** A started stream that sends no bytes at all (not even comments) for this long fails. */
	readonly streamIdleTimeoutMs: number;
	/** Until the answer starts (all retries and fallbacks), unless the config sets `API_TIMEOUT_MS`. */
	readonly totalTimeoutMs: number;
	/** `event: ping` after this long without writing to the client. */
	readonly pingIntervalMs: number;
	/** After `finish_reason` without usage/`[DONE]`, finalize after this long. */
	readonly postFinishGraceMs: number;
	/** First retry delay; doubles per retry up to `retryMaxDelayMs`, ±20 % jitter. */
	readonly retryBaseDelayMs: number;
	readonly retryMaxDelayMs: number;
	/** Upper bound for an upstream `Retry-After` we are willing to wait. */
	readonly retryAfterCapMs: number;
	/** A key that got a 429 without `Retry-After` rests this long. */
	readonly keyCooldownMs: number;
	/** How long `close()` lets in-flight streams finish before aborting them. */
	readonly closeGraceMs: number;
	/** Progress events per request at most every this many ms. */
	readonly progressIntervalMs: number;
	/** Abortable sleep used between retries. */
	readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	/** 0 ≤ x < 1, for jitter and key rotation start. */
	readonly random: () => number;
	/**
	 * The proxy's one clock: epoch milliseconds for event timestamps, and the only source of "now" for
	 * durations, deadlines and idle checks (tests inject their own; nothing in proxy/ reads time elsewhere).
	 */
	readonly now: () => number;
};

export const DEFAULT_MAX_RETRIES = 2;

export const defaultTimings: ProxyTimings = {
	connectTimeoutMs: 10_000,
	firstByteTimeoutMs: 120_000,
	streamIdleTimeoutMs: 60_000,
	totalTimeoutMs: 600_000,
	pingIntervalMs: 15_000,
	postFinishGraceMs: 5000,
	retryBaseDelayMs: 500,
	retryMaxDelayMs: 8000,
	retryAfterCapMs: 60_000,
	keyCooldownMs: 60_000,
	closeGraceMs: 2000,
	progressIntervalMs: 200,
	sleep: abortableSleep,
	random: Math.random,
	// Epoch-based but monotonic within the process (Date.now() jumps when the system clock is set).
	now: () => performance.timeOrigin + performance.now(),
};

export function resolveTimings(overrides: Partial<ProxyTimings> = {}): ProxyTimings {
	return {...defaultTimings, ...overrides};
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) {
			reject(signal.reason);
			return;
		}

		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, {once: true});
	});
}
