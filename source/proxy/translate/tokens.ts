import {createRequire} from 'node:module';
import type {AnthropicContentBlock, AnthropicRequest} from './types.js';

/** What the estimate reads: a messages request and a count_tokens request alike. */
type CountedRequest = Pick<AnthropicRequest, 'system' | 'tools' | 'messages'> & {readonly [key: string]: unknown};

type CountTokens = (text: string) => number;
let tokenizer: CountTokens | undefined;
/**
 * gpt-tokenizer costs ~150 ms and ~30 MB of RSS to load: loaded on first use (count_tokens,
 * long-context routing near the threshold), never at start-up.
 */
function countTokens(text: string): number {
	tokenizer ??= (createRequire(import.meta.url)('gpt-tokenizer/encoding/cl100k_base') as {countTokens: CountTokens}).countTokens;
	return tokenizer(text);
}

/**
 * Input-token estimate for `message_start`, count_tokens and long-context routing (spec §2.10),
 * with cl100k_base like Claude Code Router. It must stay fast on 1 MB bodies (count_tokens answers
 * within a few ms) and gpt-tokenizer manages only a few MB/s, so per request only a budget of text is
 * really tokenized. The rest is estimated from a character scan: ASCII at the chars-per-token ratio
 * measured on this request's tokenized text, other characters at ~1 token each (CJK). Large strings
 * repeat across a session (system prompt, tool schemas, old turns): their exact counts are cached, so
 * the estimate converges to the exact count as the conversation goes on.
 */

const BUDGET_CHARS = 6000;
const SAMPLE_CHARS = 2000;
const CACHE_MIN_CHARS = 256;
const CACHE_MAX_ENTRIES = 20_000;
const IMAGE_TOKENS = 1600;
const MESSAGE_OVERHEAD = 4;
const TOOL_OVERHEAD = 8;
const DEFAULT_ASCII_CHARS_PER_TOKEN = 3.8;
const NON_ASCII_TOKENS_PER_CHAR = 1;
/** base64 PDF: ~30 bytes of file per token. */
const BASE64_CHARS_PER_TOKEN = 40;

/** fingerprint → exact token count of strings seen before. */
const cache = new Map<string, number>();

class Counter {
	tokens = 0;
	budget: number;
	#sampleAscii = 0;
	#sampleOther = 0;
	#sampleTokens = 0;
	#restAscii = 0;
	#restOther = 0;

	constructor(budget: number) {
		this.budget = budget;
	}

	text(text: unknown): void {
		if (typeof text !== 'string' || text.length === 0) return;
		const length = text.length;
		const key = length >= CACHE_MIN_CHARS ? fingerprint(text) : undefined;
		if (key !== undefined) {
			const cached = cache.get(key);
			if (cached !== undefined) {
				this.tokens += cached;
				return;
			}
		}

		if (length <= this.budget) {
			const count = countTokens(text);
			this.budget -= length;
			this.tokens += count;
			this.#sample(text, count);
			if (key !== undefined) remember(key, count);
			return;
		}

		let from = 0;
		if (this.budget >= SAMPLE_CHARS) {
			// Calibrate on the start of a long string; the remainder is estimated like the rest.
			const head = text.slice(0, SAMPLE_CHARS);
			const count = countTokens(head);
			this.budget -= SAMPLE_CHARS;
			this.tokens += count;
			this.#sample(head, count);
			from = SAMPLE_CHARS;
		}

		const other = estimateNonAscii(text, from);
		this.#restOther += other;
		this.#restAscii += length - from - other;
	}

	json(value: unknown): void {
		if (value !== undefined && value !== null) this.text(typeof value === 'string' ? value : JSON.stringify(value));
	}

