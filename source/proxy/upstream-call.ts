/**
 * The one retry loop. Walks the targets (routed target, then its fallbacks) and, per target, the
 * provider's key pool and retry budget, until an upstream answers with 2xx headers. Everything
 * here happens before the first byte reaches the client, which is what makes retrying safe.
 */
import {formatSeconds} from '../text/format.js';
import {isEnvRef} from '../config/env-refs.js';
import {describeFailure, networkWords} from '../providers/network-words.js';
import type {IncomingHttpHeaders} from 'node:http';
import type {Readable} from 'node:stream';
import type {Dispatcher} from 'undici';
import {TimeoutReason} from './timeout-reason.js';
import {yieldIfLarge} from './yield-turn.js';
import {undici} from './undici.js';
import type {AttemptOutcome} from '../activity/events.js';
import type {ProviderConfig} from '../config/schema.js';
import {type ClientError, clientError, TranslationError} from './translate/errors.js';
import type {ErrorMapper, KeyHeader} from './dialects/dialect.js';
import type {KeyPools} from './key-pool.js';
import {providerKeys} from '../config/provider-keys.js';
import {allowsFallback, isOpaqueGeminiBalanceError, isRetryable, OPAQUE_GB_MESSAGE, maxRetriesFor, parseRetryAfter, retryDelayMs, type AttemptFailure} from './retry-policy.js';
import type {ProxyTimings} from './timings.js';

export type CallTarget = {readonly provider: ProviderConfig; readonly model: string};

/** What to send to one target (built by the caller: translation depends on the target's profile). */
export type PreparedRequest = {
	readonly url: URL;
	readonly body: string;
	readonly headers: Record<string, string>;
	/** Profile name, for the Gemini Balance retry default. */
	readonly profileName: string;
	/** How the key is sent (the dialect decides: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`). */
	readonly key: KeyHeader;
	/** The dialect's mapping of an upstream error body to the client's error. */
	readonly mapError: ErrorMapper;
	/** The model's context window when known (for the "prompt is too long" wording). */
	readonly contextWindow?: number;
	/** Whether this upstream call streams (may differ from the client's wish); decides the first-byte timeout. */
	readonly upstreamStream?: boolean;
};

export type UpstreamAnswer<P extends PreparedRequest = PreparedRequest> = {
	readonly target: CallTarget;
	readonly prepared: P;
	readonly status: number;
	readonly headers: IncomingHttpHeaders;
	/** undici's body, or a replay of its first bytes (fake-stream-recovery): read as a plain stream. */
	readonly body: Readable;
	/** Aborts this upstream request (client gone, idle timeout, post-finish grace). */
	readonly abort: (reason?: unknown) => void;
	/** Signal of the upstream request (aborted with the reason given to abort()). */
	readonly signal: AbortSignal;
	/** Stop the first-byte and API_TIMEOUT_MS timers (the answer committed or was read). */
	readonly release: () => void;
	readonly keySuffix?: string;
	readonly attempts: number;
};

export type CallContext<P extends PreparedRequest> = {
	readonly id: string;
	readonly targets: readonly CallTarget[];
	/** Translate the request for a target; may throw a TranslationError, which carries the client's error. */
	readonly prepare: (target: CallTarget) => P;
	/** Aborted when the client goes away or the proxy shuts down. */
	readonly signal: AbortSignal;
	/** Epoch ms by which the answer must have started (API_TIMEOUT_MS). */
	readonly deadline: number;
	readonly timings: ProxyTimings;
	readonly pools: KeyPools;
	readonly dispatcher: (url: URL) => Dispatcher;
	/** Each try's outcome, for the activity (the request reporter emits it). */
	readonly onAttempt: (attempt: AttemptOutcome) => void;
	/** Whether a streaming answer is expected (the first-byte timeout applies to streams only). */
	readonly stream: boolean;
	/** For upstream error mapping: token estimate (context-window wording) and the config's redactor. */
	readonly errorOptions?: {readonly inputTokens?: number; readonly redact?: (text: string) => string};
};

export type CallResult<P extends PreparedRequest> =
	| {readonly ok: true; readonly answer: UpstreamAnswer<P>}
	| {readonly ok: false; readonly cancelled: true}
	| {readonly ok: false; readonly cancelled?: false; readonly error: ClientError};

