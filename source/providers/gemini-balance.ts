/**
 * What ccr-tui knows about Gemini Balance (snailyp/gemini-balance): its model list conventions and
 * its error envelope. The HTTP calls live in the connection-test modules.
 */

/** Name suffixes Gemini Balance derives from a base model; it strips them before calling Google. */
export type ModelSuffix = 'search' | 'image' | 'non-thinking';

export const SUFFIX_NOTES: Readonly<Record<ModelSuffix, string>> = {
	search: 'answers with Google Search grounding (use it for the webSearch route)',
	image: 'can reply with generated images and ignores the system prompt (for the image route)',
	'non-thinking': 'thinking switched off: faster and cheaper, weaker on hard tasks',
};

export function modelSuffix(id: string): ModelSuffix | undefined {
	if (id.endsWith('-search')) return 'search';
	if (id.endsWith('-non-thinking')) return 'non-thinking';
	if (id.endsWith('-image')) return 'image';
	return undefined;
}

/**
 * Chat models among everything `/v1/models` lists (it passes Google's whole catalogue through:
 * embeddings, TTS, Imagen, Gemma…). Derived `-search`/`-image`/`-non-thinking` entries are kept.
 */
export function isGeminiBalanceChatModel(id: string): boolean {
	const bare = id.replace(/^models\//, '');
	if (!bare.startsWith('gemini-')) return false;
	return !/embedding|tts|imagen|aqa|native-audio|-live/.test(bare);
}

/** Strip Google's compat-layer `models/` prefix (seen on `/openai/v1/models`). */
export function bareModelId(id: string): string {
	return id.replace(/^models\//, '');
}

/**
 * Gemini Balance accepts a `-non-thinking` name for any model even when it does not list one, so
 * such a name counts as listed when its base is.
 */
export function isListedOnGeminiBalance(model: string, listed: readonly string[]): boolean {
	if (listed.includes(model)) return true;
	if (model.endsWith('-non-thinking')) return listed.includes(model.slice(0, -'-non-thinking'.length));
	return false;
}

export type GeminiBalanceError = {
	/** The outer `error.message` (Gemini Balance's own words, or Google's raw JSON text). */
	readonly message: string;
	/** Google's `error.status` when the message carries Google's JSON (stream errors do). */
	readonly googleStatus?: string;
	/** Google's `error.message` from that JSON. */
	readonly googleMessage?: string;
};

/**
 * Read `{"error":{"code","message"}}`, where `message` may itself be Google's pretty-printed error
 * JSON (stream failures keep the upstream status and embed Google's body).
 */
export function parseGeminiBalanceError(bodyText: string): GeminiBalanceError | undefined {
	let body: unknown;
	try {
		body = JSON.parse(bodyText);
	} catch {
		return undefined;
	}

	// An uncaught exception in Gemini Balance comes back as a bare JSON string.
	if (typeof body === 'string') return {message: body};
	const error = (body as {error?: unknown} | null)?.error;
	if (!error || typeof error !== 'object') {
		const detail = (body as {detail?: unknown} | null)?.detail;
		return typeof detail === 'string' ? {message: detail} : undefined;
	}

	const message = String((error as {message?: unknown}).message ?? '');
	try {
		const inner = (JSON.parse(message) as {error?: {status?: unknown; message?: unknown}}).error;
		if (inner && typeof inner === 'object') {
			return {
				message,
				googleStatus: typeof inner.status === 'string' ? inner.status : undefined,
				googleMessage: typeof inner.message === 'string' ? inner.message : undefined,
			};
		}
	} catch {
		// Not nested JSON: Gemini Balance's own message, or Google's own error (its status word beside it).
	}

	const status = (error as {status?: unknown}).status;
	return typeof status === 'string' ? {message, googleStatus: status} : {message};
}

/** `GET /health` answers exactly this (no auth). */
export function isHealthyFingerprint(bodyText: string): boolean {
	try {
		return (JSON.parse(bodyText) as {status?: unknown} | null)?.status === 'healthy';
	} catch {
		return false;
	}
}
