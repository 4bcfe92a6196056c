/**
 * fetch with the timing and failure classification the connection test needs: time to headers,
 * separate header/total deadlines, redirects reported (not followed), network errors by code.
 */

import {describeFailure, isTlsCode, networkExplanation} from './network-words.js';

type NetworkFailure = {
	readonly kind: 'network';
	/** e.g. ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED. */
	readonly code: string;
	/** Short human wording of the code. */
	readonly message: string;
	readonly tls: boolean;
};
type TimeoutFailure = {readonly kind: 'timeout'; readonly phase: 'headers' | 'body'; readonly afterMs: number};
type AbortedFailure = {readonly kind: 'aborted'};
export type RequestFailure = NetworkFailure | TimeoutFailure | AbortedFailure;

export class RequestFailedError extends Error {
	readonly failure: RequestFailure;
	constructor(failure: RequestFailure) {
		super(describeFailure(failure));
		this.name = 'RequestFailedError';
		this.failure = failure;
	}
}

/** The parts of a fetch Response the checks read (global fetch and undici's fetch both fit). */
type HttpResponse = {
	readonly status: number;
	readonly headers: {get(name: string): string | null};
	readonly body: {getReader(): BodyReader} | null;
	text(): Promise<string>;
};

type BodyReader = {read(): Promise<{done: boolean; value?: Uint8Array}>; releaseLock(): void};

type HttpRequestInit = {
	readonly method: string;
	readonly headers?: Record<string, string>;
	readonly body?: string;
	readonly redirect: 'manual';
	readonly signal: AbortSignal;
};

/**
 * How a check reaches the network. The CLI and the dashboard pass the proxy's own transport (its
 * undici dispatcher: `PROXY_URL`/`HTTPS_PROXY`/`NO_PROXY`, connect timeout); the default is the
 * global fetch, for code paths without a config (unit tests of single checks).
 */
export type HttpFetch = (url: string, init: HttpRequestInit) => Promise<HttpResponse>;

const globalFetch: HttpFetch = async (url, init) => fetch(url, init);

export type TimedRequestOptions = {
	readonly method?: 'GET' | 'POST';
	readonly headers?: Record<string, string>;
	readonly body?: string;
	/** Deadline for the status line and headers. */
	readonly headersTimeoutMs: number;
	/** Deadline for the whole exchange, body included. @default headersTimeoutMs */
	readonly totalTimeoutMs?: number;
	readonly signal?: AbortSignal;
	/** @default the global fetch */
	readonly fetch?: HttpFetch;
};

export type TimedResponse = {
	readonly response: HttpResponse;
	readonly startedAt: number;
	/** Time to status line + headers. */
	readonly ttfbMs: number;
	/** Read the body as text under the same deadline; throws RequestFailedError. */
	text(): Promise<string>;
	/** Iterate body bytes under the same deadline; throws RequestFailedError. */
	chunks(): AsyncGenerator<Uint8Array>;
	/** Stop timers and drop the connection (idempotent). */
	close(): void;
};

// Over 60 lines: one fetch with its two deadlines, and the redirect and network-error handling that share them.
export async function timedRequest(url: string, options: TimedRequestOptions): Promise<TimedResponse> {
	const controller = new AbortController();
	const startedAt = performance.now();
	let timedOut: TimeoutFailure | undefined;
	const expire = (phase: TimeoutFailure['phase'], afterMs: number) => {
		timedOut = {kind: 'timeout', phase, afterMs};
		controller.abort();
	};

	const headersTimer = setTimeout(() => expire('headers', options.headersTimeoutMs), options.headersTimeoutMs);
	const totalMs = options.totalTimeoutMs ?? options.headersTimeoutMs;
	const totalTimer = setTimeout(() => expire('body', totalMs), totalMs);
	const onAbort = () => controller.abort();
	options.signal?.addEventListener('abort', onAbort, {once: true});
	const close = () => {
		clearTimeout(headersTimer);
		clearTimeout(totalTimer);
		options.signal?.removeEventListener('abort', onAbort);
		if (!controller.signal.aborted) controller.abort();
	};

	const failed = (error: unknown): RequestFailedError => {
		close();
		if (timedOut) return new RequestFailedError(timedOut);
		if (options.signal?.aborted) return new RequestFailedError({kind: 'aborted'});
		return new RequestFailedError(classifyNetworkError(error));
	};

	if (options.signal?.aborted) throw failed(undefined);
	let response: HttpResponse;
	try {
		response = await (options.fetch ?? globalFetch)(url, {
			method: options.method ?? 'GET',
			headers: options.headers,
			body: options.body,
			// A 307 to Gemini Balance's login page is a finding, not something to follow.
			redirect: 'manual',
			signal: controller.signal,
		});
	} catch (error) {
		throw failed(error);
	}

	clearTimeout(headersTimer);
	const ttfbMs = performance.now() - startedAt;

	async function* chunks(): AsyncGenerator<Uint8Array> {
		if (!response.body) return;
		const reader = response.body.getReader();
		try {
			for (;;) {
				const {done, value} = await reader.read();
				if (done) return;
				if (value) yield value;
			}
		} catch (error) {
			throw failed(error);
		} finally {
			reader.releaseLock();
		}
	}

	return {
		response,
		startedAt,
		ttfbMs,
		async text() {
			try {
				const body = await response.text();
				close();
				return body;
			} catch (error) {
				throw failed(error);
			}
		},
		chunks,
		close,
	};
}

function classifyNetworkError(error: unknown): NetworkFailure {
	const cause = (error as {cause?: {code?: unknown; message?: unknown}} | undefined)?.cause;
	const rawCode = typeof cause?.code === 'string' ? cause.code : (error as {code?: unknown} | undefined)?.code;
	const code = typeof rawCode === 'string' ? rawCode : 'UNKNOWN';
	const tls = isTlsCode(code);
	// An unknown code says less than the error's own message, when it has one.
	const message = code === 'UNKNOWN' && typeof cause?.message === 'string' && cause.message ? cause.message : networkExplanation(code);
	return {kind: 'network', code, message, tls};
}
