/**
 * Turns a committed upstream stream into the client's SSE body, with the timers the pure
 * translator leaves to us: `ping` after `pingIntervalMs` without writing, the post-finish grace,
 * the stream-idle timeout, and an immediate upstream abort when the client goes away.
 * Timers are re-armed lazily (one timeout each, checked against the last write/read time), so the
 * hot path per chunk costs no timer operations.
 *
 * The body is a bare "pipeable" (`pipe(res)`, no stream machinery): srvx hands it the Node response
 * and the relay writes its SSE text straight into it, with the response's own back-pressure. A
 * WHATWG ReadableStream costs a reader promise per chunk, a Node Readable a `stream.pipeline` per
 * request (bench: the streamed-throughput phase).
 *
 * A finished answer does not abort its upstream response: the rest is read (bounded by DRAIN_MS), so
 * that undici can reuse the keep-alive connection. Aborting closed it whenever the upstream's last
 * bytes came after `[DONE]`: measured, 198 new connections for 100 streamed requests, i.e. a new
 * TCP (and, to a real provider, TLS) handshake per request; now 2.
 */
import type {ServerResponse} from 'node:http';
import type {Readable} from 'node:stream';
import {SseRelay} from './sse-relay-stream.js';
import type {AnthropicUsage} from './translate/types.js';
import type {ProxyTimings} from './timings.js';

/** Why a stream ended in `event: error` (type and message as the client saw them). */
export type StreamFailure = {readonly type: string; readonly message: string};

/**
 * What the relay needs from a dialect's stream translator: SSE text per upstream chunk, and typed
 * facts (content started, failure, usage) so that nothing downstream parses the SSE text back.
 */
export type SseSource = {
	start(): string;
	push(chunk: Uint8Array | string): string;
	end(): string;
	finalize(): string;
	fail(error: {type: string; message: string}): string;
	ping(): string;
	readonly ended: boolean;
	readonly awaitingGrace: boolean;
	/** A content delta has been written (first token). */
	readonly contentStarted: boolean;
	/** Set once the source wrote its `event: error`. */
	readonly failure: StreamFailure | undefined;
	readonly outputTokens: number;
	readonly stopReason: string | null;
	readonly usage: AnthropicUsage;
};

export type RelayOutcome =
	| {readonly kind: 'done'; readonly stopReason: string | null; readonly usage: AnthropicUsage}
	| {readonly kind: 'error'; readonly errorType: string; readonly message: string; readonly usage: AnthropicUsage}
	| {readonly kind: 'cancelled'; readonly usage: AnthropicUsage};

export type RelayOptions = {
	readonly source: SseSource;
	readonly body: Readable;
	/** Aborts the upstream request (its signal's reason tells why). */
	readonly abort: (reason: unknown) => void;
	readonly upstreamSignal: AbortSignal;
	readonly timings: ProxyTimings;
	readonly onFirstToken: () => void;
	readonly onProgress: (outputTokens: number, bytes: number) => void;
	readonly onEnd: (outcome: RelayOutcome) => void;
	/** Masks configured secrets in `event: error` frames (upstreams quote keys in mid-stream errors). */
	readonly redact?: (text: string) => string;
};

/**
 * The response body for srvx: it calls `pipe(res)` with the Node response (srvx pipes any body that
 * has `pipe` but no `on` this way), or `destroy()` when the client is already gone.
 */
export type SsePipe = {
	pipe(destination: ServerResponse): ServerResponse;
	destroy(): void;
};

/** Starts relaying at once (the first frame is queued until srvx pipes the body into the response). */
export function relaySse(options: RelayOptions): SsePipe {
	const relay = new SseRelay(options);
	relay.start();
	return {
		pipe: response => relay.pipe(response),
		destroy: relay.clientGone,
	};
}
