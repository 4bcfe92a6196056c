/**
 * Gemini Balance's response side: `/v1` stream (§3.2) and non-stream (§3.3) with all their quirks,
 * the fake-stream mode (§3.6), native rewrites (§3.7) and Google's compat layer (§4.3).
 */
import {randomInt, randomUUID} from 'node:crypto';
import type {GeminiReply, GPart} from './types.js';

export type RenderContext = {
	/** The model name the client asked for (echoed, suffix included). */
	model: string;
	/** Thought parts pass only with includeThoughts (model in thinkingBudgetMap + showThinking). */
	showThoughts: boolean;
	now: () => number;
	python: boolean;
};

/** Python's `json.dumps` defaults: `", "` / `": "` separators, non-ASCII as `\uXXXX`. */
export function pythonJson(value: unknown): string {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
	if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
	const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
	return `{${entries.map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`).join(', ')}}`;
}

const CALL_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `"call_" + random.sample(a-z0-9, 32)`: 32 distinct characters. */
function callId(): string {
	const pool = [...CALL_ID_ALPHABET];
	let id = 'call_';
	for (let index = 0; index < 32; index++) id += pool.splice(randomInt(pool.length), 1)[0];
	return id;
}

function visibleChunks(reply: GeminiReply, showThoughts: boolean): GPart[][] {
	if (showThoughts) return reply.chunks;
	// Without includeThoughts Google sends no thought parts at all.
	return reply.chunks
		.map(chunk => ({chunk, kept: chunk.filter(part => !('text' in part && part.thought))}))
		.filter(({chunk, kept}) => kept.length > 0 || chunk.length === 0)
		.map(({kept}) => kept);
}

type OpenAIUsage = {prompt_tokens: number; completion_tokens: number; total_tokens: number};

/** Cumulative usageMetadata snapshot after chunk `index` of `count`. */
function usageAt(reply: GeminiReply, index: number, count: number): OpenAIUsage | undefined {
	if (!reply.usage) return undefined;
	const candidates = Math.round((reply.usage.candidates * (index + 1)) / Math.max(count, 1));
	const thoughts = reply.usage.thoughts ?? 0;
	// completion_tokens excludes thinking; total includes it.
	return {prompt_tokens: reply.usage.prompt, completion_tokens: candidates, total_tokens: reply.usage.prompt + candidates + thoughts};
}

function imageMarkdown(part: GPart): string {
	return 'inlineData' in part ? `![image](data:${part.inlineData.mimeType};base64,${part.inlineData.data})` : '';
}

function toolCalls(parts: GPart[], python: boolean): unknown[] {
	const calls: unknown[] = [];
	parts.forEach((part, index) => {
		if (!('functionCall' in part)) return;
		const args = python ? pythonJson(part.functionCall.args) : JSON.stringify(part.functionCall.args);
		// `index` is the part's position in this chunk, not a running counter.
		calls.push({index, id: callId(), type: 'function', function: {name: part.functionCall.name, arguments: args}});
	});
	return calls;
}

/** One upstream chunk → one `/v1` SSE chunk (only parts[0] is read for text). */
function streamDelta(parts: GPart[], python: boolean): Record<string, unknown> {
	if (parts.length === 0) return {};
	const first = parts[0]!;
	let content = '';
	let reasoning = '';
	if ('text' in first) {
		if (first.thought) reasoning = first.text;
		else content = first.text;
	} else if ('inlineData' in first) {
		content = imageMarkdown(first);
	}

	const calls = toolCalls(parts, python);
	return {content, reasoning_content: reasoning, role: 'assistant', ...(calls.length > 0 ? {tool_calls: calls} : {})};
}

function chunkEnvelope(context: RenderContext, choices: unknown[], usage: OpenAIUsage | undefined): Record<string, unknown> {
	return {
		// A new id on every chunk.
		id: `chatcmpl-${randomUUID()}`,
		object: 'chat.completion.chunk',
		created: Math.floor(context.now() / 1000),
		model: context.model,
		choices,
		...(usage ? {usage} : {}),
	};
}

function sse(value: unknown, python: boolean): string {
	return `data: ${python ? pythonJson(value) : JSON.stringify(value)}\n\n`;
}

/** Every SSE event of a successful `/v1` stream, `[DONE]` included. */
export function renderOpenAIStream(reply: GeminiReply, context: RenderContext): string[] {
	const events: string[] = [];
	let lastUsage: OpenAIUsage | undefined;
	if (reply.blocked) {
		lastUsage = reply.usage ? {prompt_tokens: reply.usage.prompt, completion_tokens: 0, total_tokens: reply.usage.prompt} : undefined;
		events.push(sse(chunkEnvelope(context, [], lastUsage), context.python));
	} else if (!reply.empty) {
		const chunks = visibleChunks(reply, context.showThoughts);
		chunks.forEach((parts, index) => {
			lastUsage = usageAt(reply, index, chunks.length);
			const choice = {index: 0, delta: streamDelta(parts, context.python), finish_reason: null};
			events.push(sse(chunkEnvelope(context, [choice], lastUsage), context.python));
		});
	}

	// The closing chunk is built from an empty response: no choices, so no finish_reason either.
	events.push(sse(chunkEnvelope(context, [], lastUsage), context.python));
	events.push('data: [DONE]\n\n');
	return events;
}

/** Non-stream `/v1` body: all parts merged, `finish_reason: "stop"` whatever happened. */
export function renderOpenAINonStream(reply: GeminiReply, context: RenderContext): Record<string, unknown> {
	const base = {id: `chatcmpl-${randomUUID()}`, object: 'chat.completion', created: Math.floor(context.now() / 1000), model: context.model};
	if (reply.blocked || reply.empty) return {...base, choices: [], usage: {prompt_tokens: 0, completion_tokens: 0, total_tokens: 0}};
	const parts = visibleChunks(reply, context.showThoughts).flat();
	let content = '';
	let reasoning = '';
	for (const part of parts) {
		if ('text' in part) {
			if (part.thought) reasoning += part.text;
			else content += part.text;
		} else if ('inlineData' in part) {
			content += imageMarkdown(part);
		}
	}

	const usage = usageAt(reply, 0, 1) ?? {prompt_tokens: 0, completion_tokens: 0, total_tokens: 0};
	return {
		...base,
		choices: [{index: 0, message: {role: 'assistant', content, reasoning_content: reasoning, tool_calls: toolCalls(parts, true)}, finish_reason: 'stop'}],
		usage,
	};
}

/** A non-stream Google answer holds one part per kind: adjacent text (or thought) pieces are one part. */
function mergeTextParts(parts: GPart[]): GPart[] {
	const merged: GPart[] = [];
	for (const part of parts) {
		const previous = merged.at(-1);
		if (previous && 'text' in previous && 'text' in part && Boolean(previous.thought) === Boolean(part.thought)) {
			merged[merged.length - 1] = {...previous, text: previous.text + part.text};
		} else merged.push(part);
	}

	return merged;
}

/** FAKE_STREAM_ENABLED: the full answer (parts[0] text only) in one chunk that says "stop". */
export function renderFakeStreamFinal(reply: GeminiReply, context: RenderContext): string[] {
	const parts = mergeTextParts(visibleChunks(reply, context.showThoughts).flat());
	const choice = {index: 0, delta: streamDelta(parts, context.python), finish_reason: 'stop'};
	return [sse(chunkEnvelope(context, [choice], usageAt(reply, 0, 1)), context.python), 'data: [DONE]\n\n'];
}

export function heartbeat(context: RenderContext): string {
	return sse(chunkEnvelope(context, [], undefined), context.python);
}

// ---- native /v1beta (§3.7) ----

function usageMetadata(reply: GeminiReply, index: number, count: number): Record<string, number> | undefined {
	const usage = usageAt(reply, index, count);
	if (!usage) return undefined;
	return {
		promptTokenCount: usage.prompt_tokens,
		candidatesTokenCount: usage.completion_tokens,
		totalTokenCount: usage.total_tokens,
		...(reply.usage?.thoughts ? {thoughtsTokenCount: reply.usage.thoughts} : {}),
	};
}

/** Stream rewrite: functionCall parts only (signatures kept), else one part with parts[0]'s text. */
function rewriteStreamParts(parts: GPart[]): GPart[] {
	const calls = parts.filter(part => 'functionCall' in part);
	if (calls.length > 0) return calls;
	const first = parts[0];
	if (first && 'text' in first) return [first.thought ? {text: first.text, thought: true} : {text: first.text}];
	return [];
}

function grounding(reply: GeminiReply): {groundingMetadata?: unknown} {
	return reply.grounding ? {groundingMetadata: {groundingChunks: reply.grounding.map(web => ({web}))}} : {};
}

export function renderNativeStream(reply: GeminiReply, context: RenderContext): string[] {
	if (reply.empty) return [];
	if (reply.blocked) return [`data: ${JSON.stringify({promptFeedback: {blockReason: 'SAFETY'}, usageMetadata: usageMetadata(reply, 0, 1)})}\n\n`];
	const chunks = visibleChunks(reply, context.showThoughts);
	return chunks.map((parts, index) => {
		const last = index === chunks.length - 1;
		const candidate = {content: {parts: rewriteStreamParts(parts), role: 'model'}, index: 0, ...(last ? {finishReason: reply.finishReason ?? 'STOP', ...grounding(reply)} : {})};
		return `data: ${JSON.stringify({candidates: [candidate], usageMetadata: usageMetadata(reply, index, chunks.length), modelVersion: context.model})}\n\n`;
	});
}

export function renderNativeNonStream(reply: GeminiReply, context: RenderContext): Record<string, unknown> {
	if (reply.blocked || reply.empty) return {promptFeedback: {blockReason: 'SAFETY'}, usageMetadata: usageMetadata(reply, 0, 1)};
	const parts = visibleChunks(reply, context.showThoughts).flat();
	const calls = parts.filter(part => 'functionCall' in part);
	let rewritten: GPart[];
	if (calls.length > 0) rewritten = calls;
	else {
		const thoughts = parts
			.filter((part): part is {text: string; thought: true} => 'text' in part && Boolean(part.thought))
			.map(part => part.text)
			.join('');
		const text = parts
			.filter((part): part is {text: string} => 'text' in part && !part.thought)
			.map(part => part.text)
			.join('');
		rewritten = [...(thoughts ? [{text: thoughts, thought: true}] : []), {text}];
	}

	return {
		candidates: [{content: {parts: rewritten, role: 'model'}, finishReason: reply.finishReason ?? 'STOP', index: 0, ...grounding(reply)}],
		usageMetadata: usageMetadata(reply, 0, 1),
		modelVersion: context.model,
	};
}

// ---- Google's OpenAI-compatible layer behind /openai/v1 (§1.4, §4.3) ----

export function renderCompatStream(reply: GeminiReply, context: RenderContext): string[] {
	const id = `${randomUUID()}`;
	const created = Math.floor(context.now() / 1000);
	const chunks = reply.empty || reply.blocked ? [] : visibleChunks(reply, false);
	const events = chunks.map((parts, index) => {
		const text = parts
			.filter((part): part is {text: string} => 'text' in part)
			.map(part => part.text)
			.join('');
		// Tool-call deltas carry no `index`; the last chunk says "stop" even for tool calls.
		const calls = compatToolCalls(parts, callId);
		const last = index === chunks.length - 1;
		const delta = {role: 'assistant', ...(text ? {content: text} : {}), ...(calls.length > 0 ? {tool_calls: calls} : {})};
		const usage = last ? usageAt(reply, index, chunks.length) : undefined;
		return `data: ${JSON.stringify({choices: [{delta, finish_reason: last ? 'stop' : null, index: 0}], created, id, model: context.model, object: 'chat.completion.chunk', ...(usage ? {usage} : {})})}\n\n`;
	});
	return [...events, 'data: [DONE]\n\n'];
}

/** Google's compat tool calls; a part's thought signature rides in `extra_content.google`. */
export function compatToolCalls(parts: GPart[], id: () => string): unknown[] {
	return parts.flatMap(part => {
		if (!('functionCall' in part)) return [];
		const signature = part.thoughtSignature ? {extra_content: {google: {thought_signature: part.thoughtSignature}}} : {};
		return [{id: id(), type: 'function', function: {name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args)}, ...signature}];
	});
}
