/**
 * Issue 13: what the real Gemini Balance 2.2.8 does, enforced by the fake, and what the proxy does
 * about it, in both configurations users run it with: built-in defaults and `.env.example` (fake
 * streaming + a thinking budget for gemini-2.5-flash). Official SDK → proxy → fake Gemini Balance.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import {APIError} from '@anthropic-ai/sdk';
import {
	call,
	envExampleOptions,
	parallelCalls,
	reply,
	startFakeGeminiBalance,
	text,
	thought,
	type FakeGbOptions,
	type FakeGeminiBalance,
	type GbRecordedRequest,
} from '../fakes/gemini-balance.js';
import type {GContent as GContentForTests} from '../fakes/gemini-balance/convert.js';
import {DEFAULT_MODELS} from '../fakes/gemini-balance/models.js';
import {describeModelList, fetchModelList, toDiscoveredModels} from '../../source/providers/model-list.js';
import {targetForProvider} from '../../source/providers/provider-target.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';

const TOKEN = 'sk-gb-rules-token-1313';
const MODELS = [...DEFAULT_MODELS, {id: 'gemini-3-pro-preview', displayName: 'Gemini 3 Pro Preview', outputTokenLimit: 65_536, thinking: true}];

const BASH: Anthropic.Tool = {
	name: 'Bash',
	description: 'Run a shell command',
	input_schema: {type: 'object', properties: {command: {type: 'string'}}, required: ['command'], additionalProperties: false} as Anthropic.Tool.InputSchema,
};

/** An MCP-style tool whose parameters are named like JSON Schema keywords. */
const SEARCH: Anthropic.Tool = {
	name: 'mcp__docs__search',
	description: 'Search the docs',
	input_schema: {
		type: 'object',
		properties: {
			query: {type: 'string'},
			examples: {type: 'array', items: {type: 'string'}, description: 'sample phrasings'},
			not: {type: 'object', properties: {const: {type: 'string'}}},
		},
		required: ['query', 'examples'],
	},
};

const CONFIGURATIONS: Array<[string, FakeGbOptions]> = [
	['built-in defaults', {}],
	['.env.example', envExampleOptions({intervalMs: 10, addedMs: 25})],
];

