/**
 * One stream's relay, behind relaySse (sse-relay.ts, where the design is described): the upstream
 * read loop, the writes to the client, and the ping, idle, grace and drain timers.
 */
import type {ServerResponse} from 'node:http';
import {formatSeconds} from '../text/format.js';
import type {RelayOptions, RelayOutcome, SseSource} from './sse-relay.js';
import {TimeoutReason} from './timeout-reason.js';
import type {ProxyTimings} from './timings.js';

/** How long a finished answer's upstream response may take to end before its connection is cut. */
const DRAIN_MS = 1000;
/** The abort reason once the answer is complete (one instance: building an Error costs a stack trace). */
const ANSWER_COMPLETE = new TimeoutReason('grace', 'answer complete');

/**
 * The size shown as progress. A long frame (one event carrying a whole image) is counted in
 * characters, exact for base64: measuring its UTF-8 length first cost as much as the socket's own
 * encoding of it (bench/sse-long-line.js).
 */
function progressBytes(text: string): number {
	return text.length > LONG_FRAME ? text.length : Buffer.byteLength(text);
}

const LONG_FRAME = 64 * 1024;

/**
 * One stream's relay. Its state is fields every chunk uses (counters, last write and read times,
 * the client response or the text queued before it is piped); the timer callbacks are bound once
 * per stream, so re-arming a timer allocates nothing.
 */
export class SseRelay {
	readonly #options: RelayOptions;
	readonly #source: SseSource;
	readonly #timings: ProxyTimings;
	#closed = false;
	#bytes = 0;
	#firstToken = false;
	#lastWrite: number;
	#lastRead: number;
	#lastProgress: number;
	#pingTimer: NodeJS.Timeout | undefined;
	#idleTimer: NodeJS.Timeout | undefined;
	#graceTimer: NodeJS.Timeout | undefined;
	#drainTimer: NodeJS.Timeout | undefined;
	/** The answer is complete; the rest of the upstream response is read only to keep its connection. */
	#draining = false;
	/** Resolves the wait for the client's `drain` (set while the relay waits for it). */
	#wake: (() => void) | undefined;
	#destination: ServerResponse | undefined;
	/** Text written before srvx piped the body into the response. */
	#queued: string[] = [];
	#endWhenPiped = false;

	constructor(options: RelayOptions) {
		this.#options = options;
		this.#source = options.source;
		this.#timings = options.timings;
		this.#lastWrite = options.timings.now();
		this.#lastRead = options.timings.now();
		this.#lastProgress = options.timings.now();
	}

	start(): void {
		// The pump's iterator sees every upstream error; this keeps one that lands after the pump has
		// stopped listening (an abort racing the end) from being an uncaught exception.
		this.#options.body.on('error', ignoreError);
		this.#write(this.#source.start());
		this.#schedulePing(this.#timings.pingIntervalMs);
		this.#scheduleIdle();
		void this.#pump();
	}

