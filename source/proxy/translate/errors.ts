import {redactShapes} from '../../config/redact.js';
import type {AnthropicErrorBody, AnthropicErrorType} from './types.js';

/**
 * The proxy's errors: the one client-error type, the one body builder and the one status ↔ type
 * table. Every Anthropic-shaped error the proxy sends is built here.
 */

/** An error the client will see: Anthropic body, status and the headers to send with it. */
export type ClientError = {
	readonly status: number;
	readonly body: AnthropicErrorBody;
	readonly headers: Record<string, string>;
	/** The upstream refused the provider's key in its own way (Google: a 400): a key pool disables that key. */
	readonly keyRejected?: true;
};

/** Status of each type (spec §3.2); 402/408/504 come from the SDK's ErrorType list. */
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

/** Type of each status: the table read backwards, plus the statuses that share a type (408, 503). */
const TYPE_OF: ReadonlyMap<number, AnthropicErrorType> = new Map<number, AnthropicErrorType>([
	...Object.entries(STATUS_OF).map(([type, status]): [number, AnthropicErrorType] => [status, type as AnthropicErrorType]),
	[408, 'timeout_error'],
	[503, 'overloaded_error'],
]);

/** Upstream statuses the client gets as another one: 422 is a plain bad request, 503 is Anthropic's 529. */
const CLIENT_STATUS_OF_UPSTREAM: ReadonlyMap<number, number> = new Map([
	[422, 400],
	[503, 529],
]);

export function statusForErrorType(type: AnthropicErrorType): number {
	return STATUS_OF[type] ?? 500;
}

export function errorTypeForStatus(status: number): AnthropicErrorType {
	return TYPE_OF.get(status) ?? (status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error');
}

/** Upstream HTTP status → the status the client gets (spec §3.3): known ones kept, other 4xx → 400, the rest → 502. */
export function clientStatusForUpstream(status: number): number {
	const renamed = CLIENT_STATUS_OF_UPSTREAM.get(status);
	if (renamed !== undefined) return renamed;
	if (TYPE_OF.has(status)) return status;
	return status >= 400 && status < 500 ? 400 : 502;
}

/** The types a status can say mid-stream (a code inside an SSE error), where only the transient kinds count. */
const TRANSIENT: ReadonlySet<AnthropicErrorType> = new Set(['rate_limit_error', 'overloaded_error', 'timeout_error']);

export function anthropicError(type: AnthropicErrorType, message: string, requestId?: string): AnthropicErrorBody {
	const body: AnthropicErrorBody = {type: 'error', error: {type, message}};
	if (requestId) body.request_id = requestId;
	return body;
}

export function clientError(status: number, type: AnthropicErrorType, message: string, headers: Record<string, string> = {}): ClientError {
	return {status, body: anthropicError(type, message), headers};
}

/** A request or an answer that cannot be translated (no choices, content a dialect cannot express): carries what the client gets. */
export class TranslationError extends Error {
	readonly error: ClientError;

	constructor(error: ClientError) {
		super(error.body.error.message);
		this.name = 'TranslationError';
		this.error = error;
	}

	get status(): number {
		return this.error.status;
	}

	get body(): AnthropicErrorBody {
		return this.error.body;
	}
}

// ---------------------------------------------------------------------------------------- redaction
// The credential shapes have one owner, config/redact.ts; this file only strips stacks and bounds length.

/** Drops stack traces (`    at fn (file:1:2)`, Python tracebacks) from a message. */
function stripStack(text: string): string {
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
	const byCode = TYPE_OF.get(Number(object['code'] ?? object['status']));
	if (byCode && TRANSIENT.has(byCode)) return byCode;
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
