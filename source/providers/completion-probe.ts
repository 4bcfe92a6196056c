import {createParser} from 'eventsource-parser';
import {formatDuration} from '../text/format.js';
import {RequestFailedError, timedRequest, type RequestFailure} from './http.js';
import {describeFailure} from './network-words.js';
import {parseGeminiBalanceError} from './gemini-balance.js';
import {geminiUrl, isInvalidGoogleKey} from '../config/gemini-native.js';
import {authHeaders} from './model-list.js';
import type {ProbeTarget} from './provider-target.js';
import type {CheckOptions} from './reachability.js';
import {redactorFor} from '../config/redact.js';
import type {StepOutcome} from './test-step.js';

type ProbeUsage = {readonly prompt: number; readonly completion: number; readonly total: number};

export type CompletionMetrics = {
	readonly ttfbMs: number;
	/** First delta with non-empty content or reasoning. */
	readonly ttftMs?: number;
	readonly totalMs: number;
	readonly usage?: ProbeUsage;
	readonly reply: string;
	readonly reasoningChars: number;
	readonly done: boolean;
	readonly finishReason?: string;
	/** The server answered JSON although we asked for a stream. */
	readonly streamed: boolean;
};

export type CompletionOutcome =
	| ({readonly kind: 'answer'} & CompletionMetrics)
	| {readonly kind: 'http-error'; readonly status: number; readonly message: string; readonly googleStatus?: string; readonly ttfbMs: number; readonly keyRejected?: true}
	| {readonly kind: 'redirect'; readonly status: number; readonly location?: string}
	| {readonly kind: 'failure'; readonly failure: RequestFailure; readonly partial?: CompletionMetrics};

const PROMPT = 'Reply with exactly one word: pong';
const HEADERS_TIMEOUT_MS = 30_000;
const TOTAL_TIMEOUT_MS = 60_000;

/**
 * Step 4: one tiny streamed completion. No `max_tokens`: thinking tokens count against it, and a
 * small cap gives an empty answer on Gemini 2.5.
 */
