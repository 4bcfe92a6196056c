/**
 * A fake Gemini Balance server for tests (reference gemini-balance.md §5). Tests script what
 * "Google" answers per attempt; the fake applies Gemini Balance's own behaviour on top: auth schemes,
 * error envelopes, key rotation, lossy `/v1` conversion, stream quirks. node:http only, 127.0.0.1.
 */
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import {buildPayload, validateChatRequest} from './gemini-balance/convert.js';
import {googleRefusal} from './gemini-native.js';
import {checkModelSupport, compatModels, DEFAULT_MODELS, geminiModels, openAIModels, realModel} from './gemini-balance/models.js';
import {nativePayload} from './gemini-balance/native.js';
import {
	heartbeat,
	renderCompatStream,
	renderFakeStreamFinal,
	renderNativeNonStream,
	renderNativeStream,
	renderOpenAINonStream,
	renderOpenAIStream,
	compatToolCalls,
	type RenderContext,
} from './gemini-balance/render.js';
import {googleErrorText, validateCompat, validateUpstream} from './gemini-balance/strict.js';
import type {FakeGbOptions, GbRecordedRequest, GbSettings, GeminiReply, GoogleFailure, GPart, Script, UpstreamAttempt} from './gemini-balance/types.js';

export type * from './gemini-balance/types.js';

export type FakeGeminiBalance = {
	/** `http://127.0.0.1:<port>` */
	url: string;
	/** Scripts for the next chat/generate requests, first in first out. */
	enqueue(...scripts: Script[]): void;
	/** Script used when the queue is empty (or a function of the request). */
	setDefault(script: Script | ((request: GbRecordedRequest) => Script)): void;
	requests: GbRecordedRequest[];
	keyFailures(): Record<string, number>;
	/** Change settings on the fly (e.g. `upstreamModelsFail`). */
	configure(options: Partial<FakeGbOptions>): void;
	reset(): void;
	close(): Promise<void>;
};

// ---- script builders ----

/** Text split into `split` upstream chunks. */
export function text(value: string, options: {split?: number} = {}): GPart[][] {
	const count = Math.max(1, Math.min(options.split ?? 1, value.length || 1));
	const size = Math.ceil(value.length / count);
	const chunks: GPart[][] = [];
	for (let index = 0; index < value.length || chunks.length === 0; index += size) chunks.push([{text: value.slice(index, index + size)}]);
	return chunks;
}

export function thought(value: string): GPart[][] {
	return [[{text: value, thought: true}]];
}

export function call(name: string, args: Record<string, unknown>, thoughtSignature?: string): GPart[][] {
	return [[{functionCall: {name, args}, ...(thoughtSignature ? {thoughtSignature} : {})}]];
}

/** Gemini sends parallel calls in separate chunks (Gemini Balance then gives each `index: 0`). */
export function parallelCalls(calls: Array<[string, Record<string, unknown>]>, options: {sameChunk?: boolean} = {}): GPart[][] {
	const parts: GPart[] = calls.map(([name, args]) => ({functionCall: {name, args}}));
	return options.sameChunk ? [parts] : parts.map(part => [part]);
}

/** A successful attempt made of chunk groups, e.g. `reply([...text('a'), ...call('Read', {})])`. */
export function reply(chunks: GPart[][], extra: Omit<GeminiReply, 'chunks'> = {}): Script {
	return {attempts: [{ok: {usage: {prompt: 12, candidates: 5}, finishReason: 'STOP', ...extra, chunks}}]};
}

export function google429(): UpstreamAttempt {
	return {status: 429, googleStatus: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).'};
}

/**
 * The values of Gemini Balance's own `.env.example` (what most deployments copy): fake streaming,
 * a thinking budget for gemini-2.5-flash (so thoughts come back), `-non-thinking` variants listed,
 * MAX_FAILURES 10. `intervalMs`/`addedMs` stand for FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS (5 s)
 * and the ≥ 1 s every fake-streamed request takes; tests shrink them.
 */
