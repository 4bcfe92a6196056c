import type {TranslateIds} from './ids.js';
import type {MessageRecord} from './message-record.js';
import * as sse from './sse-writer.js';
import type {AnthropicErrorType, AnthropicUsage, StopReason} from './types.js';

const enum Block {
	None,
	Text,
	Thinking,
	Tool,
}

/**
 * The Anthropic side of a stream: content blocks with contiguous indices, at most one open at a
 * time, each closed exactly once (thinking blocks with a `signature_delta` first), text blocks
 * opened lazily so whitespace alone never creates one. Output accumulates in `out`; with a record,
 * the same facts build the whole message too.
 */
export class BlockWriter {
	out = '';
	/** Characters of text output (the usage estimate counts these, spec §2.10). */
	textChars = 0;
	/** Reasoning and tool-argument characters (progress display only). */
	otherChars = 0;
	/** A content delta (text, thinking or tool input) has been written: the "first token" fact. */
	contentStarted = false;
	readonly #ids: TranslateIds;
	#next = 0;
	/** Content blocks opened so far. */
	get count(): number {
		return this.#next;
	}

	#open = Block.None;
	#index = -1;
	#thinking = '';
	#whitespace = '';
	#onClose: (() => void) | undefined;
	#signature: string | undefined;

	readonly #record: MessageRecord | undefined;

	constructor(ids: TranslateIds, record?: MessageRecord) {
		this.#ids = ids;
		this.#record = record;
	}

	/** `message_start` and a ping, returned (the proxy writes it at the commit point). */
	messageStart(id: string, model: string, usage: AnthropicUsage): string {
		this.#record?.start(id, model, usage);
		return sse.messageStart(id, model, usage) + sse.PING;
	}

	messageEnd(stopReason: StopReason, stopSequence: string | null, usage: AnthropicUsage): void {
		this.#record?.end(stopReason, stopSequence, usage);
		this.out += sse.messageDelta(stopReason, stopSequence, usage) + sse.MESSAGE_STOP;
	}

	/** The stream's failure, as the client's error event. */
	fail(type: AnthropicErrorType, message: string): void {
		this.#record?.fail(type, message);
		this.out += sse.errorEventSse({error: {type, message}});
	}

	thinking(text: string): void {
		if (this.#open !== Block.Thinking) {
			this.#start(Block.Thinking, sse.thinkingBlockStart(this.#next));
			this.#record?.open(this.#index, {type: 'thinking', thinking: '', signature: ''});
			this.#thinking = '';
		}

		this.#record?.thinking(this.#index, text);
		this.out += sse.thinkingDelta(this.#index, text);
		this.contentStarted = true;
		this.#thinking += text;
		this.otherChars += text.length;
	}

	text(text: string): void {
		if (this.#open !== Block.Text) {
			// Lazy open: whitespace alone (the "\n\n" before a tool call) never opens a text block.
			if (/^\s*$/.test(text)) {
				this.#whitespace += text;
				return;
			}

			this.#start(Block.Text, sse.textBlockStart(this.#next));
			this.#record?.open(this.#index, {type: 'text', text: ''});
			text = this.#whitespace + text;
			this.#whitespace = '';
		}

		this.#record?.text(this.#index, text);
		this.out += sse.textDelta(this.#index, text);
		this.contentStarted = true;
		this.textChars += text.length;
	}

	/** The upstream's own signature for the open thinking block (Gemini's `thoughtSignature`). */
	signThinking(signature: string): void {
		if (this.#open === Block.Thinking) this.#signature = signature;
	}

	get thinkingOpen(): boolean {
		return this.#open === Block.Thinking;
	}

	/** Opens a tool_use block left open for `toolDelta` (passthrough mode); returns its index. */
	openTool(id: string, name: string, onClose: () => void): number {
		this.#start(Block.Tool, sse.toolBlockStart(this.#next, id, name));
		this.#record?.open(this.#index, {type: 'tool_use', id, name, input: {}});
		this.#onClose = onClose;
		return this.#index;
	}

	toolDelta(index: number, json: string): void {
		this.#record?.json(index, json);
		this.out += sse.inputJsonDelta(index, json);
		this.contentStarted = true;
	}

	/** A complete tool_use block in one go (buffered mode). */
	tool(id: string, name: string, json: string): void {
		this.close();
		const index = this.#next++;
		if (this.#record) {
			this.#record.open(index, {type: 'tool_use', id, name, input: {}});
			this.#record.json(index, json);
			this.#record.close(index);
		}

		this.out += sse.toolBlockStart(index, id, name) + sse.inputJsonDelta(index, json) + sse.blockStop(index);
		this.contentStarted = true;
	}

	close(): void {
		if (this.#open === Block.None) return;
		if (this.#open === Block.Thinking) {
			const signature = this.#signature ?? this.#ids.signature(this.#thinking);
			this.#record?.signature(this.#index, signature);
			this.out += sse.signatureDelta(this.#index, signature);
		}

		this.#signature = undefined;
		this.#onClose?.();
		this.#onClose = undefined;
		this.#record?.close(this.#index);
		this.out += sse.blockStop(this.#index);
		this.#open = Block.None;
	}

	/** Pending whitespace is dropped at the end (it never earned a block). */
	end(): void {
		this.close();
		this.#whitespace = '';
	}

	take(): string {
		const out = this.out;
		this.out = '';
		return out;
	}

	#start(kind: Block, frame: string): void {
		this.close();
		this.#open = kind;
		this.#index = this.#next++;
		this.out += frame;
	}
}