// Over 60 lines: one streamed request read to its end; its measurements are the closure’s state.
export async function probeCompletion(target: ProbeTarget, model: string, options: CheckOptions = {}): Promise<CompletionOutcome> {
	const probe = target.endpoint.native ? nativeProbe(target, model) : openAIProbe(target, model);
	const redact = redactorFor([target.apiKey]);
	let answer;
	try {
		answer = await timedRequest(probe.url, {
			method: 'POST',
			headers: {'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(target)},
			body: probe.body,
			headersTimeoutMs: Math.min(HEADERS_TIMEOUT_MS, options.timeoutMs ?? HEADERS_TIMEOUT_MS),
			totalTimeoutMs: Math.min(TOTAL_TIMEOUT_MS, options.timeoutMs ?? TOTAL_TIMEOUT_MS),
			signal: options.signal,
			fetch: options.fetch,
		});
	} catch (error) {
		if (!(error instanceof RequestFailedError)) throw error;
		return {kind: 'failure', failure: error.failure};
	}

	const {response, ttfbMs, startedAt} = answer;
	if (response.status >= 300 && response.status < 400) {
		answer.close();
		return {kind: 'redirect', status: response.status, location: response.headers.get('location') ?? undefined};
	}

	if (response.status !== 200) {
		let text = '';
		try {
			text = await answer.text();
		} catch {
			// The status says enough.
		}

		const parsed = parseGeminiBalanceError(text);
		const message = redact(parsed?.googleMessage ?? parsed?.message ?? shorten(text));
		const keyRejected = isInvalidGoogleKey(response.status, text);
		return {kind: 'http-error', status: response.status, message, googleStatus: parsed?.googleStatus, ttfbMs, ...(keyRejected ? {keyRejected} : {})};
	}

	const state = {
		reply: '',
		reasoningChars: 0,
		done: false,
		ttftMs: undefined as number | undefined,
		usage: undefined as ProbeUsage | undefined,
		finishReason: undefined as string | undefined,
	};
	const isSse = /text\/event-stream/i.test(response.headers.get('content-type') ?? '');
	const metrics = (): CompletionMetrics => ({
		ttfbMs,
		ttftMs: state.ttftMs,
		totalMs: performance.now() - startedAt,
		usage: state.usage,
		reply: state.reply,
		reasoningChars: state.reasoningChars,
		done: state.done,
		finishReason: state.finishReason,
		streamed: isSse,
	});

	if (!isSse) {
		try {
			probe.readWhole(await answer.text(), state);
		} catch (error) {
			if (error instanceof RequestFailedError) return {kind: 'failure', failure: error.failure};
			throw error;
		}

		state.done = true;
		return {kind: 'answer', ...metrics()};
	}

	const parser = createParser({
		onEvent(event) {
			probe.readEvent(event.data, state, () => performance.now() - startedAt);
		},
	});
	const decoder = new TextDecoder();
	try {
		for await (const chunk of answer.chunks()) parser.feed(decoder.decode(chunk, {stream: true}));
		answer.close();
	} catch (error) {
		if (error instanceof RequestFailedError) return {kind: 'failure', failure: error.failure, partial: metrics()};
		throw error;
	}

	return {kind: 'answer', ...metrics()};
}

type ReadState = {reply: string; reasoningChars: number; ttftMs?: number; usage?: ProbeUsage; finishReason?: string; done: boolean};

/** The probe request for one API, and how its answer is read. */
type Probe = {
	readonly url: string;
	readonly body: string;
	readEvent(data: string, state: ReadState, now: () => number): void;
	readWhole(text: string, state: ReadState): void;
};

function openAIProbe(target: ProbeTarget, model: string): Probe {
	const body: Record<string, unknown> = {model, stream: true, temperature: 0, messages: [{role: 'user', content: PROMPT}]};
	// Gemini Balance drops stream_options anyway (and sends usage on every chunk); others need it for usage.
	if (target.endpoint.kind !== 'gemini-balance') body['stream_options'] = {include_usage: true};
	return {
		url: target.endpoint.chatUrl,
		body: JSON.stringify(body),
		readEvent(data, state, now) {
			if (data.trim() === '[DONE]') state.done = true;
			else readChunk(data, state, now);
		},
		readWhole: readJsonAnswer,
	};
}

/**
 * Google's native API (AI Studio, Gemini Balance's `/v1beta`): `streamGenerateContent?alt=sse`.
 * There is no `[DONE]`: the answer is complete when a chunk carries its finishReason.
 */
function nativeProbe(target: ProbeTarget, model: string): Probe {
	return {
		url: geminiUrl(target.endpoint.chatUrl, model, true).href,
		body: JSON.stringify({contents: [{role: 'user', parts: [{text: PROMPT}]}], generationConfig: {temperature: 0}}),
		readEvent: readNativeChunk,
		readWhole: (text, state) => readNativeChunk(text, state, () => 0),
	};
}

type NativeChunk = {
	candidates?: Array<{content?: {parts?: Array<{text?: unknown; thought?: unknown}>}; finishReason?: unknown}>;
	promptFeedback?: {blockReason?: unknown};
	usageMetadata?: {promptTokenCount?: unknown; candidatesTokenCount?: unknown; thoughtsTokenCount?: unknown; totalTokenCount?: unknown};
};

function readNativeChunk(data: string, state: ReadState, now: () => number): void {
	let chunk: NativeChunk;
	try {
		chunk = JSON.parse(data) as NativeChunk;
	} catch {
		return;
	}

	const candidate = chunk.candidates?.[0];
	for (const part of candidate?.content?.parts ?? []) {
		if (typeof part.text !== 'string' || part.text === '') continue;
		if (state.ttftMs === undefined) state.ttftMs = now();
		if (part.thought === true) state.reasoningChars += part.text.length;
		else state.reply += part.text;
	}

	const finish = candidate?.finishReason ?? chunk.promptFeedback?.blockReason;
	if (typeof finish === 'string') {
		state.finishReason = finish;
		state.done = true;
	}

	const usage = chunk.usageMetadata;
	if (usage) {
		const prompt = Number(usage.promptTokenCount ?? 0);
		const completion = Number(usage.candidatesTokenCount ?? 0) + Number(usage.thoughtsTokenCount ?? 0);
		const total = Number(usage.totalTokenCount ?? prompt + completion);
		if (Number.isFinite(prompt + completion + total)) state.usage = {prompt, completion, total};
	}
}

function readChunk(data: string, state: ReadState, now: () => number): void {
	let chunk: {choices?: Array<{delta?: {content?: unknown; reasoning_content?: unknown; reasoning?: unknown}; finish_reason?: unknown}>; usage?: unknown};
	try {
		chunk = JSON.parse(data) as typeof chunk;
	} catch {
		return;
	}

	for (const choice of chunk.choices ?? []) {
		const content = typeof choice.delta?.content === 'string' ? choice.delta.content : '';
		const reasoning = [choice.delta?.reasoning_content, choice.delta?.reasoning].find(value => typeof value === 'string') as string | undefined;
		// Gemini Balance sends `""` for both fields on every delta: only non-empty text counts.
		if ((content || reasoning) && state.ttftMs === undefined) state.ttftMs = now();
		state.reply += content;
		state.reasoningChars += reasoning?.length ?? 0;
		if (typeof choice.finish_reason === 'string') state.finishReason = choice.finish_reason;
	}

	// Usage is a cumulative snapshot (Gemini Balance repeats it on every chunk): keep the last one.
	const usage = readUsage(chunk.usage);
	if (usage) state.usage = usage;
}

function readJsonAnswer(text: string, state: ReadState): void {
	let body: {choices?: Array<{message?: {content?: unknown; reasoning_content?: unknown}; finish_reason?: unknown}>; usage?: unknown};
	try {
		body = JSON.parse(text) as typeof body;
	} catch {
		return;
	}

	const choice = body.choices?.[0];
	state.reply = typeof choice?.message?.content === 'string' ? choice.message.content : '';
	state.reasoningChars = typeof choice?.message?.reasoning_content === 'string' ? choice.message.reasoning_content.length : 0;
	state.finishReason = typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined;
	state.usage = readUsage(body.usage);
}

function readUsage(value: unknown): ProbeUsage | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const usage = value as {prompt_tokens?: unknown; completion_tokens?: unknown; total_tokens?: unknown};
	const prompt = Number(usage.prompt_tokens ?? 0);
	const completion = Number(usage.completion_tokens ?? 0);
	const total = Number(usage.total_tokens ?? prompt + completion);
	return Number.isFinite(prompt + completion + total) ? {prompt, completion, total} : undefined;
}

