import {z} from 'zod';
import type {AnthropicRequest} from './translate/types.js';

export type ValidationResult<T> = {ok: true; request: T} | {ok: false; message: string};

/** Count-tokens takes the Messages shape minus `max_tokens` and sampling. */
/** A messages request without `max_tokens` (Omit would drop every named field: the type has an index signature). */
export type CountTokensRequest = Pick<AnthropicRequest, 'model' | 'messages' | 'system' | 'tools' | 'tool_choice' | 'thinking'> & {[key: string]: unknown};

/*
 * Lenient on purpose: only what would break routing or translation is checked, unknown fields are
 * kept (new Anthropic features must pass through untouched) and upstream-specific limits are left
 * to the upstream. Messages say which field is wrong in Anthropic's `a.b.3.c: problem` style.
 */

type Issue = z.core.$ZodRawIssue;

/** `required` when absent, else `expected <what>`. */
function expected(what: string) {
	return {error: (issue: Issue) => (issue.input === undefined ? 'required' : `expected ${what}`)};
}

const text = (what = 'string') => z.string(expected(what));

/** Per-type checks of an image's or document's `source`: the field each kind is read from. */
const sourceChecks: Record<string, z.ZodType> = {
	base64: z.looseObject({data: text(), media_type: text().optional()}),
	url: z.looseObject({url: text()}),
	text: z.looseObject({data: text()}),
	content: z.looseObject({content: z.union([z.string(), z.array(z.looseObject({type: text()}, expected('object')))], expected('string or array'))}),
};

/** `{type}` objects whose type selects further checks from `checks` (other types pass as they are). */
function typed(checks: Record<string, z.ZodType>) {
	return z.looseObject({type: text()}, expected('object')).superRefine((value, context) => {
		const check = checks[value.type];
		if (!check) return;
		const result = check.safeParse(value);
		if (result.success) return;
		for (const issue of result.error.issues) context.addIssue({...issue, code: 'custom', path: issue.path, message: issue.message});
	});
}

const source = typed(sourceChecks);

/** Per-type checks for the content blocks the translator reads; other types pass as they are. */
const blockChecks: Record<string, z.ZodType> = {
	text: z.looseObject({text: text()}),
	image: z.looseObject({source}),
	document: z.looseObject({source}),
	tool_use: z.looseObject({id: text(), name: text(), input: z.unknown()}),
	tool_result: z.looseObject({
		tool_use_id: text(),
		content: z.union([z.string(), z.array(z.looseObject({type: text()}, expected('object')))], expected('string or array')).optional(),
	}),
	thinking: z.looseObject({thinking: text()}),
};

const contentBlock = typed(blockChecks);

const content = z.union([z.string(), z.array(contentBlock)], expected('string or array'));

const message = z.looseObject(
	{
		// Claude Code sends mid-conversation `system` messages (beta mid-conversation-system-2026-04-07).
		role: z.enum(['user', 'assistant', 'system'], expected('"user", "assistant" or "system"')),
		content,
	},
	expected('object'),
);

const systemBlock = z.looseObject({type: text(), text: text().optional()}, expected('object'));
const tool = z.looseObject({name: text()}, expected('object'));
const number = z.number(expected('number')).optional();

const shared = {
	model: text(),
	messages: z.array(message, expected('array')),
	system: z.union([z.string(), z.array(systemBlock)], expected('string or array')).optional(),
	tools: z.array(tool, expected('array')).optional(),
	tool_choice: z.looseObject({type: text()}, expected('object')).optional(),
	thinking: z.looseObject({type: text()}, expected('object')).optional(),
};

const messagesSchema = z.looseObject(
	{
		...shared,
		max_tokens: z.number(expected('a positive integer')).int('expected a positive integer').positive('expected a positive integer'),
		stream: z.boolean(expected('boolean')).optional(),
		temperature: number,
		top_p: number,
		top_k: number,
		stop_sequences: z.array(text(), expected('array of strings')).optional(),
		metadata: z.looseObject({}, expected('object')).optional(),
	},
	expected('a JSON object'),
);

