/**
 * Upstream (OpenAI-side) SSE reader, spec §2.5. Hand-written rather than eventsource-parser: that
 * parser follows the SSE spec strictly and only dispatches at a blank line, so a server that omits
 * blank lines would have all its `data:` lines merged into one unparseable event. Here a `data:`
 * payload that parses as JSON is dispatched at once; multi-line data waits for the blank line.
 */
export type SseSink = {
	/** One parsed JSON payload; `errorEvent` when it followed `event: error`. */
	onData(payload: unknown, errorEvent: boolean): void;
	/** `data: [DONE]`. */
	onDone(): void;
};

export class SseReader {
	/** Comment lines seen (`: keep-alive`, `: OPENROUTER PROCESSING`): upstream liveness only. */
	comments = 0;
	/** Payloads that never parsed (skipped, never thrown). */
	skipped = 0;
	readonly #sink: SseSink;
	readonly #decoder = new TextDecoder('utf-8');
	#tail = '';
	#pending = '';
	#errorEvent = false;

	constructor(sink: SseSink) {
		this.#sink = sink;
	}

	/** Bytes (split anywhere, even inside a UTF-8 sequence) or already-decoded text. */
	push(chunk: Uint8Array | string): void {
		const text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, {stream: true});
		if (text.length === 0) return;
		const buffer = this.#tail.length > 0 ? this.#tail + text : text;
		let start = 0;
		let newline = buffer.indexOf('\n');
		while (newline !== -1) {
			const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
			this.#line(buffer, start, end);
			start = newline + 1;
			newline = buffer.indexOf('\n', start);
		}

		this.#tail = start === 0 ? buffer : buffer.slice(start);
	}

	/** Upstream EOF: flush the decoder and the unterminated last line, dispatch pending data. */
	end(): void {
		const rest = this.#decoder.decode();
		const buffer = this.#tail + rest;
		this.#tail = '';
		if (buffer.length > 0) {
			const end = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
			this.#line(buffer, 0, end);
		}

		this.#flushPending();
	}

	#line(buffer: string, start: number, end: number): void {
		if (end === start) {
			this.#flushPending();
			this.#errorEvent = false;
			return;
		}

		const first = buffer.charCodeAt(start);
		if (first === 58 /* : */) {
			this.comments++;
			return;
		}

		if (buffer.startsWith('data:', start)) {
			const offset = buffer.charCodeAt(start + 5) === 32 ? start + 6 : start + 5;
			this.#data(buffer.slice(offset, end));
		} else if (buffer.startsWith('event:', start)) {
			this.#errorEvent = buffer.slice(start + 6, end).trim() === 'error';
		}
		// `id:`, `retry:` and anything else: irrelevant here.
	}

	#data(payload: string): void {
		if (this.#pending.length === 0) {
			if (payload === '[DONE]') {
				this.#sink.onDone();
				return;
			}

			if (!this.#tryDispatch(payload)) this.#pending = payload;
			return;
		}

		this.#pending += `\n${payload}`;
		if (this.#tryDispatch(this.#pending)) this.#pending = '';
	}

	#flushPending(): void {
		if (this.#pending.length === 0) return;
		const pending = this.#pending;
		this.#pending = '';
		if (pending === '[DONE]') this.#sink.onDone();
		else if (!this.#tryDispatch(pending)) this.skipped++;
	}

	#tryDispatch(payload: string): boolean {
		// Cheap pre-check: JSON objects/arrays end in `}`/`]`; avoids a throwing parse for split payloads.
		const last = payload.charCodeAt(payload.length - 1);
		if (last !== 125 && last !== 93) return false;
		let value: unknown;
		try {
			value = JSON.parse(payload);
		} catch {
			return false;
		}

		const errorEvent = this.#errorEvent;
		this.#errorEvent = false;
		this.#sink.onData(value, errorEvent);
		return true;
	}
}
