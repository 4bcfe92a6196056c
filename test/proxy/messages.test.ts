/**
 * The official SDK against the running proxy and a scripted OpenAI-compatible upstream:
 * create() and stream().finalMessage() for every answer shape, plus the upstream errors.
 */
import Anthropic from '@anthropic-ai/sdk';
import {afterEach, describe, expect, it} from 'vitest';
import type {RequestFinished, RequestStarted} from '../../source/activity/events.js';
import {answer, fail, type Script} from '../fakes/openai-upstream.js';
import {startHarness, type Harness, type HarnessOptions} from '../helpers/proxy-harness.js';

const MODEL = 'claude-test-sonnet';
let harness: Harness | undefined;

afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
	harness = await startHarness(options);
	return harness;
}

type Params = Anthropic.MessageCreateParamsNonStreaming;

const base: Params = {model: MODEL, max_tokens: 512, messages: [{role: 'user', content: 'Say hello'}]};

/** Both client paths must give the same message. */
async function both(h: Harness, params: Params = base) {
	const created = await h.client.messages.create(params);
	const streamed = await h.client.messages.stream(params).finalMessage();
	return {created, streamed};
}

const bashTool: Anthropic.Tool = {
	name: 'Bash',
	description: 'Run a shell command',
	input_schema: {type: 'object', properties: {command: {type: 'string'}}, required: ['command']},
};

