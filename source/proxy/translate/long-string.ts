/**
 * One JSON payload read while it is still arriving, for the one case where waiting for its end is
 * costly: a single SSE `data:` line of megabytes, which is a single huge string (Gemini image models
 * send a whole base64 image as the text of one delta). Read whole, such a line reaches the client
 * only after it has all arrived and been parsed and written again, so the client waits about twice
 * as long as reading the upstream directly. Here the string's text is handed on piece by piece while
 * the line arrives; what surrounds the string is parsed as usual when the line ends, with the string
 * emptied. Anything but the expected shape before the string is left to the ordinary whole-line read.
 */

/** A key path inside the payload: object keys and array positions. */
export type JsonPath = ReadonlyArray<string | number>;

export type LongStringSpec = {
	/** Where the long string is (for OpenAI chunks `choices[0].delta.content`). */
	readonly target: JsonPath;
	/**
	 * Whether a value that comes before the target may be left for the end of the line: false when
	 * handling it after the target's text would change the answer (a reasoning delta before the
	 * content, an error, a second choice). `literal` is the text of a number, true, false or null.
	 */
	readonly mayPrecede: (path: JsonPath, literal?: string) => boolean;
	/** The target's text, decoded, in order. */
	readonly onText: (text: string) => void;
};

type Frame = {readonly kind: 'object' | 'array'; key: string | undefined; index: number};
type State = 'value' | 'key' | 'colon' | 'after' | 'key-string' | 'string' | 'literal';

/** Longest prefix before the target that is still scanned: the fields of an OpenAI chunk are short. */
const MAX_PREFIX = 64 * 1024;
/** `\uXXXX` is the longest escape: a cut point is checked this far back. */
const LONGEST_ESCAPE = 6;

export class LongStringScanner {
	readonly #spec: LongStringSpec;
	#phase: 'prefix' | 'target' | 'suffix' | 'abandoned' = 'prefix';
	/** Prefix phase: the text read so far (up to and including the target's opening quote). */
	#prefix = '';
	readonly #stack: Frame[] = [];
	#state: State = 'value';
	#token = '';
	#escaped = false;
	/** Target phase: escaped text not yet decoded (an escape cut in two), a high surrogate awaiting its pair. */
	#pendingEscaped = '';
	#pendingSurrogate = '';
	#suffix = '';

	constructor(spec: LongStringSpec) {
		this.#spec = spec;
	}

	/** False once the payload turned out not to have the expected shape: read it whole instead. */
	get streaming(): boolean {
		return this.#phase !== 'abandoned';
	}

	/** Has any of the target's text been handed on (after which the line can no longer be read whole)? */
	get committed(): boolean {
		return this.#phase === 'target' || this.#phase === 'suffix';
	}

	/** What was read, for the whole-line read to start from when the scanner gives up in the prefix. */
	get readSoFar(): string {
		return this.#prefix;
	}

