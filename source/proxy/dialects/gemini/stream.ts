/**
 * Gemini `streamGenerateContent?alt=sse` chunks (each a whole GenerateContentResponse, no
 * `[DONE]`) → Anthropic SSE. Thought parts become thinking blocks signed with their
 * `thoughtSignature`; a call's signature is kept in the passed-in cache under its `tool_use.id`.
 * Pure: the relay owns the timers.
 */
import {BlockWriter} from '../../translate/block-writer.js';
import {cleanMessage} from '../../translate/errors.js';
import {defaultIds, type TranslateIds} from '../../translate/ids.js';
import type {MessageRecord} from '../../translate/message-record.js';
import {argumentsFromUpstream} from '../../translate/property-names.js';
import {SseReader} from '../../translate/sse-reader.js';
import * as sse from '../../translate/sse-writer.js';
import type {ThoughtSignatureCache} from '../../translate/thought-signatures.js';
import type {ToolNameMap} from '../../translate/tool-names.js';
import type {AnthropicErrorType, AnthropicUsage, StopReason} from '../../translate/types.js';
import type {StreamFailure} from '../../sse-relay.js';
import type {GeminiPart} from './request.js';

export type GeminiStreamOptions = {
	readonly requestedModel: string;
	readonly inputTokens: number;
	readonly toolNames: ToolNameMap;
	readonly signatures: ThoughtSignatureCache;
	readonly ids?: TranslateIds;
	/** Builds the whole message from the same facts (an answer the client wanted whole). */
	readonly record?: MessageRecord;
};

type UsageMetadata = {promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number; cachedContentTokenCount?: number};
type Candidate = {content?: {parts?: GeminiPart[]}; finishReason?: string; groundingMetadata?: {groundingChunks?: Array<{web?: {uri?: string; title?: string}}>}};
type Chunk = {candidates?: Candidate[]; usageMetadata?: UsageMetadata; promptFeedback?: {blockReason?: string}; error?: {code?: number; message?: string; status?: string}};

/** Finish reasons that are a refusal by Google's filters, not an answer. */
const BLOCKED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

export class GeminiStreamTranslator {
	readonly #options: GeminiStreamOptions;
	readonly #ids: TranslateIds;
	readonly #blocks: BlockWriter;
	readonly #reader: SseReader;
	readonly #sources = new Map<string, string>();
	#started = false;
	#ended = false;
	#finish: string | undefined;
	/** Google refused the prompt itself (promptFeedback.blockReason): already said, always a refusal. */
	#promptBlocked = false;
	#calls = 0;
	#usage: UsageMetadata | undefined;
	#stopReason: StopReason | null = null;
	#failure: StreamFailure | undefined;

	constructor(options: GeminiStreamOptions) {
		this.#options = options;
		this.#ids = options.ids ?? defaultIds;
		this.#blocks = new BlockWriter(this.#ids, options.record);
		this.#reader = new SseReader({onData: payload => this.#onChunk(payload as Chunk), onDone: () => this.#finalize(), onError: message => this.#fail('api_error', message)});
	}

	get ended(): boolean {
		return this.#ended;
	}

	get awaitingGrace(): boolean {
		return false;
	}

	get contentStarted(): boolean {
		return this.#blocks.contentStarted;
	}

	get failure(): StreamFailure | undefined {
		return this.#failure;
	}

	get stopReason(): StopReason | null {
		return this.#stopReason;
	}

