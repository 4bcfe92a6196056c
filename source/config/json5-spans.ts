/**
 * Where each value of a JSON5 text sits (offsets only), so that a save can replace, insert or
 * remove exactly the changed entries and leave comments, quoting and layout alone. The values
 * themselves are json5's to read; a text this scanner does not understand yields undefined and the
 * caller falls back to a full rewrite.
 */

export type ValueSpan =
	| {readonly kind: 'object'; readonly start: number; readonly end: number; readonly entries: readonly EntrySpan[]}
	| {readonly kind: 'array'; readonly start: number; readonly end: number; readonly entries: readonly EntrySpan[]}
	| {readonly kind: 'scalar'; readonly start: number; readonly end: number; readonly quote?: '"' | "'"};

/** A property (with `key`) or an array item; `comma` is the offset of the comma after it, if any. */
export type EntrySpan = {readonly key?: string; readonly start: number; readonly value: ValueSpan; readonly comma?: number};

type Token = {readonly type: 'punct' | 'string' | 'word' | 'space' | 'comment'; readonly start: number; readonly end: number};

// Whitespace JSON5 allows (ECMAScript WhiteSpace and LineTerminator).
const SPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/y;
const COMMENT = /\/\/[^\n\r\u2028\u2029]*|\/\*[\s\S]*?\*\//y;
const STRING = /"(?:[^"\\\n\r]|\\[\s\S])*"|'(?:[^'\\\n\r]|\\[\s\S])*'/y;
const WORD = /[^\s{}[\]:,"'/\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/y;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function tokenize(text: string): Token[] | undefined {
	const tokens: Token[] = [];
	let at = 0;
	while (at < text.length) {
		const char = text[at];
		if (char !== undefined && '{}[]:,'.includes(char)) {
			tokens.push({type: 'punct', start: at, end: at + 1});
			at++;
			continue;
		}

		const found = (
			[
				['space', SPACE],
				['comment', COMMENT],
				['string', STRING],
				['word', WORD],
			] as const
		).find(([, pattern]) => {
			pattern.lastIndex = at;
			return pattern.test(text);
		});
		if (!found) return undefined;
		tokens.push({type: found[0], start: at, end: found[1].lastIndex});
		at = found[1].lastIndex;
	}

	return tokens;
}

/** Spans of the text's root value, or undefined when the text is not something this can edit. */
export function locateSpans(text: string): ValueSpan | undefined {
	const tokens = tokenize(text)?.filter(token => token.type !== 'space' && token.type !== 'comment');
	if (!tokens) return undefined;
	const parser = new SpanParser(text, tokens);
	try {
		const root = parser.value();
		return parser.done() ? root : undefined;
	} catch {
		return undefined;
	}
}

class SpanParser {
	#at = 0;
	constructor(
		private readonly text: string,
		private readonly tokens: Token[],
	) {}

	done(): boolean {
		return this.#at === this.tokens.length;
	}

	value(): ValueSpan {
		const token = this.#next();
		const text = this.#text(token);
		if (text === '{' || text === '[') return this.#container(token, text === '{' ? 'object' : 'array');
		if (token.type === 'string') return {kind: 'scalar', start: token.start, end: token.end, quote: text[0] as '"' | "'"};
		if (token.type === 'word') return {kind: 'scalar', start: token.start, end: token.end};
		throw new Error('unexpected token');
	}

	#container(open: Token, kind: 'object' | 'array'): ValueSpan {
		const close = kind === 'object' ? '}' : ']';
		const entries: EntrySpan[] = [];
		while (this.#peek() !== close) {
			const first = this.tokens[this.#at];
			if (!first) throw new Error('unterminated');
			const key = kind === 'object' ? this.#key() : undefined;
			const value = this.value();
			const comma = this.#peek() === ',' ? this.#next().start : undefined;
			entries.push({key, start: first.start, value, comma});
			if (comma === undefined && this.#peek() !== close) throw new Error('missing comma');
		}

		const end = this.#next().end;
		return {kind, start: open.start, end, entries};
	}

	#key(): string {
		const token = this.#next();
		const raw = this.#text(token);
		if (this.#text(this.#next()) !== ':') throw new Error('missing colon');
		if (token.type === 'word' && IDENTIFIER.test(raw)) return raw;
		// Quoted keys with escapes are read by JSON.parse after normalising the quotes; anything else
		// (identifiers with \u escapes) is left to the full rewrite.
		if (token.type === 'string' && !raw.includes('\\')) return raw.slice(1, -1);
		if (token.type === 'string' && raw.startsWith('"')) return JSON.parse(raw) as string;
		throw new Error('unsupported key');
	}

	#peek(): string | undefined {
		const token = this.tokens[this.#at];
		return token && this.#text(token);
	}

	#next(): Token {
		const token = this.tokens[this.#at++];
		if (!token) throw new Error('unexpected end');
		return token;
	}

	#text(token: Token): string {
		return this.text.slice(token.start, token.end);
	}
}
