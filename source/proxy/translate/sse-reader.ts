/**
 * Upstream (OpenAI-side) SSE reader, spec §2.5. Hand-written rather than eventsource-parser: that
 * parser follows the SSE spec strictly and only dispatches at a blank line, so a server that omits
 * blank lines would have all its `data:` lines merged into one unparseable event. Here a `data:`
 * payload that parses as JSON is dispatched at once; multi-line data waits for the blank line.
 */
import {jsonText, PieceDecoder} from '../json-text.js';
import {LongStringScanner, type LongStringSpec} from './long-string.js';

export type SseSink = {
	/** One parsed JSON payload; `errorEvent` when it followed `event: error`. */
	onData(payload: unknown, errorEvent: boolean): void;
	/** `data: [DONE]`. */
	onDone(): void;
	/** A line longer than the bound: the stream cannot be read on (nothing more is dispatched). */
	onError?(message: string): void;
};

/**
 * Longest line accepted, in bytes. Gemini image models send a whole base64 image as one `data:`
 * line (tens of MB); beyond this the upstream is broken or hostile.
 */
const MAX_SSE_LINE_BYTES = 64 * 1024 * 1024;

/** A `data:` line this long is read as it arrives (see long-string.ts); ordinary lines are a few KB. */
export const LONG_LINE_BYTES = 256 * 1024;

export type SseReaderOptions = {
	maxLineBytes?: number;
	/** The one huge string a dialect's payload may carry, handed on while its line still arrives. */
	longString?: LongStringSpec;
	/** @default LONG_LINE_BYTES */
	longLineBytes?: number;
};

export class SseReader {
	/** Comment lines seen (`: keep-alive`, `: OPENROUTER PROCESSING`): upstream liveness only. */
	comments = 0;
	/** Payloads that never parsed (skipped, never thrown). */
	skipped = 0;
	readonly #sink: SseSink;
	readonly #maxLine: number;
	/**
	 * The text after the last newline so far, decoded piece by piece as it arrives, so a long line
	 * (a base64 image) is decoded while the rest of it is still on the way and never copied into one
	 * buffer. Each chunk is searched for a newline once. The old way (decode every chunk, prepend the
	 * text tail, search the whole) rescanned a long line on every chunk: quadratic time, 9 s for one
	 * 16 MB line; the way before this one joined the pieces and decoded them only when the newline
	 * came (bench/sse-long-line.js).
	 */
	#tail = '';
	#tailBytes = 0;
	readonly #decoder = new PieceDecoder();
	#pending: string[] = [];
	#errorEvent = false;
	#failed = false;
	readonly #options: SseReaderOptions;
	/** The long line being read as it arrives, and its `data: ` head; tried once per line. */
	#scanner: LongStringScanner | undefined;
	#scanHead = '';
	#scanTried = false;

	constructor(sink: SseSink, options: SseReaderOptions = {}) {
		this.#sink = sink;
		this.#options = options;
		this.#maxLine = options.maxLineBytes ?? MAX_SSE_LINE_BYTES;
	}

