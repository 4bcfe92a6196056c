/** Types of the fake Gemini Balance (reference gemini-balance.md §5.2). Tests only. */

export type FakeModel = {
	id: string;
	displayName?: string;
	inputTokenLimit?: number;
	outputTokenLimit?: number;
	methods?: string[];
	thinking?: boolean;
};

/** One part of a Gemini candidate, as Google would send it. */
export type GPart =
	| {text: string; thought?: boolean; thoughtSignature?: string}
	| {functionCall: {name: string; args: Record<string, unknown>}; thoughtSignature?: string}
	| {inlineData: {mimeType: string; data: string}};

/** What "Google" returns for one successful attempt. */
export type GeminiReply = {
	/** One entry per upstream SSE chunk; non-stream merges them. */
	chunks: GPart[][];
	finishReason?: 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'RECITATION' | 'OTHER' | 'MALFORMED_FUNCTION_CALL';
	/** Google Search sources (`groundingMetadata` on the last native chunk, kept by Gemini Balance). */
	grounding?: Array<{uri: string; title: string}>;
	/** totalTokenCount = prompt + candidates + thoughts. */
	usage?: {prompt: number; candidates: number; thoughts?: number};
	/** No candidates at all (promptFeedback.blockReason). */
	blocked?: boolean;
	/** 200 with zero chunks. */
	empty?: boolean;
};

export type GoogleFailure = {status: 400 | 403 | 404 | 429 | 500 | 503; message?: string; googleStatus?: string};

export type UpstreamAttempt = {ok: GeminiReply} | GoogleFailure | {networkError: true};

export type Script = {
	/** Consumed one per Gemini Balance retry; the last one repeats. Default: a short text reply. */
	attempts?: UpstreamAttempt[];
	/** Delay before the status line (Gemini Balance's retries, upstream latency). */
	headersDelayMs?: number;
	/** Delay between SSE events. */
	chunkIntervalMs?: number;
	/** Destroy the socket after N SSE events: no closing chunk, no [DONE]. */
	dropAfterEvents?: number;
	/** Accept the request, never answer. */
	hang?: boolean;
};

export type FakeGbOptions = {
	allowedTokens?: string[];
	authToken?: string;
	apiKeys?: string[];
	maxRetries?: number;
	maxFailures?: number;
	models?: FakeModel[];
	searchModels?: string[];
	imageModels?: string[];
	thinkingModels?: string[];
	filteredModels?: string[];
	createImageModel?: string | null;
	thinkingBudgetMap?: Record<string, number>;
	showThinking?: boolean;
	/** FAKE_STREAM_ENABLED: keep-alives every `intervalMs`, the answer after at least `addedMs`. */
	fakeStream?: {intervalMs: number; addedMs?: number} | null;
	/** `/v1/models` → 200 null; `/v1beta/models` → 500. */
	upstreamModelsFail?: boolean;
	/** Emulate Google's 400s on schemas, names and unknown models. @default true */
	strictUpstream?: boolean;
	/** SSE JSON with ", "/": " separators and \uXXXX escapes. @default true */
	pythonJson?: boolean;
	/** Fixed `created` timestamp (deterministic output). */
	now?: () => number;
	/** Listen port. @default 0 (tests always use 0; the manual runner picks one). */
	port?: number;
};

export type GbRecordedRequest = {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: unknown;
	/** The Gemini payload Gemini Balance would have sent upstream. */
	upstreamPayload?: unknown;
	diagnostics: string[];
	status: number;
};

/** Settings after defaults (what the pure helpers need). */
export type GbSettings = Required<Omit<FakeGbOptions, 'now' | 'fakeStream' | 'createImageModel' | 'port'>> & {
	createImageModel: string | null;
	fakeStream: {intervalMs: number; addedMs?: number} | null;
	now: () => number;
};
