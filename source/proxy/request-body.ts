/**
 * Read → size limit → JSON, shared by `/v1/messages` and `/v1/messages/count_tokens`: one wording
 * for each refusal.
 */
import type {H3Event} from 'h3';
import {requestOf} from './h3-adapter.js';
import {MAX_BODY_BYTES, readBodyText} from './read-body.js';
import {yieldIfLarge} from './yield-turn.js';
import type {AnthropicErrorType} from './translate/types.js';

export type BodyRefusal = {readonly ok: false; readonly status: number; readonly type: AnthropicErrorType; readonly message: string};
export type JsonBody = {readonly ok: true; readonly text: string; readonly json: unknown};

export async function readJsonBody(event: H3Event): Promise<JsonBody | BodyRefusal> {
	const read = await readBodyText(requestOf(event), MAX_BODY_BYTES).catch(() => undefined);
	if (!read) return refuse(400, 'invalid_request_error', 'the request body could not be read (client disconnected?)');
	if (!read.ok) return refuse(413, 'request_too_large', `request body is ${formatBytes(read.size)}; the limit is ${formatBytes(MAX_BODY_BYTES)}`);
	await yieldIfLarge(read.text.length);
	try {
		return {ok: true, text: read.text, json: JSON.parse(read.text)};
	} catch (error) {
		return refuse(400, 'invalid_request_error', `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
	}
}

function refuse(status: number, type: AnthropicErrorType, message: string): BodyRefusal {
	return {ok: false, status, type, message};
}

function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
	return `${Math.ceil(bytes / 1024)} KiB`;
}
