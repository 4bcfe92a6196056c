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
import {formatSeconds} from '../text/format.js';
import type {Readable} from 'node:stream';
import type {AnthropicUsage} from './translate/types.js';
import {TimeoutReason} from './timeout-reason.js';
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

/** How long a finished answer's upstream response may take to end before its connection is cut. */
const DRAIN_MS = 1000;
/** The abort reason once the answer is complete (one instance: building an Error costs a stack trace). */
const ANSWER_COMPLETE = new TimeoutReason('grace', 'answer complete');

/**
 * The response body for srvx: it calls `pipe(res)` with the Node response (srvx pipes any body that
 * has `pipe` but no `on` this way), or `destroy()` when the client is already gone.
 */
export type SsePipe = {
	pipe(destination: ServerResponse): ServerResponse;
	destroy(): void;
};

/**
 * The size shown as progress. A long frame (one event carrying a whole image) is counted in
 * characters, exact for base64: measuring its UTF-8 length first cost as much as the socket's own
 * encoding of it (bench/sse-long-line.js).
 */
function progressBytes(text: string): number {
	return text.length > LONG_FRAME ? text.length : Buffer.byteLength(text);
}

const LONG_FRAME = 64 * 1024;

// Over 60 lines: the per-stream hot path: its timers, counters and write queue are closure locals every chunk uses.
export function relaySse(options: RelayOptions): SsePipe {
	const {source, timings} = options;
	let closed = false;
	let bytes = 0;
	let firstToken = false;
	let lastWrite = timings.now();
	let lastRead = timings.now();
	let lastProgress = timings.now();
	let pingTimer: NodeJS.Timeout | undefined;
	let idleTimer: NodeJS.Timeout | undefined;
	let graceTimer: NodeJS.Timeout | undefined;
	let drainTimer: NodeJS.Timeout | undefined;
	let draining = false;
	let wake: (() => void) | undefined;

	const write = (input: string) => {
		if (!input || closed) return;
		// Only error frames can carry upstream-quoted secrets; content deltas stay off the redactor.
		const text = options.redact && source.failure ? options.redact(input) : input;
		bytes += progressBytes(text);
		lastWrite = timings.now();
		if (destination) destination.write(text);
		else queued.push(text);
		if (!firstToken && source.contentStarted) {
			firstToken = true;
			options.onFirstToken();
		}

		if (lastWrite - lastProgress >= timings.progressIntervalMs) {
			lastProgress = lastWrite;
			options.onProgress(source.outputTokens, bytes);
		}
	};

	const finish = (outcome: RelayOutcome, abortReason?: unknown) => {
		if (closed) return;
		closed = true;
		clearTimeout(pingTimer);
		clearTimeout(idleTimer);
		clearTimeout(graceTimer);
		wake?.();
		if (abortReason === undefined && !options.body.readableEnded) {
			// A complete answer whose upstream response has not ended yet (its last chunk still on the
			// way, or keep-alive comments after finish_reason): read the rest, so that the keep-alive
			// connection is reused. Aborting would close it, and the next request would pay a new TCP
			// and TLS handshake. Bounded: an upstream that never ends is cut after DRAIN_MS.
			draining = true;
			drainTimer = setTimeout(() => options.abort(ANSWER_COMPLETE), Math.min(DRAIN_MS, timings.postFinishGraceMs));
		} else if (abortReason !== undefined) {
			options.abort(abortReason);
			options.body.destroy();
		}

		if (outcome.kind !== 'cancelled') {
			if (destination) destination.end();
			else endWhenPiped = true;
		}

		options.onEnd(outcome);
	};

	const outcomeAfterEnd = (): RelayOutcome => {
		const failure = source.failure;
		if (!failure) return {kind: 'done', stopReason: source.stopReason, usage: source.usage};
		const message = options.redact ? options.redact(failure.message) : failure.message;
		return {kind: 'error', errorType: failure.type, message, usage: source.usage};
	};

	const schedulePing = (delay: number) => {
		pingTimer = setTimeout(
			() => {
				if (closed) return;
				const silentFor = timings.now() - lastWrite;
				if (silentFor >= timings.pingIntervalMs - 1) {
					write(source.ping());
					// A full interval from now, even when the source had nothing to send (no busy loop).
					schedulePing(timings.pingIntervalMs);
				} else {
					schedulePing(timings.pingIntervalMs - silentFor);
				}
			},
			Math.max(1, delay),
		);
	};

	const scheduleIdle = () => {
		const due = lastRead + timings.streamIdleTimeoutMs - timings.now();
		idleTimer = setTimeout(
			() => {
				if (closed) return;
				// While the client is slow to read, we are the ones not reading: that is not upstream silence.
				if (wake) lastRead = timings.now();
				if (timings.now() - lastRead >= timings.streamIdleTimeoutMs - 1) {
					options.abort(new TimeoutReason('idle', `the upstream sent nothing for ${formatSeconds(timings.streamIdleTimeoutMs)}`));
					return;
				}

				scheduleIdle();
			},
			Math.max(1, due),
		);
	};

	const pump = async () => {
		try {
			// destroyOnReturn: false, so that leaving the loop never cuts a connection that could be reused.
			for await (const chunk of options.body.iterator({destroyOnReturn: false})) {
				if (closed) {
					if (draining) continue;
					return;
				}

				lastRead = timings.now();
				write(source.push(chunk as Uint8Array));
				if (source.ended) {
					finish(outcomeAfterEnd());
					continue;
				}

				if (source.awaitingGrace && !graceTimer) {
					graceTimer = setTimeout(() => {
						write(source.finalize());
						finish(outcomeAfterEnd());
					}, timings.postFinishGraceMs);
				}

				// The client reads slower than the upstream sends: wait for the response to drain.
				if (destination?.writableNeedDrain) {
					await new Promise<void>(resolve => {
						wake = resolve;
						destination!.once('drain', resolve);
					});
					wake = undefined;
				}
			}

			clearTimeout(drainTimer);
			if (closed) return;
			write(source.end());
			finish(outcomeAfterEnd());
		} catch (error) {
			clearTimeout(drainTimer);
			if (closed) return;
			const reason: unknown = options.upstreamSignal.reason;
			if (reason instanceof TimeoutReason) {
				const type = reason.phase === 'shutdown' ? 'overloaded_error' : 'timeout_error';
				write(source.fail({type, message: reason.message}));
				finish(outcomeAfterEnd(), reason);
				return;
			}

			if (options.upstreamSignal.aborted) {
				// The client went away: write nothing.
				finish({kind: 'cancelled', usage: source.usage}, reason);
				return;
			}

			write(source.fail({type: 'api_error', message: `the upstream connection broke mid-stream (${describe(error)})`}));
			finish(outcomeAfterEnd());
		}
	};

	let destination: ServerResponse | undefined;
	let queued: string[] = [];
	let endWhenPiped = false;
	const clientGone = () => finish({kind: 'cancelled', usage: source.usage}, new Error('client disconnected'));
	const onClose = () => {
		if (!destination?.writableFinished) clientGone();
	};

	// The pump's iterator sees every upstream error; this keeps one that lands after the pump has
	// stopped listening (an abort racing the end) from being an uncaught exception.
	options.body.on('error', ignoreError);
	write(source.start());
	schedulePing(timings.pingIntervalMs);
	scheduleIdle();
	void pump();
	return {
		pipe(response) {
			destination = response;
			response.once('close', onClose);
			for (const text of queued) response.write(text);
			queued = [];
			if (endWhenPiped) response.end();
			return response;
		},
		destroy: clientGone,
	};
}

function ignoreError(): void {
	// Handled where it matters (the pump); see relaySse.
}

function describe(error: unknown): string {
	const code = (error as {code?: unknown} | undefined)?.code;
	if (typeof code === 'string') return code;
	return error instanceof Error ? error.message : String(error);
}
