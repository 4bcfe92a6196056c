import {unsafeCharacterIn} from '../activity/sanitize.js';
import {isInvalidGoogleKey} from '../config/gemini-native.js';
import {RequestFailedError, timedRequest, type RequestFailure} from './http.js';
import {describeFailure} from './network-words.js';
import {bareModelId, isGeminiBalanceChatModel, modelSuffix, parseGeminiBalanceError, SUFFIX_NOTES, type ModelSuffix} from './gemini-balance.js';
import type {GeminiBalanceApi} from './presets.js';
import type {ProbeTarget} from './provider-target.js';
import type {CheckOptions} from './reachability.js';
import {redactorFor} from '../config/redact.js';
import type {StepOutcome} from './test-step.js';

/** What `GET …/models` told us. */
export type ModelListOutcome =
	| {readonly kind: 'ok'; readonly ids: readonly string[]; readonly ttfbMs: number}
	/** Gemini Balance answers `200 null` when it cannot fetch Google's list (keys, proxy, network). */
	| {readonly kind: 'null'; readonly ttfbMs: number}
	| {readonly kind: 'auth'; readonly status: number; readonly message: string}
	| {readonly kind: 'unsupported'; readonly status: number}
	| {readonly kind: 'redirect'; readonly status: number; readonly location?: string}
	| {readonly kind: 'http-error'; readonly status: number; readonly message: string}
	| {readonly kind: 'bad-body'; readonly detail: string}
	| {readonly kind: 'no-key'; readonly env?: string}
	| {readonly kind: 'failure'; readonly failure: RequestFailure};

/** A model offered in the wizard's multi-select. */
export type DiscoveredModel = {
	readonly id: string;
	readonly suffix?: ModelSuffix;
	/** Why the suffix matters, for the list. */
	readonly note?: string;
};

const MODELS_TIMEOUT_MS = 15_000;

/** The key as the endpoint wants it: Google's native API (and Gemini Balance's) takes only `x-goog-api-key`. */
export function authHeaders(target: ProbeTarget): Record<string, string> {
	if (!target.apiKey) return {...target.headers};
	return target.endpoint.native ? {...target.headers, 'x-goog-api-key': target.apiKey} : {...target.headers, authorization: `Bearer ${target.apiKey}`};
}

/** Google's native list comes in pages; 1000 is the most one page holds. */
const NATIVE_PAGE_SIZE = 1000;
/** A server that keeps sending page tokens is not Google's list any more. */
const MAX_PAGES = 20;

/** Step 2: authenticated `GET …/models` (for Gemini Balance this also proves it can reach Google). */
export async function fetchModelList(target: ProbeTarget, options: CheckOptions = {}): Promise<ModelListOutcome> {
	if (target.missingEnv) return {kind: 'no-key', env: target.missingEnv};
	if (!target.apiKey && !target.keyless && target.endpoint.kind === 'gemini-balance') return {kind: 'no-key'};
	if (!target.endpoint.native) return withoutToken(await fetchModelPage(target, target.endpoint.modelsUrl, options));
	// Google answers 50 models unless asked for more, and names the next page by a token.
	const ids = new Set<string>();
	let token: string | undefined;
	let ttfbMs = 0;
	for (let page = 0; page < MAX_PAGES; page++) {
		const url = new URL(target.endpoint.modelsUrl);
		url.searchParams.set('pageSize', String(NATIVE_PAGE_SIZE));
		if (token) url.searchParams.set('pageToken', token);
		const outcome = await fetchModelPage(target, url.href, options);
		// A later page that fails leaves the models listed so far: the first page proved the key.
		if (outcome.kind !== 'ok') return page === 0 ? outcome : {kind: 'ok', ids: [...ids], ttfbMs};
		for (const id of outcome.ids) ids.add(id);
		ttfbMs += outcome.ttfbMs;
		token = outcome.nextPageToken;
		if (!token) break;
	}

	return {kind: 'ok', ids: [...ids], ttfbMs};
}

function withoutToken(outcome: PageOutcome): ModelListOutcome {
	return outcome.kind === 'ok' ? {kind: 'ok', ids: outcome.ids, ttfbMs: outcome.ttfbMs} : outcome;
}

type PageOutcome = Exclude<ModelListOutcome, {kind: 'ok'}> | {readonly kind: 'ok'; readonly ids: readonly string[]; readonly ttfbMs: number; readonly nextPageToken?: string};

