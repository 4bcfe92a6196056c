/**
 * A committed answer read whole (a non-stream request, or an upstream that answered a stream
 * request with JSON): the dialect's whole-answer translation, as JSON or re-streamed as SSE.
 */
import type {AnswerOptions, DialectRequest} from './dialects/dialect.js';
import type {RequestLifecycle} from './request-lifecycle.js';
import {jsonText} from './json-text.js';
import {jsonResponse} from './responses.js';
import {TimeoutReason} from './timeout-reason.js';
import {messageToSse} from './translate/message-sse.js';
import type {AnthropicMessage} from './translate/types.js';
import {type ClientError, clientError, TranslationError} from './translate/errors.js';
import type {UpstreamAnswer} from './upstream-call.js';

export type WholeResponderInput = {
	readonly answer: UpstreamAnswer<DialectRequest>;
	readonly lifecycle: RequestLifecycle;
	/** The client asked for a stream (the message is re-streamed). */
	readonly stream: boolean;
	readonly upstreamIsSse: boolean;
	readonly options: AnswerOptions;
	/** MAX_ANSWER_MB from the config. @default 64 */
	readonly maxAnswerMb?: number;
};

export async function respondWhole({answer, lifecycle, stream, upstreamIsSse, options, maxAnswerMb}: WholeResponderInput): Promise<Response> {
	const {reporter} = lifecycle;
	const provider = answer.target.provider.name;
	let text: string;
	const limitMb = maxAnswerMb ?? DEFAULT_MAX_ANSWER_MB;
	try {
		text = await readAll(answer.body, limitMb * 1024 * 1024);
	} catch (error) {
		const reason: unknown = answer.signal.reason;
		answer.release();
		if (error instanceof AnswerTooLarge) {
			answer.abort(error);
			return lifecycle.fail(clientError(502, 'api_error', `${provider} sent an answer larger than ${limitMb} MiB; ccr-tui stopped reading it (MAX_ANSWER_MB in the config)`));
		}

		if (lifecycle.signal.aborted && !(reason instanceof TimeoutReason)) return lifecycle.cancelled();
		return lifecycle.fail(
			reason instanceof TimeoutReason
				? clientError(504, 'timeout_error', `no complete answer from ${provider} within the total time limit (API_TIMEOUT_MS)`)
				: clientError(502, 'api_error', `the connection to ${provider} broke while reading its answer`),
		);
	}

	answer.release();
	let message: AnthropicMessage;
	try {
		message = answer.prepared.whole(text, upstreamIsSse, options);
	} catch (error) {
		return lifecycle.fail(translationFailure(error, provider));
	}

	reporter.ended(message.usage, message.stop_reason, {provider, model: answer.target.model});
	lifecycle.done();
	if (!stream) return jsonResponse(200, message, reporter.id);
	return new Response(messageToSse(message, {inputTokens: options.inputTokens}), {
		status: 200,
		headers: {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': reporter.id},
	});
}

/** A translator error that carries its own Anthropic error, else a 502 naming the provider. */
function translationFailure(error: unknown, provider: string): ClientError {
	if (error instanceof TranslationError) return error.error;

	const message = error instanceof Error ? error.message : String(error);
	return clientError(502, 'api_error', `${provider} sent an answer ccr-tui could not read: ${message.slice(0, 300)}`);
}

/** Whole answers are read up to a bound: a runaway upstream must not take the proxy's memory. */
const DEFAULT_MAX_ANSWER_MB = 64;

class AnswerTooLarge extends Error {}

async function readAll(body: UpstreamAnswer['body'], limit: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
		size += buffer.length;
		if (size > limit) {
			body.destroy();
			throw new AnswerTooLarge('answer too large');
		}

		chunks.push(buffer);
	}

	return jsonText(Buffer.concat(chunks, size));
}