describe('answer shapes', () => {
	it('one content delta of 2 MB (an image as base64 text, streamed as it arrives) reaches the SDK whole', async () => {
		const image = `![image](data:image/png;base64,${'iVBORw0KGgo'.repeat(200_000)})`;
		const h = await start({upstream: answer({text: image, pieces: 1, usage: {prompt_tokens: 4, completion_tokens: 1500}})});
		const streamed = await h.client.messages.stream(base).finalMessage();
		expect(streamed.content).toEqual([expect.objectContaining({type: 'text', text: image})]);
		expect(streamed.stop_reason).toBe('end_turn');
		expect(streamed.usage).toMatchObject({output_tokens: 1500});
	});

	it('text', async () => {
		const h = await start({upstream: answer({text: 'Hello there, friend.', usage: {prompt_tokens: 12, completion_tokens: 5}})});
		const {created, streamed} = await both(h);
		for (const message of [created, streamed]) {
			expect(message.content).toEqual([expect.objectContaining({type: 'text', text: 'Hello there, friend.'})]);
			expect(message.stop_reason).toBe('end_turn');
			expect(message.model).toBe(MODEL);
			expect(message.id).toMatch(/^msg_/);
			expect(message.usage).toMatchObject({input_tokens: 12, output_tokens: 5});
		}

		expect(h.upstreamRequests.map(request => request.body.stream ?? false)).toEqual([false, true]);
		expect(h.upstreamRequests[0]?.body.model).toBe('up-model');
	});

	it('one tool call', async () => {
		const h = await start({upstream: answer({toolCalls: [{id: 'call_a', name: 'Bash', arguments: {command: 'ls -la'}}]})});
		const {created, streamed} = await both(h, {...base, tools: [bashTool]});
		for (const message of [created, streamed]) {
			expect(message.stop_reason).toBe('tool_use');
			const tools = message.content.filter(block => block.type === 'tool_use');
			expect(tools).toHaveLength(1);
			expect(tools[0]).toMatchObject({type: 'tool_use', name: 'Bash', input: {command: 'ls -la'}});
			expect((tools[0] as Anthropic.ToolUseBlock).id).toMatch(/^toolu_|^call_/);
		}

		expect(h.upstreamRequests[0]?.body.tools?.[0]?.function?.name).toBe('Bash');
	});

	it('parallel tool calls', async () => {
		const script: Script = {
			text: 'Checking both.',
			toolCalls: [
				{name: 'Bash', arguments: {command: 'git status'}},
				{name: 'Bash', arguments: {command: 'git log -1'}},
			],
		};
		const h = await start({upstream: answer(script)});
		const {created, streamed} = await both(h, {...base, tools: [bashTool]});
		for (const message of [created, streamed]) {
			expect(message.content.map(block => block.type)).toEqual(['text', 'tool_use', 'tool_use']);
			expect(message.content.slice(1).map(block => (block as Anthropic.ToolUseBlock).input)).toEqual([{command: 'git status'}, {command: 'git log -1'}]);
			const ids = message.content.slice(1).map(block => (block as Anthropic.ToolUseBlock).id);
			expect(new Set(ids).size).toBe(2);
		}
	});

	it('thinking (reasoning_content → thinking block before the text)', async () => {
		const h = await start({
			upstream: answer({reasoning: 'The user wants a greeting. ', text: 'Hello!'}),
			config: url => ({
				Providers: [{name: 'ds', api_base_url: `${url}/chat/completions`, api_key: 'sk-deepseek-test-0001', models: ['deepseek-reasoner'], profile: 'deepseek'}],
				Router: {default: 'ds,deepseek-reasoner', think: 'ds,deepseek-reasoner', thinkEffort: 'medium'},
			}),
		});
		const {created, streamed} = await both(h, {...base, max_tokens: 4096, thinking: {type: 'enabled', budget_tokens: 2048}});
		for (const message of [created, streamed]) {
			expect(message.content.map(block => block.type)).toEqual(['thinking', 'text']);
			expect(message.content[0]).toMatchObject({type: 'thinking', thinking: 'The user wants a greeting. '});
			expect((message.content[0] as Anthropic.ThinkingBlock).signature.length).toBeGreaterThan(0);
		}

		const started = h.events.find((event): event is RequestStarted => event.type === 'request:start');
		expect(started).toMatchObject({scenario: 'think', provider: 'ds', model: 'deepseek-reasoner', reason: 'effort medium (thinking budget 2,048) ≥ thinkEffort medium'});
	});

	it('image input reaches the upstream as an image_url data URL', async () => {
		const h = await start({upstream: answer({text: 'A red pixel.'})});
		const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
		const params: Params = {
			...base,
			messages: [
				{
					role: 'user',
					content: [
						{type: 'image', source: {type: 'base64', media_type: 'image/png', data: png}},
						{type: 'text', text: 'What is this?'},
					],
				},
			],
		};
		const {created, streamed} = await both(h, params);
		expect(created.content).toEqual([expect.objectContaining({text: 'A red pixel.'})]);
		expect(streamed.content).toEqual([expect.objectContaining({text: 'A red pixel.'})]);
		const parts = h.upstreamRequests[0]?.body.messages.at(-1).content as Array<{type: string; image_url?: {url: string}}>;
		expect(parts.find(part => part.type === 'image_url')?.image_url?.url).toBe(`data:image/png;base64,${png}`);
	});

	it('the upstream answering JSON to a stream request is re-streamed', async () => {
		const h = await start({
			upstream: (req, res) => {
				const body = JSON.stringify({
					id: 'x',
					object: 'chat.completion',
					model: 'up-model',
					choices: [{index: 0, message: {role: 'assistant', content: 'from json'}, finish_reason: 'stop'}],
					usage: {prompt_tokens: 3, completion_tokens: 2},
				});
				res.writeHead(200, {'content-type': 'application/json'});
				res.end(body);
			},
		});
		const message = await h.client.messages.stream(base).finalMessage();
		expect(message.content).toEqual([expect.objectContaining({type: 'text', text: 'from json'})]);
	});

	it('the upstream answering SSE to a non-stream request is collected', async () => {
		const h = await start({upstream: (req, res) => answer({text: 'collected'})({...req, body: {...req.body, stream: true}}, res)});
		const message = await h.client.messages.create(base);
		expect(message.content).toEqual([expect.objectContaining({type: 'text', text: 'collected'})]);
	});

	it('two interleaved streams stay independent', async () => {
		const h = await start({
			upstream: (req, res) => answer({text: `answer for ${req.body.messages[0].content}`, pieces: 8, chunkDelayMs: 5})(req, res),
		});
		const [a, b] = await Promise.all([
			h.client.messages.stream({...base, messages: [{role: 'user', content: 'alpha'}]}).finalMessage(),
			h.client.messages.stream({...base, messages: [{role: 'user', content: 'beta'}]}).finalMessage(),
		]);
		expect(a.content).toEqual([expect.objectContaining({text: 'answer for alpha'})]);
		expect(b.content).toEqual([expect.objectContaining({text: 'answer for beta'})]);
		expect(a.id).not.toBe(b.id);
	});
});