async function fetchModelPage(target: ProbeTarget, url: string, options: CheckOptions): Promise<PageOutcome> {
	const timeoutMs = Math.min(MODELS_TIMEOUT_MS, options.timeoutMs ?? MODELS_TIMEOUT_MS);
	let status: number;
	let body: string;
	let ttfbMs: number;
	let location: string | undefined;
	try {
		const answer = await timedRequest(url, {
			headers: {accept: 'application/json', ...authHeaders(target)},
			headersTimeoutMs: timeoutMs,
			signal: options.signal,
			fetch: options.fetch,
		});
		status = answer.response.status;
		ttfbMs = answer.ttfbMs;
		location = answer.response.headers.get('location') ?? undefined;
		body = await answer.text();
	} catch (error) {
		if (!(error instanceof RequestFailedError)) throw error;
		return {kind: 'failure', failure: error.failure};
	}

	const message = () => redactorFor([target.apiKey])(errorMessage(body));
	if (status >= 300 && status < 400) return {kind: 'redirect', status, location};
	// Google refuses an unknown key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), not 401.
	if (status === 401 || status === 403 || isInvalidGoogleKey(status, body)) return {kind: 'auth', status, message: message()};
	if (status === 404 || status === 405) return {kind: 'unsupported', status};
	if (status !== 200) return {kind: 'http-error', status, message: message()};
	return readModelList(body, ttfbMs);
}

function readModelList(body: string, ttfbMs: number): PageOutcome {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return {kind: 'bad-body', detail: /^\s*</.test(body) ? 'a web page instead of JSON' : 'not JSON'};
	}

	if (parsed === null) return {kind: 'null', ttfbMs};
	const ids = modelIds(parsed);
	if (!ids) return {kind: 'bad-body', detail: 'JSON without a model list'};
	const next = (parsed as {nextPageToken?: unknown}).nextPageToken;
	return {kind: 'ok', ids, ttfbMs, ...(typeof next === 'string' && next !== '' ? {nextPageToken: next} : {})};
}

/** OpenAI `{data:[{id}]}`, Ollama-style `{models:[{name}]}`, or a bare array. */
function modelIds(body: unknown): string[] | undefined {
	const list = Array.isArray(body)
		? body
		: Array.isArray((body as {data?: unknown}).data)
			? (body as {data: unknown[]}).data
			: Array.isArray((body as {models?: unknown}).models)
				? (body as {models: unknown[]}).models
				: undefined;
	if (!list) return undefined;
	const ids = list
		.filter(canGenerate)
		.map(item => (typeof item === 'string' ? item : ((item as {id?: unknown; name?: unknown})?.id ?? (item as {name?: unknown})?.name)))
		// An id carrying a terminal control could neither be shown nor saved (the config refuses it).
		.filter((id): id is string => typeof id === 'string' && id !== '' && unsafeCharacterIn(id) === undefined);
	return [...new Set(ids)];
}

/** Google's native list names what each model can do: embedding, TTS and Imagen models cannot chat. */
function canGenerate(item: unknown): boolean {
	const methods = (item as {supportedGenerationMethods?: unknown} | null)?.supportedGenerationMethods;
	return !Array.isArray(methods) || methods.includes('generateContent');
}