type AttemptResult<P extends PreparedRequest> =
	| {ok: true; answer: UpstreamAnswer<P>}
	| {ok: false; cancelled: true}
	| {ok: false; cancelled?: false; failure: AttemptFailure; error: ClientError};

const ERROR_BODY_LIMIT = 64 * 1024;

// Over 60 lines: the one retry loop: keys, backoff, fallbacks and the deadline decide together per attempt.
export async function callUpstream<P extends PreparedRequest>(context: CallContext<P>): Promise<CallResult<P>> {
	const {timings, pools, signal} = context;
	let last: {failure: AttemptFailure; error: ClientError} | undefined;
	let attempts = 0;

	for (const target of context.targets) {
		let prepared: P;
		try {
			prepared = context.prepare(target);
		} catch (error) {
			if (error instanceof TranslationError) return {ok: false, error: error.error};
			throw error;
		}

		// Translation and encoding the body for the wire are each a long step for a big body.
		await yieldIfLarge(prepared.body.length);

		const unresolved = unresolvedKeyReference(target.provider);
		if (unresolved) {
			last = {
				failure: {kind: 'http', status: 401},
				error: clientError(401, 'authentication_error', unresolved),
			};
			report(context, target, 'skipped: api_key not set', 0, 401);
			continue;
		}

		const retries = maxRetriesFor(target.provider, prepared.profileName);
		const tried = new Set<string>();
		let retry = 0;
		let opaqueRetried = false;
		// An upstream answer for this target beats the pool's summary when every key ends up resting.
		let failedHere = false;
		for (;;) {
			if (signal.aborted) return stopped(signal);
			const pick = pools.pick(target.provider, tried);
			if (pick.kind === 'exhausted') {
				const retryAfter: Record<string, string> = pick.retryAfterMs === undefined ? {} : {'retry-after': String(Math.max(1, Math.ceil(pick.retryAfterMs / 1000)))};
				if ((tried.size > 0 || failedHere) && last) {
					// Every key was tried for this request: the upstream's own words, plus what it means for the pool.
					const body = {...last.error.body, error: {...last.error.body.error, message: `${last.error.body.error.message} (${pick.message})`}};
					last = {...last, error: {...last.error, body, headers: {...retryAfter, ...last.error.headers}}};
					break;
				}

				last =
					pick.reason === 'cooling'
						? {failure: {kind: 'http', status: 429}, error: clientError(429, 'rate_limit_error', pick.message, retryAfter)}
						: {failure: {kind: 'http', status: 401}, error: clientError(401, 'authentication_error', pick.message)};
				report(context, target, `skipped: ${pick.reason === 'cooling' ? 'keys cooling down' : 'keys disabled'}`, 0, last.error.status);
				break;
			}

			attempts++;
			const startedAt = timings.now();
			const result = await attemptOnce(context, target, prepared, pick.key, attempts);
			const durationMs = Math.round(timings.now() - startedAt);
			if (result.ok) {
				pools.succeeded(target.provider, pick.key);
				report(context, target, 'answered', durationMs, result.answer.status, pick.suffix);
				return {ok: true, answer: {...result.answer, ...(pick.suffix ? {keySuffix: pick.suffix} : {})}};
			}

			if (result.cancelled) return {ok: false, cancelled: true};
			const {failure} = result;
			report(context, target, describeFailure(failure), durationMs, failure.kind === 'http' ? failure.status : undefined, pick.suffix);
			last = {failure, error: result.error};
			failedHere = true;
			if (failure.kind === 'deadline' || failure.kind === 'shutdown') return {ok: false, error: result.error};
			const backoff = retryDelayMs(retry, failure.kind === 'http' ? failure.retryAfterMs : undefined, timings);

			if (pick.pooled && pick.key !== undefined && failure.kind === 'http') {
				const keyFailure = {status: failure.status, message: result.error.body.error.message};
				// Rotation to another key of the same pool is immediate and does not use up a retry.
				if (failure.status === 429) {
					pools.coolDown(target.provider, pick.key, Math.min(failure.retryAfterMs ?? timings.keyCooldownMs, timings.retryAfterCapMs), keyFailure);
					tried.add(pick.key);
					continue;
				}

				// A rejected key: 401/403, or the dialect's own reading (Google answers an invalid key with 400).
				if (failure.status === 401 || failure.status === 403 || result.error.keyRejected) {
					pools.disable(target.provider, pick.key, keyFailure);
					tried.add(pick.key);
					continue;
				}

				// A 5xx rests the key for as long as the retry waits, so concurrent requests use the others meanwhile.
				if (failure.status >= 500) pools.coolDown(target.provider, pick.key, backoff ?? timings.retryAfterCapMs, keyFailure);
			}

			if (failure.kind === 'http' && failure.opaque) {
				if (opaqueRetried) {
					last = {failure, error: clientError(500, 'api_error', OPAQUE_GB_MESSAGE, {'x-should-retry': 'false'})};
					break;
				}

				opaqueRetried = true;
				continue;
			}

			if (!isRetryable(failure) || retry >= retries) break;
			const delay = backoff;
			if (delay === undefined || timings.now() + delay >= context.deadline) break;
			try {
				await timings.sleep(delay, signal);
			} catch {
				return stopped(signal);
			}

			retry++;
		}

		if (!last || !allowsFallback(last.failure)) break;
	}

	return {ok: false, error: last?.error ?? clientError(502, 'api_error', 'no upstream target could be tried')};
}

