import {RequestFailedError, timedRequest, type HttpFetch, type RequestFailure} from './http.js';
import {describeFailure} from './network-words.js';
import {isHealthyFingerprint} from './gemini-balance.js';
import type {ProviderEndpoint} from './normalize-url.js';
import type {StepOutcome} from './test-step.js';

export type CheckOptions = {
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
	/** The network path (the proxy's dispatcher in the CLI and the dashboard). */
	readonly fetch?: HttpFetch;
};

const REACH_TIMEOUT_MS = 5000;

/**
 * Step 1. Gemini Balance: unauthenticated `GET /health`, which also fingerprints the server and
 * exposes admin-UI URLs (they redirect to the login page). Others: any HTTP answer from the base.
 */
// Over 60 lines: the outcomes of one request, each with its own hint.
export async function checkReachability(endpoint: ProviderEndpoint, options: CheckOptions = {}): Promise<StepOutcome> {
	const timeoutMs = Math.min(REACH_TIMEOUT_MS, options.timeoutMs ?? REACH_TIMEOUT_MS);
	const isGb = endpoint.kind === 'gemini-balance';
	const url = endpoint.healthUrl ?? endpoint.root;
	let status: number;
	let location: string | null;
	let contentType: string;
	let body: string;
	let ttfbMs: number;
	try {
		const answer = await timedRequest(url, {headers: {accept: 'application/json'}, headersTimeoutMs: timeoutMs, signal: options.signal, fetch: options.fetch});
		ttfbMs = answer.ttfbMs;
		status = answer.response.status;
		location = answer.response.headers.get('location');
		contentType = answer.response.headers.get('content-type') ?? '';
		body = await answer.text();
	} catch (error) {
		if (!(error instanceof RequestFailedError)) throw error;
		return unreachable(error.failure, endpoint);
	}

	if (!isGb) {
		// Any HTTP status proves the host and port answer; auth and paths are the next step's job.
		return {status: 'pass', detail: `server answers (HTTP ${status})`, durationMs: ttfbMs};
	}

	if (status >= 300 && status < 400) {
		return {
			status: 'fail',
			detail: `redirected to ${location ?? 'another page'}: this URL serves the Gemini Balance admin UI`,
			hint: 'Remove the extra path: use the server root, e.g. http://127.0.0.1:8000',
			durationMs: ttfbMs,
		};
	}

	if (status === 200 && isHealthyFingerprint(body)) {
		return {status: 'pass', detail: 'Gemini Balance is up', durationMs: ttfbMs};
	}

	if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(body)) {
		return {
			status: 'fail',
			detail: `HTTP ${status} with a web page: this URL serves a web UI, not the API`,
			hint: 'Remove the extra path: use the server root, e.g. http://127.0.0.1:8000',
			durationMs: ttfbMs,
		};
	}

	if (status === 404 && /"code"\s*:\s*"http_error"/.test(body)) {
		return {
			status: 'fail',
			detail: 'HTTP 404 from Gemini Balance: wrong path under one of its prefixes',
			hint: 'Remove the extra path: use the server root, e.g. http://127.0.0.1:8000',
			durationMs: ttfbMs,
		};
	}

	if (status === 404 || status === 200) {
		return {
			status: 'warn',
			detail: `answers (HTTP ${status}) but does not look like Gemini Balance (or it is a very old version)`,
			hint: 'Check the URL points at Gemini Balance itself, not another service on that port.',
			durationMs: ttfbMs,
		};
	}

	return {
		status: 'fail',
		detail: `GET /health answered HTTP ${status}`,
		hint: 'Gemini Balance is not healthy; check its container logs (docker logs …).',
		durationMs: ttfbMs,
	};
}

function unreachable(failure: RequestFailure, endpoint: ProviderEndpoint): StepOutcome {
	const host = safeHost(endpoint.root);
	if (failure.kind === 'aborted') return {status: 'fail', detail: 'cancelled'};
	if (failure.kind === 'network' && failure.tls) {
		return {
			status: 'fail',
			detail: `${host}: ${describeFailure(failure)}`,
			hint: 'The certificate was refused. If the server has no TLS, use http:// instead of https://.',
		};
	}

	const hint =
		endpoint.kind === 'gemini-balance'
			? `Check the host and port (Gemini Balance listens on 8000 by default), that it is running (docker ps), and that no firewall blocks ${host}.`
			: /:11434$/.test(host)
				? 'Is Ollama running? Start it with `ollama serve`, or check the port (11434 by default).'
				: `Check the host and port in the URL, and that no firewall or proxy blocks ${host}.`;
	return {status: 'fail', detail: `${host} unreachable: ${describeFailure(failure)}`, hint};
}

function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}
