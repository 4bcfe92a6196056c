import {BlockWriter} from '../../translate/block-writer.js';
import {contentText, reasoningText, type OpenAIDelta} from './delta-fields.js';
import {cleanMessage, streamErrorMessage, streamErrorType} from '../../translate/errors.js';
import {defaultIds, type TranslateIds} from '../../translate/ids.js';
import type {MessageRecord} from '../../translate/message-record.js';
import type {Profile} from '../../translate/profiles.js';
import type {JsonPath} from '../../translate/long-string.js';
import {SseReader} from '../../translate/sse-reader.js';
import * as sse from '../../translate/sse-writer.js';
import {mapStopReason, matchedStopSequence} from './stop-reason.js';
import {ThinkTagSplitter, type ThinkPiece} from './think-tags.js';
import {ThoughtSignatureCache} from '../../translate/thought-signatures.js';
import type {ToolNameMap} from '../../translate/tool-names.js';
import {finishToolCall, parseToolArguments, ToolSlots, type FinishContext, type ToolCallDelta, type ToolSlot} from './tool-slots.js';
import type {AnthropicErrorType, AnthropicUsage, StopReason} from '../../translate/types.js';
import type {StreamFailure} from '../../sse-relay.js';
import {mapUsage, type UpstreamUsage} from './usage.js';

const EMPTY_GEMINI_ANSWER = 'Gemini returned an empty answer (no text, no tool call); this happens under load, retry the request';

export type StreamTranslatorOptions = {
	/** Echoed as `message.model` (Claude Code picks its context window from it). */
	requestedModel: string;
	/** `estimateInputTokens(request)`: shown until real usage arrives. */
	inputTokens: number;
	profile: Profile;
	toolNames: ToolNameMap;
	ids?: TranslateIds;
	/** How long the proxy waits for usage after `finish_reason` before calling finalize(). @default 5000 */
	postFinishGraceMs?: number;
	signatures?: ThoughtSignatureCache;
	onWarning?: (message: string) => void;
	/** Builds the whole message from the same facts (an SSE answer to a request that wanted it whole). */
	record?: MessageRecord;
};

type Choice = {index?: number; delta?: OpenAIDelta; message?: OpenAIDelta; finish_reason?: string | null; error?: unknown; stop_reason?: unknown};
type UpstreamChunk = {error?: unknown; usage?: UpstreamUsage | null; choices?: Choice[] | null};

/** A chunk whose line is megabytes long is one content delta (an image as base64 text): streamed as it arrives. */
const LONG_CONTENT = ['choices', 0, 'delta', 'content'] as const;

/**
 * What may come before that content and still be handled when the line ends: the chunk's id,
 * model and usage, the choice's index 0, a null finish_reason, the delta's role. Anything that
 * would be answered before the content (reasoning, tool calls, an error, a finish) keeps the line
 * whole, so the order of the answer never changes.
 */
function mayPrecedeLongContent(path: JsonPath, literal?: string): boolean {
	if (path[0] === 'error') return false;
	if (path[0] !== 'choices' || path.length === 1) return true;
	if (path[1] !== 0) return false;
	if (path.length === 2) return true;
	if (path[2] === 'index') return literal === '0';
	if (path[2] === 'finish_reason') return literal === 'null';
	if (path[2] !== 'delta') return path[2] === 'logprobs';
	return path.length === 3 || path[3] === 'role';
}

/**
 * OpenAI chat-completion chunks (raw bytes) → Anthropic SSE text, spec §2.5–§2.12. One instance per
 * request; pure: the proxy owns the timers and calls ping()/finalize() when they fire.
 */
export class StreamTranslator {
	readonly postFinishGraceMs: number;
	readonly id: string;
	readonly warnings: string[] = [];
	readonly #options: StreamTranslatorOptions;
	readonly #profile: Profile;
	readonly #blocks: BlockWriter;
	readonly #reader: SseReader;
	readonly #slots: ToolSlots;
	readonly #splitter: ThinkTagSplitter | undefined;
	readonly #pieces: ThinkPiece[] = [];
	readonly #finishContext: FinishContext;
	#started = false;
	#ended = false;
	#finish: string | null = null;
	#matchedStop: string | null = null;
	#usage: UpstreamUsage | null = null;
	#refusal = false;
	#emittedTools = 0;
	#openSlot: ToolSlot | null = null;
	#stopReason: StopReason | null = null;
	#finalUsage: AnthropicUsage | null = null;
	#failure: StreamFailure | undefined;
	/** Passed in by the proxy (shared between requests); a private one when a caller has none. */
	readonly #signatures: ThoughtSignatureCache;