describe('Anthropic-compatible upstream (profile anthropic)', () => {
	it('forwards the body with the routed model and relays the answer untouched', async () => {
		const message = {
			id: 'msg_upstream',
			type: 'message',
			role: 'assistant',
			model: 'real-claude',
			content: [{type: 'text', text: 'passed through'}],
			stop_reason: 'end_turn',
			stop_sequence: null,
			usage: {input_tokens: 5, output_tokens: 2},
		};
		const h = await start({
			config: url => ({
				Providers: [{name: 'anth', api_base_url: `${url}/v1`, api_key: 'sk-ant-upstream-0001', models: ['real-claude'], profile: 'anthropic'}],
				Router: {default: 'anth,real-claude'},
			}),
			upstream: (req, res) => {
				if (!req.body.stream) {
					res.writeHead(200, {'content-type': 'application/json'});
					res.end(JSON.stringify(message));
					return;
				}

				res.writeHead(200, {'content-type': 'text/event-stream'});
				const events: Array<[string, unknown]> = [
					['message_start', {type: 'message_start', message: {...message, content: [], stop_reason: null, usage: {input_tokens: 5, output_tokens: 1}}}],
					['content_block_start', {type: 'content_block_start', index: 0, content_block: {type: 'text', text: ''}}],
					['content_block_delta', {type: 'content_block_delta', index: 0, delta: {type: 'text_delta', text: 'passed through'}}],
					['content_block_stop', {type: 'content_block_stop', index: 0}],
					['message_delta', {type: 'message_delta', delta: {stop_reason: 'end_turn', stop_sequence: null}, usage: {output_tokens: 2}}],
					['message_stop', {type: 'message_stop'}],
				];
				for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
				res.end();
			},
		});
		const {created, streamed} = await both(h);
		for (const result of [created, streamed]) expect(result.content).toEqual([expect.objectContaining({type: 'text', text: 'passed through'})]);
		const sent = h.upstreamRequests[0]!;
		expect(sent.url).toBe('/v1/messages');
		expect(sent.headers['x-api-key']).toBe('sk-ant-upstream-0001');
		expect(sent.headers['authorization']).toBeUndefined();
		expect(sent.body.model).toBe('real-claude');
		expect(h.events.filter(event => event.type === 'request:end')).toHaveLength(2);
	});
});

describe('upstream errors reach the SDK as Anthropic errors', () => {
	const noRetries = (url: string) => ({
		Providers: [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-fake-upstream-key-0001', models: ['up-model'], max_retries: 0}],
		Router: {default: 'fake,up-model'},
	});

	it.each([
		[400, Anthropic.BadRequestError, 'invalid_request_error', 'bad field foo'],
		[401, Anthropic.AuthenticationError, 'authentication_error', 'upstream rejected the provider API key'],
		[404, Anthropic.NotFoundError, 'not_found_error', 'model does not exist'],
		[429, Anthropic.RateLimitError, 'rate_limit_error', 'slow down'],
		[500, Anthropic.InternalServerError, 'api_error', 'boom'],
	] as const)('upstream %i → its Anthropic error class', async (status, ErrorClass, type, text) => {
		const h = await start({upstream: fail(status, status === 401 ? 'invalid key' : text), config: noRetries});
		for (const call of [() => h.client.messages.create(base), () => h.client.messages.stream(base).finalMessage()]) {
			const error = await call().then(
				() => undefined,
				(error_: unknown) => error_,
			);
			expect(error).toBeInstanceOf(ErrorClass);
			const apiError = error as InstanceType<typeof Anthropic.APIError>;
			expect(apiError.status).toBe(status);
			expect((apiError.error as {error?: {type?: string}}).error?.type).toBe(type);
			expect(apiError.message).toContain(text);
			expect(apiError.requestID).toMatch(/^req_/);
		}
	});

	it('upstream 503 → 529 overloaded_error', async () => {
		const h = await start({upstream: fail(503, 'Server Overloaded'), config: noRetries});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(529);
		expect((error.error as {error?: {type?: string}}).error?.type).toBe('overloaded_error');
	});

	it('a context-window error is reworded so Claude Code compacts', async () => {
		const h = await start({
			upstream: fail(400, "This model's maximum context length is 65536 tokens. However, you requested 70000 tokens (66000 in the messages, 4000 in the completion)."),
			config: noRetries,
		});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(400);
		expect(error.message).toMatch(/prompt is too long|exceed context limit/);
	});
});

describe('activity', () => {
	it('reports start, attempt, first token and end with usage', async () => {
		const h = await start({upstream: answer({text: 'Some streamed words here.', usage: {prompt_tokens: 40, completion_tokens: 7}})});
		await h.client.messages.stream(base).finalMessage();
		const types = h.events.map(event => event.type);
		expect(types[0]).toBe('request:start');
		expect(types).toContain('request:first-token');
		expect(types.at(-1)).toBe('request:end');
		const started = h.events[0] as RequestStarted;
		expect(started).toMatchObject({
			scenario: 'default',
			reason: 'no other rule matched',
			provider: 'fake',
			model: 'up-model',
			requestedModel: MODEL,
			stream: true,
			upstreamHost: new URL(h.upstreamUrl).host,
		});
		expect(started.inputTokens).toBeGreaterThan(0);
		const ended = h.events.at(-1) as RequestFinished;
		expect(ended).toMatchObject({status: 200, stopReason: 'end_turn', usage: {inputTokens: 40, outputTokens: 7}, provider: 'fake', model: 'up-model'});
		expect(h.events).toContainEqual(expect.objectContaining({type: 'request:attempt', attempt: expect.objectContaining({outcome: 'answered', status: 200})}));
		expect(h.activity.getSnapshot().recent[0]).toMatchObject({state: 'done', provider: 'fake', outputTokens: 7});
		expect(h.proxy.inFlight()).toBe(0);
	});
});