	/** Bytes (split anywhere, even inside a UTF-8 sequence) or already-decoded text. */
	push(chunk: Uint8Array | string): void {
		if (this.#failed) return;
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		if (bytes.length === 0) return;
		const last = bytes.lastIndexOf(10);
		if (last === -1) {
			this.#keep(bytes);
			return;
		}

		if (this.#tailBytes > 0 && this.#tooLong(this.#tailBytes + bytes.indexOf(10))) return;
		// Complete lines end at a newline, which is never inside a UTF-8 sequence: decoding them alone is exact.
		const head = bytes.subarray(0, last + 1);
		if (this.#scanner) this.#endScannedLine(this.#decoder.write(head));
		else {
			// The tail holds no newline: the search starts after it.
			const searchFrom = this.#tail.length;
			const complete = this.#tailBytes > 0 ? this.#takeTail(head) : jsonText(head);
			this.#lines(complete, searchFrom);
		}

		this.#scanTried = false;
		if (last + 1 < bytes.length) this.#keep(bytes.subarray(last + 1));
	}

	/** Upstream EOF: the unterminated last line, then pending data. */
	end(): void {
		if (this.#failed) return;
		if (this.#scanner) this.#endScannedLine(`${this.#decoder.end()}\n`);
		else if (this.#tailBytes > 0) {
			const rest = this.#takeTail();
			this.#line(rest, 0, rest.endsWith('\r') ? rest.length - 1 : rest.length);
		}

		this.#flushPending();
	}

	/** Text made of whole lines, each ending in `\n`. */
	#lines(text: string, searchFrom = 0): void {
		let start = 0;
		let newline = text.indexOf('\n', searchFrom);
		while (newline !== -1 && !this.#failed) {
			const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
			this.#line(text, start, end);
			start = newline + 1;
			newline = text.indexOf('\n', start);
		}
	}

	#keep(piece: Buffer): void {
		if (this.#tooLong(this.#tailBytes + piece.length)) return;
		this.#tailBytes += piece.length;
		const text = this.#decoder.write(piece);
		if (this.#scanner) this.#scan(text);
		else {
			this.#tail += text;
			if (this.#tailBytes >= (this.#options.longLineBytes ?? LONG_LINE_BYTES)) this.#startScan();
		}
	}

	/** A `data:` line has grown long: read its payload as it arrives, if the dialect knows its shape. */
	#startScan(): void {
		const spec = this.#options.longString;
		if (!spec || this.#scanTried || this.#pending.length > 0 || this.#errorEvent || !this.#tail.startsWith('data:')) return;
		this.#scanTried = true;
		this.#scanHead = this.#tail.charCodeAt(5) === 32 ? 'data: ' : 'data:';
		const payload = this.#tail.slice(this.#scanHead.length);
		this.#tail = '';
		this.#scanner = new LongStringScanner(spec);
		this.#scan(payload);
	}

	#scan(text: string): void {
		const scanner = this.#scanner!;
		scanner.push(text);
		if (scanner.streaming) return;
		// Not the expected shape: back to reading the line whole, from what was read.
		this.#tail = this.#scanHead + scanner.readSoFar;
		this.#scanner = undefined;
	}

	/** `text`: the rest of the scanned line, its newline, and any whole lines after it. */
	#endScannedLine(text: string): void {
		const newline = text.indexOf('\n');
		const end = newline > 0 && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
		this.#scan(text.slice(0, end));
		const scanner = this.#scanner;
		this.#scanner = undefined;
		this.#tailBytes = 0;
		if (scanner) this.#data(scanner.finish());
		else {
			const line = this.#tail;
			this.#tail = '';
			this.#line(line, 0, line.length);
		}

		this.#lines(text.slice(newline + 1));
	}

	/** The tail's text, completed by `head` (bytes ending in a newline) or by the end of the stream. */
	#takeTail(head?: Buffer): string {
		const text = this.#tail + (head ? this.#decoder.write(head) : this.#decoder.end());
		this.#tail = '';
		this.#tailBytes = 0;
		return text;
	}

	/** Over the bound: tell the sink once and stop reading. */
	#tooLong(lineBytes: number): boolean {
		if (lineBytes <= this.#maxLine) return false;
		this.#failed = true;
		this.#tail = '';
		this.#tailBytes = 0;
		this.#scanner = undefined;
		this.#decoder.end();
		this.#sink.onError?.(`the upstream sent an SSE line longer than ${Math.round(this.#maxLine / 1024 / 1024)} MiB; ccr-tui stops reading this stream`);
		return true;
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

			if (!this.#tryDispatch(payload)) this.#pending.push(payload);
			return;
		}

		this.#pending.push(payload);
		// Only a payload whose last line closes an object or array can be complete.
		if (!closesJson(payload)) return;
		if (this.#tryDispatch(this.#pending.join('\n'))) this.#pending = [];
	}

	#flushPending(): void {
		if (this.#pending.length === 0) return;
		const pending = this.#pending.join('\n');
		this.#pending = [];
		if (pending === '[DONE]') this.#sink.onDone();
		else if (!this.#tryDispatch(pending)) this.skipped++;
	}

	#tryDispatch(payload: string): boolean {
		// Cheap pre-check: JSON objects/arrays end in `}`/`]`; avoids a throwing parse for split payloads.
		if (!closesJson(payload)) return false;
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

function closesJson(text: string): boolean {
	const last = text.charCodeAt(text.length - 1);
	return last === 125 || last === 93;
}