	/** More of the payload's text. */
	push(text: string): void {
		if (this.#phase === 'prefix') this.#scanPrefix(text);
		else if (this.#phase === 'target') this.#scanTarget(text);
		else if (this.#phase === 'suffix') this.#suffix += text;
	}

	/** The payload without the target's text (the string left empty), to be parsed as usual. */
	finish(): string {
		if (this.#phase !== 'target') return this.#prefix + this.#suffix;
		// The line ended inside the string: the payload is broken, and will not parse, as it would not whole.
		this.#flushTarget();
		return this.#prefix;
	}

	#scanPrefix(text: string): void {
		for (let index = 0; index < text.length; index++) {
			const code = text.charCodeAt(index);
			if (!this.#step(code, text[index]!)) {
				if (this.#phase === 'target') {
					this.#prefix += text.slice(0, index + 1);
					this.#scanTarget(text.slice(index + 1));
					return;
				}

				this.#phase = 'abandoned';
				this.#prefix += text;
				return;
			}
		}

		this.#prefix += text;
		if (this.#prefix.length > MAX_PREFIX) this.#phase = 'abandoned';
	}

	/** One character of the prefix; false when the scan stops (the target begins, or the shape is not the expected one). */
	#step(code: number, char: string): boolean {
		switch (this.#state) {
			case 'key-string':
			case 'string':
				return this.#inString(code, char);
			case 'literal':
				if (code === 44 || code === 125 || code === 93 || isSpace(code)) {
					if (!this.#spec.mayPrecede(this.#path(), this.#token)) return false;
					this.#state = 'after';
					return this.#step(code, char);
				}

				this.#token += char;
				return true;
			default:
				return isSpace(code) || this.#structural(code, char);
		}
	}

	#inString(code: number, char: string): boolean {
		if (this.#escaped) this.#escaped = false;
		else if (code === 92) this.#escaped = true;
		else if (code === 34) {
			if (this.#state === 'key-string') {
				this.#top().key = JSON.parse(`"${this.#token}"`) as string;
				this.#state = 'colon';
			} else this.#state = 'after';
			return true;
		}

		if (this.#state === 'key-string') this.#token += char;
		return true;
	}

	#structural(code: number, char: string): boolean {
		const state = this.#state;
		if (state === 'key') return code === 34 ? this.#begin('key-string') : code === 125 && this.#close('object');
		if (state === 'colon') return code === 58 && this.#set('value');
		if (state === 'after') {
			if (code === 44) return this.#next();
			return (code === 125 && this.#close('object')) || (code === 93 && this.#close('array'));
		}

		// A value.
		if (code === 123 || code === 91) {
			if (this.#stack.length > 0 && !this.#spec.mayPrecede(this.#path())) return false;
			this.#stack.push({kind: code === 123 ? 'object' : 'array', key: undefined, index: 0});
			return this.#set(code === 123 ? 'key' : 'value');
		}

		if (code === 93 && this.#top()?.kind === 'array' && this.#top()?.index === 0) return this.#close('array');
		if (code === 34) return this.#stringValue();
		this.#token = char;
		return this.#set('literal');
	}

	#stringValue(): boolean {
		const path = this.#path();
		if (samePath(path, this.#spec.target)) {
			this.#phase = 'target';
			return false;
		}

		return this.#spec.mayPrecede(path) && this.#begin('string');
	}

	#begin(state: 'key-string' | 'string'): boolean {
		this.#token = '';
		this.#escaped = false;
		return this.#set(state);
	}

	#set(state: State): boolean {
		this.#state = state;
		return true;
	}

	#next(): boolean {
		const top = this.#top();
		if (!top) return false;
		if (top.kind === 'array') {
			top.index++;
			return this.#set('value');
		}

		return this.#set('key');
	}

	#close(kind: Frame['kind']): boolean {
		if (this.#top()?.kind !== kind) return false;
		this.#stack.pop();
		// The whole payload closed before the target appeared: nothing to stream.
		return this.#stack.length > 0 && this.#set('after');
	}

	#top(): Frame {
		return this.#stack[this.#stack.length - 1]!;
	}

	#path(): JsonPath {
		return this.#stack.map(frame => (frame.kind === 'array' ? frame.index : (frame.key ?? '')));
	}

	/** Inside the target: up to its closing quote, decoded in pieces that never cut an escape or a surrogate pair. */
	#scanTarget(text: string): void {
		const escaped = this.#pendingEscaped + text;
		this.#pendingEscaped = '';
		const close = closingQuote(escaped);
		if (close === -1) {
			const cut = safeCut(escaped);
			this.#emit(escaped.slice(0, cut));
			this.#pendingEscaped = escaped.slice(cut);
			return;
		}

		this.#emit(escaped.slice(0, close));
		this.#flushTarget();
		this.#phase = 'suffix';
		this.#suffix = escaped.slice(close);
	}

	#emit(escaped: string): void {
		if (escaped === '') return;
		const decoded = this.#pendingSurrogate + (JSON.parse(`"${escaped}"`) as string);
		const last = decoded.charCodeAt(decoded.length - 1);
		// A high surrogate waits for its low half, so a client never sees half a character.
		const keep = last >= 0xd800 && last <= 0xdbff ? 1 : 0;
		this.#pendingSurrogate = decoded.slice(decoded.length - keep);
		if (decoded.length > keep) this.#spec.onText(decoded.slice(0, decoded.length - keep));
	}

	#flushTarget(): void {
		this.#pendingEscaped = '';
		if (this.#pendingSurrogate) this.#spec.onText(this.#pendingSurrogate);
		this.#pendingSurrogate = '';
	}
}

function isSpace(code: number): boolean {
	return code === 32 || code === 9 || code === 10 || code === 13;
}

function samePath(a: JsonPath, b: JsonPath): boolean {
	return a.length === b.length && a.every((segment, index) => segment === b[index]);
}

/** The position of the first `"` not escaped by a backslash, or -1. */
function closingQuote(text: string): number {
	let quote = text.indexOf('"');
	while (quote !== -1) {
		let backslashes = 0;
		while (quote - backslashes - 1 >= 0 && text.charCodeAt(quote - backslashes - 1) === 92) backslashes++;
		if (backslashes % 2 === 0) return quote;
		quote = text.indexOf('"', quote + 1);
	}

	return -1;
}

/** The longest prefix of `text` (escaped string content) that ends outside an escape. */
function safeCut(text: string): number {
	const from = Math.max(0, text.length - LONGEST_ESCAPE);
	for (let index = from; index < text.length; index++) {
		if (text.charCodeAt(index) !== 92 || !startsEscape(text, index)) continue;
		const length = text.charCodeAt(index + 1) === 117 /* u */ ? 6 : 2;
		if (index + length > text.length) return index;
		index += length - 1;
	}

	return text.length;
}

/** Is the backslash at `index` the start of an escape (preceded by an even number of backslashes)? */
function startsEscape(text: string, index: number): boolean {
	let before = 0;
	while (index - before - 1 >= 0 && text.charCodeAt(index - before - 1) === 92) before++;
	return before % 2 === 0;
}
