/** Response builders shared by the handlers: Anthropic-shaped errors and JSON with a request id. */
import {randomBase62} from './translate/ids.js';
import type {AnthropicErrorBody} from './translate/index.js';

export function newRequestId(): string {
	return `req_${randomBase62()}`;
}

export function jsonResponse(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: {'content-type': 'application/json', 'request-id': requestId, ...headers},
	});
}

/** `{"type":"error","error":{type,message},"request_id"}` with the request id header too. */
export function errorResponse(status: number, body: AnthropicErrorBody, requestId: string, headers: Record<string, string> = {}): Response {
	return jsonResponse(status, {...body, request_id: requestId}, requestId, headers);
}

/** Build an error body without the translation module (kept tiny; same shape as `anthropicError`). */
export function errorBody(type: AnthropicErrorBody['error']['type'], message: string): AnthropicErrorBody {
	return {type: 'error', error: {type, message}};
}
