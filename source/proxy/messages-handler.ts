/**
 * `POST /v1/messages`: auth → body limits and validation → route → the one retry loop (with
 * fallbacks) → the answer, streamed or as JSON, translated back to Anthropic's format. Config is read
 * per request, so hand edits and dashboard reassignments apply to the next request without
 * touching the ones in flight. Every step is reported on the activity bus; nothing is logged here.
 */
import {HTTPResponse, type H3Event} from 'h3';
import type {ActivityBus} from '../activity/bus.js';
import type {RouteScenario, Usage} from '../activity/events.js';
import type {RequestDebug} from '../activity/events.js';
import type {ConfigStore} from '../config/store.js';
import {createRedactor} from '../config/redact.js';
import {checkAuth} from './auth.js';
import type {CustomRouter} from './custom-router.js';
import type {UpstreamDispatchers, ProxyEnv} from './dispatcher.js';
import type {InFlight} from './in-flight.js';
import type {KeyPools} from './key-pool.js';
import {MAX_BODY_BYTES, readBodyText} from './read-body.js';
import {errorBody, errorResponse, jsonResponse, newRequestId} from './responses.js';
import {resolveTarget, routeRequest} from './router.js';
import {claudeSessionId} from './session.js';
import {relaySse, type RelayOutcome} from './sse-relay.js';
import type {ProxyTimings} from './timings.js';
import {messageToSse} from './translate/message-sse.js';
import {resolveProfile} from './translate/resolve-profile.js';
import {estimateInputTokens, quickEstimateInputTokens} from './translate/tokens.js';
import type {AnthropicMessage, AnthropicRequest, AnthropicUsage} from './translate/types.js';
import {callUpstream, clientError, TimeoutReason, type CallTarget, type ClientError, type UpstreamAnswer} from './upstream-call.js';
import {buildTargets, prepareFor, type Prepared} from './upstream-request.js';
import {apiHost} from './upstream-url.js';
import {validateMessagesRequest} from './validate-request.js';
import {conversationFingerprint, isDeterministicRefusal, RefusalMemo, remembersRefusals} from './refusal-memo.js';
import {FAKE_STREAM_NOTICE, losesStreamedAnswers, peekFirstChoice, rememberLostAnswers} from './fake-stream-recovery.js';

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
	/** Where the server listens (the port is known only after listen with port 0). */
	readonly listen: () => {host: string; port: number};
};

const zeroUsage: Usage = {inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0};