	pipe(response: ServerResponse): ServerResponse {
		this.#destination = response;
		response.once('close', this.#onClose);
		for (const text of this.#queued) response.write(text);
		this.#queued = [];
		if (this.#endWhenPiped) response.end();
		return response;
	}

	readonly clientGone = (): void => {
		this.#finish({kind: 'cancelled', usage: this.#source.usage}, new Error('client disconnected'));
	};

	readonly #onClose = (): void => {
		if (!this.#destination?.writableFinished) this.clientGone();
	};

	#write(input: string): void {
		if (!input || this.#closed) return;
		const options = this.#options;
		// Only error frames can carry upstream-quoted secrets; content deltas stay off the redactor.
		const text = options.redact && this.#source.failure ? options.redact(input) : input;
		this.#bytes += progressBytes(text);
		this.#lastWrite = this.#timings.now();
		if (this.#destination) this.#destination.write(text);
		else this.#queued.push(text);
		if (!this.#firstToken && this.#source.contentStarted) {
			this.#firstToken = true;
			options.onFirstToken();
		}

		if (this.#lastWrite - this.#lastProgress >= this.#timings.progressIntervalMs) {
			this.#lastProgress = this.#lastWrite;
			options.onProgress(this.#source.outputTokens, this.#bytes);
		}
	}

	#finish(outcome: RelayOutcome, abortReason?: unknown): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#pingTimer);
		clearTimeout(this.#idleTimer);
		clearTimeout(this.#graceTimer);
		this.#wake?.();
		this.#releaseUpstream(abortReason);
		if (outcome.kind !== 'cancelled') {
			if (this.#destination) this.#destination.end();
			else this.#endWhenPiped = true;
		}

		this.#options.onEnd(outcome);
	}

	/** After the answer ended: abort the upstream when the relay failed or was cancelled, else drain it. */
	#releaseUpstream(abortReason: unknown): void {
		const options = this.#options;
		if (abortReason === undefined && !options.body.readableEnded) {
			// A complete answer whose upstream response has not ended yet (its last chunk still on the
			// way, or keep-alive comments after finish_reason): read the rest, so that the keep-alive
			// connection is reused. Aborting would close it, and the next request would pay a new TCP
			// and TLS handshake. Bounded: an upstream that never ends is cut after DRAIN_MS.
			this.#draining = true;
			this.#drainTimer = setTimeout(() => options.abort(ANSWER_COMPLETE), Math.min(DRAIN_MS, this.#timings.postFinishGraceMs));
		} else if (abortReason !== undefined) {
			options.abort(abortReason);
			options.body.destroy();
		}
	}

	#outcomeAfterEnd(): RelayOutcome {
		const source = this.#source;
		const failure = source.failure;
		if (!failure) return {kind: 'done', stopReason: source.stopReason, usage: source.usage};
		const message = this.#options.redact ? this.#options.redact(failure.message) : failure.message;
		return {kind: 'error', errorType: failure.type, message, usage: source.usage};
	}

	#schedulePing(delay: number): void {
		this.#pingTimer = setTimeout(this.#onPingTimer, Math.max(1, delay));
	}

	readonly #onPingTimer = (): void => {
		if (this.#closed) return;
		const {pingIntervalMs} = this.#timings;
		const silentFor = this.#timings.now() - this.#lastWrite;
		if (silentFor >= pingIntervalMs - 1) {
			this.#write(this.#source.ping());
			// A full interval from now, even when the source had nothing to send (no busy loop).
			this.#schedulePing(pingIntervalMs);
		} else {
			this.#schedulePing(pingIntervalMs - silentFor);
		}
	};

	#scheduleIdle(): void {
		const due = this.#lastRead + this.#timings.streamIdleTimeoutMs - this.#timings.now();
		this.#idleTimer = setTimeout(this.#onIdleTimer, Math.max(1, due));
	}

	readonly #onIdleTimer = (): void => {
		if (this.#closed) return;
		const timings = this.#timings;
		// While the client is slow to read, we are the ones not reading: that is not upstream silence.
		if (this.#wake) this.#lastRead = timings.now();
		if (timings.now() - this.#lastRead >= timings.streamIdleTimeoutMs - 1) {
			this.#options.abort(new TimeoutReason('idle', `the upstream sent nothing for ${formatSeconds(timings.streamIdleTimeoutMs)}`));
			return;
		}

		this.#scheduleIdle();
	};

	readonly #onGraceTimer = (): void => {
		this.#write(this.#source.finalize());
		this.#finish(this.#outcomeAfterEnd());
	};

	async #pump(): Promise<void> {
		try {
			// destroyOnReturn: false, so that leaving the loop never cuts a connection that could be reused.
			for await (const chunk of this.#options.body.iterator({destroyOnReturn: false})) {
				if (this.#closed) {
					if (this.#draining) continue;
					return;
				}

				if (this.#relayChunk(chunk as Uint8Array)) continue;
				// The client reads slower than the upstream sends: wait for the response to drain.
				const destination = this.#destination;
				if (destination?.writableNeedDrain) {
					await this.#drained(destination);
					this.#wake = undefined;
				}
			}

			this.#upstreamEnded();
		} catch (error) {
			this.#upstreamFailed(error);
		}
	}

	/** One upstream chunk to the client; true when it completed the answer. */
	#relayChunk(chunk: Uint8Array): boolean {
		const source = this.#source;
		this.#lastRead = this.#timings.now();
		this.#write(source.push(chunk));
		if (source.ended) {
			this.#finish(this.#outcomeAfterEnd());
			return true;
		}

		if (source.awaitingGrace && !this.#graceTimer) this.#graceTimer = setTimeout(this.#onGraceTimer, this.#timings.postFinishGraceMs);
		return false;
	}

	#drained(destination: ServerResponse): Promise<void> {
		return new Promise<void>(resolve => {
			this.#wake = resolve;
			destination.once('drain', resolve);
		});
	}

	#upstreamEnded(): void {
		clearTimeout(this.#drainTimer);
		if (this.#closed) return;
		this.#write(this.#source.end());
		this.#finish(this.#outcomeAfterEnd());
	}

	/** The upstream body failed: a timeout or shutdown is said as such, a client gone writes nothing, anything else is a broken connection. */
	#upstreamFailed(error: unknown): void {
		clearTimeout(this.#drainTimer);
		if (this.#closed) return;
		const source = this.#source;
		const reason: unknown = this.#options.upstreamSignal.reason;
		if (reason instanceof TimeoutReason) {
			const type = reason.phase === 'shutdown' ? 'overloaded_error' : 'timeout_error';
			this.#write(source.fail({type, message: reason.message}));
			this.#finish(this.#outcomeAfterEnd(), reason);
			return;
		}

		if (this.#options.upstreamSignal.aborted) {
			// The client went away: write nothing.
			this.#finish({kind: 'cancelled', usage: source.usage}, reason);
			return;
		}

		this.#write(source.fail({type: 'api_error', message: `the upstream connection broke mid-stream (${describe(error)})`}));
		this.#finish(this.#outcomeAfterEnd());
	}
}

function ignoreError(): void {
	// Handled where it matters (the pump); see SseRelay.start.
}

function describe(error: unknown): string {
	const code = (error as {code?: unknown} | undefined)?.code;
	if (typeof code === 'string') return code;
	return error instanceof Error ? error.message : String(error);
}
