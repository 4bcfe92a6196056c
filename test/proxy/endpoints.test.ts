/** HTTP surface, routing end to end, credentials, and config changes picked up per request. */
import fs from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import {afterEach, describe, expect, it} from 'vitest';
import type {RequestStarted} from '../../source/activity/events.js';
import {answer, type RecordedRequest} from '../fakes/openai-upstream.js';
import {defaultHarnessConfig, startHarness, type Harness, type HarnessOptions} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';

const MODEL = 'claude-test-sonnet';
const base = {model: MODEL, max_tokens: 256, messages: [{role: 'user' as const, content: 'hello'}]};
let harness: Harness | undefined;

afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
	harness = await startHarness({upstream: answer({text: 'ok'}), ...options});
	return harness;
}

function messageOf(error: unknown): string {
	return ((error as InstanceType<typeof Anthropic.APIError>).error as {error?: {message?: string}}).error?.message ?? '';
}

async function post(h: Harness, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
	return fetch(`${h.proxyUrl}${path}`, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(body)});
}

describe('endpoints', () => {
	it('GET /health, GET / and HEAD / answer 200; HEAD /api/hello too', async () => {
		const h = await start();
		const health = await fetch(`${h.proxyUrl}/health`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({status: 'ok'});
		expect((await fetch(`${h.proxyUrl}/`)).status).toBe(200);
		expect((await fetch(`${h.proxyUrl}/`, {method: 'HEAD'})).status).toBe(200);
		const hello = await fetch(`${h.proxyUrl}/api/hello`, {method: 'HEAD'});
		expect(hello.status).toBe(200);
		expect(await hello.text()).toBe('');
	});

	it('unknown paths get an Anthropic-shaped 404', async () => {
		const h = await start();
		const response = await fetch(`${h.proxyUrl}/v1/complete`, {method: 'POST'});
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({type: 'error', error: {type: 'not_found_error', message: expect.stringContaining('/v1/complete')}});
	});

	it('POST /v1/messages?beta=true works like /v1/messages (SDK beta client)', async () => {
		const h = await start();
		const message = await h.client.beta.messages.create(base);
		expect(message.content).toEqual([expect.objectContaining({type: 'text', text: 'ok'})]);
		expect(h.upstreamRequests).toHaveLength(1);
	});

	it('a doubled /v1/v1 prefix is tolerated', async () => {
		const h = await start();
		const client = new Anthropic({baseURL: `${h.proxyUrl}/v1`, apiKey: 'x', maxRetries: 0});
		const message = await client.messages.create(base);
		expect(message.content).toEqual([expect.objectContaining({text: 'ok'})]);
		expect((await client.messages.countTokens(base)).input_tokens).toBeGreaterThan(0);
	});

	it('streams when body.stream is true even with Accept: application/json', async () => {
		const h = await start();
		const response = await post(h, '/v1/messages', {...base, stream: true}, {accept: 'application/json'});
		expect(response.headers.get('content-type')).toContain('text/event-stream');
		const text = await response.text();
		expect(text).toMatch(/^event: message_start\n/);
		expect(text).toContain('event: message_stop');
	});

	it('count_tokens answers locally, never calling the upstream', async () => {
		const h = await start();
		const small = await h.client.messages.countTokens(base);
		const bigger = await h.client.messages.countTokens({...base, messages: [{role: 'user', content: 'hello '.repeat(500)}]});
		expect(small.input_tokens).toBeGreaterThan(0);
		expect(bigger.input_tokens).toBeGreaterThan(small.input_tokens + 400);
		const beta = await post(h, '/v1/messages/count_tokens?beta=true', base);
		expect(await beta.json()).toEqual({input_tokens: small.input_tokens});
		expect(h.upstreamRequests).toHaveLength(0);
	});

	it('count_tokens on a 1 MB body is fast', async () => {
		const h = await start();
		const messages = Array.from({length: 200}, (_, index) => ({
			role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
			content: `turn ${index}: ${'lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(90)}`,
		}));
		const body = {model: MODEL, system: 'You are Claude Code. '.repeat(400), messages};
		expect(JSON.stringify(body).length).toBeGreaterThan(1_000_000);
		const timings: number[] = [];
		for (let round = 0; round < 5; round++) {
			const startedAt = performance.now();
			const response = await post(h, '/v1/messages/count_tokens', {...body, model: `${MODEL}-${round}`});
			expect(response.status).toBe(200);
			expect(((await response.json()) as {input_tokens: number}).input_tokens).toBeGreaterThan(150_000);
			timings.push(performance.now() - startedAt);
		}

		// The round trip includes sending 1 MB over loopback; generous bound for loaded CI machines.
		expect(Math.min(...timings)).toBeLessThan(250);
	});

	it('GET /v1/models lists every provider,model pair under a claude-ccr- id that routes back', async () => {
		const h = await start();
		const response = await fetch(`${h.proxyUrl}/v1/models?limit=1000`);
		const body = (await response.json()) as {data: Array<{id: string; display_name: string}>};
		// Claude Code's gateway discovery keeps only ids containing "claude".
		expect(body.data.map(model => model.id)).toEqual(['claude-ccr-fake-up-model', 'claude-ccr-fake-other-model']);
		expect(body.data[0]?.display_name).toBe('fake/up-model');
		await h.client.messages.create({model: 'claude-ccr-fake-other-model', max_tokens: 16, messages: [{role: 'user', content: 'hi'}]});
		expect(h.upstreamRequests.at(-1)?.body['model']).toBe('other-model');
	});

	it('malformed JSON and missing fields are 400 invalid_request_error', async () => {
		const h = await start();
		const broken = await fetch(`${h.proxyUrl}/v1/messages`, {method: 'POST', body: '{"model": '});
		expect(broken.status).toBe(400);
		expect(await broken.json()).toMatchObject({type: 'error', error: {type: 'invalid_request_error'}});
		const missing = await post(h, '/v1/messages', {model: MODEL, messages: []});
		expect(missing.status).toBe(400);
		expect(((await missing.json()) as {error: {message: string}}).error.message).toContain('max_tokens');
	});
});

describe('upstream request', () => {
	it('carries the provider key and headers, never the client credential', async () => {
		const h = await start({
			config: url => ({
				Providers: [
					{
						name: 'fake',
						api_base_url: `${url}/v1`,
						api_key: 'sk-provider-secret-0001',
						models: ['up-model'],
						headers: {'X-Custom': 'yes'},
					},
				],
				Router: {default: 'fake,up-model'},
			}),
		});
		const client = new Anthropic({
			baseURL: h.proxyUrl,
			apiKey: 'client-key-must-not-leak',
			defaultHeaders: {authorization: 'Bearer client-token-must-not-leak'},
			maxRetries: 0,
		});
		await client.messages.create(base);
		const sent = h.upstreamRequests[0] as RecordedRequest;
		expect(sent.url).toBe('/v1/chat/completions');
		expect(sent.headers['authorization']).toBe('Bearer sk-provider-secret-0001');
		expect(sent.headers['x-custom']).toBe('yes');
		expect(sent.headers['x-api-key']).toBeUndefined();
		expect(sent.headers['anthropic-version']).toBeUndefined();
		expect(sent.headers['anthropic-beta']).toBeUndefined();
		expect(JSON.stringify(sent.headers)).not.toContain('must-not-leak');
		expect(sent.raw).not.toContain('must-not-leak');
	});

	it('a keyless provider (Ollama) gets no Authorization header', async () => {
		const h = await start({
			config: url => ({Providers: [{name: 'ollama', api_base_url: `${url}/v1/chat/completions`, models: ['qwen']}], Router: {default: 'ollama,qwen'}}),
		});
		await h.client.messages.create(base);
		expect(h.upstreamRequests[0]?.headers['authorization']).toBeUndefined();
	});

	it('the subagent tag is stripped before sending and routes the request', async () => {
		const h = await start();
		await h.client.messages.create({
			...base,
			system: [
				{type: 'text', text: 'You are Claude Code.'},
				{type: 'text', text: '<CCR-SUBAGENT-MODEL>fake,other-model</CCR-SUBAGENT-MODEL>You are a helper agent.'},
			],
		});
		const sent = h.upstreamRequests[0] as RecordedRequest;
		expect(sent.body.model).toBe('other-model');
		expect(sent.raw).not.toContain('CCR-SUBAGENT-MODEL');
		expect(sent.raw).toContain('You are a helper agent.');
		expect(h.events.find((event): event is RequestStarted => event.type === 'request:start')).toMatchObject({scenario: 'subagent'});
	});
});

describe('routing errors', () => {
	it('an unknown explicit provider is a 404 naming the known providers', async () => {
		const h = await start();
		const error = (await h.client.messages.create({...base, model: 'nope,model'}).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error).toBeInstanceOf(Anthropic.NotFoundError);
		expect(messageOf(error)).toContain('unknown provider "nope" (known providers: fake)');
		expect(h.upstreamRequests).toHaveLength(0);
	});

	it('no route configured: a clear message saying what to set', async () => {
		const h = await start({config: url => ({...defaultHarnessConfig(url), Router: {}})});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(404);
		expect(messageOf(error)).toContain('set Router.default to "provider,model"');
		expect(messageOf(error)).toContain(h.configPath);
		expect(error.headers?.get('x-should-retry')).toBe('false');
	});
});

describe('config changes apply to the next request', () => {
	it('a route reassigned through the store (as the dashboard does)', async () => {
		const h = await start();
		await h.client.messages.create(base);
		h.store.setRoute('default', 'fake,other-model');
		await h.client.messages.create(base);
		expect(h.upstreamRequests.map(request => request.body.model)).toEqual(['up-model', 'other-model']);
	});

	it('a hand edit of the file (watched, debounced)', async () => {
		const h = await start();
		await h.client.messages.create(base);
		const raw = JSON.parse(fs.readFileSync(h.configPath, 'utf8')) as {Router: Record<string, string>};
		raw.Router['default'] = 'fake,other-model';
		fs.writeFileSync(h.configPath, JSON.stringify(raw));
		await waitFor(() => h.store.getSnapshot().config.Router.default === 'fake,other-model', {message: 'hand edit not picked up'});
		await h.client.messages.create(base);
		expect(h.upstreamRequests.map(request => request.body.model)).toEqual(['up-model', 'other-model']);
	});

	it('a reassignment during a stream does not disturb it', async () => {
		const h = await start({upstream: answer({text: 'a slow and steady answer', pieces: 10, chunkDelayMs: 15})});
		const stream = h.client.messages.stream(base);
		await waitFor(() => h.upstreamRequests.length === 1);
		h.store.setRoute('default', 'fake,other-model');
		const message = await stream.finalMessage();
		expect(message.content).toEqual([expect.objectContaining({text: 'a slow and steady answer'})]);
		await h.client.messages.create(base);
		expect(h.upstreamRequests.map(request => request.body.model)).toEqual(['up-model', 'other-model']);
	});
});
