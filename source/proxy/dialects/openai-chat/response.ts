import {contentText, reasoningText, type OpenAIDelta} from './delta-fields.js';
import {clientError, TranslationError} from '../../translate/errors.js';
import {defaultIds, type TranslateIds} from '../../translate/ids.js';
import type {Profile} from '../../translate/profiles.js';
import {MessageRecord} from '../../translate/message-record.js';
import {mapStopReason, matchedStopSequence} from './stop-reason.js';
import {StreamTranslator} from './stream.js';
import {ThinkTagSplitter, type ThinkPiece} from './think-tags.js';
import {ThoughtSignatureCache} from '../../translate/thought-signatures.js';
import type {ToolNameMap} from '../../translate/tool-names.js';
import {finishToolCall, type FinishContext, type ToolSlot} from './tool-slots.js';
import type {AnthropicMessage, AnthropicResponseBlock} from '../../translate/types.js';
import {toAnthropicError} from '../../translate/upstream-errors.js';
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
// Over 60 lines: one pass over the choice, building the blocks in the order the spec fixes.
export function toAnthropicMessage(body: unknown, options: ResponseOptions): AnthropicMessage {
	const object = (body && typeof body === 'object' ? body : {}) as {error?: unknown; choices?: unknown; usage?: UpstreamUsage | null};
	if (object.error) {
		const mapped = toAnthropicError(200, JSON.stringify(object));
		throw new TranslationError(clientError(mapped.status, mapped.body.error.type, mapped.body.error.message));
	}

	const choices = Array.isArray(object.choices) ? (object.choices as Choice[]) : [];
	const choice = choices.find(item => (item?.index ?? 0) === 0) ?? choices[0];
	if (!choice?.message) throw new TranslationError(clientError(502, 'api_error', 'upstream returned no choices'));
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
	const signatures = options.signatures ?? new ThoughtSignatureCache();
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

/** An SSE upstream answer to a non-stream request: run the stream state machine, then accumulate. */
export function collectSse(text: string, options: ResponseOptions): AnthropicMessage {
	const record = new MessageRecord();
	const translator = new StreamTranslator({...options, record});
	translator.push(text);
	translator.end();
	return record.result();
}
