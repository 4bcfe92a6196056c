/**
 * `POST /v1/messages`: admit (auth, body limits, validation) → route → the one retry loop (with
 * fallbacks) → the answer, streamed or whole, translated back by the target's dialect. Config is
 * read per request, so hand edits and dashboard reassignments apply to the next request without
 * touching the ones in flight. Every step is reported through the request's reporter; nothing is
 * logged here, and nothing here depends on what the upstream speaks.
 */
import type {H3Event} from 'h3';
import type {ActivityBus} from '../activity/bus.js';
import {createRedactor} from '../config/redact.js';
import type {Config, ProviderConfig} from '../config/schema.js';
import type {ConfigSnapshot, ConfigStore} from '../config/store.js';
import {checkAuth} from './auth.js';
import type {CustomRouter} from './custom-router.js';
import type {ClientBetas, DialectContext} from './dialects/dialect.js';
import type {ProxyEnv, UpstreamDispatchers} from './dispatcher.js';
import type {InFlight} from './in-flight.js';
import type {KeyPools} from './key-pool.js';
import {readJsonBody} from './request-body.js';
import {RequestLifecycle} from './request-lifecycle.js';
import {RequestReporter} from './request-reporter.js';
import {errorResponse, newRequestId} from './responses.js';
import {resolveTarget, routeRequest} from './router.js';
import {searchModelFor} from './search-model.js';
import {claudeSessionId} from './session.js';
import {respondStream} from './stream-responder.js';
import type {ProxyTimings} from './timings.js';
import {resolveProfile} from './translate/resolve-profile.js';
import {estimateInputTokens, quickEstimateInputTokens} from './translate/tokens.js';
import type {AnthropicErrorType, AnthropicRequest} from './translate/types.js';
import {clientError} from './translate/errors.js';
import {type CallTarget, callUpstream, SHUTTING_DOWN, type UpstreamAnswer} from './upstream-call.js';
import {buildTargets, type Prepared, prepareFor} from './upstream-request.js';
import {apiHost} from './upstream-url.js';
import {validateMessagesRequest} from './validate-request.js';
import {conversationFingerprint, isDeterministicRefusal, RefusalMemo, remembersRefusals} from './refusal-memo.js';
import {respondWhole} from './whole-responder.js';
import {yieldIfLarge} from './yield-turn.js';
import {FAKE_STREAM_NOTICE, losesStreamedAnswers, peekFirstChoice, rememberLostAnswers} from './fake-stream-recovery.js';
import type {CallResult} from './upstream-call.js';

/** Within ±25 % of longContextThreshold the character estimate is not trusted: tokenize. */
const NEAR_THRESHOLD = 0.25;

export type ProxyServices = {
	readonly store: ConfigStore;
	readonly bus: ActivityBus;
	readonly timings: ProxyTimings;
	readonly env: ProxyEnv;
	readonly pools: KeyPools;
	readonly dispatchers: UpstreamDispatchers;
	readonly inFlight: InFlight;
	readonly customRouter: CustomRouter;
	/** What the dialects keep between requests (thought signatures). */
	readonly dialects: DialectContext;
	/** Where the server listens (the port is known only after listen with port 0). */
	readonly listen: () => {host: string; port: number};
};

type Admitted = {readonly request: AnthropicRequest; readonly text: string; readonly stream: boolean; readonly sessionId?: string; readonly betas: ClientBetas};

type Routed = Admitted & {
	readonly request: AnthropicRequest;
	readonly targets: readonly CallTarget[];
	readonly inputTokens: number;
};

export function createMessagesHandler(services: ProxyServices): (event: H3Event) => Promise<Response> {
	const warn = noticesOnce(services);
	const refusals = new RefusalMemo();
	return async event => {
		const reporter = new RequestReporter(services.bus, newRequestId(), services.timings.now);
		const snapshot = services.store.getSnapshot();
		const admitted = await admit(event, services, snapshot.config, reporter);
		if ('refused' in admitted) return admitted.refused;
		const routed = await route(admitted, services, snapshot, reporter);
		if ('refused' in routed) return routed.refused;
		const lifecycle = new RequestLifecycle(event, services.inFlight, reporter);
		return answer(event, services, snapshot.config, routed, lifecycle, warn, refusals);
	};
}

/** A request turned away before any upstream call (h3 responses are not `instanceof Response`: wrapped). */
type Refused = {readonly refused: Response};

function refuse(
	reporter: RequestReporter,
	status: number,
	type: AnthropicErrorType,
	message: string,
	extra: {requestedModel?: string; sessionId?: string; headers?: Record<string, string>} = {},
): Refused {
	const {headers = {}, requestedModel = '', sessionId} = extra;
	reporter.refused(status, type, message, {requestedModel, ...(sessionId ? {sessionId} : {})});
	return {refused: errorResponse(clientError(status, type, message, headers), reporter.id)};
}