describe.each(CONFIGURATIONS)('Gemini Balance (%s) through the proxy', (label, options) => {
	const fakeStreamed = label === '.env.example';
	let gb: FakeGeminiBalance;
	let harness: Harness;
	beforeAll(async () => {
		gb = await startFakeGeminiBalance({allowedTokens: [TOKEN], models: MODELS, ...options});
		harness = await startHarness({
			config: () => ({
				Providers: [
					{
						name: 'gb',
						api_base_url: `${gb.url}/v1/chat/completions`,
						api_key: TOKEN,
						models: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-pro-preview'],
						profile: 'gemini-balance',
					},
					{name: 'gbo', api_base_url: `${gb.url}/openai/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash', 'gemini-3-pro-preview'], profile: 'gemini-openai'},
				],
				Router: {default: 'gb,gemini-2.5-pro'},
			}),
		});
	});
	afterAll(async () => {
		await harness?.close();
		await gb?.close();
	});
	afterEach(() => gb.reset());

	const chats = (): GbRecordedRequest[] => gb.requests.filter(request => request.path.endsWith('/chat/completions'));
	const contents = (request: GbRecordedRequest): GContentForTests[] => (request.upstreamPayload as {contents: GContentForTests[]}).contents;
	const stream = (body: Omit<Anthropic.MessageCreateParamsStreaming, 'stream'>) => harness.client.messages.stream(body).finalMessage();
	const toolUses = (message: Anthropic.Message) => message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');

	it('narration then a call: the next turn sends the calls alone, Google accepts the turn order, the loop ends', async () => {
		gb.enqueue(reply([...text("I'll check the file."), ...call('Bash', {command: 'cat a.txt'})]), reply(text('It says hello.')));
		const question: Anthropic.MessageParam = {role: 'user', content: 'what is in a.txt?'};
		const first = await stream({model: 'm', max_tokens: 1024, tools: [BASH], messages: [question]});
		expect(first.stop_reason).toBe('tool_use');
		const [use] = toolUses(first);
		const second = await stream({
			model: 'm',
			max_tokens: 1024,
			tools: [BASH],
			messages: [question, {role: 'assistant', content: first.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: use!.id, content: 'hello'}]}],
		});
		expect(second.content).toEqual([expect.objectContaining({type: 'text', text: 'It says hello.'})]);
		const sent = chats()[1]!;
		expect(sent.status).toBe(200);
		expect(sent.diagnostics).not.toContain('dropped_tool_calls');
		const model = contents(sent).filter(content => content.role === 'model');
		expect(model).toEqual([{role: 'model', parts: [{functionCall: {name: 'Bash', args: {command: 'cat a.txt'}}}]}]);
	});

	it('two parallel calls: results go up in the order of the calls, whatever order Claude Code returns them in', async () => {
		gb.enqueue(
			reply(
				parallelCalls([
					['Bash', {command: 'echo one'}],
					['Bash', {command: 'echo two'}],
				]),
			),
			reply(text('one, two')),
		);
		const question: Anthropic.MessageParam = {role: 'user', content: 'run both'};
		const first = await stream({model: 'm', max_tokens: 1024, tools: [BASH], messages: [question]});
		const [a, b] = toolUses(first);
		const second = await stream({
			model: 'm',
			max_tokens: 1024,
			tools: [BASH],
			messages: [
				question,
				{role: 'assistant', content: first.content},
				// Completion order: the second call finished first.
				{
					role: 'user',
					content: [
						{type: 'tool_result', tool_use_id: b!.id, content: 'two'},
						{type: 'tool_result', tool_use_id: a!.id, content: 'one'},
					],
				},
			],
		});
		expect(second.stop_reason).toBe('end_turn');
		const results = contents(chats()[1]!)
			.filter(content => content.role === 'user')
			.slice(1);
		expect(results.map(content => content.parts[0]!['text'])).toEqual(['one', 'two']);
	});

	it('an empty tool result is never sent empty (Gemini Balance would drop it and the model would call again)', async () => {
		gb.enqueue(reply(call('Bash', {command: 'true'})), reply(text('No output, done.')));
		const question: Anthropic.MessageParam = {role: 'user', content: 'run true'};
		const first = await stream({model: 'm', max_tokens: 1024, tools: [BASH], messages: [question]});
		const [use] = toolUses(first);
		const second = await stream({
			model: 'm',
			max_tokens: 1024,
			tools: [BASH],
			messages: [question, {role: 'assistant', content: first.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: use!.id, content: ''}]}],
		});
		expect(second.content).toEqual([expect.objectContaining({text: 'No output, done.'})]);
		const sent = chats()[1]!;
		expect(sent.diagnostics.filter(item => item.startsWith('dropped_empty'))).toEqual([]);
		expect(contents(sent).at(-1)).toMatchObject({role: 'user', parts: [{text: '[the tool returned no output]'}]});
	});

	it.each([true, false])('a property named `examples` (required) reaches Google renamed and the tool under its real name (stream %s)', async streamed => {
		gb.enqueue(reply(call('mcp__docs__search', {query: 'retry', examples_: ['how to retry'], not_: {const_: 'x'}})), reply(text('Found it.')));
		const question: Anthropic.MessageParam = {role: 'user', content: 'search the docs'};
		const body = {model: 'm', max_tokens: 1024, tools: [SEARCH], messages: [question]};
		const first = streamed ? await stream(body) : await harness.client.messages.create(body);
		expect(first.stop_reason).toBe('tool_use');
		const [use] = toolUses(first);
		expect(use!.input).toEqual({query: 'retry', examples: ['how to retry'], not: {const: 'x'}});
		const declared = (chats()[0]!.upstreamPayload as {tools: Array<{functionDeclarations: Array<{parameters: {properties: object; required: string[]}}>}>}).tools[0]!
			.functionDeclarations[0]!.parameters;
		expect(Object.keys(declared.properties)).toEqual(['query', 'examples_', 'not_']);
		expect(declared.required).toEqual(['query', 'examples_']);
		// The history goes up with the upstream names too.
		const next = {
			...body,
			messages: [
				question,
				{role: 'assistant' as const, content: first.content},
				{role: 'user' as const, content: [{type: 'tool_result' as const, tool_use_id: use!.id, content: 'r'}]},
			],
		};
		const second = streamed ? await stream(next) : await harness.client.messages.create(next);
		expect(second.stop_reason).toBe('end_turn');
		const replayed = contents(chats()[1]!).find(content => content.role === 'model')!.parts[0]!['functionCall'];
		expect(replayed).toEqual({name: 'mcp__docs__search', args: {query: 'retry', examples_: ['how to retry'], not_: {const_: 'x'}}});
	});

	it('a mid-conversation system message stays in place (Gemini Balance would move it into the system instruction)', async () => {
		gb.enqueue(reply(text('ok')));
		await stream({
			model: 'm',
			max_tokens: 256,
			messages: [
				{role: 'user', content: 'first'},
				{role: 'assistant', content: 'noted'},
				{role: 'system', content: 'The user switched to plan mode.'} as unknown as Anthropic.MessageParam,
				{role: 'user', content: 'second'},
			],
		});
		const sent = chats()[0]!;
		expect(sent.status).toBe(200);
		expect(sent.diagnostics).not.toContain('system_moved_to_instruction');
		expect(JSON.stringify(contents(sent).at(-2))).toContain('plan mode');
	});

	it('a deterministic 400 (streamed) reaches the client as a non-retryable invalid_request_error: one Gemini Balance request, ≤ 1 failure per key', async () => {
		const refused = {status: 400 as const, googleStatus: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.'};
		gb.setDefault({attempts: [refused]});
		const error = await stream({model: 'm', max_tokens: 256, messages: [{role: 'user', content: 'hi'}]}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(APIError);
		const apiError = error as InstanceType<typeof APIError>;
		expect([apiError.status, apiError.error]).toMatchObject([400, {error: {type: 'invalid_request_error', message: 'Request contains an invalid argument.'}}]);
		expect(apiError.headers?.get('x-should-retry')).toBe('false');
		expect(chats()).toHaveLength(1);
		// Claude Code resends an unexplained 400 with fewer betas or other tools (six requests per turn,
		// measured): the same conversation gets the same refusal without another upstream call.
		const resent = await harness.client.messages.create({model: 'm', max_tokens: 512, tools: [BASH], messages: [{role: 'user', content: 'hi'}]}).then(
			() => undefined,
			(caught: unknown) => caught as InstanceType<typeof APIError>,
		);
		expect([resent?.status, resent?.message]).toEqual([400, expect.stringContaining('not sent upstream again')]);
		expect(chats()).toHaveLength(1);
		const pool = (await (await fetch(`${gb.url}/v1/keys/list`, {headers: {authorization: `Bearer ${TOKEN}`}})).json()) as {data: {valid_keys: Record<string, number>}};
		expect(Math.max(...Object.values(pool.data.valid_keys))).toBeLessThanOrEqual(1);
		// A new turn is a new request.
		gb.setDefault(reply(text('fine now')));
		const next = await stream({
			model: 'm',
			max_tokens: 256,
			messages: [
				{role: 'user', content: 'hi'},
				{role: 'assistant', content: 'x'},
				{role: 'user', content: 'again'},
			],
		});
		expect(next.content).toEqual([expect.objectContaining({text: 'fine now'})]);
	});

	it("non-stream: Gemini Balance's opaque 500 is retried once, then explained, and not retried by the SDK", async () => {
		gb.setDefault({attempts: [{status: 400, googleStatus: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.'}]});
		const error = await harness.client.messages.create({model: 'm', max_tokens: 256, messages: [{role: 'user', content: 'hello, non-stream'}]}).catch((caught: unknown) => caught);
		const apiError = error as InstanceType<typeof APIError>;
		expect(apiError.status).toBe(500);
		expect(apiError.message).toContain('replaces every Google error');
		expect(apiError.headers?.get('x-should-retry')).toBe('false');
		expect(chats()).toHaveLength(2);
	});

	it('thinking: the whole answer arrives (fake streaming would have lost the text), and only the first request pays for it', async () => {
		const answer = () => reply([...thought('The user wants a greeting.'), ...text('Hello there.')], {usage: {prompt: 9, candidates: 3, thoughts: 12}});
		gb.enqueue(answer(), answer(), answer());
		const body = {
			model: 'gb,gemini-2.5-flash',
			max_tokens: 4096,
			thinking: {type: 'enabled' as const, budget_tokens: 2048},
			messages: [{role: 'user' as const, content: 'greet me'}],
		};
		const first = await stream(body);
		const expected = fakeStreamed ? ['thinking', 'text'] : ['text'];
		expect(first.content.map(block => block.type)).toEqual(expected);
		expect(first.content.at(-1)).toMatchObject({type: 'text', text: 'Hello there.'});
		const second = await stream(body);
		expect(second.content.map(block => block.type)).toEqual(expected);
		expect(chats().map(request => (request.body as {stream?: boolean}).stream === true)).toEqual(fakeStreamed ? [true, false, false] : [true, true]);
		if (fakeStreamed) expect(harness.events.some(event => event.type === 'notice' && event.message.includes('FAKE_STREAM_ENABLED=false'))).toBe(true);
	});

	it('a 4-call loop ends with the right answer (tool_use ×4, then end_turn)', async () => {
		for (let index = 1; index <= 4; index++) gb.enqueue(reply([...text(`Step ${index}.`), ...call('Bash', {command: `echo ${index}`})]));
		gb.enqueue(reply(text('All four ran.')));
		const messages: Anthropic.MessageParam[] = [{role: 'user', content: 'run four steps'}];
		for (let index = 1; index <= 5; index++) {
			const message = await stream({model: 'm', max_tokens: 1024, tools: [BASH], messages});
			if (index === 5) {
				expect(message.content).toEqual([expect.objectContaining({text: 'All four ran.'})]);
				break;
			}

			expect(message.stop_reason).toBe('tool_use');
			const [use] = toolUses(message);
			expect(use!.input).toEqual({command: `echo ${index}`});
			messages.push({role: 'assistant', content: message.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: use!.id, content: String(index)}]});
		}

		expect(chats().every(request => request.status === 200)).toBe(true);
	});

	it('/openai/v1, gemini-3: thought signatures go back with the calls; a 3-call loop ends', async () => {
		for (let index = 1; index <= 3; index++) gb.enqueue(reply(call('Bash', {command: `step ${index}`}, `sig-${index}`)));
		gb.enqueue(reply(text('Three done.')));
		const messages: Anthropic.MessageParam[] = [{role: 'user', content: 'three steps'}];
		for (let index = 1; index <= 4; index++) {
			const message = await stream({model: 'gbo,gemini-3-pro-preview', max_tokens: 1024, tools: [BASH], messages});
			if (index === 4) {
				expect(message.content).toEqual([expect.objectContaining({text: 'Three done.'})]);
				break;
			}

			const [use] = toolUses(message);
			messages.push({role: 'assistant', content: message.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: use!.id, content: 'ok'}]});
		}

		const last = chats().at(-1)!.body as {messages: Array<{tool_calls?: Array<{extra_content?: unknown}>}>};
		const signatures = last.messages.flatMap(message => message.tool_calls ?? []).map(item => item.extra_content);
		expect(signatures).toEqual([1, 2, 3].map(index => ({google: {thought_signature: `sig-${index}`}})));
		expect(chats().every(request => request.status === 200)).toBe(true);
	});
});

describe.each(CONFIGURATIONS)('the wizard and Gemini Balance model lists (%s)', (label, options) => {
	it('-non-thinking offered whether or not listed (/v1 only); Imagen -chat (wrong root) left out; a null list is a clear failure', async () => {
		const gb = await startFakeGeminiBalance({allowedTokens: [TOKEN], ...options});
		try {
			const target = targetForProvider({name: 'gb', api_base_url: `${gb.url}/v1/chat/completions`, api_key: TOKEN, models: [], profile: 'gemini-balance'});
			const list = await fetchModelList(target);
			expect(list.kind).toBe('ok');
			const ids = list.kind === 'ok' ? list.ids : [];
			expect(ids).toContain('imagen-3.0-generate-002-chat');
			expect(ids.includes('gemini-2.5-flash-non-thinking')).toBe(label === '.env.example');
			const offered = toDiscoveredModels(ids, 'gemini-balance', 'v1').map(model => model.id);
			expect(offered).toEqual(expect.arrayContaining(['gemini-2.5-flash', 'gemini-2.5-flash-non-thinking', 'gemini-2.5-pro-non-thinking']));
			expect(offered.filter(id => id.endsWith('-non-thinking'))).toHaveLength(new Set(offered.filter(id => id.endsWith('-non-thinking'))).size);
			expect(offered.some(id => id.startsWith('imagen'))).toBe(false);
			expect(toDiscoveredModels(ids, 'gemini-balance', 'openai').some(id => id.id.endsWith('-non-thinking') && !ids.includes(id.id))).toBe(false);
			gb.configure({upstreamModelsFail: true});
			const down = await fetchModelList(target);
			expect(down.kind).toBe('null');
			expect(describeModelList(down, target)).toMatchObject({status: 'fail', hint: expect.stringMatching(/cannot reach Google/)});
		} finally {
			await gb.close();
		}
	});
});
