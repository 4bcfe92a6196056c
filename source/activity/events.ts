import type {Scenario} from '../config/schema.js';

/** Where a request was routed and why: `explicit` means `provider,model` in the model field. */
export type RouteScenario = Scenario | 'explicit' | 'subagent' | 'custom' | 'none';

export type Usage = {
	readonly inputTokens: number;
	readonly outputTokens: number;
	readonly cacheReadTokens: number;
	readonly cacheCreationTokens: number;
};

/** One try against one upstream target (fallbacks and retries make several). */
export type AttemptOutcome = {
	readonly provider: string;
	readonly model: string;
	/** e.g. 'answered', 'http 429', 'timeout (first byte)', 'connection refused', 'skipped: key cooling down'. */
	readonly outcome: string;
	readonly status?: number;
	readonly keySuffix?: string;
	readonly durationMs: number;
};

export type RequestStarted = {
	readonly type: 'request:start';
	readonly id: string;
	readonly at: number;
	readonly scenario: RouteScenario;
	/** Human-readable routing reason, e.g. "input 81,204 tokens > longContextThreshold 60,000". */
	readonly reason: string;
	readonly provider: string;
	readonly model: string;
	/** The model the client asked for (echoed back to it). */
	readonly requestedModel: string;
	readonly stream: boolean;
	readonly inputTokens: number;
	/** Host of the upstream URL (never the full URL: it may carry a `key=` query). */
	readonly upstreamHost: string;
	/** Claude Code's session id (from `metadata.user_id`); absent when the client sent none. */
	readonly sessionId?: string;
};

type RequestFirstToken = {
	readonly type: 'request:first-token';
	readonly id: string;
	readonly at: number;
	readonly ttftMs: number;
};

/** Throttled: at most a few per second per request. */
type RequestProgress = {
	readonly type: 'request:progress';
	readonly id: string;
	readonly outputTokens: number;
	readonly bytes: number;
};

export type RequestAttempt = {
	readonly type: 'request:attempt';
	readonly id: string;
	readonly attempt: AttemptOutcome;
};

export type RequestFinished = {
	readonly type: 'request:end';
	readonly id: string;
	readonly at: number;
	readonly status: number;
	readonly stopReason: string | null;
	readonly usage: Usage;
	readonly durationMs: number;
	/** Provider/model that finally answered (differs from start when a fallback answered). */
	readonly provider?: string;
	readonly model?: string;
};

export type RequestFailed = {
	readonly type: 'request:error';
	readonly id: string;
	readonly at: number;
	readonly status: number;
	/** Anthropic error type, e.g. 'rate_limit_error'. */
	readonly errorType: string;
	/** Already redacted. */
	readonly message: string;
	readonly durationMs: number;
	readonly usage?: Usage;
};

/** Something the user should know that is not tied to one request (transformers, reloads, custom router). */
export type Notice = {
	readonly type: 'notice';
	readonly at: number;
	readonly level: 'info' | 'warn' | 'error';
	readonly source: string;
	readonly message: string;
};

/** A request or response body, emitted only with `LOG: true` and `LOG_LEVEL: debug|trace` (for the log file). */
export type RequestDebug = {
	readonly type: 'request:debug';
	readonly id: string;
	readonly at: number;
	readonly direction: 'client-request' | 'upstream-request' | 'upstream-response' | 'client-response';
	readonly body: string;
};

/** Why a pooled key is resting or refused: the upstream's 429, its 5xx, or its 401/403. */
export type KeyTrouble = 'rate-limited' | 'server-error' | 'rejected';

/**
 * One key of a provider's pool changed state (pools of two keys or more; a single key is never
 * rested). `ok` is sent when a key first answers and when it is back from a rest.
 */
export type KeyStateChanged = {
	readonly type: 'key:state';
	readonly at: number;
	readonly provider: string;
	/** Position in the pool (`providerKeys` order). */
	readonly index: number;
	/** Masked (`••••abcd`), never the key. */
	readonly label: string;
	readonly state: 'ok' | 'cooling' | 'disabled';
	readonly reason?: KeyTrouble;
	/** The upstream status that caused it. */
	readonly status?: number;
	/** Cooling: usable again at this time (the proxy's clock). */
	readonly until?: number;
	/** The upstream's error message, already redacted (the activity store sanitises it). */
	readonly error?: string;
};

/** A provider's pool was (re)built from a changed config: every key starts untested again. */
export type KeyPoolReset = {
	readonly type: 'key:pool';
	readonly at: number;
	readonly provider: string;
	/** Masked labels in pool order. */
	readonly labels: readonly string[];
};

export type ActivityEvent =
	| RequestStarted
	| RequestFirstToken
	| RequestProgress
	| RequestAttempt
	| RequestFinished
	| RequestFailed
	| RequestDebug
	| Notice
	| KeyStateChanged
	| KeyPoolReset;
