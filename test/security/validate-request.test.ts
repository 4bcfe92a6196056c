import {describe, expect, it} from 'vitest';
import {MAX_BODY_BYTES} from '../../source/proxy/read-body.js';
import {validateCountTokensRequest, validateMessagesRequest, validationPaths} from '../../source/proxy/validate-request.js';
import {claudeCodeBody} from '../translate/claude-code-body.js';

const good = {
	model: 'claude-sonnet-4-5',
	max_tokens: 1024,
	stream: true,
	system: [{type: 'text', text: 'be brief', cache_control: {type: 'ephemeral'}}],
	messages: [
		{role: 'user', content: 'hi'},
		{
			role: 'assistant',
			content: [
				{type: 'text', text: 'x'},
				{type: 'tool_use', id: 'toolu_1', name: 'Read', input: {}},
			],
		},
		{
			role: 'user',
			content: [
				{type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok'},
				{type: 'future_block', anything: 1},
			],
		},
	],
	tools: [
		{name: 'Read', input_schema: {type: 'object'}},
		{type: 'web_search_20250305', name: 'web_search'},
	],
	some_new_field: {kept: true},
};

function messageOf(body: unknown): string {
	const result = validateMessagesRequest(body);
	if (result.ok) throw new Error('expected a rejection');
	return result.message;
}

describe('validateMessagesRequest', () => {
	it('accepts a Claude Code request and returns it untouched (unknown fields kept)', () => {
		const result = validateMessagesRequest(good);
		expect(result.ok).toBe(true);
		if (result.ok) expect(result.request).toBe(good);
	});

	it.each([
		[{...good, messages: undefined}, 'messages: required'],
		[{...good, max_tokens: undefined}, 'max_tokens: required'],
		[{...good, messages: {}}, 'messages: expected array'],
		[{...good, max_tokens: '1024'}, 'max_tokens: expected a positive integer'],
		[{...good, max_tokens: 0}, 'max_tokens: expected a positive integer'],
		[{...good, max_tokens: 1.5}, 'max_tokens: expected a positive integer'],
		[{...good, model: 42}, 'model: expected string'],
		[{...good, stream: 'yes'}, 'stream: expected boolean'],
		[{...good, tools: {}}, 'tools: expected array'],
		[{...good, system: 3}, 'system: expected string or array'],
		[{...good, messages: [...good.messages, {role: 'tool', content: 'x'}]}, 'messages.3.role: expected "user", "assistant" or "system"'],
		[{...good, messages: [...good.messages, {role: 'user', content: 5}]}, 'messages.3.content: expected string or array'],
		[{...good, messages: [{role: 'user', content: [{type: 'text', text: 7}]}]}, 'messages.0.content.0.text: expected string'],
		[{...good, messages: [{role: 'user', content: [{text: 'x'}]}]}, 'messages.0.content.0.type: required'],
		[{...good, messages: [{role: 'assistant', content: [{type: 'tool_use', name: 'x', input: {}}]}]}, 'messages.0.content.0.id: required'],
		[{...good, tools: [{description: 'x'}]}, 'tools.0.name: required'],
		[[], 'request body: expected a JSON object'],
		['text', 'request body: expected a JSON object'],
	])('names the field: %#', (body, expected) => {
		expect(messageOf(body)).toContain(expected);
	});

	// Linear work, not a time budget (that is in bench/validate-redact.js): a step that grew with the
	// square of the messages would take minutes on a million of them, past the test timeout.
	it('validates the largest body it accepts, a million messages, and names the bad last one', () => {
		const messages: unknown[] = Array.from({length: 1_000_000}, (_, index) => ({role: index % 2 ? 'assistant' : 'user', content: 'x'}));
		const body = {...good, messages};
		expect(JSON.stringify(body).length).toBeLessThan(MAX_BODY_BYTES);
		const result = validateMessagesRequest(body);
		expect(result.ok && result.request).toBe(body);
		messages[messages.length - 1] = {role: 'user', content: [{type: 'text', text: 7}]};
		expect(messageOf(body)).toBe('messages.999999.content.0.text: expected string');
	});

	it('exports the 32 MiB limit', () => {
		expect(MAX_BODY_BYTES).toBe(33_554_432);
	});
});

describe('validateCountTokensRequest', () => {
	it('does not need max_tokens but needs messages', () => {
		expect(validateCountTokensRequest({model: 'm', messages: [{role: 'user', content: 'hi'}]}).ok).toBe(true);
		// Claude Code (mid-conversation-system beta) puts system messages inside the history.
		expect(validateMessagesRequest({...good, messages: [...good.messages, {role: 'system', content: 'Repo is read-only.'}]}).ok).toBe(true);
		const result = validateCountTokensRequest({model: 'm'});
		expect(result.ok ? '' : result.message).toContain('messages: required');
	});
});

describe('the fast path agrees with the schema', () => {
	const {fast, schema} = validationPaths;
	const oddValues = [undefined, null, 0, -1, 1.5, 2 ** 60, '', 'x', 'user', true, [], [1], [{}], {}, {type: 'text'}, {type: 1}];

	/** Every path to a value inside `body` (objects and arrays), depth-first. */
	function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
		if (typeof value !== 'object' || value === null) return [prefix];
		const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
		return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
	}

	/** Run `check` on `body` with the value at `path` replaced (or deleted), then put it back. */
	function withMutation(body: unknown, path: Array<string | number>, value: unknown, check: (mutated: unknown) => void): void {
		if (path.length === 0) return check(value);
		let parent = body as Record<string | number, unknown>;
		for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
		const last = path.at(-1)!;
		const had = Object.hasOwn(parent, last);
		const before = parent[last];
		if (value === undefined && !Array.isArray(parent)) delete parent[last];
		else parent[last] = value;
		try {
			check(body);
		} finally {
			if (had) parent[last] = before;
			else delete parent[last];
		}
	}

	const bodies = [
		good,
		claudeCodeBody(2500, 11),
		{
			...claudeCodeBody(1500, 5),
			stream: false,
			temperature: 0.2,
			top_p: 1,
			top_k: 5,
			stop_sequences: ['x'],
			metadata: {user_id: 'u'},
			tool_choice: {type: 'auto'},
			thinking: {type: 'enabled', budget_tokens: 1024},
		},
	];

	it('accepts real Claude Code bodies without calling zod', () => {
		for (const body of bodies) {
			expect(fast('messages', body)).toBe(true);
			expect(fast('count', body)).toBe(true);
		}
	});

	it('never accepts a body the schema rejects (every field of 3 bodies × 16 odd values)', () => {
		let checked = 0;
		let rejected = 0;
		for (const original of bodies) {
			const body = structuredClone(original);
			for (const path of paths(body)) {
				for (const value of oddValues) {
					withMutation(body, path, value, mutated => {
						for (const kind of ['messages', 'count'] as const) {
							checked++;
							const bySchema = schema(kind, mutated);
							if (!bySchema) rejected++;
							if (fast(kind, mutated)) expect({kind, path: path.join('.'), value, bySchema}).toEqual({kind, path: path.join('.'), value, bySchema: true});
						}
					});
				}
			}

			expect(body).toEqual(original);
		}

		// The mutations must actually reach both outcomes, or this test proves nothing.
		expect(checked).toBeGreaterThan(5000);
		expect(rejected).toBeGreaterThan(1000);
	});
});
