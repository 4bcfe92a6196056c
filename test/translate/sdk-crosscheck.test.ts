/**
 * Spec §6.0 H01: the official SDK against the real proxy, fed by an upstream that replays each
 * fixture's chunks byte for byte. Every stream fixture ending in message_stop must give
 * `messages.stream(req).finalMessage()` with the expected content; every error fixture must make
 * the SDK throw APIError with the expected type. Also the proxy-side fixtures (§6.5, F-S10/S26/S28,
 * F-E07, F-E09…E11) that only make sense over HTTP.
 */
import net from 'node:net';
import {APIError, APIUserAbortError} from '@anthropic-ai/sdk';
import type {MessageCreateParamsNonStreaming} from '@anthropic-ai/sdk/resources/messages';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import type {RawConfig} from '../../source/config/schema.js';
import {sendJson, startSse, type FakeUpstreamHandler} from '../fakes/openai-upstream.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {type Block, C, comparable, DONE, expectedEvents, expectedMessage, parseSse} from './helpers.js';
import {STREAM_FIXTURES, type StreamFixture} from './stream-fixtures.js';

const PROVIDER_KEY = 'sk-fake-upstream-key-0001';
/** Not in the SDK's deprecation list (claude-sonnet-4-5 of the fixtures makes it warn on stderr). */
const MODEL = 'claude-sonnet-5-5';

function config(upstreamUrl: string): RawConfig {
	const provider = (name: string, extra: Record<string, unknown> = {}) => ({
		name,
		api_base_url: `${upstreamUrl}/v1/chat/completions`,
		api_key: PROVIDER_KEY,
		models: ['up-model', 'other-model', 'think-model'],
		max_retries: 0,
		...extra,
	});
	return {
		Providers: [provider('fake'), provider('thinky', {transformer: {use: ['extrathinktag']}})],
		Router: {default: 'fake,up-model', background: 'fake,other-model', think: 'fake,think-model'},
	};
}

/** Replays raw SSE pieces (each its own write) and ends the response. */
function replay(pieces: readonly string[]): FakeUpstreamHandler {
	return async (_req, res) => {
		startSse(res);
		for (const piece of pieces) {
			res.write(piece);
			await new Promise(resolve => setImmediate(resolve));
		}

		res.end();
	};
}

function requestFor(fixture: Pick<StreamFixture, 'tools' | 'transformers'>, extra: Partial<MessageCreateParamsNonStreaming> = {}): MessageCreateParamsNonStreaming {
	return {
		model: fixture.transformers ? 'thinky,up-model' : MODEL,
		max_tokens: 1024,
		messages: [{role: 'user', content: 'hi'}],
		...(fixture.tools ? {tools: fixture.tools as MessageCreateParamsNonStreaming['tools']} : {}),
		...extra,
	};
}

async function rejection(promise: Promise<unknown>): Promise<APIError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof APIError) return error;
		throw error;
	}

	throw new Error('expected the SDK to throw');
}

let harness: Harness;

beforeAll(async () => {
	harness = await startHarness({config, timings: {pingIntervalMs: 60, postFinishGraceMs: 150, retryBaseDelayMs: 1, retryMaxDelayMs: 2}});
});

afterAll(async () => {
	await harness?.close();
});

// F-S21 needs `toolArgsCumulative`, which no config setting selects (it exists for providers proven to resend arguments).
const completing = STREAM_FIXTURES.filter(fixture => fixture.expected.endsWith('MX') && fixture.id !== 'F-S21');
const erroring = STREAM_FIXTURES.filter(fixture => fixture.expected.includes('ERR'));