const countTokensSchema = z.looseObject(shared, expected('a JSON object'));

/** Validate a parsed `POST /v1/messages` body (malformed JSON is the caller's 400). */
export function validateMessagesRequest(body: unknown): ValidationResult<AnthropicRequest> {
	const deep = tooDeep(body);
	if (deep) return {ok: false, message: deep};
	if (acceptsMessages(body)) return {ok: true, request: body as AnthropicRequest};
	return check(messagesSchema, body);
}

/** Validate a parsed `POST /v1/messages/count_tokens` body. */
export function validateCountTokensRequest(body: unknown): ValidationResult<CountTokensRequest> {
	const deep = tooDeep(body);
	if (deep) return {ok: false, message: deep};
	if (acceptsShared(body)) return {ok: true, request: body as CountTokensRequest};
	return check(countTokensSchema, body);
}

/**
 * Deepest nesting of objects and arrays accepted anywhere in a body. Real tool schemas and inputs
 * stay far below; a body nested thousands deep would overflow the stack of every recursive step
 * after this one (translation, token counting, schema conversion).
 */
export const MAX_JSON_DEPTH = 128;

type Frame = {readonly value: object; readonly depth: number; readonly key: string; readonly parent: Frame | undefined};

/** The message for the first value nested too deep, or undefined. A loop with its own stack: no recursion. */
function tooDeep(body: unknown): string | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const stack: Frame[] = [{value: body, depth: 1, key: '', parent: undefined}];
	while (stack.length > 0) {
		const frame = stack.pop()!;
		if (frame.depth > MAX_JSON_DEPTH) return `${pathOf(frame)}: nested deeper than ${MAX_JSON_DEPTH} levels (the limit for any value in a request)`;
		// for…in, not Object.entries: no array per node (JSON.parse objects have only own keys).
		const container = frame.value as Record<string, unknown>;
		for (const key in container) {
			const value = container[key];
			if (typeof value === 'object' && value !== null) stack.push({value, depth: frame.depth + 1, key, parent: frame});
		}
	}

	return undefined;
}

function pathOf(frame: Frame): string {
	const keys: string[] = [];
	for (let current: Frame | undefined = frame; current?.parent; current = current.parent) keys.push(current.key);
	// The first levels say where; the rest would only repeat.
	const path = keys.reverse();
	return path.length > 8 ? `${path.slice(0, 8).join('.')}…` : path.join('.');
}

/*
 * The fast path. Plain checks of exactly the fields the schemas above check, no allocation: ~10x
 * cheaper than the zod parse on Claude Code's bodies (bench/profile.js had validation at ~5 % of a
 * request's CPU). A body it accepts is one the schema accepts (test/proxy/validate-request.test.ts
 * checks that on thousands of mutated bodies); anything else goes to zod, which either accepts it
 * too or says precisely what is wrong. So the schema stays the one definition of "valid".
 */

type Loose = Record<string, unknown>;

/** For the equivalence test: each path on its own. */
export const validationPaths = {
	fast: (kind: 'messages' | 'count', body: unknown) => (kind === 'messages' ? acceptsMessages(body) : acceptsShared(body)),
	schema: (kind: 'messages' | 'count', body: unknown) => (kind === 'messages' ? messagesSchema : countTokensSchema).safeParse(body).success,
};

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (value: unknown, test: (value: unknown) => boolean) => value === undefined || test(value);
const isString = (value: unknown) => typeof value === 'string';
const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
const hasStringType = (value: unknown) => isObject(value) && typeof value['type'] === 'string';
const ROLES = new Set(['user', 'assistant', 'system']);

