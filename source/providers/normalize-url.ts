import type {GeminiBalanceApi, PresetId} from './presets.js';

/** Where a provider's API lives, derived from whatever URL the user pasted. */
export type ProviderEndpoint = {
	readonly kind: 'gemini-balance' | 'openai-compatible';
	/** Gemini Balance: the server root (`http://host:8000`, or a reverse-proxy prefix). Others: the API base (`…/v1`). */
	readonly root: string;
	/** Gemini Balance only: which of its APIs we talk to. */
	readonly api?: GeminiBalanceApi;
	/** Google's native generateContent API (AI Studio, Gemini Balance's `/v1beta`): key in `x-goog-api-key`, Google's model list. */
	readonly native?: true;
	/** What goes into `api_base_url` (the full endpoint, Claude Code Router style). */
	readonly chatUrl: string;
	readonly modelsUrl: string;
	/** Gemini Balance's unauthenticated `GET /health`. */
	readonly healthUrl?: string;
};

export type UrlNormalization =
	| {readonly ok: true; readonly endpoint: ProviderEndpoint; readonly notes: readonly string[]}
	| {readonly ok: false; readonly error: string; readonly hint?: string};

export type NormalizeOptions = {
	readonly kind: 'gemini-balance' | 'openai-compatible';
	/** Gemini Balance API when the URL does not imply one. @default 'v1' */
	readonly api?: GeminiBalanceApi;
	/** Enables preset-specific repairs (Ollama: add `/v1`). */
	readonly preset?: PresetId;
};

/** Segments after which a Gemini Balance URL is "inside" the server (cut there to get the root). */
const GB_ADMIN_PAGES = new Set(['keys', 'keys_status', 'config', 'logs', 'auth', 'health', 'docs', 'redoc', 'openapi.json', 'favicon.ico']);
const GB_ADMIN_API = new Set(['keys', 'stats', 'config', 'logs', 'version', 'scheduler', 'key-usage-details']);

/**
 * Turn a pasted URL (`host:8000`, `…/v1`, `…/v1/chat/completions`, `…/hf/v1`, `…/openai/v1/`, an admin page…)
 * into one canonical endpoint. Pure; never throws.
 */
export function normalizeUrl(input: string, options: NormalizeOptions): UrlNormalization {
	const notes: string[] = [];
	let text = input.trim().replace(/^['"<]+|['">]+$/g, '');
	if (text === '') return {ok: false, error: 'Enter the server URL.', hint: exampleFor(options)};
	if (/\s/.test(text)) return {ok: false, error: 'A URL cannot contain spaces.', hint: exampleFor(options)};
	if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) {
		// `127.0.0.1:8000` or `localhost:8000/v1`: browsers assume http, so do we.
		text = `http://${text}`;
		notes.push('assumed http://');
	}

	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return {ok: false, error: `"${input.trim()}" is not a valid URL.`, hint: exampleFor(options)};
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return {ok: false, error: `Only http:// and https:// URLs work here (got ${url.protocol}//).`, hint: exampleFor(options)};
	}

	if (!url.hostname) return {ok: false, error: 'The URL has no host name.', hint: exampleFor(options)};
	if (url.username || url.password) {
		return {ok: false, error: 'Remove the user:password@ part from the URL.', hint: 'Enter the token or key in the next step instead.'};
	}

	if (url.search) notes.push('dropped the ?query part (keys and tokens go in the next step)');
	const segments = url.pathname.split('/').filter(Boolean);
	return options.kind === 'gemini-balance' ? geminiBalanceEndpoint(url.origin, segments, options.api ?? 'v1', notes) : openAiEndpoint(url.origin, segments, options.preset, notes);
}

/** Endpoint of a Gemini Balance server root on the chosen API. */
export function geminiBalanceEndpointFor(root: string, api: GeminiBalanceApi): ProviderEndpoint {
	if (api === 'native') return {...nativeEndpointFor(`${root}/v1beta`), kind: 'gemini-balance', root, api, healthUrl: `${root}/health`};
	const prefix = api === 'openai' ? `${root}/openai/v1` : `${root}/v1`;
	return {
		kind: 'gemini-balance',
		root,
		api,
		chatUrl: `${prefix}/chat/completions`,
		modelsUrl: `${prefix}/models`,
		healthUrl: `${root}/health`,
	};
}

/**
 * Endpoint of a native API base (`…/v1beta`). `api_base_url` gets Claude Code Router's form for its
 * `gemini` transformer (`…/v1beta/models/`), so the file also works there.
 */