// Over 60 lines: one upstream try: its timers, abort wiring and error mapping share one controller.
async function attemptOnce<P extends PreparedRequest>(
	context: CallContext<P>,
	target: CallTarget,
	prepared: P,
	key: string | undefined,
	attempts: number,
): Promise<AttemptResult<P>> {
	const {timings, signal} = context;
	const host = prepared.url.host;
	const controller = new AbortController();
	const onClientAbort = () => controller.abort(signal.reason);
	signal.addEventListener('abort', onClientAbort, {once: true});
	// A non-streaming upstream sends its headers only with the whole answer: API_TIMEOUT_MS bounds it instead.
	const streaming = prepared.upstreamStream ?? context.stream;
	const firstByteMs = streaming ? (target.provider.first_byte_timeout_ms ?? timings.firstByteTimeoutMs) : undefined;
	const firstByteTimer =
		firstByteMs === undefined
			? undefined
			: setTimeout(() => controller.abort(new TimeoutReason('first-byte', `no response from ${host} within ${formatSeconds(firstByteMs)}`)), firstByteMs);
	const deadlineTimer = setTimeout(() => controller.abort(new TimeoutReason('deadline', 'deadline')), Math.max(0, context.deadline - timings.now()));
	// Timers only: the link to the request signal (client gone, shutdown) must outlive the commit.
	const release = () => {
		clearTimeout(firstByteTimer);
		clearTimeout(deadlineTimer);
	};
	const detach = () => {
		release();
		signal.removeEventListener('abort', onClientAbort);
	};

	const headers: Record<string, string> = {...prepared.headers};
	if (key !== undefined) {
		headers[prepared.key.header] = prepared.key.scheme ? `${prepared.key.scheme} ${key}` : key;
	}

	try {
		const response = await undici().request(prepared.url, {
			method: 'POST',
			headers,
			body: prepared.body,
			signal: controller.signal,
			dispatcher: context.dispatcher(prepared.url),
		});
		clearTimeout(firstByteTimer);
		if (response.statusCode >= 200 && response.statusCode < 300) {
			return {
				ok: true,
				answer: {
					target,
					prepared,
					status: response.statusCode,
					headers: response.headers,
					body: response.body,
					abort: reason => controller.abort(reason),
					signal: controller.signal,
					release,
					attempts,
				},
			};
		}

		const text = await readCapped(response.body, ERROR_BODY_LIMIT);
		detach();
		const mapped = prepared.mapError(response.statusCode, text, {
			provider: target.provider.name,
			headers: response.headers as Record<string, string | string[] | undefined>,
			...context.errorOptions,
			...(prepared.contextWindow ? {contextWindow: prepared.contextWindow} : {}),
		});
		// Google says how long to wait in the body (RetryInfo), which the dialect turned into Retry-After.
		const retryAfterMs = parseRetryAfter(response.headers, timings.now()) ?? parseRetryAfter(mapped.headers, timings.now());
		const opaque = isOpaqueGeminiBalanceError(prepared.profileName, response.statusCode, text);
		return {
			ok: false,
			failure: {kind: 'http', status: response.statusCode, ...(retryAfterMs === undefined ? {} : {retryAfterMs}), ...(opaque ? {opaque} : {})},
			error: {status: mapped.status, body: mapped.body, headers: mapped.headers, ...(mapped.keyRejected ? {keyRejected: true} : {})},
		};
	} catch (error) {
		detach();
		const reason: unknown = controller.signal.reason;
		if (reason instanceof TimeoutReason) {
			if (reason.phase === 'shutdown') {
				// Same answer as a request that arrives while closing, and as streams get (overloaded_error).
				return {ok: false, failure: {kind: 'shutdown'}, error: shuttingDown()};
			}

			if (reason.phase === 'first-byte') {
				return {
					ok: false,
					failure: {kind: 'first-byte-timeout'},
					error: clientError(504, 'timeout_error', `${target.provider.name}: ${reason.message} (first_byte_timeout_ms)`),
				};
			}

			return {
				ok: false,
				failure: {kind: 'deadline'},
				error: clientError(
					504,
					'timeout_error',
					`no answer from ${target.provider.name} (${host}) within the total time limit of ${formatSeconds(context.timings.totalTimeoutMs)} (API_TIMEOUT_MS)`,
				),
			};
		}

		if (signal.aborted) return {ok: false, cancelled: true};
		const code = errorCode(error);
		if (code === 'UND_ERR_CONNECT_TIMEOUT') {
			return {
				ok: false,
				failure: {kind: 'connect-timeout'},
				error: clientError(504, 'timeout_error', `cannot reach upstream ${host} (${target.provider.name}): connect timed out after ${formatSeconds(timings.connectTimeoutMs)}`),
			};
		}

		return {
			ok: false,
			failure: {kind: 'network', code},
			error: clientError(502, 'api_error', `cannot reach upstream ${host} (${target.provider.name}): ${networkWords(code)}`),
		};
	}
}