function acceptsMessages(body: unknown): boolean {
	if (!acceptsShared(body)) return false;
	const request = body as Loose;
	const maxTokens = request['max_tokens'];
	return (
		typeof maxTokens === 'number' &&
		Number.isSafeInteger(maxTokens) &&
		maxTokens > 0 &&
		optional(request['stream'], value => typeof value === 'boolean') &&
		optional(request['temperature'], isNumber) &&
		optional(request['top_p'], isNumber) &&
		optional(request['top_k'], isNumber) &&
		optional(request['stop_sequences'], value => Array.isArray(value) && value.every(isString)) &&
		optional(request['metadata'], isObject)
	);
}

function acceptsShared(body: unknown): boolean {
	if (!isObject(body) || typeof body['model'] !== 'string') return false;
	const {messages, system, tools} = body;
	if (!Array.isArray(messages)) return false;
	for (const message of messages) {
		if (!isObject(message) || !ROLES.has(message['role'] as string) || !acceptsContent(message['content'])) return false;
	}

	if (system !== undefined && !isString(system)) {
		if (!Array.isArray(system)) return false;
		for (const block of system) if (!hasStringType(block) || !optional(block['text'], isString)) return false;
	}

	if (tools !== undefined) {
		if (!Array.isArray(tools)) return false;
		for (const tool of tools) if (!isObject(tool) || typeof tool['name'] !== 'string') return false;
	}

	return optional(body['tool_choice'], hasStringType) && optional(body['thinking'], hasStringType);
}

function acceptsContent(content: unknown): boolean {
	if (isString(content)) return true;
	if (!Array.isArray(content)) return false;
	for (const block of content) if (!acceptsBlock(block)) return false;
	return true;
}

function acceptsBlock(block: unknown): boolean {
	if (!hasStringType(block)) return false;
	const value = block as Loose;
	switch (value['type']) {
		case 'text':
			return isString(value['text']);
		case 'image':
		case 'document':
			return acceptsSource(value['source']);
		case 'tool_use':
			return isString(value['id']) && isString(value['name']) && value['input'] !== undefined;
		case 'tool_result': {
			const content = value['content'];
			if (!isString(value['tool_use_id'])) return false;
			if (content === undefined || isString(content)) return true;
			return Array.isArray(content) && content.every(hasStringType);
		}

		case 'thinking':
			return isString(value['thinking']);
		default:
			return true;
	}
}

function acceptsSource(source: unknown): boolean {
	if (!hasStringType(source)) return false;
	const value = source as Loose;
	switch (value['type']) {
		case 'base64':
			return isString(value['data']) && optional(value['media_type'], isString);
		case 'url':
			return isString(value['url']);
		case 'text':
			return isString(value['data']);
		case 'content': {
			const content = value['content'];
			return isString(content) || (Array.isArray(content) && content.every(hasStringType));
		}

		default:
			return true;
	}
}

function check<T>(schema: z.ZodType, body: unknown): ValidationResult<T> {
	const result = schema.safeParse(body);
	// The input object is returned, not zod's copy: nothing is transformed, and huge bodies are not cloned twice.
	if (result.success) return {ok: true, request: body as T};
	const messages = result.error.issues.slice(0, 3).map(issue => describe(issue, []));
	const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
	return {ok: false, message: `${[...new Set(messages)].join('; ')}${more}`};
}

/** `messages.3.content: expected string or array`; for a union, the branch that got furthest explains best. */
function describe(issue: z.core.$ZodIssue, prefix: PropertyKey[]): string {
	const path = [...prefix, ...issue.path];
	if (issue.code === 'invalid_union' && issue.errors.length > 0) {
		let deepest: z.core.$ZodIssue | undefined;
		for (const branch of issue.errors) {
			const first = branch[0];
			if (first && first.path.length > (deepest?.path.length ?? 0)) deepest = first;
		}

		if (deepest) return describe(deepest, path);
	}

	const field = path.map(segment => String(segment)).join('.');
	return field ? `${field}: ${issue.message}` : `request body: ${issue.message}`;
}
