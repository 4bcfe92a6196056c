import {contentText, reasoningText, type OpenAIDelta} from './delta-fields.js';
import {TranslationError} from './errors.js';
import {defaultIds, type TranslateIds} from './ids.js';
import type {Profile} from './profiles.js';
import * as sse from './sse-writer.js';
import {mapStopReason, matchedStopSequence} from './stop-reason.js';
import {StreamTranslator} from './stream.js';
import {ThinkTagSplitter, type ThinkPiece} from './think-tags.js';
import {sharedThoughtSignatures, type ThoughtSignatureCache} from './thought-signatures.js';
import type {ToolNameMap} from './tool-names.js';
import {finishToolCall, type FinishContext, type ToolSlot} from './tool-slots.js';
import type {AnthropicMessage, AnthropicResponseBlock} from './types.js';
import {toAnthropicError} from './upstream-errors.js';
import {mapUsage, type UpstreamUsage} from './usage.js';

export type ResponseOptions = {
	requestedModel: string;
	inputTokens: number;
	profile: Profile;
	toolNames: ToolNameMap;
	ids?: TranslateIds;
	signatures?: ThoughtSignatureCache;
	onWarning?: (message: string) => void;
};

type Choice = {index?: number; message?: OpenAIDelta & {tool_calls?: unknown}; finish_reason?: string | null; stop_reason?: unknown};

/**
 * Non-streaming chat completion → Anthropic message (spec §2.13): thinking first, then text, then
 * tool_use; same stop-reason and usage rules as the stream. Throws TranslationError (502 api_error)
 * when there is nothing to translate, or the mapped error when the 2xx body is an `{error}`.
 */
export function toAnthropicMessage(body: unknown, options: ResponseOptions): AnthropicMessage {
	const object = (body && typeof body === 'object' ? body : {}) as {error?: unknown; choices?: unknown; usage?: UpstreamUsage | null};
	if (object.error) {
		const mapped = toAnthropicError(200, JSON.stringify(object));
		throw new TranslationError(mapped.body.error.type, mapped.body.error.message, mapped.status);
	}

	const choices = Array.isArray(object.choices) ? (object.choices as Choice[]) : [];
	const choice = choices.find(item => (item?.index ?? 0) === 0) ?? choices[0];
	if (!choice?.message) throw new TranslationError('api_error', 'upstream returned no choices', 502);
	const ids = options.ids ?? defaultIds;
	const message = choice.message;
	const content: AnthropicResponseBlock[] = [];
	let thinking = reasoningText(message);
	let text = contentText(message);
	if (options.profile.thinkTags && text) {
		const pieces: ThinkPiece[] = [];
		const splitter = new ThinkTagSplitter();
		splitter.push(text, pieces);
		splitter.flush(pieces);
		text = pieces
			.filter(piece => !piece.thinking)
			.map(piece => piece.text)
			.join('');
		thinking += pieces
			.filter(piece => piece.thinking)
			.map(piece => piece.text)
			.join('');
	}

	const refusal = typeof message.refusal === 'string' && message.refusal ? message.refusal : '';
	if (refusal) text += text ? `\n${refusal}` : refusal;
	if (thinking) content.push({type: 'thinking', thinking, signature: ids.signature(thinking)});
	if (text.trim()) content.push({type: 'text', text});

	const finish = choice.finish_reason ?? null;
	const context: FinishContext = {names: options.toolNames, ids, finish, usedIds: new Set(), onWarning: options.onWarning};
	const signatures = options.signatures ?? sharedThoughtSignatures;
	const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as Array<Record<string, any>>) : [];
	for (const raw of calls) {
		const args = raw?.function?.arguments;
		const slot: ToolSlot = {
			id: typeof raw?.id === 'string' && raw.id.trim() ? raw.id : null,
			upIndex: 0,
			name: typeof raw?.function?.name === 'string' ? raw.function.name : '',
			args: typeof args === 'string' ? args : args && typeof args === 'object' ? JSON.stringify(args) : '',
			googleSignature: raw?.extra_content?.google?.thought_signature ?? null,
			block: -1,
			closed: false,
		};
		const call = finishToolCall(slot, context);
		if (!call) continue;
		content.push({type: 'tool_use', id: call.id, name: call.name, input: call.input});
		if (call.googleSignature) signatures.set(call.id, call.googleSignature);
	}

	const matchedStop = matchedStopSequence(choice, options.toolNames.stopSequences);
	const stopReason = mapStopReason(
		{finish, refusal: Boolean(refusal), emittedTools: content.filter(block => block.type === 'tool_use').length, matchedStop},
		options.profile.refusalStopReason,
	);
	return {
		id: ids.message(),
		type: 'message',
		role: 'assistant',
		model: options.requestedModel,
		content,
		stop_reason: stopReason,
		stop_sequence: stopReason === 'stop_sequence' ? matchedStop : null,
		usage: mapUsage(object.usage, options.inputTokens, text.length),
	};
}

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

/** An SSE upstream answer to a non-stream request: run the stream state machine, then accumulate. */
export function collectSse(text: string, options: ResponseOptions): AnthropicMessage {
	const translator = new StreamTranslator(options);
	const events = translator.push(text) + translator.end();
	return accumulateSse(events);
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
				throw new TranslationError(event['error'].type, event['error'].message);
			default:
				break;
		}
	}

	if (!message) throw new TranslationError('api_error', 'upstream returned no choices', 502);
	return message;
}
