/**
 * Whole Anthropic messages and their SSE form, for every dialect: a complete message as SSE (a
 * whole upstream answer to a streaming client) and SSE text back to a message.
 */
import {clientError, statusForErrorType, TranslationError} from './errors.js';
import * as sse from './sse-writer.js';
import type {AnthropicMessage} from './types.js';

/**
 * A complete message as an SSE sequence (JSON upstream answer to a streaming request): one delta per
 * block. `inputTokens` (the estimate) goes into `message_start` like on the streaming path.
 */
export function messageToSse(message: AnthropicMessage, options: {inputTokens?: number} = {}): string {
	const startUsage = {
		input_tokens: options.inputTokens ?? message.usage.input_tokens,
		output_tokens: 1,
		cache_creation_input_tokens: 0,
		cache_read_input_tokens: 0,
	};
	let out = sse.messageStart(message.id, message.model, startUsage) + sse.PING;
	message.content.forEach((block, index) => {
		if (block.type === 'text') out += sse.textBlockStart(index) + sse.textDelta(index, block.text);
		else if (block.type === 'thinking') {
			out += sse.thinkingBlockStart(index) + sse.thinkingDelta(index, block.thinking) + sse.signatureDelta(index, block.signature);
		} else out += sse.toolBlockStart(index, block.id, block.name) + sse.inputJsonDelta(index, JSON.stringify(block.input));
		out += sse.blockStop(index);
	});
	out += sse.messageDelta(message.stop_reason ?? 'end_turn', message.stop_sequence, message.usage);
	return out + sse.MESSAGE_STOP;
}

/** Anthropic SSE text → message (what the SDK's MessageStream does); `event: error` throws. */
export function accumulateSse(text: string): AnthropicMessage {
	let message: AnthropicMessage | undefined;
	const partial = new Map<number, string>();
	for (const frame of text.split('\n\n')) {
		const dataAt = frame.indexOf('\ndata: ');
		if (dataAt === -1) continue;
		const event = JSON.parse(frame.slice(dataAt + 7)) as Record<string, any>;
		switch (event['type']) {
			case 'message_start':
				message = {...event['message'], content: []};
				break;
			case 'content_block_start':
				message!.content[event['index']] = {...event['content_block']};
				break;
			case 'content_block_delta': {
				const block = message!.content[event['index']] as Record<string, any>;
				const delta = event['delta'];
				if (delta.type === 'text_delta') block['text'] += delta.text;
				else if (delta.type === 'thinking_delta') block['thinking'] += delta.thinking;
				else if (delta.type === 'signature_delta') block['signature'] = delta.signature;
				else partial.set(event['index'], (partial.get(event['index']) ?? '') + delta.partial_json);
				break;
			}

			case 'content_block_stop': {
				const json = partial.get(event['index']);
				if (json !== undefined) (message!.content[event['index']] as {input: unknown}).input = JSON.parse(json);
				break;
			}

			case 'message_delta':
				message!.stop_reason = event['delta'].stop_reason;
				message!.stop_sequence = event['delta'].stop_sequence;
				message!.usage = event['usage'];
				break;
			case 'error':
				throw new TranslationError(clientError(statusForErrorType(event['error'].type), event['error'].type, event['error'].message));
			default:
				break;
		}
	}

	if (!message) throw new TranslationError(clientError(502, 'api_error', 'upstream returned no choices'));
	return message;
}
