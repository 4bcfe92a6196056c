import {redactShapes} from '../../config/redact.js';
import type {AnthropicErrorBody, AnthropicErrorType} from './types.js';

/** Status ↔ type (spec §3.2); 402/408/504 come from the SDK's ErrorType list. */
const STATUS_OF: Readonly<Record<AnthropicErrorType, number>> = {
	invalid_request_error: 400,
	authentication_error: 401,
	billing_error: 402,
	permission_error: 403,
	not_found_error: 404,
	request_too_large: 413,
	rate_limit_error: 429,
	api_error: 500,
	timeout_error: 504,
	overloaded_error: 529,
};

export function statusForErrorType(type: AnthropicErrorType): number {
	return STATUS_OF[type] ?? 500;
}

export function errorTypeForStatus(status: number): AnthropicErrorType {
	switch (status) {
		case 400:
			return 'invalid_request_error';
		case 401:
			return 'authentication_error';
		case 402:
			return 'billing_error';
		case 403:
			return 'permission_error';
		case 404:
			return 'not_found_error';
		case 408:
		case 504:
			return 'timeout_error';
		case 413:
			return 'request_too_large';
		case 429:
			return 'rate_limit_error';
		case 503:
		case 529:
			return 'overloaded_error';
		default:
			return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
	}
}

export function anthropicError(type: AnthropicErrorType, message: string, requestId?: string): AnthropicErrorBody {
	const body: AnthropicErrorBody = {type: 'error', error: {type, message}};
	if (requestId) body.request_id = requestId;
	return body;
}

/** A translation that cannot produce a valid answer (e.g. no choices): the proxy replies `status` + `body`. */
export class TranslationError extends Error {
	readonly status: number;
	readonly body: AnthropicErrorBody;

	constructor(type: AnthropicErrorType, message: string, status = statusForErrorType(type)) {
		super(message);
		this.name = 'TranslationError';
		this.status = status;
		this.body = anthropicError(type, message);
	}
}

// ---------------------------------------------------------------------------------------- redaction
// The credential shapes have one owner, config/redact.ts; this file only strips stacks and bounds length.

/** Drops stack traces (`    at fn (file:1:2)`, Python tracebacks) from a message. */
export function stripStack(text: string): string {
	const traceback = text.indexOf('Traceback (most recent call last)');
	const cut = traceback === -1 ? text : text.slice(0, traceback);
	return cut
		.split('\n')
		.filter(line => !/^\s+at\s.+(\(|:\d+)/.test(line) && !/^\s+File ".+", line \d+/.test(line))
		.join('\n')
		.trim();
}

/** Safe for a client: no stack, no secrets, bounded (2 kB). */
export function cleanMessage(text: string, redact?: (text: string) => string): string {
	let out = redactShapes(stripStack(text));
	if (redact) out = redact(out);
	return out.length > 2048 ? `${out.slice(0, 2045)}...` : out;
}

/**
 * Mid-stream upstream error → Anthropic type (spec §3.5): by numeric code/status first, then by
 * wording; anything else is `api_error`.
 */
export function streamErrorType(error: unknown): AnthropicErrorType {
	const object = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
	const code = Number(object['code'] ?? object['status']);
	if (code === 429) return 'rate_limit_error';
	if (code === 503 || code === 529) return 'overloaded_error';
	if (code === 408 || code === 504) return 'timeout_error';
	const words = `${String(object['type'] ?? '')} ${String(object['message'] ?? '')} ${String(object['code'] ?? '')}`.toLowerCase();
	if (/overload|insufficient_system_resource/.test(words)) return 'overloaded_error';
	if (/rate.?limit|too many requests|resource_exhausted/.test(words)) return 'rate_limit_error';
	if (/timeout|timed out/.test(words)) return 'timeout_error';
	return 'api_error';
}

export function streamErrorMessage(error: unknown, fallback: string): string {
	if (typeof error === 'string') return error || fallback;
	const object = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
	const message = object['message'] ?? object['error'];
	return typeof message === 'string' && message ? message : fallback;
}