/** What every request still waiting gets when the proxy closes (streams get the same type as an error event). */
export const SHUTTING_DOWN = 'ccr-tui is shutting down; retry in a moment';

function shuttingDown(): ClientError {
	return clientError(503, 'overloaded_error', SHUTTING_DOWN, {'retry-after': '1'});
}

/** Why the loop stops early: the proxy closing answers 503 like everywhere else, the client leaving is a cancel. */
function stopped<P extends PreparedRequest>(signal: AbortSignal): CallResult<P> {
	const reason: unknown = signal.reason;
	if (reason instanceof TimeoutReason && reason.phase === 'shutdown') {
		return {ok: false, error: shuttingDown()};
	}

	return {ok: false, cancelled: true};
}

function report(context: CallContext<PreparedRequest>, target: CallTarget, outcome: string, durationMs: number, status?: number, keySuffix?: string): void {
	context.onAttempt({
		provider: target.provider.name,
		model: target.model,
		outcome,
		durationMs,
		...(status === undefined ? {} : {status}),
		...(keySuffix ? {keySuffix} : {}),
	});
}

/** A configured key that is still a `$VAR` reference: say which variable is missing. */
function unresolvedKeyReference(provider: ProviderConfig): string | undefined {
	const raw = provider.api_key;
	const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
	if (list.length === 0 || providerKeys(provider).length > 0) return undefined;
	const reference = list.find(isEnvRef);
	if (!reference) return undefined;
	return `provider "${provider.name}": api_key refers to ${reference.trim()}, which is not set in the environment ccr-tui was started from`;
}

async function readCapped(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
			chunks.push(buffer);
			size += buffer.length;
			if (size >= limit) break;
		}
	} catch {
		// A truncated error body still says something.
	} finally {
		body.destroy();
	}

	return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function errorCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current; depth++) {
		const code = (current as {code?: unknown}).code;
		if (typeof code === 'string' && code !== 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
			// undici wraps socket errors; the cause carries the errno code.
			if (code === 'UND_ERR_SOCKET' && (current as {cause?: {code?: string}}).cause?.code) {
				current = (current as {cause?: unknown}).cause;
				continue;
			}

			return code;
		}

		current = (current as {cause?: unknown}).cause;
	}

	return error instanceof Error ? error.name : 'unknown';
}
