/**
 * A save that edits only what changed: the text of a hand-written JSON/JSONC/JSON5 config keeps its
 * comments, key order, indentation, quoting and trailing commas outside the changed entries. The
 * result is read back with json5 and must equal the intended value exactly; otherwise (or when the
 * text uses something the span scanner does not read) the answer is undefined and the caller
 * rewrites the whole file.
 */
import {isDeepStrictEqual} from 'node:util';
import JSON5 from 'json5';
import {type EntrySpan, locateSpans, type ValueSpan} from './json5-spans.js';

type Edit = {readonly start: number; readonly end: number; readonly text: string};
type Style = {readonly unit: string; readonly eol: string; readonly quote: '"' | "'"; readonly bareKeys: boolean};

export function editPreserving(text: string, before: unknown, after: unknown): string | undefined {
	const root = locateSpans(text);
	if (!root) return undefined;
	const editor = new Editor(text, detectStyle(text, root));
	try {
		editor.diff(root, before, after);
	} catch {
		return undefined;
	}

	const result = editor.apply();
	if (result === undefined) return undefined;
	try {
		return isDeepStrictEqual(JSON5.parse(result), after) ? result : undefined;
	} catch {
		return undefined;
	}
}

function detectStyle(text: string, root: ValueSpan): Style {
	const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
	let bare = 0;
	let quoted = 0;
	let single = 0;
	let double = 0;
	const walk = (span: ValueSpan): void => {
		if (span.kind === 'scalar') {
			if (span.quote === "'") single++;
			else if (span.quote === '"') double++;
			return;
		}

		for (const entry of span.entries) {
			if (entry.key !== undefined) {
				if (/['"]/.test(text[entry.start] ?? '')) quoted++;
				else bare++;
			}

			walk(entry.value);
		}
	};

	walk(root);
	return {unit: indent.startsWith('\t') ? '\t' : indent, eol: text.includes('\r\n') ? '\r\n' : '\n', quote: single > double ? "'" : '"', bareKeys: bare > quoted};
}

class Editor {
	readonly #edits: Edit[] = [];
	constructor(
		private readonly text: string,
		private readonly style: Style,
	) {}

	diff(span: ValueSpan, before: unknown, after: unknown): void {
		if (isDeepStrictEqual(before, after)) return;
		if (span.kind === 'object' && isPlainObject(before) && isPlainObject(after)) return this.#diffObject(span, before, after);
		if (span.kind === 'array' && Array.isArray(before) && Array.isArray(after)) return this.#diffArray(span, before, after);
		this.#replace(span, after);
	}

	apply(): string | undefined {
		const edits = [...this.#edits].sort((a, b) => a.start - b.start || a.end - b.end);
		for (let index = 1; index < edits.length; index++) {
			if (edits[index]!.start < edits[index - 1]!.end) return undefined;
		}

		let out = this.text;
		for (const edit of edits.reverse()) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
		return out;
	}

	#diffObject(span: Extract<ValueSpan, {kind: 'object'}>, before: Record<string, unknown>, after: Record<string, unknown>): void {
		const byKey = new Map<string, EntrySpan>();
		for (const entry of span.entries) {
			// A key written twice: json5 keeps the last one, so only that one is edited safely.
			if (byKey.has(entry.key!)) throw new Error('duplicate key');
			byKey.set(entry.key!, entry);
		}

		const present = (key: string): boolean => Object.hasOwn(after, key) && after[key] !== undefined;
		const kept = span.entries.filter(entry => present(entry.key!));
		const added = Object.keys(after).filter(key => !byKey.has(key) && present(key));
		if (kept.length === 0 && added.length > 0) return this.#replace(span, after);
		for (const entry of span.entries) {
			if (present(entry.key!)) this.diff(entry.value, before[entry.key!], after[entry.key!]);
			else this.#remove(span, entry);
		}

		const inline = !this.#isMultiline(span);
		const quote = siblingQuote(kept);
		this.#append(
			span,
			kept,
			added.map(key => this.#render(after[key], this.#indentOf(span) + this.style.unit, {key, inline, quote})),
		);
	}

	#diffArray(span: Extract<ValueSpan, {kind: 'array'}>, before: unknown[], after: unknown[]): void {
		const pairs = matchItems(before, after);
		const matchedOld = new Set(pairs.map(([oldIndex]) => oldIndex));
		const matchedNew = new Map(pairs.map(([oldIndex, newIndex]) => [newIndex, oldIndex]));
		if (pairs.length === 0) return this.#replace(span, after);
		for (const [oldIndex, newIndex] of pairs) this.diff(span.entries[oldIndex]!.value, before[oldIndex], after[newIndex]);
		for (const [index, entry] of span.entries.entries()) if (!matchedOld.has(index)) this.#remove(span, entry);
		const kept = span.entries.filter((_entry, index) => matchedOld.has(index));
		const indent = this.#indentOf(span) + this.style.unit;
		const inline = !this.#isMultiline(span);
		const quote = siblingQuote(kept);
		// New items go before the next kept item, or after the last one.
		let pending: string[] = [];
		for (let newIndex = 0; newIndex < after.length; newIndex++) {
			const oldIndex = matchedNew.get(newIndex);
			if (oldIndex === undefined) {
				pending.push(this.#render(after[newIndex], indent, {inline, quote}));
				continue;
			}

			if (pending.length > 0) this.#insertBefore(span, span.entries[oldIndex]!, pending);
			pending = [];
		}

		this.#append(span, kept, pending);
	}

	#replace(span: ValueSpan, value: unknown): void {
		const quote = span.kind === 'scalar' && span.quote ? span.quote : undefined;
		this.#edits.push({start: span.start, end: span.end, text: this.#render(value, this.#indentOf(span), {quote, inline: !this.#isMultiline(span)})});
	}

	/**
	 * After the last kept entry (on new lines when the container is laid out over lines), and the
	 * commas right: a container written without a trailing comma (strict JSON) never gets one.
	 */
	#append(span: ValueSpan & {entries: readonly EntrySpan[]}, kept: readonly EntrySpan[], rendered: readonly string[]): void {
		const last = kept.at(-1);
		const trailing = span.entries.at(-1)?.comma !== undefined;
		if (!last) {
			if (rendered.length > 0) this.#edits.push({start: span.start + 1, end: span.end - 1, text: this.#layout(span, rendered)});
			return;
		}

		if (rendered.length === 0) {
			// The entries after `last` are gone: its comma would now be a trailing one.
			if (!trailing && last.comma !== undefined) this.#edits.push({start: last.comma, end: last.comma + 1, text: ''});
			return;
		}

		if (last.comma === undefined) this.#edits.push({start: last.value.end, end: last.value.end, text: ','});
		const separator = (index: number): string => (index < rendered.length - 1 || trailing ? ',' : '');
		if (this.#isMultiline(span)) {
			const at = this.#endOfLine(last.comma === undefined ? last.value.end : last.comma + 1);
			const indent = this.#lineIndent(last.start);
			this.#edits.push({start: at, end: at, text: rendered.map((item, index) => `${this.style.eol}${indent}${item}${separator(index)}`).join('')});
			return;
		}

		const at = last.comma === undefined ? last.value.end : last.comma + 1;
		this.#edits.push({start: at, end: at, text: rendered.map((item, index) => ` ${item}${separator(index)}`).join('')});
	}

	#insertBefore(span: ValueSpan, next: EntrySpan, rendered: readonly string[]): void {
		if (this.#isMultiline(span) && this.#onlyThingBefore(next.start)) {
			const lineStart = this.#lineStart(next.start);
			const indent = this.#lineIndent(next.start);
			this.#edits.push({start: lineStart, end: lineStart, text: rendered.map(item => `${indent}${item},${this.style.eol}`).join('')});
			return;
		}

		this.#edits.push({start: next.start, end: next.start, text: rendered.map(item => `${item}, `).join('')});
	}

	/** The entry with its comma; on a line of its own, the whole line (a comment after it goes too). */
	#remove(span: ValueSpan, entry: EntrySpan): void {
		const end = entry.comma === undefined ? entry.value.end : entry.comma + 1;
		const lineEnd = this.#endOfLine(end);
		// Alone on its line(s), and nothing else follows on the last one: the whole lines go.
		if (this.#isMultiline(span) && this.#onlyThingBefore(entry.start) && (lineEnd === this.text.length || /[\n\r]/.test(this.text[lineEnd]!))) {
			const afterEol = this.text.startsWith('\r\n', lineEnd) ? lineEnd + 2 : lineEnd + 1;
			this.#edits.push({start: this.#lineStart(entry.start), end: Math.min(afterEol, this.text.length), text: ''});
			return;
		}

		if (entry.comma === undefined) {
			// The last entry: the spaces before it go too; #append drops the comma left dangling.
			let from = entry.start;
			while (from > span.start + 1 && /[ \t]/.test(this.text[from - 1]!)) from--;
			this.#edits.push({start: from, end: entry.value.end, text: ''});
			return;
		}

		this.#edits.push({start: entry.start, end: this.#skipSpaces(end), text: ''});
	}

	#layout(span: ValueSpan, rendered: readonly string[]): string {
		const inner = this.#indentOf(span) + this.style.unit;
		return `${this.style.eol}${rendered.map(item => `${inner}${item}`).join(`,${this.style.eol}`)}${this.style.eol}${this.#indentOf(span)}`;
	}

	#render(value: unknown, indent: string, options: {key?: string; quote?: '"' | "'"; inline?: boolean} = {}): string {
		const quote = options.quote ?? this.style.quote;
		const compact = options.inline ? renderValue(value, indent, this.style, quote, true) : undefined;
		const body = compact !== undefined && compact.length <= 100 ? compact : renderValue(value, indent, this.style, quote, false);
		return options.key === undefined ? body : `${renderKey(options.key, this.style)}: ${body}`;
	}

	#isMultiline(span: ValueSpan): boolean {
		return /[\n\r]/.test(this.text.slice(span.start, span.end));
	}

	#indentOf(span: ValueSpan): string {
		return this.#lineIndent(span.start);
	}

	#lineStart(offset: number): number {
		const newline = Math.max(this.text.lastIndexOf('\n', offset - 1), this.text.lastIndexOf('\r', offset - 1));
		return newline + 1;
	}

	#lineIndent(offset: number): string {
		return /^[ \t]*/.exec(this.text.slice(this.#lineStart(offset), offset))?.[0] ?? '';
	}

	#onlyThingBefore(offset: number): boolean {
		return /^[ \t]*$/.test(this.text.slice(this.#lineStart(offset), offset));
	}

	/** Past spaces and comments that end on this line; stops before a line break. */
	#endOfLine(offset: number): number {
		let at = this.#skipSpaces(offset);
		if (this.text.startsWith('//', at)) {
			const newline = this.text.slice(at).search(/[\n\r]/);
			return newline === -1 ? this.text.length : at + newline;
		}

		if (this.text.startsWith('/*', at)) {
			const close = this.text.indexOf('*/', at);
			if (close !== -1 && !/[\n\r]/.test(this.text.slice(at, close))) at = this.#endOfLine(close + 2);
		}

		return at;
	}

	#skipSpaces(offset: number): number {
		let at = offset;
		while (this.text[at] === ' ' || this.text[at] === '\t') at++;
		return at;
	}
}

