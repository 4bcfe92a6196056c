import {anthropicError} from './errors.js';
import type {AnthropicErrorBody, AnthropicUsage, StopReason} from './types.js';

/**
 * Anthropic SSE frames (spec §2.1/§2.3): always `event:` + one-line `data:` whose `type` equals the
 * event name (the SDK dispatches on the name). Hot frames are concatenated by hand; the output is
 * byte-identical to `JSON.stringify` of the same object with the same key order.
 */

function frame(event: string, json: string): string {
	return `event: ${event}\ndata: ${json}\n\n`;
}

export const PING = frame('ping', '{"type":"ping"}');
export const MESSAGE_STOP = frame('message_stop', '{"type":"message_stop"}');

export function messageStart(id: string, model: string, usage: AnthropicUsage): string {
	return frame(
		'message_start',
		JSON.stringify({
			type: 'message_start',
			message: {id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage},
		}),
	);
}

export function textBlockStart(index: number): string {
	return frame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}`);
}

export function thinkingBlockStart(index: number): string {
	return frame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":{"type":"thinking","thinking":"","signature":""}}`);
}

export function toolBlockStart(index: number, id: string, name: string): string {
	return frame(
		'content_block_start',
		`{"type":"content_block_start","index":${index},"content_block":{"type":"tool_use","id":${JSON.stringify(id)},"name":${JSON.stringify(name)},"input":{}}}`,
	);
}

function delta(index: number, deltaType: string, field: string, value: string): string {
	return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":{"type":"${deltaType}","${field}":${JSON.stringify(value)}}}`);
}

export const textDelta = (index: number, text: string): string => delta(index, 'text_delta', 'text', text);
export const thinkingDelta = (index: number, text: string): string => delta(index, 'thinking_delta', 'thinking', text);
export const signatureDelta = (index: number, signature: string): string => delta(index, 'signature_delta', 'signature', signature);
export const inputJsonDelta = (index: number, json: string): string => delta(index, 'input_json_delta', 'partial_json', json);

export function blockStop(index: number): string {
	return frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
}

export function messageDelta(stopReason: StopReason, stopSequence: string | null, usage: AnthropicUsage): string {
	return frame('message_delta', JSON.stringify({type: 'message_delta', delta: {stop_reason: stopReason, stop_sequence: stopSequence}, usage}));
}

/** Mid-stream error frame: `{"type":"error","error":{…}}` (no request_id, as Anthropic sends it). */
export function errorEventSse(body: Pick<AnthropicErrorBody, 'error'>): string {
	return frame('error', JSON.stringify(anthropicError(body.error.type, body.error.message)));
}