export function envExampleOptions(timing: {intervalMs?: number; addedMs?: number} = {}): FakeGbOptions {
	return {
		fakeStream: {intervalMs: timing.intervalMs ?? 5000, addedMs: timing.addedMs ?? 1000},
		thinkingBudgetMap: {'gemini-2.5-flash': -1},
		showThinking: true,
		thinkingModels: ['gemini-2.5-flash', 'gemini-2.5-pro'],
		maxFailures: 10,
	};
}

const DEFAULT_SCRIPT: Script = reply(text('pong'), {usage: {prompt: 8, candidates: 1}});

const EXEMPT_PREFIXES = ['/static', '/gemini', '/v1', '/health', '/hf', '/openai', '/api/version/check', '/vertex-express', '/upload'];
const NATIVE_ACTION = /^\/(?:gemini\/)?v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

function settingsFrom(options: FakeGbOptions): GbSettings {
	const allowedTokens = options.allowedTokens ?? ['sk-test'];
	return {
		allowedTokens,
		authToken: options.authToken ?? allowedTokens[0] ?? '',
		apiKeys: options.apiKeys ?? ['AIza-fake-0', 'AIza-fake-1', 'AIza-fake-2'],
		maxRetries: options.maxRetries ?? 3,
		maxFailures: options.maxFailures ?? 3,
		models: options.models ?? DEFAULT_MODELS,
		searchModels: options.searchModels ?? ['gemini-2.5-flash', 'gemini-2.5-pro'],
		imageModels: options.imageModels ?? ['gemini-2.0-flash-exp', 'gemini-2.5-flash-image-preview'],
		thinkingModels: options.thinkingModels ?? [],
		filteredModels: options.filteredModels ?? ['gemini-1.0-pro-vision-latest', 'gemini-pro-vision'],
		createImageModel: options.createImageModel === undefined ? 'imagen-3.0-generate-002' : options.createImageModel,
		thinkingBudgetMap: options.thinkingBudgetMap ?? {},
		showThinking: options.showThinking ?? true,
		fakeStream: options.fakeStream ?? null,
		upstreamModelsFail: options.upstreamModelsFail ?? false,
		strictUpstream: options.strictUpstream ?? true,
		pythonJson: options.pythonJson ?? true,
		now: options.now ?? Date.now,
	};
}

