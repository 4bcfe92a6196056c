import {anthropicError, type ClientError, cleanMessage, clientStatusForUpstream, errorTypeForStatus} from './errors.js';

export type UpstreamErrorOptions = {
	provider?: string;
	requestId?: string;
	/** Upstream response headers; `retry-after(-ms)` is forwarded on 429/529. */
	headers?: Headers | Record<string, string | string[] | undefined>;
	/** For `context_length_exceeded` without numbers: the request's token estimate and the window. */
	inputTokens?: number;
	contextWindow?: number;
	/** Extra redaction (e.g. the config-aware redactor masking every configured key). */
	redact?: (text: string) => string;
};

/**
 * Upstream HTTP error (or a 2xx whose JSON is `{error}`) → Anthropic error response. Context-window
 * errors are rewritten to the wording Claude Code reacts to (§3.4); messages never carry stack
 * traces or credentials.
 */
export function toAnthropicError(status: number, bodyText: string, options: UpstreamErrorOptions = {}): ClientError {
	const parsed = parseJson(bodyText);
	const error = firstError(parsed);
	let upstreamStatus = status;
	if (status < 400) {
		const code = Number(error?.['code'] ?? error?.['status']);
		upstreamStatus = code >= 400 && code < 600 ? code : 502;
	}

	let message = extractMessage(parsed, bodyText);
	let proxyStatus = clientStatusForUpstream(upstreamStatus);
	let type = errorTypeForStatus(proxyStatus);
	const rewritten = rewriteContextError(message, error, options);
	if (rewritten) {
		[proxyStatus, type, message] = [400, 'invalid_request_error', rewritten];
	} else if (upstreamStatus === 401) {
		message = `upstream rejected the provider API key: ${message}`;
	}

	if (!message) message = `upstream returned HTTP ${status}`;
	const headers: Record<string, string> = {};
	// A refused request fails the same way every time: Claude Code and the SDK must not resend it.
	if (proxyStatus >= 400 && proxyStatus < 500 && ![408, 409, 429].includes(proxyStatus)) headers['x-should-retry'] = 'false';
	if (proxyStatus === 429 || proxyStatus === 529) {
		for (const name of ['retry-after', 'retry-after-ms']) {
			const value = readHeader(options.headers, name);
			if (value) headers[name] = value;
		}
	}

	return {status: proxyStatus, body: anthropicError(type, cleanMessage(message, options.redact), options.requestId), headers};
}

function firstError(parsed: unknown): Record<string, unknown> | undefined {
	const root = Array.isArray(parsed) ? parsed[0] : parsed;
	if (!root || typeof root !== 'object') return undefined;
	const error = (root as Record<string, unknown>)['error'];
	return error && typeof error === 'object' ? (error as Record<string, unknown>) : (root as Record<string, unknown>);
}

/** `error.message`, `message`, `detail`, `error` (string), array bodies (Google), raw text. */
function extractMessage(parsed: unknown, raw: string, depth = 0): string {
	const root = Array.isArray(parsed) ? parsed[0] : parsed;
	let message: unknown;
	if (root && typeof root === 'object') {
		const object = root as Record<string, unknown>;
		const error = object['error'];
		message =
			(error && typeof error === 'object' ? (error as Record<string, unknown>)['message'] : undefined) ??
			object['message'] ??
			object['detail'] ??
			(typeof error === 'string' ? error : undefined);
		if (message !== undefined && typeof message !== 'string') message = JSON.stringify(message);
	}

	if (typeof message !== 'string') return raw.trim();
	// Gemini Balance wraps Google's whole JSON error (pretty-printed) inside its own `message`.
	const nested = depth < 2 && message.trimStart().startsWith('{') ? parseJson(message) : undefined;
	return nested ? extractMessage(nested, message, depth + 1) : message;
}

const OPENAI_CONTEXT =
	/maximum context length is (\d+) tokens.*?(?:requested|resulted in) (?:about )?(\d+) tokens(?:.*?\((\d+) (?:in the messages|of text input).*?(\d+) (?:in the completion|in the output))?/is;
const GEMINI_CONTEXT = /input token count \((\d+)\) exceeds the maximum number of tokens allowed \((\d+)\)/i;

/** Spec §3.4: the exact Anthropic wordings that make Claude Code shrink `max_tokens` or compact. */
function rewriteContextError(
	message: string,
	error: Record<string, unknown> | undefined,
	options: Pick<UpstreamErrorOptions, 'inputTokens' | 'contextWindow'> = {},
): string | undefined {
	if (/prompt is too long|input is too long|input length and `max_tokens` exceed context limit/i.test(message)) return message;
	const openai = OPENAI_CONTEXT.exec(message);
	if (openai) {
		const [, limit, requested, input, maxTokens] = openai;
		if (input && maxTokens && Number(input) < Number(limit)) {
			return `input length and \`max_tokens\` exceed context limit: ${input} + ${maxTokens} > ${limit}, decrease input length or \`max_tokens\` and try again`;
		}

		return `prompt is too long: ${requested} tokens > ${limit} maximum`;
	}

	const gemini = GEMINI_CONTEXT.exec(message);
	if (gemini) return `prompt is too long: ${gemini[1]} tokens > ${gemini[2]} maximum`;
	if (error?.['code'] === 'context_length_exceeded' || /context_length_exceeded|context length exceeded/i.test(message)) {
		const tokens = options.inputTokens ?? 0;
		const limit = options.contextWindow ?? Math.max(0, tokens - 1);
		return `prompt is too long: ${tokens} tokens > ${limit} maximum`;
	}

	return undefined;
}

function readHeader(headers: UpstreamErrorOptions['headers'], name: string): string | undefined {
	if (!headers) return undefined;
	if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
	const value = (headers as Record<string, string | string[] | undefined>)[name];
	return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