/** New strings look like their neighbours: the quote of the nearest kept string entry. */
function siblingQuote(kept: readonly EntrySpan[]): '"' | "'" | undefined {
	for (const entry of [...kept].reverse()) if (entry.value.kind === 'scalar' && entry.value.quote) return entry.value.quote;
	return undefined;
}

/** Old/new index pairs in order: equal items, or objects with the same `name` (a provider edited). */
function matchItems(before: readonly unknown[], after: readonly unknown[]): Array<[number, number]> {
	const same = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b) || (isPlainObject(a) && isPlainObject(b) && typeof a['name'] === 'string' && a['name'] === b['name']);
	// Longest common subsequence; configs hold a handful of items, so n·m is nothing.
	const table = Array.from({length: before.length + 1}, () => new Array<number>(after.length + 1).fill(0));
	for (let i = before.length - 1; i >= 0; i--) {
		for (let j = after.length - 1; j >= 0; j--) {
			table[i]![j] = same(before[i], after[j]) ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
		}
	}

	const pairs: Array<[number, number]> = [];
	for (let i = 0, j = 0; i < before.length && j < after.length; ) {
		if (same(before[i], after[j])) pairs.push([i++, j++]);
		else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
		else j++;
	}

	return pairs;
}

function renderKey(key: string, style: Style): string {
	if (style.bareKeys && /^[A-Za-z_$][\w$]*$/.test(key)) return key;
	return renderString(key, style.quote);
}