function errorMessage(body: string): string {
	const parsed = parseGeminiBalanceError(body);
	if (parsed) return parsed.googleMessage ?? parsed.message;
	const text = body.trim().replace(/\s+/g, ' ');
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The ids as the wizard offers them: Gemini Balance chat models only (its Imagen `-chat` entry, a
 * copy of the previous model with that model's root, is not one), suffixes explained. Gemini
 * Balance lists `-non-thinking` variants only when THINKING_MODELS is set (empty by default) but
 * accepts them on `/v1` anyway: they are offered for every Gemini 2.5 model, marked unlisted.
 */
export function toDiscoveredModels(ids: readonly string[], kind: ProbeTarget['endpoint']['kind'], api?: GeminiBalanceApi, native?: boolean): DiscoveredModel[] {
	// Google's native list names every model `models/<id>`; the id is what goes in the URL and the config.
	if (kind !== 'gemini-balance') return [...new Set(ids.map(id => (native ? bareModelId(id) : id)))].map(id => ({id}));
	const chat = [...new Set(ids.map(bareModelId).filter(isGeminiBalanceChatModel))];
	const models: DiscoveredModel[] = chat.map(id => {
		const suffix = modelSuffix(id);
		return suffix ? {id, suffix, note: SUFFIX_NOTES[suffix]} : {id};
	});
	// `-non-thinking` without a listing is accepted on Gemini Balance's own translator only.
	if (api === 'openai' || api === 'native') return models;
	const unlisted = `${SUFFIX_NOTES['non-thinking']}; not listed by this server (its THINKING_MODELS is empty), accepted anyway`;
	for (const id of chat) {
		const variant = `${id}-non-thinking`;
		if (!modelSuffix(id) && id.startsWith('gemini-2.5-') && !chat.includes(variant)) models.push({id: variant, suffix: 'non-thinking', note: unlisted});
	}

	return models;
}

/** Turn the outcome into a step line (shared by the wizard and `ccr-tui test`). */
// Over 60 lines: one verdict per model-list outcome.
export function describeModelList(outcome: ModelListOutcome, target: ProbeTarget): StepOutcome {
	const isGb = target.endpoint.kind === 'gemini-balance';
	const who = isGb ? 'Gemini Balance' : 'the server';
	switch (outcome.kind) {
		case 'ok': {
			const chat = isGb ? toDiscoveredModels(outcome.ids, 'gemini-balance').length : undefined;
			const counted = chat === undefined ? `${outcome.ids.length} models` : `${outcome.ids.length} models, ${chat} chat models`;
			const auth = target.apiKey ? 'key accepted' : 'no key needed';
			return {status: 'pass', detail: `${isGb ? 'token accepted' : auth} · ${counted}`, durationMs: outcome.ttfbMs};
		}

		case 'null':
			return {
				status: 'fail',
				detail: 'token accepted, but Gemini Balance could not list models from Google (it answered null)',
				hint: 'Gemini Balance cannot reach Google: check its API_KEYS, PROXIES and outbound network, then retry.',
				durationMs: outcome.ttfbMs,
			};
		case 'auth':
			return isGb
				? {
						status: 'fail',
						detail: `token rejected (HTTP ${outcome.status}: ${outcome.message})`,
						hint: "The token is not in Gemini Balance's ALLOWED_TOKENS and is not its AUTH_TOKEN; copy one from its .env or /config page.",
					}
				: {
						status: 'fail',
						detail: `key rejected (HTTP ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''})`,
						hint: 'Check the API key (and that it has credit or access to the API).',
					};
		case 'unsupported':
			return isGb
				? {
						status: 'fail',
						detail: `${target.endpoint.modelsUrl} answered HTTP ${outcome.status}`,
						hint: 'Remove extra path segments from the URL: use the server root, e.g. http://127.0.0.1:8000',
					}
				: {status: 'pass', detail: `no model list on this server (HTTP ${outcome.status}); models are entered by hand`};
		case 'redirect':
			return {
				status: 'fail',
				detail: `redirected to ${outcome.location ?? 'another page'} (a login page or web UI, not the API)`,
				hint: isGb ? 'Remove the extra path: use the server root, e.g. http://127.0.0.1:8000' : 'Use the API base URL (usually ending in /v1).',
			};
		case 'http-error':
			return {
				status: 'fail',
				detail: `${who} could not list models (HTTP ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''})`,
				hint: isGb ? 'Gemini Balance could not fetch the list from Google: check its API_KEYS, PROXIES and outbound network.' : 'Check the URL and try again later.',
			};
		case 'bad-body':
			return {
				status: 'fail',
				detail: `${target.endpoint.modelsUrl} answered ${outcome.detail}`,
				hint: isGb ? 'Use the server root, e.g. http://127.0.0.1:8000' : 'Use the API base URL (usually ending in /v1).',
			};
		case 'no-key':
			return outcome.env
				? {
						status: 'fail',
						detail: `the key refers to $${outcome.env}, which is not set`,
						hint: `export ${outcome.env}=… in the shell that starts ccr-tui.`,
					}
				: {status: 'fail', detail: 'no token configured', hint: 'Gemini Balance needs one of its ALLOWED_TOKENS.'};
		case 'failure':
			return {
				status: 'fail',
				detail: `${describeFailure(outcome.failure)} while listing models`,
				hint: outcome.failure.kind === 'timeout' ? `${who} is slow to list models; retry, or check its network.` : 'Check the URL and that the server is running.',
			};
	}
}