/** Shutdown, auth, body and validation. */
async function admit(event: H3Event, services: ProxyServices, config: Config, reporter: RequestReporter): Promise<Admitted | Refused> {
	if (services.inFlight.closing) {
		return refuse(reporter, 503, 'overloaded_error', SHUTTING_DOWN, {headers: {'retry-after': '1'}});
	}

	const rejection = checkAuth({headers: event.req.headers}, config, services.listen());
	if (rejection) return refuse(reporter, rejection.status, rejection.type, rejection.message);
	const body = await readJsonBody(event);
	if (!body.ok) return refuse(reporter, body.status, body.type, body.message);
	await yieldIfLarge(body.text.length);
	const validated = validateMessagesRequest(body.json);
	if (!validated.ok) return refuse(reporter, 400, 'invalid_request_error', validated.message, {requestedModel: modelOf(body.json)});
	const request = validated.request as AnthropicRequest;
	reporter.logBodies(config.LOG === true && (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace'));
	reporter.debug('client-request', body.text);
	const sessionId = claudeSessionId(request);
	return {request, text: body.text, stream: request.stream === true, betas: clientBetas(event), ...(sessionId ? {sessionId} : {})};
}

/** The client's `anthropic-beta` header and `?beta=true` (Claude Code sends both on every request). */
function clientBetas(event: H3Event): ClientBetas {
	const header = event.req.headers.get('anthropic-beta') ?? undefined;
	const query = event.url.searchParams.get('beta') === 'true';
	return header ? {header, query} : {query};
}

/**
 * Routing decision and target list. Tokenizing is the costliest step of a request: message_start
 * gets a character estimate, and the tokenizer runs only for a custom router or a long-context
 * decision close to the threshold.
 */
async function route(admitted: Admitted, services: ProxyServices, snapshot: ConfigSnapshot, reporter: RequestReporter): Promise<Routed | Refused> {
	const {config} = snapshot;
	const {request, sessionId} = admitted;
	let estimate: number | undefined;
	let quick: number | undefined;
	const estimateTokens = () => (estimate ??= estimateInputTokens(request));
	const quickTokens = () => (quick ??= quickEstimateInputTokens(request, admitted.text));
	const routingTokens = () => {
		const rough = quickTokens();
		const threshold = config.Router.longContextThreshold;
		return Math.abs(rough - threshold) < threshold * NEAR_THRESHOLD ? estimateTokens() : rough;
	};

	const custom = config.CUSTOM_ROUTER_PATH ? await customChoice(services.customRouter, request, config, snapshot.path, estimateTokens) : undefined;
	const decision = routeRequest(request, config, {estimateTokens: routingTokens, custom, configPath: snapshot.path, searchModel: searchModelFor});
	if ('error' in decision) {
		const {status, type, message} = decision.error;
		return refuse(reporter, status, type, message, {requestedModel: request.model, headers: {'x-should-retry': 'false'}, ...(sessionId ? {sessionId} : {})});
	}

	const targets = buildTargets(config, {provider: decision.provider, model: decision.model}, decision.fallbackScenario);
	const inputTokens = estimate ?? quickTokens();
	reporter.start({
		scenario: decision.scenario,
		reason: decision.reason,
		provider: decision.provider.name,
		model: decision.model,
		requestedModel: request.model,
		stream: admitted.stream,
		inputTokens,
		upstreamHost: apiHost(decision.provider.api_base_url),
		...(sessionId ? {sessionId} : {}),
	});
	for (const skipped of targets.skipped) reporter.attempt({provider: skipped.provider, model: skipped.model, outcome: `skipped: ${skipped.reason}`, durationMs: 0});
	return {...admitted, request: decision.request, targets: targets.list, inputTokens};
}

async function customChoice(router: CustomRouter, request: AnthropicRequest, config: Config, path: string, tokens: () => number): Promise<string | undefined> {
	const custom = await router.choose({...request, body: request, tokenCount: tokens()}, config, path);
	if (!custom) return undefined;
	const resolved = resolveTarget(config, custom);
	if (!('error' in resolved)) return custom;
	router.reject(`it named ${resolved.error}`);
	return undefined;
}

/** The retry loop over the targets, then the responder that fits the answer. */
// Over 60 lines: the answer decision over one call’s result (fake-stream replay, refusal memo, stream or whole).
async function answer(
	event: H3Event,
	services: ProxyServices,
	config: Config,
	routed: Routed,
	lifecycle: RequestLifecycle,
	warn: (provider: ProviderConfig, message: string) => void,
	refusals: RefusalMemo,
): Promise<Response> {
	const {timings} = services;
	const {reporter} = lifecycle;
	// The same conversation refused moments ago (refusal-memo.ts): the same answer, no upstream call.
	const routedTarget = routed.targets[0]!;
	const memoize = remembersRefusals(resolveProfile(routedTarget.provider, routedTarget.model).profile);
	let fingerprint: string | undefined;
	const conversation = () => (fingerprint ??= conversationFingerprint(routed.request.messages));
	const refused = memoize ? refusals.lookup(routedTarget.provider.name, routedTarget.model, conversation, timings.now()) : undefined;
	if (refused) {
		reporter.attempt({provider: routedTarget.provider.name, model: routedTarget.model, outcome: 'skipped: refused moments ago', durationMs: 0, status: refused.status});
		return lifecycle.fail(refused);
	}

	const redact = createRedactor(config);
	let forceNonStream = false;
	const prepare = (target: CallTarget): Prepared => {
		const {profile, unsupportedTransformers} = resolveProfile(target.provider, target.model);
		const names = unsupportedTransformers;
		if (names.length > 0) warn(target.provider, `transformer${names.length > 1 ? 's' : ''} ${names.join(', ')} not supported by ccr-tui; ignored`);
		// A (provider, model) whose streams lose the answer (fake-stream-recovery.ts) is called without streaming.
		const nonStreamUpstream = forceNonStream || (routed.stream && losesStreamedAnswers(target.provider.api_base_url, target.model));
		const prepared = prepareFor(target, routed.request, profile, routed.stream, services.dialects, {nonStreamUpstream, client: routed.betas});
		for (const note of prepared.notes ?? []) warn(target.provider, note);
		reporter.debug('upstream-request', prepared.body);
		return prepared;
	};

	const call = () =>
		callUpstream<Prepared>({
			id: reporter.id,
			targets: routed.targets,
			prepare,
			signal: lifecycle.signal,
			deadline: timings.now() + (config.API_TIMEOUT_MS ?? timings.totalTimeoutMs),
			timings: config.API_TIMEOUT_MS ? {...timings, totalTimeoutMs: config.API_TIMEOUT_MS} : timings,
			pools: services.pools,
			dispatcher: url => services.dispatchers.for(url, config.PROXY_URL, services.env),
			onAttempt: attempt => reporter.attempt(attempt),
			stream: routed.stream,
			errorOptions: {inputTokens: routed.inputTokens, redact},
		});

	let result: CallResult<Prepared>;
	try {
		result = await call();
		if (result.ok && routed.stream && isSse(result.answer) && result.answer.prepared.profileName === 'gemini-balance') {
			const peeked = await peekFakeStream(result.answer, services);
			result = {ok: true, answer: peeked.answer};
			if (peeked.lost) {
				forceNonStream = true;
				result = await call();
			}
		}
	} catch (error) {
		return lifecycle.fail(clientError(500, 'api_error', `internal error in ccr-tui: ${error instanceof Error ? error.message : String(error)}`));
	}

	if (!result.ok) {
		if (result.cancelled) return lifecycle.cancelled();
		if (memoize && isDeterministicRefusal(result.error)) refusals.remember(routedTarget.provider.name, routedTarget.model, conversation(), result.error, timings.now());
		return lifecycle.fail(result.error);
	}

	const options = {requestedModel: routed.request.model, inputTokens: routed.inputTokens};
	const upstreamIsSse = isSse(result.answer);
	if (routed.stream && (upstreamIsSse || result.answer.prepared.relaysAnyBody)) {
		return respondStream({event, answer: result.answer, lifecycle, timings, options, redact});
	}

	return respondWhole({answer: result.answer, lifecycle, stream: routed.stream, upstreamIsSse, options, maxAnswerMb: config.MAX_ANSWER_MB});
}

/** A notice once per provider and wording: what ccr-tui cannot honour for it (transformers, dropped fields). */
function noticesOnce(services: ProxyServices): (provider: ProviderConfig, message: string) => void {
	const reported = new Set<string>();
	return (provider, message) => {
		const key = `${provider.name}|${message}`;
		if (reported.has(key)) return;
		reported.add(key);
		services.bus.emit({type: 'notice', at: services.timings.now(), level: 'warn', source: 'translate', message: `provider "${provider.name}": ${message}`});
	};
}

function isSse(answer: UpstreamAnswer<Prepared>): boolean {
	return String(answer.headers['content-type'] ?? '').includes('text/event-stream');
}

/**
 * Gemini Balance's fake streaming can lose a streamed answer: peek at the first choice; when it is
 * lost, drop this answer (the caller calls again without streaming) and say so once.
 */
async function peekFakeStream(answer: UpstreamAnswer<Prepared>, services: ProxyServices): Promise<{answer: UpstreamAnswer<Prepared>; lost: boolean}> {
	const peeked = await peekFirstChoice(answer.body);
	const kept = {...answer, body: peeked.body};
	if (peeked.verdict !== 'lost') return {answer: kept, lost: false};
	answer.abort(new Error('streamed answer lost by Gemini Balance fake streaming'));
	answer.release();
	rememberLostAnswers(answer.target.provider.api_base_url, answer.target.model);
	services.bus.emit({type: 'notice', at: services.timings.now(), level: 'warn', source: 'proxy', message: FAKE_STREAM_NOTICE(answer.target.provider.name)});
	return {answer: kept, lost: true};
}

function modelOf(json: unknown): string {
	const model = (json as {model?: unknown} | null)?.model;
	return typeof model === 'string' ? model : '';
}
