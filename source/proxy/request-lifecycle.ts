/**
 * One admitted request from routing to its last byte: the abort signal (client gone, shutdown),
 * the in-flight registration, and the terminal outcomes as responses. Reports through the
 * request's reporter; knows nothing of dialects.
 */
import type {H3Event} from 'h3';
import {nodeResponseOf} from './h3-adapter.js';
import type {InFlight} from './in-flight.js';
import type {RequestReporter} from './request-reporter.js';
import {errorResponse} from './responses.js';
import type {AnthropicUsage} from './translate/types.js';
import type {ClientError} from './translate/errors.js';

export class RequestLifecycle {
	readonly reporter: RequestReporter;
	readonly #controller = new AbortController();
	readonly #release: Array<() => void> = [];
	#tracked = true;

	constructor(event: H3Event, inFlight: InFlight, reporter: RequestReporter) {
		this.reporter = reporter;
		// Aborted by the client going away, or by close() after its grace period. Served by node:http,
		// the response's own `close` tells; srvx's `event.req.signal` would build one more
		// AbortController per request just for that.
		this.#release.push(inFlight.add(reporter.id, reason => this.#controller.abort(reason)));
		this.#release.push(watchClient(event, () => this.#controller.abort(new Error('client disconnected'))));
	}

	get signal(): AbortSignal {
		return this.#controller.signal;
	}

	/** No longer in flight (idempotent). */
	done = (): void => {
		if (!this.#tracked) return;
		this.#tracked = false;
		for (const release of this.#release) release();
	};

	fail(error: ClientError): Response {
		this.reporter.failed(error.status, error.body.error.type, error.body.error.message);
		this.done();
		return errorResponse(error, this.reporter.id);
	}

	cancelled(usage?: AnthropicUsage): Response {
		this.reporter.cancelled(usage);
		this.done();
		return new Response(null, {status: 499});
	}
}

/** Calls `onGone` if the client disconnects before its answer is complete; returns an unsubscribe. */
function watchClient(event: H3Event, onGone: () => void): () => void {
	const response = nodeResponseOf(event);
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
