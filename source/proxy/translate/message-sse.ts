/**
 * A whole Anthropic message as SSE, for every dialect (a whole upstream answer to a streaming
 * client). The other way, an SSE answer to a client that wanted it whole, is a MessageRecord.
 */
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