export function createMessagesHandler(services: ProxyServices): (event: H3Event) => Promise<Response> {
	const {bus, timings} = services;
	const reportedTransformers = new Set<string>();
	const refusals = new RefusalMemo();

	return async event => {
		const id = newRequestId();
		const startedAt = performance.now();
		const at = timings.now();
		const snapshot = services.store.getSnapshot();
		const {config} = snapshot;
		const elapsed = () => Math.round(performance.now() - startedAt);

		/** A request refused before routing still shows up in the activity, with its reason. */
		const reject = (status: number, type: Parameters<typeof errorBody>[0], message: string, requestedModel = '', headers: Record<string, string> = {}, sessionId?: string) => {
			emitStart({scenario: 'none', reason: message, provider: '', model: '', requestedModel, stream: false, inputTokens: 0, upstreamHost: '', ...(sessionId ? {sessionId} : {})});
			bus.emit({type: 'request:error', id, at: timings.now(), status, errorType: type, message, durationMs: elapsed()});
			return errorResponse(status, errorBody(type, message), id, headers);
		};

		const emitStart = (fields: {
			scenario: RouteScenario;
			reason: string;
			provider: string;
			model: string;
			requestedModel: string;
			stream: boolean;
			inputTokens: number;
			upstreamHost: string;
			sessionId?: string;
		}) => bus.emit({type: 'request:start', id, at, ...fields});

		if (services.inFlight.closing) {
			return reject(503, 'overloaded_error', 'ccr-tui is shutting down; retry in a moment', '', {'retry-after': '1'});
		}

		const rejection = checkAuth({headers: event.req.headers}, config, services.listen());
		if (rejection) return reject(rejection.status, rejection.type as Parameters<typeof errorBody>[0], rejection.message);

		const read = await readBodyText(event.req as Request, MAX_BODY_BYTES).catch(() => undefined);
		if (!read) return reject(400, 'invalid_request_error', 'the request body could not be read (client disconnected?)');
		if (!read.ok) {
			return reject(413, 'request_too_large', `request body is ${formatBytes(read.size)}; the limit is ${formatBytes(MAX_BODY_BYTES)}`);
		}

		let json: unknown;
		try {
			json = JSON.parse(read.text);
		} catch (error) {
			return reject(400, 'invalid_request_error', `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
		}

		const validated = validateMessagesRequest(json);
		if (!validated.ok) return reject(400, 'invalid_request_error', validated.message, modelOf(json));
		const request = validated.request as AnthropicRequest;
		const stream = request.stream === true;
		const sessionId = claudeSessionId(request);

		// Bodies only for `LOG: true` with `LOG_LEVEL: debug|trace`; the log file redacts them.
		const debugBodies = config.LOG === true && (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace');
		const debug = (direction: RequestDebug['direction'], body: string) => {
			if (debugBodies) bus.emit({type: 'request:debug', id, at: timings.now(), direction, body});
		};

		debug('client-request', read.text);
		// Tokenizing is the costliest step of a request: message_start gets a character estimate, and
		// the tokenizer runs only for a custom router or a long-context decision close to the threshold.
		let estimate: number | undefined;
		let quick: number | undefined;
		const estimateTokens = () => (estimate ??= estimateInputTokens(request));
		const quickTokens = () => (quick ??= quickEstimateInputTokens(request, read.text));
		const routingTokens = () => {
			const rough = quickTokens();
			const threshold = config.Router.longContextThreshold;
			return Math.abs(rough - threshold) < threshold * NEAR_THRESHOLD ? estimateTokens() : rough;
		};

		let custom: string | undefined;
		if (config.CUSTOM_ROUTER_PATH) {
			custom = await services.customRouter.choose({...request, body: request, tokenCount: estimateTokens()}, config, snapshot.path);
			if (custom) {
				const resolved = resolveTarget(config, custom);
				if ('error' in resolved) {
					services.customRouter.reject(`it named ${resolved.error}`);
					custom = undefined;
				}
			}
		}

		const decision = routeRequest(request, config, {estimateTokens: routingTokens, custom, configPath: snapshot.path});
		if ('error' in decision) {
			return reject(decision.error.status, decision.error.type, decision.error.message, request.model, {'x-should-retry': 'false'}, sessionId);
		}

		const targets = buildTargets(config, {provider: decision.provider, model: decision.model}, decision.fallbackScenario);
		const inputTokens = estimate ?? quickTokens();
		emitStart({
			scenario: decision.scenario,
			reason: decision.reason,
			provider: decision.provider.name,
			model: decision.model,
			requestedModel: request.model,
			stream,
			inputTokens,
			upstreamHost: apiHost(decision.provider.api_base_url),
			...(sessionId ? {sessionId} : {}),
		});
		for (const skipped of targets.skipped) {
			bus.emit({type: 'request:attempt', id, attempt: {provider: skipped.provider, model: skipped.model, outcome: `skipped: ${skipped.reason}`, durationMs: 0}});
		}

		// Aborted by the client going away, or by close() after its grace period. Served by node:http,
		// the response's own `close` tells; srvx's `event.req.signal` would build one more
		// AbortController per request just for that.
		const controller = new AbortController();
		const untrack = services.inFlight.add(id, reason => controller.abort(reason));
		const stopWatching = watchClient(event, () => controller.abort(new Error('client disconnected')));
		let tracked = true;
		const done = () => {
			if (!tracked) return;
			tracked = false;
			stopWatching();
			untrack();
		};

		const fail = (error: ClientError): Response => {
			bus.emit({
				type: 'request:error',
				id,
				at: timings.now(),
				status: error.status,
				errorType: error.body.error.type,
				message: error.body.error.message,
				durationMs: elapsed(),
			});
			done();
			return errorResponse(error.status, error.body, id, error.headers);
		};

		const cancelled = (): Response => {
			bus.emit({type: 'request:error', id, at: timings.now(), status: 499, errorType: 'cancelled', message: 'the client disconnected', durationMs: elapsed()});
			done();
			return new Response(null, {status: 499});
		};

		// The same conversation refused moments ago (refusal-memo.ts): the same answer, no upstream call.
		let fingerprint: string | undefined;
		const conversation = () => (fingerprint ??= conversationFingerprint(request.messages));
		const memoize = remembersRefusals(resolveProfile(decision.provider, decision.model).profile);
		const refused = memoize ? refusals.lookup(decision.provider.name, decision.model, conversation, timings.now()) : undefined;
		if (refused) {
			bus.emit({
				type: 'request:attempt',
				id,
				attempt: {provider: decision.provider.name, model: decision.model, outcome: 'skipped: refused moments ago', durationMs: 0, status: refused.status},
			});
			return fail(refused);
		}

		const prepare = (target: CallTarget): Prepared => {
			const {profile, unsupportedTransformers} = resolveProfile(target.provider, target.model);
			if (unsupportedTransformers.length > 0) {
				const key = `${target.provider.name}|${unsupportedTransformers.join(',')}`;
				if (!reportedTransformers.has(key)) {
					reportedTransformers.add(key);
					bus.emit({
						type: 'notice',
						at: timings.now(),
						level: 'warn',
						source: 'translate',
						message: `provider "${target.provider.name}": transformer${unsupportedTransformers.length > 1 ? 's' : ''} ${unsupportedTransformers.join(', ')} not supported by ccr-tui; ignored`,
					});
				}
			}

			// A (provider, model) whose streams lose the answer (fake-stream-recovery.ts) is called without streaming.
			const nonStreamUpstream = forceNonStream || (stream && losesStreamedAnswers(target.provider.api_base_url, target.model));
			const prepared = prepareFor(target, decision.request, profile, stream, {nonStreamUpstream});
			debug('upstream-request', prepared.body);
			return prepared;
		};

		let forceNonStream = false;
		const call = () =>
			callUpstream<Prepared>({
				id,
				targets: targets.list,
				prepare,
				signal: controller.signal,
				deadline: timings.now() + (config.API_TIMEOUT_MS ?? timings.totalTimeoutMs),
				timings: config.API_TIMEOUT_MS ? {...timings, totalTimeoutMs: config.API_TIMEOUT_MS} : timings,
				pools: services.pools,
				dispatcher: url => services.dispatchers.for(url, config.PROXY_URL, services.env),
				bus,
				stream,
				errorOptions: {inputTokens, redact: createRedactor(config)},
			});
		let result;
		try {
			result = await call();
			if (result.ok && stream && result.answer.prepared.profileName === 'gemini-balance' && isSse(result.answer)) {
				const peeked = await peekFirstChoice(result.answer.body);
				result = {...result, answer: {...result.answer, body: peeked.body}};
				if (peeked.verdict === 'lost') {
					result.answer.abort(new Error('streamed answer lost by Gemini Balance fake streaming'));
					result.answer.release();
					rememberLostAnswers(result.answer.target.provider.api_base_url, result.answer.target.model);
					bus.emit({type: 'notice', at: timings.now(), level: 'warn', source: 'proxy', message: FAKE_STREAM_NOTICE(result.answer.target.provider.name)});
					forceNonStream = true;
					result = await call();
				}
			}
		} catch (error) {
			return fail(clientError(500, 'api_error', `internal error in ccr-tui: ${error instanceof Error ? error.message : String(error)}`));
		}

		if (!result.ok) {
			if (result.cancelled) return cancelled();
			if (memoize && isDeterministicRefusal(result.error)) refusals.remember(decision.provider.name, decision.model, conversation(), result.error, timings.now());
			return fail(result.error);
		}

		const {answer} = result;
		const {prepared} = answer;
		const answerOptions = {requestedModel: request.model, inputTokens};

		const emitEnd = (usage: AnthropicUsage, stopReason: string | null) => {
			bus.emit({
				type: 'request:end',
				id,
				at: timings.now(),
				status: 200,
				stopReason,
				usage: toUsage(usage),
				durationMs: elapsed(),
				provider: answer.target.provider.name,
				model: answer.target.model,
			});
		};

		const upstreamIsSse = isSse(answer);
		if (stream && (upstreamIsSse || prepared.relaysAnyBody)) {
			answer.release();
			const source = prepared.stream({...answerOptions, postFinishGraceMs: timings.postFinishGraceMs});
			const body = relaySse({
				source,
				body: answer.body,
				abort: reason => answer.abort(reason),
				upstreamSignal: answer.signal,
				timings,
				onFirstToken: () => bus.emit({type: 'request:first-token', id, at: timings.now(), ttftMs: elapsed()}),
				onProgress: (outputTokens, bytes) => bus.emit({type: 'request:progress', id, outputTokens, bytes}),
				onEnd: outcome => endStream(outcome),
				redact: createRedactor(config),
			});
			// In flight until the last byte left (close() waits on this before cutting sockets).
			const nodeResponse = event.runtime?.node?.res;
			const responseClosed = nodeResponse && !nodeResponse.destroyed ? new Promise<void>(resolve => nodeResponse.once('close', () => resolve())) : Promise.resolve();
			const endStream = (outcome: RelayOutcome) => {
				endActivity(outcome);
				void responseClosed.then(done);
			};

			const endActivity = (outcome: RelayOutcome) => {
				if (outcome.kind === 'done') {
					emitEnd(outcome.usage, outcome.stopReason);
				} else if (outcome.kind === 'cancelled') {
					bus.emit({
						type: 'request:error',
						id,
						at: timings.now(),
						status: 499,
						errorType: 'cancelled',
						message: 'the client disconnected',
						durationMs: elapsed(),
						usage: toUsage(outcome.usage),
					});
				} else {
					bus.emit({
						type: 'request:error',
						id,
						at: timings.now(),
						status: 200,
						errorType: outcome.errorType,
						message: outcome.message,
						durationMs: elapsed(),
						usage: toUsage(outcome.usage),
					});
				}
			};

			// An h3 HTTPResponse: srvx hands the relay's pipeable body the Node response (a native
			// Response would need a WHATWG stream). Typed BodyInit only for h3's signature.
			return new HTTPResponse(body as unknown as BodyInit, {
				status: 200,
				headers: {
					'content-type': 'text/event-stream; charset=utf-8',
					'cache-control': 'no-cache',
					connection: 'keep-alive',
					'x-accel-buffering': 'no',
					'request-id': id,
				},
			}) as unknown as Response;
		}

		// Whole-body answers: a non-stream request, or an upstream that answered a stream request with JSON.
		let text: string;
		try {
			text = await readAll(answer.body);
		} catch {
			const reason: unknown = answer.signal.reason;
			answer.release();
			if (controller.signal.aborted && !(reason instanceof TimeoutReason)) return cancelled();
			return fail(
				reason instanceof TimeoutReason
					? clientError(504, 'timeout_error', `no complete answer from ${answer.target.provider.name} within the total time limit (API_TIMEOUT_MS)`)
					: clientError(502, 'api_error', `the connection to ${answer.target.provider.name} broke while reading its answer`),
			);
		}

		answer.release();
		let message: AnthropicMessage;
		try {
			message = prepared.whole(text, upstreamIsSse, answerOptions);
		} catch (error) {
			return fail(translationFailure(error, answer));
		}

		emitEnd(message.usage, message.stop_reason);
		done();
		if (stream) {
			return new Response(messageToSse(message, {inputTokens}), {
				status: 200,
				headers: {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': id},
			});
		}

		return jsonResponse(200, message, id);
	};
}

function isSse(answer: UpstreamAnswer<Prepared>): boolean {
	return String(answer.headers['content-type'] ?? '').includes('text/event-stream');
}

/** Calls `onGone` if the client disconnects before its answer is complete; returns an unsubscribe. */
function watchClient(event: H3Event, onGone: () => void): () => void {
	const response = event.runtime?.node?.res;
	if (response) {
		if (response.destroyed && !response.writableFinished) {
			onGone();
			return () => {};
		}

		const onClose = () => {
			if (!response.writableFinished) onGone();
		};

		response.once('close', onClose);
		return () => response.off('close', onClose);
	}

	const signal = event.req.signal;
	if (signal.aborted) {
		onGone();
		return () => {};
	}

	signal.addEventListener('abort', onGone, {once: true});
	return () => signal.removeEventListener('abort', onGone);
}

function translationFailure(error: unknown, answer: UpstreamAnswer<Prepared>): ClientError {
	const carried = error as {status?: unknown; body?: unknown; type?: unknown};
	if (typeof carried.status === 'number' && carried.body && typeof carried.body === 'object' && 'error' in carried.body) {
		return {status: carried.status, body: carried.body as ClientError['body'], headers: {}};
	}

	const message = error instanceof Error ? error.message : String(error);
	return clientError(502, 'api_error', `${answer.target.provider.name} sent an answer ccr-tui could not read: ${message.slice(0, 300)}`);
}

async function readAll(body: UpstreamAnswer['body']): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
	return Buffer.concat(chunks).toString('utf8');
}

function toUsage(usage: AnthropicUsage): Usage {
	if (!usage) return zeroUsage;
	return {
		inputTokens: usage.input_tokens ?? 0,
		outputTokens: usage.output_tokens ?? 0,
		cacheReadTokens: usage.cache_read_input_tokens ?? 0,
		cacheCreationTokens: usage.cache_creation_input_tokens ?? 0,
	};
}

function modelOf(json: unknown): string {
	const model = (json as {model?: unknown} | null)?.model;
	return typeof model === 'string' ? model : '';
}

function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
	return `${Math.ceil(bytes / 1024)} KiB`;
}