	total(): number {
		let ratio = DEFAULT_ASCII_CHARS_PER_TOKEN;
		const asciiTokens = this.#sampleTokens - this.#sampleOther * NON_ASCII_TOKENS_PER_CHAR;
		if (this.#sampleAscii >= 500 && asciiTokens > 0) ratio = Math.min(6, Math.max(2.5, this.#sampleAscii / asciiTokens));
		return this.tokens + Math.ceil(this.#restAscii / ratio + this.#restOther * NON_ASCII_TOKENS_PER_CHAR);
	}

	#sample(text: string, tokens: number): void {
		const other = countNonAscii(text, 0);
		this.#sampleOther += other;
		this.#sampleAscii += text.length - other;
		this.#sampleTokens += tokens;
	}
}

function countNonAscii(text: string, from: number): number {
	let count = 0;
	for (let index = from; index < text.length; index++) if (text.charCodeAt(index) > 127) count++;
	return count;
}

/** Non-ASCII share from 64 probes: O(1) per string, so megabytes of history cost nothing to scan. */
function estimateNonAscii(text: string, from: number): number {
	const span = text.length - from;
	if (span <= 256) return countNonAscii(text, from);
	const step = span / 64;
	let hits = 0;
	for (let probe = 0; probe < 64; probe++) if (text.charCodeAt(from + Math.floor(probe * step)) > 127) hits++;
	return Math.round((hits / 64) * span);
}

/**
 * Cache key: length + 48 probed characters. Hashing whole strings would cost as much as a scan;
 * two different strings with equal length and equal probes are rare, and this is an estimate.
 */
function fingerprint(text: string): string {
	const step = text.length / 48;
	let key = `${text.length}:`;
	for (let probe = 0; probe < 48; probe++) key += text[Math.floor(probe * step)];
	return key + text.slice(-8);
}

function remember(key: string, count: number): void {
	cache.set(key, count);
	if (cache.size > CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
}

/** Tokenizes up to a budget of text (exact where it matters), estimates the rest: count_tokens. */
export function estimateInputTokens(request: CountedRequest): number {
	return countRequest(request, new Counter(BUDGET_CHARS));
}

/**
 * No tokenizer and no walk over the text: the request body's own length at the usual ratio, minus
 * the base64 of images and PDFs (priced per item instead). For the hot path (message_start's
 * estimate, the activity row, long-context routing far from the threshold; near it the proxy
 * tokenizes). JSON punctuation and escapes make it read a few percent high, which errs towards the
 * long-context route rather than away from it. ~2 µs on any body, where walking the parsed request
 * and stringifying tool schemas cost ~80 µs on 10 KB (bench/profile.js).
 */
export function quickEstimateInputTokens(request: AnthropicRequest, bodyText?: string): number {
	if (bodyText === undefined) return countRequest(request, new Counter(0));
	const binary = {chars: 0, tokens: 0};
	for (const message of request.messages ?? []) {
		const content = message?.content;
		if (Array.isArray(content)) for (const block of content) countBinary(block, binary);
	}

	const chars = Math.max(0, bodyText.length - binary.chars);
	const other = Math.min(chars, estimateNonAscii(bodyText, 0));
	return Math.max(1, Math.ceil((chars - other) / DEFAULT_ASCII_CHARS_PER_TOKEN + other * NON_ASCII_TOKENS_PER_CHAR) + binary.tokens);
}

/** Base64 payloads inside a block (also in tool results): their length, and what they cost instead. */
function countBinary(block: AnthropicContentBlock, into: {chars: number; tokens: number}): void {
	if (!block || typeof block !== 'object') return;
	const value = block as Record<string, any>;
	if (block.type === 'tool_result') {
		const content = value['content'];
		if (Array.isArray(content)) for (const part of content) countBinary(part, into);
		return;
	}

	if (block.type !== 'image' && block.type !== 'document') return;
	const data = value['source']?.data;
	if (typeof data !== 'string' || value['source']?.type !== 'base64') return;
	into.chars += data.length;
	into.tokens += block.type === 'image' ? IMAGE_TOKENS : Math.ceil(data.length / BASE64_CHARS_PER_TOKEN);
}

function countRequest(request: CountedRequest, counter: Counter): number {
	const system = request.system;
	if (typeof system === 'string') counter.text(system);
	else if (Array.isArray(system)) for (const block of system) counter.text(block?.text);
	for (const tool of request.tools ?? []) {
		counter.tokens += TOOL_OVERHEAD;
		counter.text(tool?.name);
		counter.text(tool?.description);
		counter.json(tool?.input_schema);
	}

	for (const message of request.messages ?? []) {
		counter.tokens += MESSAGE_OVERHEAD;
		const content = message?.content;
		if (typeof content === 'string') counter.text(content);
		else if (Array.isArray(content)) for (const block of content) countBlock(counter, block);
	}

	return Math.max(1, counter.total() + 3);
}

function countBlock(counter: Counter, block: AnthropicContentBlock): void {
	if (!block || typeof block !== 'object') return;
	const value = block as Record<string, any>;
	switch (block.type) {
		case 'text':
			counter.text(value['text']);
			return;
		case 'image':
			counter.tokens += IMAGE_TOKENS;
			return;
		case 'document': {
			const source = value['source'];
			if (source?.type === 'text') counter.text(source.data);
			else if (source?.type === 'base64' && typeof source.data === 'string') counter.tokens += Math.ceil(source.data.length / BASE64_CHARS_PER_TOKEN);
			else if (source?.type === 'content' && Array.isArray(source.content)) for (const part of source.content) countBlock(counter, part);
			return;
		}

		case 'tool_use':
			counter.text(value['name']);
			counter.json(value['input']);
			return;
		case 'tool_result': {
			const content = value['content'];
			if (typeof content === 'string') counter.text(content);
			else if (Array.isArray(content)) for (const part of content) countBlock(counter, part);
			return;
		}

		case 'thinking':
			counter.text(value['thinking']);
			return;
		case 'redacted_thinking':
			return;
		default:
			counter.json(value['text'] ?? value['content']);
	}
}
