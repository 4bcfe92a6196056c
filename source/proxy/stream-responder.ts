/**
 * A committed streamed answer: the dialect's stream translator behind the SSE relay, activity from
 * the relay's outcome, in flight until the last byte left.
 */
import type {H3Event} from 'h3';
import type {AnswerOptions, DialectRequest} from './dialects/dialect.js';
import {h3Response, nodeResponseOf} from './h3-adapter.js';
import type {RequestLifecycle} from './request-lifecycle.js';
import {type RelayOutcome, relaySse} from './sse-relay.js';
import type {ProxyTimings} from './timings.js';
import type {UpstreamAnswer} from './upstream-call.js';

export type StreamResponderInput = {
	readonly event: H3Event;
	readonly answer: UpstreamAnswer<DialectRequest>;
	readonly lifecycle: RequestLifecycle;
	readonly timings: ProxyTimings;
	readonly options: AnswerOptions;
	readonly redact: (text: string) => string;
};

const SSE_HEADERS = {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no'};

export function respondStream({event, answer, lifecycle, timings, options, redact}: StreamResponderInput): Response {
	const {reporter} = lifecycle;
	answer.release();
	// In flight until the last byte left (close() waits on this before cutting sockets).
	const nodeResponse = nodeResponseOf(event);
	const responseClosed = nodeResponse && !nodeResponse.destroyed ? new Promise<void>(resolve => nodeResponse.once('close', () => resolve())) : Promise.resolve();
	const onEnd = (outcome: RelayOutcome) => {
		if (outcome.kind === 'done') reporter.ended(outcome.usage, outcome.stopReason, {provider: answer.target.provider.name, model: answer.target.model});
		else if (outcome.kind === 'cancelled') reporter.cancelled(outcome.usage);
		else reporter.failed(200, outcome.errorType, outcome.message, outcome.usage);
		void responseClosed.then(lifecycle.done);
	};

	const body = relaySse({
		source: answer.prepared.stream({...options, postFinishGraceMs: timings.postFinishGraceMs}),
		body: answer.body,
		abort: reason => answer.abort(reason),
		upstreamSignal: answer.signal,
		timings,
		onFirstToken: () => reporter.firstToken(),
		onProgress: (outputTokens, bytes) => reporter.progress(outputTokens, bytes),
		onEnd,
		redact,
	});
	// srvx hands the relay's pipeable body the Node response (a native Response would need a WHATWG stream).
	return h3Response(body, {status: 200, headers: {...SSE_HEADERS, 'request-id': reporter.id}});
}
