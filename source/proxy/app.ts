/**
 * The h3 app: a fixed set of routes registered once. Routing decisions are data lookups inside the
 * handlers (the config store's current snapshot), never route re-registration.
 *
 *   POST /v1/messages               the proxy (any query such as ?beta=true; a doubled /v1/v1 is tolerated)
 *   POST /v1/messages/count_tokens  answered locally with the token estimator, never upstream
 *   GET  /v1/models                 every configured `provider,model`
 *   GET  /ccr-tui/status?session=ID the session's latest request, for `ccr-tui statusline` (auth as /v1)
 *   GET  /health, GET|HEAD /, HEAD /api/hello   liveness probes (no auth)
 *   anything else                   Anthropic-shaped 404
 */
import {H3, type H3Event} from 'h3';
import type {ActivityBus} from '../activity/bus.js';
import type {SessionIndex} from '../activity/usage/sessions.js';
import {listDiscoveryModels} from './model-aliases.js';
import type {ConfigStore} from '../config/store.js';
import {checkAuth} from './auth.js';
import {CustomRouter} from './custom-router.js';
import {UpstreamDispatchers, type ProxyEnv} from './dispatcher.js';
import {InFlight} from './in-flight.js';
import {KeyPools} from './key-pool.js';
import type {ProxyServices} from './messages-handler.js';
import {readJsonBody} from './request-body.js';
import {errorResponse, jsonResponse, newRequestId} from './responses.js';
import {clientError} from './translate/errors.js';
import {resolveTimings, type ProxyTimings} from './timings.js';
import {ThoughtSignatureCache} from './translate/thought-signatures.js';

/**
 * The request-handling modules (validation, translation, upstream calls: about 40 files) are
 * imported once the server listens (`loadHandlers()` from server.ts), not before: start-up time
 * goes to listening first (bench: start to listening). A request that arrives earlier waits for them.
 */
async function importHandlers() {
	const [messages, validate, tokens] = await Promise.all([import('./messages-handler.js'), import('./validate-request.js'), import('./translate/tokens.js')]);
	return {
		createMessagesHandler: messages.createMessagesHandler,
		validateCountTokensRequest: validate.validateCountTokensRequest,
		estimateInputTokens: tokens.estimateInputTokens,
	};
}

let handlers: ReturnType<typeof importHandlers> | undefined;

export function loadHandlers(): ReturnType<typeof importHandlers> {
	handlers ??= importHandlers();
	return handlers;
}

export type ProxyAppDeps = {
	readonly store: ConfigStore;
	readonly bus: ActivityBus;
	/** Where the server listens; used by the auth check (Origin port). @default 127.0.0.1:0 */
	readonly listen?: () => {host: string; port: number};
	readonly timings?: Partial<ProxyTimings>;
	/** Environment for HTTP(S)_PROXY / NO_PROXY. @default process.env */
	readonly env?: ProxyEnv;
	/** Shared with the server so it can close them; created here when absent. */
	readonly dispatchers?: UpstreamDispatchers;
	readonly inFlight?: InFlight;
	readonly pools?: KeyPools;
	/** Answers `/ccr-tui/status`; without it that endpoint reports no sessions. */
	readonly sessions?: SessionIndex;
};

// Over 60 lines: the route table: each handler is a few lines over the shared services.
export function createProxyApp(deps: ProxyAppDeps): H3 {
	const timings = resolveTimings(deps.timings);
	const startedAt = timings.now();
	const services: ProxyServices = {
		store: deps.store,
		bus: deps.bus,
		timings,
		env: deps.env ?? process.env,
		pools: deps.pools ?? new KeyPools(deps.bus, timings.now),
		dispatchers: deps.dispatchers ?? new UpstreamDispatchers({connectTimeoutMs: timings.connectTimeoutMs}),
		inFlight: deps.inFlight ?? new InFlight(),
		customRouter: new CustomRouter(deps.bus, {now: timings.now}),
		dialects: {signatures: new ThoughtSignatureCache()},
		listen: deps.listen ?? (() => ({host: '127.0.0.1', port: 0})),
	};
	// A provider edit resets its pool at once, not at its next request (the panel shows the reset).
	deps.store.subscribe(() => services.pools.sync(deps.store.getSnapshot().config.Providers));
	let messagesHandler: ((event: H3Event) => Promise<Response>) | undefined;
	const messages = async (event: H3Event): Promise<Response> => {
		messagesHandler ??= (await loadHandlers()).createMessagesHandler(services);
		return messagesHandler(event);
	};

	/** Auth for the `/v1/*` helpers (messages does its own, to report refusals in the activity). */
	const guard = (event: H3Event): Response | undefined => {
		const rejection = checkAuth({headers: event.req.headers}, services.store.getSnapshot().config, services.listen());
		if (!rejection) return undefined;
		return errorResponse(clientError(rejection.status, rejection.type, rejection.message), newRequestId());
	};

	const countTokens = async (event: H3Event): Promise<Response> => {
		const denied = guard(event);
		if (denied) return denied;
		const id = newRequestId();
		const body = await readJsonBody(event);
		if (!body.ok) return errorResponse(clientError(body.status, body.type, body.message), id);
		const {validateCountTokensRequest, estimateInputTokens} = await loadHandlers();
		const validated = validateCountTokensRequest(body.json);
		if (!validated.ok) return errorResponse(clientError(400, 'invalid_request_error', validated.message), id);
		return jsonResponse(200, {input_tokens: estimateInputTokens(validated.request)}, id);
	};

	const models = (event: H3Event): Response => {
		const denied = guard(event);
		if (denied) return denied;
		const config = services.store.getSnapshot().config;
		const created = new Date(startedAt).toISOString();
		const data = listDiscoveryModels(config).map(model => ({
			type: 'model',
			id: model.id,
			display_name: model.displayName,
			created_at: created,
		}));
		return jsonResponse(200, {data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null}, newRequestId());
	};

	const status = (event: H3Event): Response => {
		const denied = guard(event);
		if (denied) return denied;
		const session = new URL(event.req.url).searchParams.get('session');
		const found = session ? deps.sessions?.get(session) : undefined;
		return jsonResponse(200, {service: 'ccr-tui', session: found ?? null, latest: deps.sessions?.latest() ?? null}, newRequestId());
	};

	const health = (): Response =>
		jsonResponse(200, {status: 'ok', service: 'ccr-tui', inFlight: services.inFlight.size, uptimeMs: Math.round(timings.now() - startedAt)}, newRequestId());

	const ok = (): Response => new Response('ccr-tui proxy is running\n', {status: 200, headers: {'content-type': 'text/plain; charset=utf-8'}});

	const notFound = (event: H3Event): Response =>
		errorResponse(
			clientError(404, 'not_found_error', `${event.req.method} ${new URL(event.req.url).pathname} is not an endpoint of ccr-tui (it serves POST /v1/messages)`),
			newRequestId(),
		);

	const app = new H3({
		silent: true,
		onError: error => errorResponse(clientError(500, 'api_error', `internal error in ccr-tui: ${error instanceof Error ? error.message : String(error)}`), newRequestId()),
	});
	for (const prefix of ['/v1', '/v1/v1']) {
		app.post(`${prefix}/messages`, messages);
		app.post(`${prefix}/messages/count_tokens`, countTokens);
		app.get(`${prefix}/models`, models);
	}

	app.get('/ccr-tui/status', status);
	app.get('/health', health);
	app.get('/', ok);
	app.on('HEAD', '/', ok);
	app.on('HEAD', '/api/hello', () => new Response(null, {status: 200}));
	app.get('/api/hello', ok);
	app.all('/**', notFound);
	return app;
}
