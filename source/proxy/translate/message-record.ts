/**
 * A whole message built from what a stream translator writes, as it writes it: the typed facts
 * (blocks opened, text appended, the stop reason, a failure), not its SSE text parsed back. Used
 * when an upstream streams an answer the client asked for whole.
 */
import {clientError, statusForErrorType, TranslationError} from './errors.js';
import type {AnthropicErrorType, AnthropicMessage, AnthropicResponseBlock, AnthropicUsage, StopReason} from './types.js';

export class MessageRecord {
	#message: AnthropicMessage | undefined;
	#failure: {readonly type: AnthropicErrorType; readonly message: string} | undefined;
	/** Tool arguments of the open blocks, by index, parsed when the block closes. */
	readonly #json = new Map<number, string>();

	start(id: string, model: string, usage: AnthropicUsage): void {
		this.#message = {id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage};
	}

	open(index: number, block: AnthropicResponseBlock): void {
		if (this.#message) this.#message.content[index] = block;
	}

	text(index: number, text: string): void {
		const block = this.#message?.content[index];
		if (block?.type === 'text') block.text += text;
	}

	thinking(index: number, text: string): void {
		const block = this.#message?.content[index];
		if (block?.type === 'thinking') block.thinking += text;
	}

	signature(index: number, signature: string): void {
		const block = this.#message?.content[index];
		if (block?.type === 'thinking') block.signature = signature;
	}

	json(index: number, json: string): void {
		this.#json.set(index, (this.#json.get(index) ?? '') + json);
	}

	close(index: number): void {
		const json = this.#json.get(index);
		const block = this.#message?.content[index];
		if (json !== undefined && block?.type === 'tool_use') block.input = JSON.parse(json);
		this.#json.delete(index);
	}

	end(stopReason: StopReason, stopSequence: string | null, usage: AnthropicUsage): void {
		if (!this.#message) return;
		this.#message.stop_reason = stopReason;
		this.#message.stop_sequence = stopSequence;
		this.#message.usage = usage;
	}

	fail(type: AnthropicErrorType, message: string): void {
		this.#failure ??= {type, message};
	}

	/** The message; a failure the stream reported, or no message at all, is thrown as the client's error. */
	result(): AnthropicMessage {
		const failure = this.#failure;
		if (failure) throw new TranslationError(clientError(statusForErrorType(failure.type), failure.type, failure.message));
		if (!this.#message) throw new TranslationError(clientError(502, 'api_error', 'upstream returned no choices'));
		return this.#message;
	}
}
