/**
 * Claude Code traffic through the proxy to the fake Gemini Balance (`/v1`, profile gemini-balance):
 * the full tool loop with the official SDK, and the webSearch route to a `-search` model.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import {APIError} from '@anthropic-ai/sdk';
import {call, parallelCalls, reply, startFakeGeminiBalance, text, type FakeGeminiBalance, type GbRecordedRequest} from '../fakes/gemini-balance.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';

const TOKEN = 'sk-gb-proxy-token-5150';

/** Claude Code's Read tool, zod-generated: additionalProperties and $schema included. */
const READ_TOOL: Anthropic.Tool = {
	name: 'Read',
	description: 'Reads a file from the local filesystem.',
	input_schema: {
		type: 'object',
		properties: {
			file_path: {type: 'string', description: 'The absolute path to the file to read'},
			offset: {type: 'number', description: 'The line number to start reading from'},
			limit: {type: 'integer', exclusiveMinimum: 0},
		},
		required: ['file_path'],
		additionalProperties: false,
		$schema: 'http://json-schema.org/draft-07/schema#',
	} as Anthropic.Tool.InputSchema,
};

let gb: FakeGeminiBalance;
let harness: Harness;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN]});
	harness = await startHarness({
		config: () => ({
			Providers: [
				{
					name: 'gemini-balance',
					api_base_url: `${gb.url}/v1/chat/completions`,
					api_key: TOKEN,
					models: ['gemini-2.5-flash', 'gemini-2.5-flash-search'],
					profile: 'gemini-balance',
				},
				{name: 'gb-openai', api_base_url: `${gb.url}/openai/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash'], profile: 'gemini-openai'},
			],
			Router: {default: 'gemini-balance,gemini-2.5-flash', webSearch: 'gemini-balance,gemini-2.5-flash-search'},
		}),
	});
});
afterAll(async () => {
	await harness?.close();
	await gb?.close();
});
afterEach(() => gb.reset());

const chats = (): GbRecordedRequest[] => gb.requests.filter(request => request.path === '/v1/chat/completions');

function functionDeclarations(request: GbRecordedRequest): Array<Record<string, unknown>> {
	const tools = (request.upstreamPayload as {tools?: Array<{functionDeclarations?: Array<Record<string, unknown>>}>}).tools ?? [];
	return tools.flatMap(tool => tool.functionDeclarations ?? []);
}

describe('Claude Code tool loop through the proxy to Gemini Balance', () => {
	it('streamed: tool call (tool_use) → tool result → answer (end_turn), non-zero usage, nothing lost upstream', async () => {
		gb.enqueue(
			reply([...text('Let me read it.'), ...call('Read', {file_path: '/tmp/a.txt'})], {usage: {prompt: 120, candidates: 18}}),
			reply(text('The file says hello.', {split: 3}), {usage: {prompt: 160, candidates: 7}}),
		);
		const question: Anthropic.MessageParam = {role: 'user', content: 'What is in /tmp/a.txt?'};
		const first = await harness.client.messages.stream({model: 'claude-sonnet-5-5', max_tokens: 2048, tools: [READ_TOOL], messages: [question]}).finalMessage();

		expect(first.stop_reason).toBe('tool_use');
		expect(first.content.map(block => block.type)).toEqual(['text', 'tool_use']);
		const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
		expect(toolUse).toMatchObject({name: 'Read', input: {file_path: '/tmp/a.txt'}});
		expect(toolUse.id).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(first.usage.input_tokens).toBeGreaterThan(0);
		expect(first.usage.output_tokens).toBeGreaterThan(0);
		// Google would have refused the schema with a 400; it reached upstream whitelisted.
		const [firstUpstream] = chats();
		expect(firstUpstream!.status).toBe(200);
		const declared = JSON.stringify(functionDeclarations(firstUpstream!));
		expect(declared).toContain('"file_path"');
		expect(declared).not.toMatch(/additionalProperties|\$schema|exclusiveMinimum/);

		const second = await harness.client.messages
			.stream({
				model: 'claude-sonnet-5-5',
				max_tokens: 2048,
				tools: [READ_TOOL],
				messages: [question, {role: 'assistant', content: first.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: toolUse.id, content: 'hello'}]}],
			})
			.finalMessage();
		expect(second.stop_reason).toBe('end_turn');
		expect(second.content).toEqual([expect.objectContaining({type: 'text', text: 'The file says hello.'})]);
		expect(second.usage.output_tokens).toBeGreaterThan(0);

		// The assistant turn must not be sent as text + tool_calls (Gemini Balance would drop the call).
		const secondUpstream = chats()[1]!;
		expect(secondUpstream.diagnostics).not.toContain('dropped_tool_calls');
		const contents = (secondUpstream.upstreamPayload as {contents: Array<{role: string; parts: Array<Record<string, unknown>>}>}).contents;
		expect(contents.some(content => content.role === 'model' && content.parts.some(part => 'functionCall' in part))).toBe(true);
		expect(JSON.stringify(contents)).toContain('hello');
	});

	it('parallel calls arriving as index 0 in separate chunks become two tool_use blocks', async () => {
		gb.enqueue(
			reply(
				parallelCalls([
					['Read', {file_path: '/a'}],
					['Read', {file_path: '/b'}],
				]),
				{usage: {prompt: 50, candidates: 10}},
			),
		);
		const message = await harness.client.messages
			.stream({model: 'claude-sonnet-5-5', max_tokens: 1024, tools: [READ_TOOL], messages: [{role: 'user', content: 'read /a and /b'}]})
			.finalMessage();
		expect(message.stop_reason).toBe('tool_use');
		const uses = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
		expect(uses.map(block => block.input)).toEqual([{file_path: '/a'}, {file_path: '/b'}]);
		expect(new Set(uses.map(block => block.id)).size).toBe(2);
	});

	it('non-stream: Gemini Balance says "stop" for a tool call; the client still gets tool_use', async () => {
		gb.enqueue(reply(call('Read', {file_path: '/c'}), {usage: {prompt: 40, candidates: 6}}));
		const message = await harness.client.messages.create({
			model: 'claude-sonnet-5-5',
			max_tokens: 1024,
			tools: [READ_TOOL],
			messages: [{role: 'user', content: 'read /c'}],
		});
		expect(message.stop_reason).toBe('tool_use');
		expect(message.content).toEqual([expect.objectContaining({type: 'tool_use', name: 'Read', input: {file_path: '/c'}})]);
		expect(message.usage.output_tokens).toBeGreaterThan(0);
	});

	it('webSearch route → the -search model; the web_search server tool is not sent upstream as a function', async () => {
		gb.enqueue(reply(text('Gemini 2.5 was released in 2025.', {split: 2}), {usage: {prompt: 30, candidates: 9}}));
		const message = await harness.client.messages
			.stream({
				model: 'claude-sonnet-5-5',
				max_tokens: 1024,
				tools: [{type: 'web_search_20250305', name: 'web_search', max_uses: 8}],
				messages: [{role: 'user', content: 'Perform a web search for the query: Gemini 2.5 release date'}],
			})
			.finalMessage();
		expect(message.stop_reason).toBe('end_turn');
		expect(
			message.content
				.filter(block => block.type === 'text')
				.map(block => (block as Anthropic.TextBlock).text)
				.join(''),
		).toBe('Gemini 2.5 was released in 2025.');
		const [upstream] = chats();
		expect((upstream!.body as {model: string}).model).toBe('gemini-2.5-flash-search');
		const sentTools = ((upstream!.body as {tools?: Array<{function?: {name?: string}}>}).tools ?? []).map(tool => tool.function?.name);
		expect(sentTools).not.toContain('web_search');
		expect(functionDeclarations(upstream!)).toEqual([]);
		// With no function declarations left, Gemini Balance grounds the -search model with Google Search.
		expect((upstream!.upstreamPayload as {tools: unknown[]}).tools).toEqual([{googleSearch: {}}]);
	});

	it('/openai/v1 (gemini-openai): tool deltas without index and "stop" on a tool call still give tool_use', async () => {
		gb.enqueue(reply([...text('Reading.'), ...call('Read', {file_path: '/d'})], {usage: {prompt: 33, candidates: 4}}));
		const message = await harness.client.messages
			.stream({model: 'gb-openai,gemini-2.5-flash', max_tokens: 1024, tools: [READ_TOOL], messages: [{role: 'user', content: 'read /d'}]})
			.finalMessage();
		expect(message.stop_reason).toBe('tool_use');
		expect(message.content).toEqual([
			expect.objectContaining({type: 'text', text: 'Reading.'}),
			expect.objectContaining({type: 'tool_use', name: 'Read', input: {file_path: '/d'}}),
		]);
		expect(gb.requests.at(-1)!.path).toBe('/openai/v1/chat/completions');
	});

	it("Claude Code's harder schemas (format uri, nested arrays, nullable anyOf, $ref/$defs) pass Google's validation", async () => {
		const tools: Anthropic.Tool[] = [
			{
				name: 'WebFetch',
				description: 'Fetch a URL',
				input_schema: {
					type: 'object',
					properties: {url: {type: 'string', format: 'uri'}, prompt: {type: 'string'}},
					required: ['url', 'prompt'],
					additionalProperties: false,
					$schema: 'http://json-schema.org/draft-07/schema#',
				} as Anthropic.Tool.InputSchema,
			},
			{
				name: 'TodoWrite',
				description: 'Write todos',
				input_schema: {
					type: 'object',
					properties: {
						todos: {type: 'array', items: {$ref: '#/$defs/todo'}},
						note: {anyOf: [{type: 'string'}, {type: 'null'}]},
						tags: {type: 'array'},
					},
					required: ['todos'],
					$defs: {
						todo: {
							type: 'object',
							properties: {content: {type: 'string', minLength: 1}, status: {type: 'string', enum: ['pending', 'completed']}},
							required: ['content', 'status'],
							additionalProperties: false,
						},
					},
				} as Anthropic.Tool.InputSchema,
			},
		];
		gb.enqueue(reply(text('ok'), {usage: {prompt: 70, candidates: 1}}));
		const message = await harness.client.messages.create({model: 'claude-sonnet-5-5', max_tokens: 256, tools, messages: [{role: 'user', content: 'hi'}]});
		expect(message.stop_reason).toBe('end_turn');
		const [upstream] = chats();
		expect(upstream!.status).toBe(200);
		expect(functionDeclarations(upstream!).map(declaration => declaration['name'])).toEqual(['WebFetch', 'TodoWrite']);
	});

	it('thinking (reasoning_content with "" fields) becomes a thinking block, then the text; no empty blocks', async () => {
		const thinker = await startFakeGeminiBalance({allowedTokens: [TOKEN], thinkingBudgetMap: {'gemini-2.5-flash': 2048}, showThinking: true});
		try {
			harness.store.update(raw => {
				(raw['Providers'] as Array<Record<string, unknown>>)[0]!['api_base_url'] = `${thinker.url}/v1/chat/completions`;
			});
			thinker.enqueue(reply([[{text: 'Consider the file.', thought: true}], [{text: 'It says hi.'}]], {usage: {prompt: 20, candidates: 4, thoughts: 30}}));
			const message = await harness.client.messages
				.stream({model: 'claude-sonnet-5-5', max_tokens: 4096, thinking: {type: 'enabled', budget_tokens: 1024}, messages: [{role: 'user', content: 'what?'}]})
				.finalMessage();
			expect(message.content.map(block => block.type)).toEqual(['thinking', 'text']);
			expect(message.content[0]).toMatchObject({thinking: 'Consider the file.'});
			expect(message.content[1]).toMatchObject({text: 'It says hi.'});
			expect(message.stop_reason).toBe('end_turn');
		} finally {
			harness.store.update(raw => {
				(raw['Providers'] as Array<Record<string, unknown>>)[0]!['api_base_url'] = `${gb.url}/v1/chat/completions`;
			});
			await thinker.close();
		}
	});

	it('an empty Gemini answer does not hang or crash the client', async () => {
		gb.enqueue({attempts: [{ok: {chunks: [], empty: true}}]});
		const outcome = await harness.client.messages
			.stream({model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{role: 'user', content: 'hi'}]})
			.finalMessage()
			.then(
				message => ({ok: true as const, message}),
				(error: unknown) => ({ok: false as const, error}),
			);
		// Either a well-formed (empty) answer or a proper Anthropic error the SDK can read; never a
		// hang, a connection error or an SSE the SDK cannot parse. (Today: content [], end_turn.)
		if (outcome.ok) {
			expect(outcome.message.stop_reason).toBe('end_turn');
			expect(outcome.message.content.every(block => block.type !== 'text' || block.text !== '')).toBe(true);
		} else {
			expect(outcome.error).toBeInstanceOf(APIError);
			expect((outcome.error as InstanceType<typeof APIError>).error).toMatchObject({type: 'error'});
		}
	});
});
