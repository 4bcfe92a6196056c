import {z} from 'zod';
import type {AnthropicRequest} from './translate/index.js';

/** Anthropic's own Messages limit; long Claude Code sessions with images get close to it. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export type ValidationResult<T> = {ok: true; request: T} | {ok: false; message: string};

/** Count-tokens takes the Messages shape minus `max_tokens` and sampling. */
export type CountTokensRequest = Omit<AnthropicRequest, 'max_tokens'>;

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

/** Per-type checks for the content blocks the translator reads; other types pass as they are. */
const blockChecks: Record<string, z.ZodType> = {
	text: z.looseObject({text: text()}),
	image: z.looseObject({source: z.looseObject({type: text()}, expected('object'))}),
	document: z.looseObject({source: z.looseObject({type: text()}, expected('object'))}),
	tool_use: z.looseObject({id: text(), name: text(), input: z.unknown()}),
	tool_result: z.looseObject({
		tool_use_id: text(),
		content: z.union([z.string(), z.array(z.looseObject({type: text()}, expected('object')))], expected('string or array')).optional(),
	}),
	thinking: z.looseObject({thinking: text()}),
};

const contentBlock = z.looseObject({type: text()}, expected('object')).superRefine((block, context) => {
	const check = blockChecks[block.type];
	if (!check) return;
	const result = check.safeParse(block);
	if (result.success) return;
	for (const issue of result.error.issues) context.addIssue({...issue, code: 'custom', path: issue.path, message: issue.message});
});

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
	return check(messagesSchema, body);
}

/** Validate a parsed `POST /v1/messages/count_tokens` body. */
export function validateCountTokensRequest(body: unknown): ValidationResult<CountTokensRequest> {
	return check(countTokensSchema, body);
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