describe('H01 SDK cross-check: stream fixtures ending in message_stop', () => {
	test.each(completing.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('%s', async (_name, fixture) => {
		harness.upstream.setHandler(replay(fixture.upstream));
		const message = await harness.client.messages.stream(requestFor(fixture)).finalMessage();
		const expected = expectedMessage(expectedEvents(fixture.expected));
		expect(message.content.map(block => comparable(block as Block))).toEqual(expected.content.map(comparable));
		expect(message.stop_reason).toBe(expected.stopReason);
		expect(message.model).toBe(requestFor(fixture).model);
		expect(message.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
		// Output and cache figures are the fixture's; input_tokens too unless it is the estimate (42 in the fixtures).
		const [input, ...rest] = expected.usage;
		const usage = message.usage;
		expect([usage.output_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens]).toEqual(rest);
		if (input !== 42) expect(usage.input_tokens).toBe(input);
		else expect(usage.input_tokens).toBeGreaterThan(0);
	});

	test('F-S25 upstream JSON although stream:true', async () => {
		harness.upstream.setHandler((_req, res) =>
			sendJson(res, 200, {
				id: 'x',
				object: 'chat.completion',
				choices: [{index: 0, message: {role: 'assistant', content: 'Hi'}, finish_reason: 'stop'}],
				usage: {prompt_tokens: 5, completion_tokens: 1},
			}),
		);
		const message = await harness.client.messages.stream(requestFor({})).finalMessage();
		expect(message.content).toMatchObject([{type: 'text', text: 'Hi'}]);
		expect([message.stop_reason, message.usage.input_tokens, message.usage.output_tokens]).toEqual(['end_turn', 5, 1]);
	});

	test('F-N01/F-N02 non-streaming through the SDK', async () => {
		harness.upstream.setHandler((_req, res) =>
			sendJson(res, 200, {
				id: 'chatcmpl-1',
				object: 'chat.completion',
				choices: [
					{
						index: 0,
						message: {
							role: 'assistant',
							reasoning_content: 'Check dir',
							content: 'Looking.',
							tool_calls: [{id: 'call_1', type: 'function', function: {name: 'Bash', arguments: '{"command":"ls"}'}}],
						},
						finish_reason: 'stop',
					},
				],
				usage: {prompt_tokens: 12, completion_tokens: 3, total_tokens: 15},
			}),
		);
		const message = await harness.client.messages.create(requestFor({}));
		expect(message.content.map(block => comparable(block as Block))).toEqual([
			{type: 'thinking', thinking: 'Check dir', signed: true},
			{type: 'text', text: 'Looking.'},
			{type: 'tool_use', id: 'generated', name: 'Bash', input: {command: 'ls'}},
		]);
		expect(message.stop_reason).toBe('tool_use');
		expect(message.usage).toMatchObject({input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0});
	});

	test('F-N04 SSE answer to a non-stream request', async () => {
		harness.upstream.setHandler(replay(STREAM_FIXTURES[0]!.upstream));
		const message = await harness.client.messages.create(requestFor({}));
		expect(message.content).toMatchObject([{type: 'text', text: 'Hello!'}]);
		expect(message.usage).toMatchObject({input_tokens: 25, output_tokens: 2});
	});
});

describe('H01 SDK cross-check: error fixtures', () => {
	test.each(erroring.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('%s', async (_name, fixture) => {
		harness.upstream.setHandler(replay(fixture.upstream));
		const expectedType = /ERR (\w+)/.exec(fixture.expected)![1];
		const error = await rejection(harness.client.messages.stream(requestFor(fixture)).finalMessage());
		expect((error.error as {error: {type: string}}).error.type).toBe(expectedType);
	});

	const httpErrors: Array<[string, number, number, string, string, Record<string, string>?]> = [
		['F-E01', 401, 401, 'authentication_error', '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}'],
		['F-E02', 429, 429, 'rate_limit_error', '{"error":{"message":"Rate limit reached"}}', {'retry-after': '7'}],
		['F-E03', 503, 529, 'overloaded_error', '{"error":{"message":"Server Overloaded"}}'],
		[
			'F-E04',
			400,
			400,
			'invalid_request_error',
			JSON.stringify({
				error: {
					message:
						"This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (108000 in the messages, 32000 in the completion). Please reduce the length of the messages or completion.",
				},
			}),
		],
		[
			'F-E05',
			400,
			400,
			'invalid_request_error',
			JSON.stringify({
				error: {message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens. Please reduce the length of the messages."},
			}),
		],
		['F-E06', 400, 400, 'invalid_request_error', '[{"error":{"code":400,"message":"Function call is missing a thought_signature","status":"INVALID_ARGUMENT"}}]'],
		['F-E08', 402, 402, 'billing_error', '{"error":{"message":"Insufficient Balance"}}'],
		['F-E12', 200, 529, 'overloaded_error', '{"error":{"message":"model overloaded","code":503}}'],
	];

	test.each(httpErrors)('%s upstream %i → %i %s', async (id, upstreamStatus, status, type, body, headers) => {
		harness.upstream.setHandler((_req, res) => sendJson(res, upstreamStatus, body, headers));
		const error = await rejection(harness.client.messages.stream(requestFor({})).finalMessage());
		expect(error.status).toBe(status);
		expect((error.error as {type: string; error: {type: string}}).type).toBe('error');
		expect((error.error as {error: {type: string}}).error.type).toBe(type);
		expect(error.requestID).toMatch(/^req_/);
		if (id === 'F-E02') expect(error.headers?.get('retry-after')).toBe('7');
		if (id === 'F-E04') expect(error.message).toContain('input length and `max_tokens` exceed context limit: 108000 + 32000 > 131072');
		if (id === 'F-E05') expect(error.message).toContain('prompt is too long: 204308 tokens > 128000 maximum');
		expect(JSON.stringify(error.error)).not.toContain(PROVIDER_KEY);
	});

	test('F-E07 upstream unreachable → 502 api_error naming the host', async () => {
		const port = await closedPort();
		const unreachable = await startHarness({
			config: () => ({Providers: [{name: 'gone', api_base_url: `http://127.0.0.1:${port}/v1/chat/completions`, models: ['m'], max_retries: 0}], Router: {default: 'gone,m'}}),
		});
		try {
			const error = await rejection(unreachable.client.messages.create(requestFor({})));
			expect([error.status, (error.error as {error: {type: string}}).error.type]).toEqual([502, 'api_error']);
			expect(error.message).toContain(`cannot reach upstream 127.0.0.1:${port}`);
		} finally {
			await unreachable.close();
		}
	});

	test('F-E09 proxy auth: x-api-key or Bearer accepted, a wrong key refused', async () => {
		const guarded = await startHarness({config: url => ({...config(url), APIKEY: 'K-proxy-key-123'})});
		try {
			const request = {method: 'POST', body: JSON.stringify(requestFor({})), headers: {'content-type': 'application/json'}};
			const ok1 = await fetch(`${guarded.proxyUrl}/v1/messages`, {...request, headers: {...request.headers, 'x-api-key': 'K-proxy-key-123'}});
			const ok2 = await fetch(`${guarded.proxyUrl}/v1/messages`, {...request, headers: {...request.headers, authorization: 'Bearer K-proxy-key-123'}});
			const bad = await fetch(`${guarded.proxyUrl}/v1/messages`, {...request, headers: {...request.headers, 'x-api-key': 'nope'}});
			expect([ok1.status, ok2.status, bad.status]).toEqual([200, 200, 401]);
			expect(((await bad.json()) as {error: {type: string}}).error.type).toBe('authentication_error');
		} finally {
			await guarded.close();
		}
	});

	test('F-E10 oversize body → 413 request_too_large; F-E11 malformed JSON → 400', async () => {
		const huge = await fetch(`${harness.proxyUrl}/v1/messages`, {method: 'POST', headers: {'content-type': 'application/json'}, body: 'x'.repeat(33 * 1024 * 1024)});
		expect(huge.status).toBe(413);
		expect(((await huge.json()) as {error: {type: string}}).error.type).toBe('request_too_large');
		const malformed = await fetch(`${harness.proxyUrl}/v1/messages`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"model":'});
		expect(malformed.status).toBe(400);
		expect(((await malformed.json()) as {error: {type: string}}).error.type).toBe('invalid_request_error');
	});
});

describe('proxy-side stream fixtures over HTTP', () => {
	test('F-S10 upstream keep-alive comments are not forwarded; the proxy pings during silence', async () => {
		harness.upstream.setHandler(async (_req, res) => {
			startSse(res);
			for (let index = 0; index < 4; index++) {
				res.write(': keep-alive\n\n');
				await new Promise(resolve => setTimeout(resolve, 60));
			}

			res.end(C({content: 'ok'}) + C({}, 'stop') + DONE);
		});
		const response = await fetch(`${harness.proxyUrl}/v1/messages`, {
			method: 'POST',
			headers: {'content-type': 'application/json'},
			body: JSON.stringify({...requestFor({}), stream: true}),
		});
		const text = await response.text();
		expect(text).not.toContain('keep-alive');
		const events = parseSse(text);
		expect(events.filter(([name]) => name === 'ping').length).toBeGreaterThanOrEqual(2);
		expect(events.at(-1)![0]).toBe('message_stop');
	});

	test('F-S26 finished but never closed: finalized after the grace, upstream aborted', async () => {
		harness.upstream.setHandler(async (_req, res) => {
			startSse(res);
			res.write(C({content: 'done'}) + C({}, 'stop'));
			const timer = setInterval(() => res.write(': keep-alive\n\n'), 30);
			res.once('close', () => clearInterval(timer));
		});
		const message = await harness.client.messages.stream(requestFor({})).finalMessage();
		expect(message.content).toMatchObject([{type: 'text', text: 'done'}]);
		await harness.upstreamRequests.at(-1)!.closed;
		expect(harness.upstreamRequests.at(-1)!.aborted()).toBe(true);
	});

	test('F-S28 client disconnect aborts the upstream request', async () => {
		harness.upstream.setHandler(async (_req, res) => {
			startSse(res);
			res.write(C({content: 'x'}));
			const timer = setInterval(() => res.write(': keep-alive\n\n'), 30);
			res.once('close', () => clearInterval(timer));
		});
		const stream = harness.client.messages.stream(requestFor({}));
		const settled = stream.finalMessage().then(
			() => undefined,
			(error: unknown) => error,
		);
		await new Promise<void>(resolve => stream.on('text', () => resolve()));
		stream.abort();
		expect(await settled).toBeInstanceOf(APIUserAbortError);
		const upstream = harness.upstreamRequests.at(-1)!;
		await upstream.closed;
		expect(upstream.aborted()).toBe(true);
	});
});

describe('§6.5 endpoint fixtures', () => {
	test('F-C01 HEAD /api/hello → 200, empty body', async () => {
		const response = await fetch(`${harness.proxyUrl}/api/hello`, {method: 'HEAD'});
		expect(response.status).toBe(200);
		expect(await response.text()).toBe('');
	});

	test('F-C02/F-C04 ?beta=true and a duplicated /v1 prefix reach the messages handler', async () => {
		harness.upstream.setHandler(replay(STREAM_FIXTURES[0]!.upstream));
		for (const path of ['/v1/messages?beta=true', '/v1/v1/messages']) {
			const response = await fetch(`${harness.proxyUrl}${path}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(requestFor({}))});
			expect(response.status).toBe(200);
			expect(((await response.json()) as {content: unknown}).content).toEqual([{type: 'text', text: 'Hello!'}]);
		}
	});

	test('F-C03 count_tokens answers locally', async () => {
		const before = harness.upstreamRequests.length;
		const counted = await harness.client.messages.countTokens({model: MODEL, messages: [{role: 'user', content: 'hello'}]});
		expect(counted.input_tokens).toBeGreaterThan(0);
		expect(harness.upstreamRequests.length).toBe(before);
	});

	test('F-C05 Accept: application/json with stream:true still streams', async () => {
		harness.upstream.setHandler(replay(STREAM_FIXTURES[0]!.upstream));
		const response = await fetch(`${harness.proxyUrl}/v1/messages`, {
			method: 'POST',
			headers: {'content-type': 'application/json', accept: 'application/json'},
			body: JSON.stringify({...requestFor({}), stream: true}),
		});
		expect(response.headers.get('content-type')).toContain('text/event-stream');
		expect(parseSse(await response.text()).at(-1)![0]).toBe('message_stop');
	});

	test('F-C06 GET /v1/models discovery ids contain "claude"', async () => {
		const response = await fetch(`${harness.proxyUrl}/v1/models?limit=1000`);
		expect(response.status).toBe(200);
		const body = (await response.json()) as {data: Array<{id: string; display_name: string}>};
		expect(body.data.length).toBeGreaterThan(0);
		for (const model of body.data) expect(model.id).toContain('claude');
		expect(body.data[0]!.display_name).toContain('/');
	});

	test('F-C07 routing: haiku → background, explicit provider,model, effort ≥ xhigh → think', async () => {
		harness.upstream.setHandler(replay(STREAM_FIXTURES[0]!.upstream));
		const routed = async (params: Partial<MessageCreateParamsNonStreaming>) => {
			await harness.client.messages.create({...requestFor({}), ...params}, {timeout: 60_000});
			return harness.upstreamRequests.at(-1)!.body.model as string;
		};

		expect(await routed({model: 'claude-haiku-4-5-20251001'})).toBe('other-model');
		expect(await routed({model: 'fake,other-model'})).toBe('other-model');
		// Claude Code 2.1.x: adaptive thinking on every request; only the effort (≥ thinkEffort, default xhigh) picks think.
		expect(await routed({thinking: {type: 'adaptive'}, output_config: {effort: 'medium'}} as Partial<MessageCreateParamsNonStreaming>)).toBe('up-model');
		expect(await routed({thinking: {type: 'adaptive'}, output_config: {effort: 'max'}} as Partial<MessageCreateParamsNonStreaming>)).toBe('think-model');
		expect(await routed({thinking: {type: 'enabled', budget_tokens: 31_999}, max_tokens: 32_000})).toBe('think-model');
		expect(await routed({thinking: {type: 'enabled', budget_tokens: 2048}, max_tokens: 4096})).toBe('up-model');
		expect(await routed({})).toBe('up-model');
	});

	test('F-C08 two interleaved streams stay independent', async () => {
		harness.upstream.setHandler(async (req, res) => {
			const tag = String((req.body.messages.at(-1) as {content: string}).content);
			startSse(res);
			for (let index = 0; index < 5; index++) {
				res.write(C({content: `${tag}${index} `}));
				await new Promise(resolve => setTimeout(resolve, 5));
			}

			res.end(C({}, 'stop') + DONE);
		});
		const [a, b] = await Promise.all(['A', 'B'].map(tag => harness.client.messages.stream({...requestFor({}), messages: [{role: 'user', content: tag}]}).finalMessage()));
		expect(a!.content).toMatchObject([{type: 'text', text: 'A0 A1 A2 A3 A4 '}]);
		expect(b!.content).toMatchObject([{type: 'text', text: 'B0 B1 B2 B3 B4 '}]);
		expect(a!.id).not.toBe(b!.id);
	});
});

async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}