function shorten(text: string): string {
	const flat = text.trim().replace(/\s+/g, ' ');
	return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** Turn the outcome into a step line. */
export function describeCompletion(outcome: CompletionOutcome, target: ProbeTarget, model: string): StepOutcome {
	const isGb = target.endpoint.kind === 'gemini-balance';
	const native = target.endpoint.native === true;
	// What marks a complete answer: OpenAI-style streams end with [DONE], Google's with a finishReason.
	const end = native ? 'finishReason' : '[DONE]';
	switch (outcome.kind) {
		case 'answer':
			return native ? describeNativeAnswer(outcome, isGb, model) : describeAnswer(outcome, isGb, model);
		case 'redirect':
			return {
				status: 'fail',
				detail: `redirected to ${outcome.location ?? 'another page'} instead of answering`,
				hint: isGb ? 'Remove the extra path: use the server root, e.g. http://127.0.0.1:8000' : 'Use the API base URL (usually ending in /v1).',
			};
		case 'http-error':
			return {...(outcome.keyRejected ? describeRejectedKey(outcome, isGb) : describeHttpError(outcome, isGb)), durationMs: outcome.ttfbMs};
		case 'failure': {
			const {failure, partial} = outcome;
			if (failure.kind === 'timeout' && failure.phase === 'headers') {
				return {
					status: 'fail',
					detail: `no response headers within ${formatDuration(failure.afterMs)}`,
					hint: isGb ? 'Gemini Balance is retrying slow or failing keys; check its /logs page.' : 'The server is overloaded or the model is loading; retry.',
				};
			}

			if (partial) {
				return {
					status: 'fail',
					detail: `stream interrupted after ${formatDuration(partial.totalMs)} (${describeFailure(failure)}; no ${end})`,
					hint: isGb ? 'Gemini Balance lost its upstream connection mid-answer; retry, and check its /logs page.' : 'The connection dropped mid-answer; retry.',
					durationMs: partial.totalMs,
				};
			}

			return {status: 'fail', detail: describeFailure(failure), hint: 'Check that the server is running and reachable.'};
		}
	}
}

/** A native answer is complete with its finishReason; STOP and MAX_TOKENS are answers, any other a refusal. */
function describeNativeAnswer(metrics: CompletionMetrics, isGb: boolean, model: string): StepOutcome {
	const detail = answerDetail(metrics, model);
	const durationMs = metrics.totalMs;
	if (!metrics.done) {
		return {
			status: 'fail',
			detail: `stream interrupted (no finishReason) · ${detail}`,
			hint: isGb ? 'Gemini Balance lost its upstream connection mid-answer; retry, and check its /logs page.' : 'The connection dropped mid-answer; retry.',
			durationMs,
		};
	}

	const reason = metrics.finishReason ?? 'STOP';
	if (reason !== 'STOP' && reason !== 'MAX_TOKENS') {
		return {
			status: 'warn',
			detail: `refused by Google (${reason}) · ${detail}`,
			hint: 'The key and the model work; Google declined this one answer. Retry, or pick another model.',
			durationMs,
		};
	}

	if (!metrics.reply.trim()) {
		return {status: 'warn', detail: `empty answer · ${detail}`, hint: 'Gemini sometimes returns empty answers; retry, or choose another model.', durationMs};
	}

	return {status: 'pass', detail, durationMs};
}

function describeRejectedKey(outcome: Extract<CompletionOutcome, {kind: 'http-error'}>, isGb: boolean): StepOutcome {
	return isGb
		? {
				status: 'fail',
				detail: `HTTP 400: Google refused a Gemini key (${outcome.message})`,
				hint: "One of Gemini Balance's API_KEYS is not valid; check its key list on its /keys page.",
			}
		: {
				status: 'fail',
				detail: `key rejected (HTTP 400 API_KEY_INVALID: ${outcome.message})`,
				hint: 'Google does not know this API key: copy it again from aistudio.google.com/apikey.',
			};
}

function answerDetail(metrics: CompletionMetrics, model: string): string {
	const parts = [model];
	if (metrics.ttftMs !== undefined) parts.push(`TTFT ${formatDuration(metrics.ttftMs)}`);
	parts.push(`total ${formatDuration(metrics.totalMs)}`);
	if (metrics.usage) parts.push(`${metrics.usage.prompt}/${metrics.usage.completion}/${metrics.usage.total} tokens`);
	const reply = metrics.reply.trim();
	if (reply) parts.push(`reply "${reply.length > 40 ? `${reply.slice(0, 40)}…` : reply}"`);
	return parts.join(' · ');
}

function describeAnswer(metrics: CompletionMetrics, isGb: boolean, model: string): StepOutcome {
	const detail = answerDetail(metrics, model);
	const reply = metrics.reply.trim();
	const durationMs = metrics.totalMs;
	if (!metrics.done) {
		// Some OpenAI-compatible servers end with finish_reason and no [DONE]; Gemini Balance always sends it.
		if (!isGb && metrics.finishReason && reply) {
			return {status: 'warn', detail: `${detail} · no [DONE]`, hint: 'The stream ended without [DONE]; Claude Code still works.', durationMs};
		}

		return {
			status: 'fail',
			detail: `stream interrupted (no [DONE]) · ${detail}`,
			hint: isGb ? 'Gemini Balance lost its upstream connection mid-answer; retry, and check its /logs page.' : 'The connection dropped mid-answer; retry.',
			durationMs,
		};
	}

	if (!reply && isGb && metrics.reasoningChars > 0 && metrics.finishReason === 'stop') {
		// Gemini Balance's real streams never carry a finish_reason; its fake stream (one chunk, "stop") does.
		return {
			status: 'warn',
			detail: `answer lost by Gemini Balance's fake streaming: only the thought arrived · ${detail}`,
			hint:
				'Gemini Balance has FAKE_STREAM_ENABLED=true and shows thinking (THINKING_BUDGET_MAP + SHOW_THINKING_PROCESS, as in its .env.example): ' +
				'its fake stream forwards only the first part of the reply, the thought. Not a Gemini problem. Fix on the server: ' +
				'FAKE_STREAM_ENABLED=false, or SHOW_THINKING_PROCESS=false. Until then ccr-tui fetches such answers again without streaming (one extra call, once per model).',
			durationMs,
		};
	}

	if (!reply) {
		return {
			status: 'warn',
			detail: `empty answer · ${detail}`,
			hint: isGb ? 'Gemini sometimes returns empty answers; retry, or try the -non-thinking variant of the model.' : 'The model returned no text; retry or choose another model.',
			durationMs,
		};
	}

	if (!metrics.streamed) {
		return {status: 'warn', detail: `${detail} · answered JSON, not a stream`, hint: 'The server ignored stream: true; ccr-tui copes, but answers will not stream.', durationMs};
	}

	return {status: 'pass', detail, durationMs};
}

function describeHttpError(outcome: Extract<CompletionOutcome, {kind: 'http-error'}>, isGb: boolean): StepOutcome {
	const said = outcome.message ? `: ${outcome.message}` : '';
	const google = outcome.googleStatus ? ` (${outcome.googleStatus})` : '';
	switch (outcome.status) {
		case 401:
			return {
				status: 'fail',
				detail: `HTTP 401${said}`,
				hint: isGb ? "The token is not in Gemini Balance's ALLOWED_TOKENS and is not its AUTH_TOKEN." : 'Check the API key.',
			};
		case 403:
			return {status: 'fail', detail: `HTTP 403${google}${said}`, hint: isGb ? 'A Gemini key lacks permission for this model.' : 'The key lacks permission for this model.'};
		case 404:
			return {status: 'fail', detail: `HTTP 404${google}${said}`, hint: 'Model not found upstream: pick one from the model list.'};
		case 400:
			return {
				status: 'fail',
				detail: `HTTP 400${google}${said}`,
				hint: isGb ? 'Google (or Gemini Balance) rejected the request; an invalid Gemini API key shows up here too.' : 'The server rejected the request.',
			};
		case 422:
			return {status: 'fail', detail: `HTTP 422${said}`, hint: 'The test request was refused as invalid: a ccr-tui bug, please report it.'};
		case 429:
			return {
				status: 'fail',
				detail: `HTTP 429${google}${said}`,
				hint: isGb ? 'All upstream keys are rate-limited or out of quota (RESOURCE_EXHAUSTED); wait, or add keys.' : 'Rate-limited or out of credit; wait and retry.',
			};
		default:
			return {
				status: 'fail',
				detail: `HTTP ${outcome.status}${google}${said}`,
				hint: isGb ? "The upstream failed after Gemini Balance's retries; check its /logs page." : 'The server failed; retry later.',
			};
	}
}
