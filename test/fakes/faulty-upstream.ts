/**
 * Scripted misbehaving upstreams for the fault suite (test/faults). Built on the writers of
 * openai-upstream.ts, so a fault starts exactly like a healthy answer and goes wrong at a chosen point.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {answer, sendError, startSse, streamChunks, writeChunk, writeDone, type FakeUpstreamHandler, type RecordedRequest, type Script} from './openai-upstream.js';

/** 429, with `Retry-After` (seconds) and/or `retry-after-ms` when given. */
export function rateLimited(options: {retryAfter?: string; retryAfterMs?: string; message?: string} = {}): FakeUpstreamHandler {
	const headers: Record<string, string> = {};
	if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
	if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = options.retryAfterMs;
	return (_req, res) => sendError(res, 429, options.message ?? 'Rate limit reached for requests', {headers, type: 'rate_limit_exceeded', code: 'rate_limit_exceeded'});
}

/** The key the proxy sent (`Authorization: Bearer …`), or '' when none. */
export function keyOf(req: RecordedRequest): string {
	const header = req.headers['authorization'];
	return typeof header === 'string' ? header.replace(/^Bearer\s+/i, '') : '';
}

/** Dispatch on the provider key the proxy used; keys not listed get `otherwise`. */
export function byKey(handlers: Record<string, FakeUpstreamHandler>, otherwise: FakeUpstreamHandler = answer({text: 'ok'})): FakeUpstreamHandler {
	return (req, res) => (handlers[keyOf(req)] ?? otherwise)(req, res);
}

/**
 * A streamed answer that goes wrong after `afterChunks` SSE chunks of `script`:
 * `stall` keeps the connection open and silent, `drop` destroys the socket (no `[DONE]`, no finish).
 */
export function breakStream(script: Script, options: {afterChunks: number; mode: 'stall' | 'drop'; chunkDelayMs?: number}): FakeUpstreamHandler {
	return async (req, res) => {
		startSse(res);
		const chunks = streamChunks(req, script).slice(0, options.afterChunks);
		for (const chunk of chunks) {
			writeChunk(res, chunk);
			if (options.chunkDelayMs) await delay(options.chunkDelayMs);
		}

		if (options.mode === 'drop') {
			// Let the written chunks leave before cutting the connection mid-answer.
			await delay(20);
			res.socket?.destroy();
		}
		// 'stall': never write again; the proxy's idle timeout must end it.
	};
}

/** The whole answer, one chunk every `delayMs` (a slow local model). */
export function trickle(script: Script, delayMs: number): FakeUpstreamHandler {
	return async (req, res) => {
		startSse(res);
		for (const chunk of streamChunks(req, script)) {
			if (res.destroyed) return;
			writeChunk(res, chunk);
			await delay(delayMs);
		}

		if (!res.destroyed) writeDone(res);
	};
}

/** Send SSE headers, then nothing (a model still loading after it accepted the request). */
export function headersThenSilence(): FakeUpstreamHandler {
	return (_req, res) => startSse(res);
}

/** An upstream error whose body echoes secrets back (as some providers do), to test redaction. */
export function echoSecrets(status: number, secrets: readonly string[]): FakeUpstreamHandler {
	return (req, res) =>
		sendError(res, status, `Incorrect API key provided: ${keyOf(req)}. Other values seen: ${secrets.join(', ')}`, {
			type: 'invalid_request_error',
			code: 'invalid_api_key',
		});
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
	const server = http.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return `http://127.0.0.1:${port}`;
}

function delay(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}
