import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import {ActivityStore} from '../../source/activity/store.js';
import {configSchema} from '../../source/config/schema.js';
import {ConfigStore} from '../../source/config/store.js';
import {startProxy} from '../../source/proxy/server.js';
import type {DemoResult} from '../../source/providers/demo-traffic.js';
import {runConnectionTest} from '../../source/providers/connection-test.js';
import {DEMO_MODELS, startDemoUpstream, type DemoUpstream, type DemoUpstreamOptions} from '../../source/providers/demo-upstream.js';
import {demoConfig, startDemo} from '../../source/providers/demo.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
	const server = await startDemoUpstream({timeScale: 0, errorRate: 0, ...options});
	cleanups.push(() => server.close());
	return server;
}

/** A repeatable random source (mulberry32). */
function seeded(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

async function chat(server: DemoUpstream, body: Record<string, unknown>): Promise<{status: number; chunks: any[]; json?: any; headers: Headers}> {
	const response = await fetch(`${server.url}/v1/chat/completions`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	const text = await response.text();
	if (!(response.headers.get('content-type') ?? '').includes('event-stream')) return {status: response.status, chunks: [], json: JSON.parse(text), headers: response.headers};
	const data = text
		.split('\n\n')
		.filter(Boolean)
		.map(event => event.replace(/^data: /, ''));
	expect(data.at(-1)).toBe('[DONE]');
	return {status: response.status, chunks: data.slice(0, -1).map(item => JSON.parse(item)), headers: response.headers};
}

const content = (chunks: any[], field: string): string => chunks.map(chunk => chunk.choices?.[0]?.delta?.[field] ?? '').join('');

describe('demo upstream', () => {
	it('lists its models on /v1/models and /models', async () => {
		const server = await upstream();
		for (const route of ['/v1/models', '/models']) {
			const body = (await (await fetch(`${server.url}${route}`)).json()) as {data: Array<{id: string}>};
			expect(body.data.map(model => model.id)).toEqual([...DEMO_MODELS]);
		}
	});

	it('streams a labelled text answer with usage, like an OpenAI-compatible provider', async () => {
		const server = await upstream();
		const {status, chunks} = await chat(server, {
			model: 'demo-chat',
			stream: true,
			max_tokens: 4000,
			stream_options: {include_usage: true},
			messages: [{role: 'user', content: 'hi'}],
		});
		expect(status).toBe(200);
		expect(chunks[0].choices[0].delta.role).toBe('assistant');
		expect(content(chunks, 'content')).toMatch(/^\(demo\) /);
		expect(chunks.length).toBeGreaterThan(5);
		expect(chunks.find(chunk => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
		expect(chunks.at(-1).usage).toMatchObject({prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number)});
		expect(server.chatRequests()).toBe(1);
	});

	it('reasons first for the reasoner model or when thinking is asked for', async () => {
		const server = await upstream();
		const reasoner = await chat(server, {model: 'demo-reasoner', stream: true, max_tokens: 4000, messages: [{role: 'user', content: 'hi'}]});
		expect(content(reasoner.chunks, 'reasoning_content').length).toBeGreaterThan(20);
		const firstReasoning = reasoner.chunks.findIndex(chunk => chunk.choices[0]?.delta?.reasoning_content);
		const firstText = reasoner.chunks.findIndex(chunk => chunk.choices[0]?.delta?.content);
		expect(firstReasoning).toBeLessThan(firstText);
		const effort = await chat(server, {model: 'demo-chat', stream: false, max_tokens: 4000, reasoning_effort: 'high', messages: [{role: 'user', content: 'hi'}]});
		expect(effort.json.choices[0].message.reasoning_content).toBeTruthy();
		const plain = await chat(server, {model: 'demo-chat', stream: true, max_tokens: 4000, messages: [{role: 'user', content: 'hi'}]});
		expect(content(plain.chunks, 'reasoning_content')).toBe('');
	});

	it('calls only read-only tools, with arguments that fit their schema, then answers the result', async () => {
		const server = await upstream({toolRate: 1});
		const tools = [
			{type: 'function', function: {name: 'Bash', parameters: {type: 'object', properties: {command: {type: 'string'}}, required: ['command']}}},
			{
				type: 'function',
				function: {name: 'Read', parameters: {type: 'object', properties: {file_path: {type: 'string'}, limit: {type: 'integer'}}, required: ['file_path', 'limit']}},
			},
		];
		const {chunks} = await chat(server, {model: 'demo-chat', stream: true, max_tokens: 4000, tools, messages: [{role: 'user', content: 'look'}]});
		const calls = chunks.flatMap(chunk => chunk.choices[0]?.delta?.tool_calls ?? []);
		expect(calls[0]).toMatchObject({index: 0, id: expect.stringMatching(/^call_demo_/), function: {name: 'Read'}});
		expect(JSON.parse(calls.map(call => call.function.arguments).join(''))).toEqual({file_path: 'src/router.ts', limit: 1});
		expect(chunks.find(chunk => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');

		const after = await chat(server, {
			model: 'demo-chat',
			stream: false,
			max_tokens: 4000,
			tools,
			messages: [
				{role: 'user', content: 'look'},
				{role: 'assistant', content: null, tool_calls: [{id: calls[0].id, type: 'function', function: {name: 'Read', arguments: '{}'}}]},
				{role: 'tool', tool_call_id: calls[0].id, content: 'file text'},
			],
		});
		expect(after.json.choices[0]).toMatchObject({finish_reason: 'stop', message: {content: expect.stringMatching(/^\(demo\) /)}});

		const bashOnly = await chat(server, {model: 'demo-chat', stream: false, max_tokens: 4000, tools: [tools[0]], messages: [{role: 'user', content: 'run it'}]});
		expect(bashOnly.json.choices[0].message.tool_calls).toBeUndefined();
	});

	it('answers proxied streaming requests with a simulated 429 now and then', async () => {
		const server = await upstream({errorRate: 1});
		const {status, json, headers} = await chat(server, {model: 'demo-chat', stream: true, max_tokens: 4000, messages: [{role: 'user', content: 'hi'}]});
		expect(status).toBe(429);
		expect(headers.get('retry-after')).toBe('2');
		expect(json.error).toMatchObject({type: 'rate_limit_error', message: expect.stringContaining('simulated')});
	});

	it('cuts the answer at a tiny max_tokens with finish_reason "length"', async () => {
		const server = await upstream();
		const {json} = await chat(server, {model: 'demo-chat', stream: false, max_tokens: 3, messages: [{role: 'user', content: 'hi'}]});
		expect(json.choices[0].finish_reason).toBe('length');
		expect(json.choices[0].message.content.length).toBeLessThanOrEqual(12);
	});

	it('passes the connection test (even with errors switched on: it never fails the probe)', async () => {
		const server = await upstream({errorRate: 1, random: seeded(7)});
		const provider = configSchema.parse(demoConfig(server.url)).Providers[0]!;
		const result = await runConnectionTest(provider, {timeoutMs: 5000});
		expect(result.steps.map(step => `${step.id}:${step.status}`)).toEqual(['reach:pass', 'models:pass', 'model:pass', 'completion:pass']);
		expect(result.status).toBe('pass');
	});

	it('paces answers like a person would see them at timeScale 1 (first token after a short pause)', async () => {
		const server = await upstream({timeScale: 0.05});
		const started = performance.now();
		await chat(server, {model: 'demo-chat', stream: true, max_tokens: 4000, messages: [{role: 'user', content: 'hi'}]});
		// 5% of (200-800 ms first byte + ~30 pieces of 25-80 ms) is a few tens of ms, never instant.
		expect(performance.now() - started).toBeGreaterThan(10);
	});
});

describe('startDemo', () => {
	it('writes a valid throwaway config with every route on the demo provider, and removes it on close', async () => {
		const demo = await startDemo({timeScale: 0});
		const raw = JSON.parse(fs.readFileSync(demo.configPath, 'utf8'));
		const config = configSchema.parse(raw);
		expect(config.Providers.map(provider => provider.name)).toEqual(['demo']);
		expect(config.Providers[0]!.api_base_url).toBe(`${demo.upstream.url}/v1/chat/completions`);
		for (const route of ['default', 'background', 'think', 'longContext', 'webSearch', 'image'] as const) {
			expect(config.Router[route]).toMatch(/^demo,demo-/);
		}

		await demo.close();
		expect(fs.existsSync(demo.configPath)).toBe(false);
		await expect(fetch(`${demo.upstream.url}/v1/models`)).rejects.toThrow();
	});

	it('sweeps temp demo folders left by a process that died, and only those', async () => {
		const dead = spawnSync(process.execPath, ['-e', '']).pid!;
		const make = (owner?: number): string => {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccr-tui-demo-'));
			if (owner !== undefined) fs.writeFileSync(path.join(dir, 'owner.pid'), String(owner));
			cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
			return dir;
		};

		const abandoned = make(dead);
		const alive = make(process.pid);
		const foreign = make();
		const demo = await startDemo({timeScale: 0});
		await demo.close();
		expect(fs.existsSync(abandoned)).toBe(false);
		expect(fs.existsSync(alive)).toBe(true);
		expect(fs.existsSync(foreign)).toBe(true);
	});

	it('keeps a folder it was given', async () => {
		const dir = tempDir();
		const demo = await startDemo({dir, timeScale: 0});
		expect(path.dirname(demo.configPath)).toBe(dir);
		await demo.close();
		expect(fs.existsSync(demo.configPath)).toBe(true);
	});
});

describe('demo mode end to end (demo upstream → real proxy → sample traffic)', () => {
	async function runDemo(options: Parameters<typeof startDemo>[0]) {
		const demo = await startDemo({timeScale: 0, ...options});
		cleanups.push(() => demo.close());
		const store = new ConfigStore({path: demo.configPath, watch: false});
		cleanups.push(() => store.close());
		const bus = new ActivityBus();
		const activity = new ActivityStore({batchMs: 10}).attach(bus);
		cleanups.push(() => activity.close());
		const proxy = await startProxy({store, bus, host: '127.0.0.1', port: 0, env: {}});
		cleanups.push(() => proxy.close());
		const results: DemoResult[] = [];
		const traffic = demo.startTraffic(proxy.url, {intervalMs: [2, 8], onResult: result => results.push(result)});
		cleanups.push(() => traffic.stop());
		return {demo, store, activity, proxy, results, traffic};
	}

	it('sends every kind of sample request; the proxy routes and answers them, the activity store sees them', async () => {
		const {activity, results, traffic} = await runDemo({random: seeded(42), errorRate: 0});
		const snapshot = await waitFor(
			() => {
				const current = activity.getSnapshot();
				const seen = ['default', 'background', 'think', 'longContext'].every(route => current.recent.some(record => record.scenario === route));
				return seen && results.some(result => result.scenario === 'tool-result') && current.recent.length >= 8 ? current : undefined;
			},
			{timeoutMs: 15_000, message: 'demo traffic did not cover every route'},
		);
		await traffic.stop();
		expect(results.filter(result => !result.ok)).toEqual([]);
		expect(results.some(result => result.stream) && results.some(result => !result.stream)).toBe(true);
		const done = snapshot.recent.filter(record => record.state === 'done');
		expect(done.length).toBeGreaterThanOrEqual(8);
		expect(new Set(done.map(record => record.provider))).toEqual(new Set(['demo']));
		const byRoute = (route: string) => done.find(record => record.scenario === route);
		expect(byRoute('background')?.model).toBe('demo-mini');
		expect(byRoute('think')?.model).toBe('demo-reasoner');
		expect(byRoute('longContext')?.inputTokens).toBeGreaterThan(6000);
		expect(byRoute('default')?.usage?.outputTokens).toBeGreaterThan(0);
	});

	it('through the proxy, the think route streams a thinking block before the text, as Claude Code expects', async () => {
		const {proxy, traffic} = await runDemo({random: seeded(5), errorRate: 0});
		await traffic.stop();
		const response = await fetch(`${proxy.url}/v1/messages`, {
			method: 'POST',
			headers: {'content-type': 'application/json', 'anthropic-version': '2023-06-01'},
			body: JSON.stringify({
				model: 'claude-sonnet-4-5',
				max_tokens: 16_000,
				stream: true,
				thinking: {type: 'adaptive', display: 'omitted'},
				output_config: {effort: 'max'},
				messages: [{role: 'user', content: 'why?'}],
			}),
		});
		const text = await response.text();
		const blocks = [...text.matchAll(/"content_block":\{"type":"(\w+)"/g)].map(match => match[1]);
		expect(blocks).toEqual(['thinking', 'text']);
		expect(text).toContain('"type":"signature_delta"');
		expect(text).toContain('event: message_stop');
	});

	it('a simulated 429 shows up as an error in the activity (no retries hide it)', async () => {
		const {activity, results} = await runDemo({random: seeded(3), errorRate: 1});
		const failed = await waitFor(() => activity.getSnapshot().recent.find(record => record.state === 'error'), {timeoutMs: 10_000});
		expect(failed).toMatchObject({status: 429, errorType: 'rate_limit_error', provider: 'demo'});
		expect(failed.errorMessage).toContain('simulated');
		await waitFor(() => results.some(result => result.status === 429));
	});

	it('stop() ends the traffic: no request is sent afterwards', async () => {
		const {activity, traffic} = await runDemo({random: seeded(9), errorRate: 0});
		await waitFor(() => activity.getSnapshot().recent.length >= 2);
		await traffic.stop();
		const sent = traffic.sent();
		// Rounds are 2-8 ms apart here: watch for a dozen of them that must not come.
		await expect(waitFor(() => traffic.sent() > sent, {timeoutMs: 100})).rejects.toThrow('timed out');
		expect(traffic.sent()).toBe(sent);
		// A request aborted by stop() may still reach the proxy a moment later, but nothing new does.
		expect(activity.getSnapshot().totals.requests).toBeLessThanOrEqual(sent);
	});
});