export function nativeEndpointFor(base: string): ProviderEndpoint {
	return {kind: 'openai-compatible', root: base, native: true, chatUrl: `${base}/models/`, modelsUrl: `${base}/models`};
}

/** Endpoint of an OpenAI-compatible API base (`…/v1`). */
export function openAiEndpointFor(base: string): ProviderEndpoint {
	return {kind: 'openai-compatible', root: base, chatUrl: `${base}/chat/completions`, modelsUrl: `${base}/models`};
}

function geminiBalanceEndpoint(origin: string, segments: string[], requested: GeminiBalanceApi, notes: string[]): UrlNormalization {
	let api = requested;
	const cut = findGeminiBalanceCut(segments);
	if (cut) {
		const removed = `/${segments.slice(cut.index).join('/')}`;
		if (cut.api) api = cut.api;
		notes.push(cut.note ?? `removed ${removed}`);
		segments = segments.slice(0, cut.index);
	}

	const root = origin + (segments.length > 0 ? `/${segments.join('/')}` : '');
	return {ok: true, endpoint: geminiBalanceEndpointFor(root, api), notes};
}

function findGeminiBalanceCut(segments: string[]): {index: number; api?: GeminiBalanceApi; note?: string} | undefined {
	for (const [index, raw] of segments.entries()) {
		const segment = raw.toLowerCase();
		const next = segments[index + 1]?.toLowerCase();
		const isLast = index === segments.length - 1;
		if (segment === 'v1') return {index, api: 'v1'};
		if (segment === 'hf' && next === 'v1') return {index, api: 'v1', note: 'uses /v1 (same API as /hf/v1)'};
		if (segment === 'openai' && next === 'v1') return {index, api: 'openai'};
		if (segment === 'v1beta' || (segment === 'gemini' && next === 'v1beta')) return {index, api: 'native', note: 'uses the native Gemini API (/v1beta)'};
		if ((segment === 'vertex-express' || segment === 'upload') && next === 'v1beta') {
			return {index, api: 'v1', note: `uses the OpenAI-compatible /v1 API (/${raw}/v1beta is not a chat API)`};
		}

		if (segment === 'static' || (isLast && GB_ADMIN_PAGES.has(segment)) || (segment === 'api' && next && GB_ADMIN_API.has(next))) {
			return {index, note: `removed the admin page path /${segments.slice(index).join('/')}`};
		}
	}

	return undefined;
}

function openAiEndpoint(origin: string, segments: string[], preset: PresetId | undefined, notes: string[]): UrlNormalization {
	const lower = segments.map(segment => segment.toLowerCase());
	const dropTail = (tail: string[]): boolean => {
		if (lower.length < tail.length || tail.some((part, index) => lower[lower.length - tail.length + index] !== part)) return false;
		notes.push(`removed /${segments.slice(segments.length - tail.length).join('/')}`);
		segments = segments.slice(0, segments.length - tail.length);
		lower.splice(lower.length - tail.length);
		return true;
	};

	for (const tail of [['chat', 'completions'], ['completions'], ['models'], ['embeddings']]) {
		if (dropTail(tail)) break;
	}

	// Google's native API: the base is `…/v1beta` (a pasted `…/models/gemini-x:generateContent` cut there too).
	const beta = lower.lastIndexOf('v1beta');
	if (beta !== -1 && (beta === lower.length - 1 || lower[beta + 1] === 'models')) {
		if (beta < lower.length - 1) notes.push(`removed /${segments.slice(beta + 1).join('/')}`);
		return {ok: true, endpoint: nativeEndpointFor(`${origin}/${segments.slice(0, beta + 1).join('/')}`), notes};
	}

	if (preset === 'ollama') {
		// Ollama's own API lives under /api; its OpenAI-compatible one under /v1.
		const apiIndex = lower.indexOf('api');
		if (apiIndex !== -1) {
			notes.push(`replaced /${segments.slice(apiIndex).join('/')} with /v1 (Ollama's OpenAI-compatible API)`);
			segments = [...segments.slice(0, apiIndex), 'v1'];
		} else if (segments.length === 0) {
			notes.push("added /v1 (Ollama's OpenAI-compatible API)");
			segments = ['v1'];
		}
	}

	const base = origin + (segments.length > 0 ? `/${segments.join('/')}` : '');
	return {ok: true, endpoint: openAiEndpointFor(base), notes};
}

function exampleFor(options: NormalizeOptions): string {
	if (options.kind === 'gemini-balance') return 'For example http://127.0.0.1:8000 (Gemini Balance listens on port 8000 by default).';
	if (options.preset === 'ollama') return 'For example http://127.0.0.1:11434/v1';
	return 'For example https://api.example.com/v1';
}