export async function startFakeGeminiBalance(options: FakeGbOptions = {}): Promise<FakeGeminiBalance> {
	let settings = settingsFrom(options);
	const requests: GbRecordedRequest[] = [];
	const queue: Script[] = [];
	let fallback: Script | ((request: GbRecordedRequest) => Script) = DEFAULT_SCRIPT;
	const failures = new Map<string, number>();
	let keyCursor = 0;
	const sockets = new Set<Socket>();

	const nextKey = (): string => {
		const keys = settings.apiKeys;
		for (let tried = 0; tried < keys.length; tried++) {
			const key = keys[keyCursor++ % keys.length]!;
			if ((failures.get(key) ?? 0) < settings.maxFailures) return key;
		}

		// Every key blocked: Gemini Balance hands one out anyway.
		return keys[keyCursor++ % keys.length] ?? '';
	};

	const fail = (key: string) => failures.set(key, (failures.get(key) ?? 0) + 1);

	const nextScript = (record: GbRecordedRequest): Script => queue.shift() ?? (typeof fallback === 'function' ? fallback(record) : fallback);

	const server = http.createServer((req, res) => {
		void handle(req, res).catch(() => {
			if (!res.headersSent) {
				res.writeHead(500, {'content-type': 'application/json'});
				res.end('"fake gemini balance crashed"');
			} else res.destroy();
		});
	});
	server.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname;
		const rawBody = await readBody(req);
		let body: unknown = rawBody;
		if (rawBody) {
			try {
				body = JSON.parse(rawBody);
			} catch {
				body = rawBody;
			}
		}

		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
		const record: GbRecordedRequest = {method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), headers, body, diagnostics: [], status: 0};
		requests.push(record);
		const send = (status: number, value: unknown, extra: Record<string, string> = {}) => {
			record.status = status;
			res.writeHead(status, {'content-type': 'application/json', ...extra});
			res.end(JSON.stringify(value));
		};

		const httpError = (status: number, message: string) => send(status, {error: {code: 'http_error', message}});
		const method = req.method ?? 'GET';
		const route = (paths: string[], allowed: string): boolean | 'wrong-method' => {
			if (!paths.includes(path)) return false;
			return method === allowed ? true : 'wrong-method';
		};

		// AuthMiddleware: anything outside the API prefixes needs the admin cookie.
		const exempt = path === '/' || path === '/auth' || EXEMPT_PREFIXES.some(prefix => path.startsWith(prefix));
		if (!exempt && !hasAdminCookie(headers['cookie'], settings.authToken)) {
			record.status = 307;
			res.writeHead(307, {location: '/'});
			res.end();
			return;
		}

		const table: Array<[string[], string, () => Promise<void> | void]> = [
			[['/health'], 'GET', () => send(200, {status: 'healthy'})],
			[
				['/'],
				'GET',
				() => {
					record.status = 200;
					res.writeHead(200, {'content-type': 'text/html; charset=utf-8'});
					res.end('<!doctype html><html><head><title>Gemini Balance - Login</title></head><body>login</body></html>');
				},
			],
			[['/api/version/check'], 'GET', () => send(200, {current_version: '2.2.8', latest_version: null, update_available: false, error_message: null})],
			[
				['/v1/models', '/hf/v1/models'],
				'GET',
				() => {
					const denied = verifyBearer(headers, settings);
					if (denied) return httpError(401, denied);
					send(200, settings.upstreamModelsFail ? null : openAIModels(settings));
				},
			],
			[
				['/v1/keys/list', '/hf/v1/keys/list'],
				'GET',
				() => {
					const denied = verifyAdmin(headers, settings);
					if (denied) return httpError(401, denied);
					const valid: Record<string, number> = {};
					const invalid: Record<string, number> = {};
					for (const key of settings.apiKeys) ((failures.get(key) ?? 0) >= settings.maxFailures ? invalid : valid)[key] = failures.get(key) ?? 0;
					send(200, {status: 'success', data: {valid_keys: valid, invalid_keys: invalid}, total: settings.apiKeys.length});
				},
			],
			[['/v1/chat/completions', '/hf/v1/chat/completions'], 'POST', () => chat(record, body, res, send, httpError)],
			[
				['/openai/v1/models'],
				'GET',
				() => {
					const denied = verifyBearer(headers, settings);
					if (denied) return httpError(401, denied);
					if (settings.upstreamModelsFail) return httpError(500, 'Internal server error during list_models');
					send(200, compatModels(settings));
				},
			],
			[['/openai/v1/chat/completions'], 'POST', () => compatChat(record, body, res, send, httpError)],
			[
				['/v1beta/models', '/gemini/v1beta/models'],
				'GET',
				() => {
					const denied = verifyNative(headers, url, settings);
					if (denied) return httpError(401, denied);
					if (settings.apiKeys.length === 0) return httpError(503, 'No valid API keys available to fetch models.');
					if (settings.upstreamModelsFail) return httpError(500, 'Failed to fetch base models list.');
					send(200, geminiModels(settings));
				},
			],
		];

		for (const [paths, allowed, run] of table) {
			const matched = route(paths, allowed);
			if (matched === 'wrong-method') return httpError(405, 'Method Not Allowed');
			if (matched) return run();
		}

		const native = NATIVE_ACTION.exec(path);
		if (native) {
			if (method !== 'POST') return httpError(405, 'Method Not Allowed');
			return nativeAction(record, native[1]!, native[2]!, body, url, res, send, httpError);
		}

		httpError(404, 'Not Found');
	}

	type Send = (status: number, value: unknown, extra?: Record<string, string>) => void;
	type HttpError = (status: number, message: string) => void;

	/** The attempt loop: rotate keys, count failures, stop at the first success. */
	function runAttempts(script: Script, payload: Record<string, unknown>, model: string, upstreamFailure?: GoogleFailure): {ok: GeminiReply} | {failure: GoogleFailure | 'network'} {
		const attempts = script.attempts ?? DEFAULT_SCRIPT.attempts!;
		const validated =
			upstreamFailure ??
			validateUpstream(
				payload,
				realModel(model),
				settings.models.map(item => item.id),
			);
		const strictFailure = settings.strictUpstream ? validated : undefined;
		let last: GoogleFailure | 'network' = 'network';
		for (let index = 0; index < settings.maxRetries; index++) {
			const key = nextKey();
			const attempt = attempts[Math.min(index, attempts.length - 1)]!;
			if (strictFailure) {
				fail(key);
				last = strictFailure;
				continue;
			}

			if ('ok' in attempt) return {ok: attempt.ok};
			fail(key);
			last = 'networkError' in attempt ? 'network' : attempt;
		}

		return {failure: last};
	}

	async function chat(record: GbRecordedRequest, body: unknown, res: http.ServerResponse, send: Send, httpError: HttpError): Promise<void> {
		const denied = verifyBearer(record.headers, settings);
		if (denied) return httpError(401, denied);
		const invalid = validateChatRequest(body);
		if (invalid.length > 0) return send(422, {error: {code: 'validation_error', message: 'Request validation failed', details: invalid}});
		const request = body as Record<string, unknown>;
		const model = String(request['model'] ?? 'gemini-2.5-flash-lite');
		const stream = request['stream'] === true;
		const script = nextScript(record);
		if (!checkModelSupport(model, settings)) {
			// RetryHandler retries GB's own 400 too: three key failures for nothing.
			for (let index = 0; index < settings.maxRetries; index++) fail(nextKey());
			await delay(script.headersDelayMs);
			return httpError(400, `Model ${model} is not supported`);
		}

		const {payload, diagnostics} = buildPayload(request, settings);
		record.upstreamPayload = payload;
		record.diagnostics.push(...diagnostics);
		if (script.hang) return;
		const outcome = runAttempts(script, payload, model);
		const context = renderContext(model);
		if ('failure' in outcome) {
			await delay(script.headersDelayMs);
			if (!stream || outcome.failure === 'network') return httpError(500, 'Internal server error during chat_completion');
			return send(outcome.failure.status, {error: {code: outcome.failure.status, message: googleErrorText(outcome.failure)}});
		}

		if (!stream) {
			await delay(script.headersDelayMs);
			return send(200, renderOpenAINonStream(outcome.ok, context));
		}

		if (settings.fakeStream) return fakeStream(record, res, script, outcome.ok, context);
		await delay(script.headersDelayMs);
		return writeSse(record, res, renderOpenAIStream(outcome.ok, context), script);
	}

	async function fakeStream(record: GbRecordedRequest, res: http.ServerResponse, script: Script, answer: GeminiReply, context: RenderContext): Promise<void> {
		record.status = 200;
		res.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8'});
		const {intervalMs, addedMs = 0} = settings.fakeStream!;
		// Keep-alive chunks (no usage) while the non-stream upstream call runs; it always takes addedMs.
		const total = Math.max(script.headersDelayMs ?? 0, addedMs);
		for (let waited = 0; waited < total; waited += intervalMs) {
			res.write(heartbeat(context));
			await delay(Math.min(intervalMs, total - waited));
		}

		for (const event of renderFakeStreamFinal(answer, context)) res.write(event);
		res.end();
	}

	async function compatChat(record: GbRecordedRequest, body: unknown, res: http.ServerResponse, send: Send, httpError: HttpError): Promise<void> {
		const denied = verifyBearer(record.headers, settings);
		if (denied) return httpError(401, denied);
		const invalid = validateChatRequest(body);
		if (invalid.length > 0) return send(422, {error: {code: 'validation_error', message: 'Request validation failed', details: invalid}});
		const request = body as Record<string, unknown>;
		// Through the pydantic model: unknown top-level fields dropped, top_k deleted, defaults injected.
		const known = ['messages', 'model', 'temperature', 'stream', 'max_tokens', 'top_p', 'n', 'stop', 'reasoning_effort', 'tools', 'tool_choice', 'response_format'];
		const upstream: Record<string, unknown> = {temperature: 0.7, top_p: 0.9, n: 1, tools: []};
		for (const key of known) if (request[key] !== undefined && request[key] !== null) upstream[key] = request[key];
		record.upstreamPayload = upstream;
		const model = String(request['model'] ?? '').replace(/^models\//, '');
		const script = nextScript(record);
		if (script.hang) return;
		const outcome = runAttempts(script, {contents: []}, model, validateCompat(upstream, model));
		await delay(script.headersDelayMs);
		const context = renderContext(model);
		if ('failure' in outcome) {
			if (request['stream'] !== true || outcome.failure === 'network') return httpError(500, 'Internal server error during openai_chat_completion');
			return send(outcome.failure.status, {error: {code: outcome.failure.status, message: googleErrorText(outcome.failure)}});
		}

		if (request['stream'] === true) return writeSse(record, res, renderCompatStream(outcome.ok, context), script);
		const parts = outcome.ok.chunks.flat();
		const content = parts
			.filter((part): part is {text: string} => 'text' in part && !('thought' in part && part.thought))
			.map(part => part.text)
			.join('');
		// Non-stream compat tool calls can carry an empty id.
		const calls = compatToolCalls(parts, () => '');
		send(200, {
			choices: [
				{
					finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
					index: 0,
					message: {role: 'assistant', content: content || null, ...(calls.length > 0 ? {tool_calls: calls} : {})},
				},
			],
			created: Math.floor(settings.now() / 1000),
			id: 'compat-id',
			model,
			object: 'chat.completion',
			usage: outcome.ok.usage
				? {prompt_tokens: outcome.ok.usage.prompt, completion_tokens: outcome.ok.usage.candidates, total_tokens: outcome.ok.usage.prompt + outcome.ok.usage.candidates}
				: undefined,
		});
	}

	async function nativeAction(
		record: GbRecordedRequest,
		model: string,
		action: string,
		body: unknown,
		url: URL,
		res: http.ServerResponse,
		send: Send,
		httpError: HttpError,
	): Promise<void> {
		const denied = verifyNative(record.headers, url, settings);
		if (denied) return httpError(401, denied);
		const request = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
		if (!Array.isArray(request['contents'])) {
			return send(422, {error: {code: 'validation_error', message: 'Request validation failed', details: [{loc: ['body', 'contents'], msg: 'Field required', type: 'missing'}]}});
		}

		if (action === 'countTokens') {
			return send(200, {totalTokens: Math.ceil(JSON.stringify(request['contents']).length / 4)});
		}

		const {payload, diagnostics} = nativePayload(request, model, settings);
		record.upstreamPayload = payload;
		record.diagnostics.push(...diagnostics);
		const script = nextScript(record);
		if (script.hang) return;
		// Behind Gemini Balance sits Google: the strict fake's rules first, then the documented ones (model, schema, order).
		const refused = googleRefusal(payload, realModel(model));
		const outcome = runAttempts(
			script,
			payload,
			model,
			refused ? {status: refused.code as GoogleFailure['status'], googleStatus: refused.status, message: refused.message} : undefined,
		);
		await delay(script.headersDelayMs);
		// Google sends thought parts only when the request asked for them.
		const thinking = (payload['generationConfig'] as {thinkingConfig?: {includeThoughts?: unknown}} | undefined)?.thinkingConfig;
		const context = {...renderContext(model), showThoughts: thinking?.includeThoughts === true};
		const stream = action === 'streamGenerateContent';
		if ('failure' in outcome) {
			if (!stream || outcome.failure === 'network') {
				return httpError(500, `Internal server error during ${stream ? 'gemini_stream_generate_content' : 'gemini_generate_content'}`);
			}

			return send(outcome.failure.status, {error: {code: outcome.failure.status, message: googleErrorText(outcome.failure)}});
		}

		if (!stream) return send(200, renderNativeNonStream(outcome.ok, context));
		return writeSse(record, res, renderNativeStream(outcome.ok, context), script);
	}

	async function writeSse(record: GbRecordedRequest, res: http.ServerResponse, events: string[], script: Script): Promise<void> {
		record.status = 200;
		res.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8'});
		for (const [index, event] of events.entries()) {
			if (script.dropAfterEvents !== undefined && index >= script.dropAfterEvents) {
				// httpx error mid-stream: Gemini Balance's generator dies, the connection is cut.
				res.socket?.destroy();
				return;
			}

			if (index > 0) await delay(script.chunkIntervalMs);
			if (res.destroyed) return;
			// Wait for the flush so a later destroy() cuts the stream after these bytes, not before.
			await new Promise<void>(resolve => res.write(event, () => resolve()));
		}

		res.end();
	}

	function renderContext(model: string): RenderContext {
		const real = realModel(model);
		return {model, showThoughts: settings.showThinking && real in settings.thinkingBudgetMap, now: settings.now, python: settings.pythonJson};
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', resolve);
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		enqueue: (...scripts) => queue.push(...scripts),
		setDefault: script => {
			fallback = script;
		},
		requests,
		keyFailures: () => Object.fromEntries(failures),
		configure: changes => {
			settings = settingsFrom({...optionsFrom(settings), ...changes});
		},
		reset: () => {
			requests.length = 0;
			queue.length = 0;
			failures.clear();
			keyCursor = 0;
			fallback = DEFAULT_SCRIPT;
		},
		close: () =>
			new Promise<void>(resolve => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

function optionsFrom(settings: GbSettings): FakeGbOptions {
	return {...settings};
}

function verifyBearer(headers: Record<string, string>, settings: GbSettings): string | undefined {
	const auth = headers['authorization'];
	if (!auth) return 'Missing Authorization header';
	// Case-sensitive "Bearer ", as in Gemini Balance.
	if (!auth.startsWith('Bearer ')) return 'Invalid Authorization header format';
	const token = auth.slice('Bearer '.length);
	if (!settings.allowedTokens.includes(token) && token !== settings.authToken) return 'Invalid token';
	return undefined;
}

function verifyNative(headers: Record<string, string>, url: URL, settings: GbSettings): string | undefined {
	const valid = (token: string | null | undefined) => Boolean(token) && (settings.allowedTokens.includes(token!) || token === settings.authToken);
	if (valid(url.searchParams.get('key'))) return undefined;
	const goog = headers['x-goog-api-key'];
	if (goog === undefined) return 'Invalid key and missing x-goog-api-key header';
	return valid(goog) ? undefined : 'Invalid key and invalid x-goog-api-key';
}

function verifyAdmin(headers: Record<string, string>, settings: GbSettings): string | undefined {
	const auth = headers['authorization'];
	if (!auth) return 'Missing auth_token header';
	const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : auth;
	return token === settings.authToken ? undefined : 'Invalid auth_token';
}

function hasAdminCookie(cookie: string | undefined, authToken: string): boolean {
	return (cookie ?? '').split(';').some(pair => pair.trim() === `auth_token=${authToken}`);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function delay(ms: number | undefined): Promise<void> {
	// unref: a scripted delay must not keep a test worker alive after close().
	return ms && ms > 0 ? new Promise(resolve => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