	get usage(): AnthropicUsage {
		const usage = this.#usage;
		const cached = usage?.cachedContentTokenCount ?? 0;
		const output = (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0);
		return {
			input_tokens: usage?.promptTokenCount === undefined ? this.#options.inputTokens : Math.max(0, usage.promptTokenCount - cached),
			output_tokens: usage ? output : Math.ceil(this.#blocks.textChars / 4),
			cache_creation_input_tokens: 0,
			cache_read_input_tokens: cached,
		};
	}

	get outputTokens(): number {
		return this.usage.output_tokens;
	}

	start(): string {
		if (this.#started) return '';
		this.#started = true;
		const usage = {input_tokens: this.#options.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0};
		return this.#blocks.messageStart(this.#ids.message(), this.#options.requestedModel, usage);
	}

	push(chunk: Uint8Array | string): string {
		if (this.#ended) return '';
		const head = this.start();
		this.#reader.push(chunk);
		return head + this.#blocks.take();
	}

	/** A whole (non-stream) answer: the same state machine over one response object. */
	pushResponse(response: unknown): string {
		const head = this.start();
		this.#onChunk(response as Chunk);
		return head + this.#blocks.take();
	}

	/** EOF: Gemini sends no `[DONE]`; a finishReason seen means the answer is complete. */
	end(): string {
		if (this.#ended) return '';
		const head = this.start();
		this.#reader.end();
		if (!this.#ended) {
			if (this.#finish) this.#finalize();
			else this.#fail('api_error', 'the Gemini stream ended before a finishReason');
		}

		return head + this.#blocks.take();
	}

	finalize(): string {
		this.#finalize();
		return this.#blocks.take();
	}

	fail(error: {type: string; message: string}): string {
		const head = this.start();
		this.#fail(error.type as AnthropicErrorType, error.message);
		return head + this.#blocks.take();
	}

	ping(): string {
		return this.#started && !this.#ended ? sse.PING : '';
	}

	#onChunk(chunk: Chunk): void {
		if (this.#ended || !chunk || typeof chunk !== 'object') return;
		if (chunk.error) return this.#fail('api_error', `Gemini: ${chunk.error.message ?? chunk.error.status ?? 'stream error'}`);
		if (chunk.usageMetadata) this.#usage = chunk.usageMetadata;
		if (chunk.promptFeedback?.blockReason) {
			this.#blocks.text(`Gemini refused the prompt (blockReason ${chunk.promptFeedback.blockReason}).`);
			this.#finish = chunk.promptFeedback.blockReason;
			this.#promptBlocked = true;
			return this.#finalize();
		}

		const candidate = chunk.candidates?.[0];
		if (!candidate) return;
		for (const part of candidate.content?.parts ?? []) this.#onPart(part);
		for (const source of candidate.groundingMetadata?.groundingChunks ?? []) {
			if (source.web?.uri) this.#sources.set(source.web.uri, source.web.title ?? source.web.uri);
		}

		if (candidate.finishReason) this.#finish = candidate.finishReason;
	}

	#onPart(part: GeminiPart): void {
		if (part.functionCall) return this.#onCall(part);
		if (typeof part.text !== 'string') return;
		if (part.thought) {
			if (part.text) this.#blocks.thinking(part.text);
			if (part.thoughtSignature) this.#blocks.signThinking(part.thoughtSignature);
			return;
		}

		if (part.thoughtSignature && !this.#blocks.thinkingOpen && part.text === '') return;
		if (part.text) this.#blocks.text(part.text);
	}

	#onCall(part: GeminiPart): void {
		const call = part.functionCall!;
		const id = call.id || this.#ids.toolUse();
		const name = this.#options.toolNames.restore(call.name);
		if (part.thoughtSignature) this.#options.signatures.set(id, part.thoughtSignature);
		const input = argumentsFromUpstream(call.args ?? {}, this.#options.toolNames.propertyRenamesOf(name));
		this.#blocks.tool(id, name, JSON.stringify(input ?? {}));
		this.#calls++;
	}

	#finalize(): void {
		if (this.#ended) return;
		const finish = this.#finish ?? 'STOP';
		if (finish === 'MALFORMED_FUNCTION_CALL' || finish === 'UNEXPECTED_TOOL_CALL') {
			return this.#fail('api_error', `Gemini produced a malformed function call (finishReason ${finish}); retry the request`);
		}

		const closing = this.#closingText(finish);
		if (closing) this.#blocks.text(closing);
		if (this.#blocks.count === 0 && finish !== 'MAX_TOKENS') {
			return this.#fail('api_error', 'Gemini returned an empty answer (no text, no function call); retry the request');
		}

		this.#ended = true;
		this.#blocks.end();
		this.#stopReason = this.#promptBlocked ? 'refusal' : stopReasonOf(finish, this.#calls);
		this.#blocks.messageEnd(this.#stopReason, null, this.usage);
	}

	/** What the answer ends with: why Google stopped it, or the search sources (a refused prompt has said it already). */
	#closingText(finish: string): string | undefined {
		if (this.#promptBlocked) return undefined;
		if (BLOCKED.has(finish)) return `\n\n[Gemini stopped the answer: finishReason ${finish}]`;
		if (this.#sources.size > 0) return `\n\nSources:\n${[...this.#sources].map(([uri, title]) => `- [${title}](${uri})`).join('\n')}`;
		return undefined;
	}

	#fail(type: AnthropicErrorType, message: string): void {
		if (this.#ended) return;
		this.#ended = true;
		const clean = cleanMessage(message);
		this.#failure = {type, message: clean};
		this.#blocks.fail(type, clean);
	}
}

function stopReasonOf(finish: string, calls: number): StopReason {
	if (finish === 'MAX_TOKENS') return 'max_tokens';
	if (BLOCKED.has(finish)) return 'refusal';
	return calls > 0 ? 'tool_use' : 'end_turn';
}