	constructor(options: StreamTranslatorOptions) {
		const ids = options.ids ?? defaultIds;
		this.#options = options;
		this.#signatures = options.signatures ?? new ThoughtSignatureCache();
		this.#profile = options.profile;
		this.id = ids.message();
		this.postFinishGraceMs = options.postFinishGraceMs ?? 5000;
		this.#blocks = new BlockWriter(ids, options.record);
		this.#slots = new ToolSlots(options.profile.toolArgsCumulative);
		this.#splitter = options.profile.thinkTags ? new ThinkTagSplitter() : undefined;
		this.#reader = new SseReader(
			{
				onData: (payload, errorEvent) => this.#onChunk(payload, errorEvent),
				onDone: () => this.#finalize(),
				onError: message => this.#fail('api_error', message),
			},
			{longString: {target: LONG_CONTENT, mayPrecede: mayPrecedeLongContent, onText: content => this.#ended || this.#applyDelta({content})}},
		);
		const onWarning = (message: string): void => {
			this.warnings.push(message);
			options.onWarning?.(message);
		};

		this.#finishContext = {names: options.toolNames, ids, finish: null, usedIds: new Set(), onWarning};
	}

	get ended(): boolean {
		return this.#ended;
	}

	/** finish_reason seen, usage not yet: the proxy arms a `postFinishGraceMs` timer that calls finalize(). */
	get awaitingGrace(): boolean {
		return this.#finish !== null && !this.#ended;
	}

	/** A content delta has been written (the relay's first-token fact). */
	get contentStarted(): boolean {
		return this.#blocks.contentStarted;
	}

	/** Why the stream ended in `event: error`, if it did. */
	get failure(): StreamFailure | undefined {
		return this.#failure;
	}

	get stopReason(): StopReason | null {
		return this.#stopReason;
	}

	get usage(): AnthropicUsage {
		return this.#finalUsage ?? mapUsage(this.#usage, this.#options.inputTokens, this.#blocks.textChars);
	}

	/** The upstream's figure, else a running estimate (for progress display). */
	get outputTokens(): number {
		return this.#usage?.completion_tokens ?? Math.ceil((this.#blocks.textChars + this.#blocks.otherChars) / 4);
	}

	/** `message_start` + `ping`, written when the upstream answered 2xx (the commit point). */
	start(): string {
		if (this.#started) return '';
		this.#started = true;
		const usage = {input_tokens: this.#options.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0};
		return this.#blocks.messageStart(this.id, this.#options.requestedModel, usage);
	}

	/** Raw upstream bytes, split anywhere; returns the SSE text to write now ('' if none). */
	push(chunk: Uint8Array | string): string {
		if (this.#ended) return '';
		const head = this.start();
		this.#reader.push(chunk);
		return head + this.#blocks.take();
	}

	/** Upstream EOF: finalize if the answer was complete, else `event: error` (never fake stop events). */
	end(): string {
		if (this.#ended) return '';
		const head = this.start();
		this.#reader.end();
		if (!this.#ended) {
			const complete = this.#finish !== null || (this.#profile.eofIsDone && this.#slots.slots.every(slot => !slot.args || parseToolArguments(slot.args).strict));
			if (complete) this.#finalize();
			else this.#fail('api_error', 'upstream stream ended before completion');
		}

		return head + this.#blocks.take();
	}

	/** The post-finish grace elapsed without usage: close the message with what is known. */
	finalize(): string {
		const head = this.start();
		this.#finalize();
		return head + this.#blocks.take();
	}

	/** Upstream read error or timeout: one `event: error`, nothing after it. */
	fail(error: {type: AnthropicErrorType | string; message: string}): string {
		const head = this.start();
		this.#fail(error.type as AnthropicErrorType, error.message);
		return head + this.#blocks.take();
	}

	ping(): string {
		return this.#started && !this.#ended ? sse.PING : '';
	}

	#onChunk(payload: unknown, errorEvent: boolean): void {
		if (this.#ended || !payload || typeof payload !== 'object') return;
		const chunk = payload as UpstreamChunk;
		if (errorEvent || chunk.error) return this.#failWith(chunk.error ?? chunk, 'upstream error');
		if (chunk.usage) this.#usage = chunk.usage;
		const choices = chunk.choices;
		if (Array.isArray(choices)) {
			for (const choice of choices) {
				if (!choice || (choice.index ?? 0) !== 0) continue;
				const finish = choice.finish_reason;
				// OpenRouter signals mid-stream failures this way; DeepSeek runs out of capacity this way.
				if (finish === 'error') return this.#failWith(choice.error ?? {}, 'upstream finish_reason=error');
				if (finish === 'insufficient_system_resource') return this.#fail('overloaded_error', 'upstream has insufficient system resources');
				const delta = choice.delta ?? choice.message;
				if (delta) this.#applyDelta(delta);
				if (this.#ended) return;
				if (finish) {
					this.#finish = finish;
					this.#matchedStop = matchedStopSequence(choice, this.#options.toolNames.stopSequences);
				}

				break;
			}
		}

		if (this.#finish !== null && this.#usage) this.#finalize();
	}

	/** Within one chunk, Anthropic block order: reasoning, content, refusal, tool calls. */
	#applyDelta(delta: OpenAIDelta): void {
		const reasoning = reasoningText(delta);
		if (reasoning) this.#blocks.thinking(reasoning);
		const content = contentText(delta);
		if (content) {
			if (this.#splitter) {
				this.#splitter.push(content, this.#pieces);
				this.#drainPieces();
			} else this.#blocks.text(content);
		}

		if (typeof delta.refusal === 'string' && delta.refusal) {
			this.#blocks.text(delta.refusal);
			this.#refusal = true;
		}

		if (Array.isArray(delta.tool_calls)) {
			for (const call of delta.tool_calls as ToolCallDelta[]) if (call && typeof call === 'object') this.#onToolDelta(call);
		}
	}

	#drainPieces(): void {
		for (const piece of this.#pieces) piece.thinking ? this.#blocks.thinking(piece.text) : this.#blocks.text(piece.text);
		this.#pieces.length = 0;
	}

	#onToolDelta(call: ToolCallDelta): void {
		const {slot, appended} = this.#slots.apply(call);
		this.#blocks.otherChars += appended.length;
		if (this.#blocks.thinkingOpen) this.#blocks.close();
		if (this.#profile.toolArgsMode !== 'passthrough') return;
		// Passthrough (spec §2.7.3): fragments go out as they come; only for providers proven sequential.
		if (slot.block === -1) {
			if (!slot.name) return;
			const {id, name} = finishToolCall({...slot, args: ''}, this.#finishContext)!;
			slot.id = id;
			slot.block = this.#blocks.openTool(id, name, () => {
				slot.closed = true;
				this.#openSlot = null;
			});
			this.#openSlot = slot;
			this.#emittedTools++;
			if (slot.args) this.#blocks.toolDelta(slot.block, slot.args);
		} else if (this.#openSlot !== slot) {
			this.#fail('api_error', 'upstream interleaved tool call fragments');
		} else if (appended) {
			this.#blocks.toolDelta(slot.block, appended);
		}
	}

	#finalize(): void {
		if (this.#ended) return;
		if (this.#splitter) {
			this.#splitter.flush(this.#pieces);
			this.#drainPieces();
		}

		this.#ended = true;
		this.#blocks.end();
		this.#emitBufferedTools();
		if (this.#blocks.count === 0 && this.#profile.schemaDialect === 'gemini' && this.#finish !== 'length') {
			// Gemini's "empty reply" (a 200 with no content at all): an empty end_turn would silently end
			// Claude Code's turn, so say what happened in an error the user (and Claude Code) can retry.
			this.#failure = {type: 'api_error', message: EMPTY_GEMINI_ANSWER};
			this.#blocks.fail('api_error', EMPTY_GEMINI_ANSWER);
			return;
		}

		const facts = {finish: this.#finish, refusal: this.#refusal, emittedTools: this.#emittedTools, matchedStop: this.#matchedStop};
		this.#stopReason = mapStopReason(facts, this.#profile.refusalStopReason);
		this.#finalUsage = mapUsage(this.#usage, this.#options.inputTokens, this.#blocks.textChars);
		const stopSequence = this.#stopReason === 'stop_sequence' ? this.#matchedStop : null;
		this.#blocks.messageEnd(this.#stopReason, stopSequence, this.#finalUsage);
	}

	/** Buffered mode (spec §2.7.2): each call validated/repaired and emitted whole, in slot order. */
	#emitBufferedTools(): void {
		const context = this.#finishContext;
		context.finish = this.#finish;
		const signatures = this.#signatures;
		for (const slot of this.#slots.slots) {
			if (slot.block !== -1) {
				if (slot.id && slot.googleSignature) signatures.set(slot.id, slot.googleSignature);
				continue;
			}

			const call = finishToolCall(slot, context);
			if (!call) continue;
			this.#blocks.tool(call.id, call.name, JSON.stringify(call.input));
			this.#emittedTools++;
			if (call.googleSignature) signatures.set(call.id, call.googleSignature);
		}
	}

	#failWith(error: unknown, fallback: string): void {
		this.#fail(streamErrorType(error), streamErrorMessage(error, fallback));
	}

	/** Instead of finalize: one `event: error`; an open tool_use block stays unclosed on purpose (P18). */
	#fail(type: AnthropicErrorType, message: string): void {
		if (this.#ended) return;
		this.#ended = true;
		const clean = cleanMessage(message);
		this.#failure = {type, message: clean};
		this.#blocks.fail(type, clean);
	}
}
