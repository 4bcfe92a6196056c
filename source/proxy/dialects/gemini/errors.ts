/**
 * Google error bodies (`{"error": {"code", "message", "status", "details"}}`, sometimes inside an
 * array, or wrapped by Gemini Balance) → Anthropic errors: the type follows Google's `status`, and a
 * `RetryInfo` delay becomes Retry-After.
 */
import {anthropicError, type ClientError, errorTypeForStatus} from '../../translate/errors.js';
import {toAnthropicError, type UpstreamErrorOptions} from '../../translate/upstream-errors.js';
import {isInvalidGoogleKey} from '../../../config/gemini-native.js';

type GoogleError = {code?: number; message?: string; status?: string; details?: Array<{'@type'?: string; retryDelay?: string}>};

/** Google's status word → the client's HTTP status (the type follows from it, as for any status). */
const BY_STATUS: Readonly<Record<string, number>> = {
	INVALID_ARGUMENT: 400,
	FAILED_PRECONDITION: 400,
	OUT_OF_RANGE: 400,
	UNAUTHENTICATED: 401,
	PERMISSION_DENIED: 403,
	NOT_FOUND: 404,
	RESOURCE_EXHAUSTED: 429,
	INTERNAL: 500,
	UNAVAILABLE: 529,
	DEADLINE_EXCEEDED: 504,
};

/**
 * Google's own errors, the provider's key sent to Google (AI Studio). An invalid key is a 400; it
 * stays one for Claude Code (a 401 would send the user to /login for a key that is ccr-tui's), and a
 * key pool disables that key.
 */
export function geminiError(status: number, bodyText: string, options: UpstreamErrorOptions): ClientError {
	const mapped = googleErrorToClient(status, bodyText, options);
	if (!isInvalidGoogleKey(status, bodyText)) return mapped;
	const message = `upstream rejected the provider API key: ${mapped.body.error.message}`;
	return {status: 400, body: anthropicError('invalid_request_error', message, options.requestId), headers: {...mapped.headers, 'x-should-retry': 'false'}, keyRejected: true};
}

/**
 * Gemini Balance's native path: Google's errors passed on. An invalid key there is one of Gemini
 * Balance's own upstream keys, not the token ccr-tui sends: the pool keeps that token.
 */
export function geminiBalanceNativeError(status: number, bodyText: string, options: UpstreamErrorOptions): ClientError {
	return googleErrorToClient(status, bodyText, options);
}

function googleErrorToClient(status: number, bodyText: string, options: UpstreamErrorOptions): ClientError {
	const mapped = toAnthropicError(status, bodyText, options);
	const google = googleError(bodyText);
	const proxyStatus = google?.status ? BY_STATUS[google.status] : undefined;
	if (!google || proxyStatus === undefined || mapped.body.error.message.startsWith('prompt is too long')) return mapped;
	const headers = {...mapped.headers};
	const delay = retryDelaySeconds(google);
	if (proxyStatus === 429 && delay !== undefined && !headers['retry-after']) headers['retry-after'] = String(delay);
	return {status: proxyStatus, body: anthropicError(errorTypeForStatus(proxyStatus), mapped.body.error.message, options.requestId), headers};
}

function googleError(text: string): GoogleError | undefined {
	try {
		let parsed: unknown = JSON.parse(text);
		if (Array.isArray(parsed)) parsed = parsed[0];
		let error = (parsed as {error?: unknown} | null)?.error;
		// Gemini Balance puts Google's whole JSON into its own message.
		if (error && typeof error === 'object' && typeof (error as GoogleError).message === 'string' && !(error as GoogleError).status) {
			const inner = googleError((error as GoogleError).message!.trim());
			if (inner) error = inner;
		}

		return error && typeof error === 'object' ? (error as GoogleError) : undefined;
	} catch {
		return undefined;
	}
}

/** `RetryInfo.retryDelay` ("12s", "1.5s") in whole seconds, rounded up. */
function retryDelaySeconds(error: GoogleError): number | undefined {
	const info = error.details?.find(detail => detail['@type']?.endsWith('google.rpc.RetryInfo'));
	const match = /^(\d+(?:\.\d+)?)s$/.exec(info?.retryDelay ?? '');
	return match ? Math.max(1, Math.ceil(Number(match[1]))) : undefined;
}