function renderString(value: string, quote: '"' | "'"): string {
	const json = JSON.stringify(value);
	if (quote === '"') return json;
	return `'${json.slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** Over lines in the file's indentation, or `compact` on one line (`{a: 1, b: [2, 3]}`). */
function renderValue(value: unknown, indent: string, style: Style, quote: '"' | "'", compact: boolean): string {
	if (typeof value === 'string') return renderString(value, quote);
	const inner = indent + style.unit;
	const wrap = (open: string, items: string[], close: string): string => {
		if (items.length === 0) return open + close;
		if (compact) return `${open}${items.join(', ')}${close}`;
		return `${open}${style.eol}${items.map(item => inner + item).join(`,${style.eol}`)}${style.eol}${indent}${close}`;
	};

	if (Array.isArray(value))
		return wrap(
			'[',
			value.map(item => renderValue(item, inner, style, style.quote, compact)),
			']',
		);
	if (isPlainObject(value)) {
		const entries = Object.entries(value).filter(([, item]) => item !== undefined);
		return wrap(
			'{',
			entries.map(([key, item]) => `${renderKey(key, style)}: ${renderValue(item, inner, style, style.quote, compact)}`),
			'}',
		);
	}

	// Numbers, booleans, null. (JSON5.stringify keeps Infinity and NaN, which JSON cannot hold.)
	return JSON5.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
