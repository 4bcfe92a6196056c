/**
 * Issue 14: what users and hostile clients did that the proxy did not survive — an endless whole
 * answer, shutdown while waiting for headers, API_TIMEOUT_MS and streams, client input that leaked
 * JavaScript internals, a route naming an unknown provider.
 */
import {describe, expect, it} from 'vitest';
import {MAX_JSON_DEPTH} from '../../source/proxy/validate-request.js';
import {defaultHarnessConfig} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';
import {answer, hang, startSse, writeChunk, writeDone} from '../fakes/openai-upstream.js';
import {params, rawMessages, useFaultHarness} from './fault-kit.js';

const start = useFaultHarness();

async function countTokens(proxyUrl: string, body: unknown): Promise<{status: number; json: any}> {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	const response = await fetch(`${proxyUrl}/v1/messages/count_tokens`, {method: 'POST', headers: {'content-type': 'application/json'}, body: text});
	return {status: response.status, json: await response.json()};
}

function nested(depth: number): unknown {
	let value: unknown = 'leaf';
	for (let level = 0; level < depth; level++) value = {a: value};
	return value;
}

describe('a whole upstream answer is read up to a bound (MAX_ANSWER_MB)', () => {
	it('an answer above the bound: 502 api_error naming the limit, the upstream read stops', async () => {
		const h = await start({
			config: url => ({...defaultHarnessConfig(url), MAX_ANSWER_MB: 1}),
			upstream: (_request, res) => {
				res.writeHead(200, {'content-type': 'application/json'});
				// 3 MiB of a JSON answer that never ends on its own.
				const piece = Buffer.alloc(64 * 1024, 'x');
				let sent = 0;
				const more = () => {
					while (sent < 48 && res.write(piece)) sent++;
					if (sent < 48 && !res.destroyed) res.once('drain', more);
				};
				res.write('{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"');
				more();
			},
		});
		const result = await rawMessages(h, params);
		expect(result.status).toBe(502);
		expect(result.json.error).toMatchObject({type: 'api_error'});
		expect(result.json.error.message).toMatch(/larger than 1 MiB.*MAX_ANSWER_MB/);
		await waitFor(() => h.upstream.requests[0]?.aborted(), {message: 'the upstream answer was not cut'});
	});

	it('an answer below it still arrives whole', async () => {
		const h = await start({config: url => ({...defaultHarnessConfig(url), MAX_ANSWER_MB: 1}), upstream: answer({text: 'é'.repeat(100_000)})});
		const result = await rawMessages(h, params);
		expect(result.status).toBe(200);
		expect(result.json.content[0].text).toBe('é'.repeat(100_000));
	});
});

describe('shutdown while a request waits for upstream headers', () => {
	it('gets 503 overloaded_error "shutting down" (as streams do), not a 504 about the time limit', async () => {
		const h = await start({upstream: hang()});
		const pending = rawMessages(h, params);
		await waitFor(() => h.upstream.requests.length === 1);
		const closing = h.proxy.close();
		const result = await pending;
		await closing;
		expect(result.status).toBe(503);
		expect(result.json.error).toMatchObject({type: 'overloaded_error', message: expect.stringContaining('shutting down')});
		expect(result.headers.get('retry-after')).toBe('1');
	});
});

describe('API_TIMEOUT_MS and streams (README: it bounds the start of an answer, not a stream that runs)', () => {
	it('a stream that keeps sending outlives API_TIMEOUT_MS and ends normally', async () => {
		const h = await start({
			config: url => ({...defaultHarnessConfig(url), API_TIMEOUT_MS: 200}),
			upstream: async (_request, res) => {
				startSse(res);
				// Runs past the 200 ms limit: ends only when the test says so.
				for (let index = 0; index < 6; index++) {
					writeChunk(res, {id: 'c', object: 'chat.completion.chunk', choices: [{index: 0, delta: {content: `part ${index} `}, finish_reason: null}]});
					await new Promise(resolve => setTimeout(resolve, 80));
				}

				writeChunk(res, {id: 'c', object: 'chat.completion.chunk', choices: [{index: 0, delta: {}, finish_reason: 'stop'}]});
				writeDone(res);
			},
		});
		const result = await rawMessages(h, {...params, stream: true});
		expect(result.events.at(-1)?.event).toBe('message_stop');
		expect(result.events.some(event => event.event === 'error')).toBe(false);
	});
});

describe('client input never reaches JavaScript internals', () => {
	const image = (source: Record<string, unknown>) => ({...params, messages: [{role: 'user', content: [{type: 'image', source}]}]});

	it.each([
		['base64 image without data', {type: 'base64', media_type: 'image/png'}, 'messages.0.content.0.source.data: required'],
		['numeric data', {type: 'base64', media_type: 'image/png', data: 12}, 'messages.0.content.0.source.data: expected string'],
		['url image without url', {type: 'url'}, 'messages.0.content.0.source.url: required'],
	])('%s: 400 naming the field', async (_name, source, message) => {
		const h = await start();
		const result = await rawMessages(h, image(source));
		expect(result.status).toBe(400);
		expect(result.json.error).toEqual({type: 'invalid_request_error', message});
		const counted = await countTokens(h.proxyUrl, image(source));
		expect(counted.status).toBe(400);
		expect(counted.json.error.message).toBe(message);
		expect(h.upstreamRequests).toHaveLength(0);
	});

	it('a tool input nested 5,000 deep: 400 with the depth limit, also on count_tokens (no 500, no stack overflow)', async () => {
		const h = await start();
		// Written as text: even JSON.stringify in a test runner's worker can run out of stack on this.
		const deep = `${'{"a":'.repeat(5000)}"leaf"${'}'.repeat(5000)}`;
		const body = JSON.stringify({
			...params,
			messages: [
				{role: 'user', content: 'run it'},
				{role: 'assistant', content: [{type: 'tool_use', id: 'toolu_1', name: 'Bash', input: 'DEEP'}]},
				{role: 'user', content: [{type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok'}]},
			],
		}).replace('"DEEP"', deep);
		const result = await rawMessages(h, body);
		expect(result.status).toBe(400);
		expect(result.json.error.type).toBe('invalid_request_error');
		expect(result.json.error.message).toMatch(new RegExp(`^messages\\.1\\.content\\.0\\.input\\.a\\.a.*: nested deeper than ${MAX_JSON_DEPTH} levels`));
		expect(result.json.error.message).not.toMatch(/call stack|undefined|is not a function/);
		const counted = await countTokens(h.proxyUrl, body);
		expect(counted.status).toBe(400);
		expect(counted.json.error.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
	});

	it('nesting within the limit is accepted', async () => {
		const h = await start();
		const result = await rawMessages(h, {...params, metadata: {user_id: 'u', deep: nested(MAX_JSON_DEPTH - 5)}});
		expect(result.status).toBe(200);
	});
});

describe('a route naming an unknown provider', () => {
	it('warns at start, and its requests go to the fallback list instead of a 404', async () => {
		const h = await start({
			config: url => ({...defaultHarnessConfig(url), Router: {default: 'gone,model-x'}, fallback: {default: ['fake,other-model']}}),
		});
		await waitFor(() => h.events.some(event => event.type === 'notice' && event.message.includes('Router.default names unknown provider "gone"')));
		const notice = h.events.find(event => event.type === 'notice' && event.message.includes('"gone"'));
		expect(notice).toMatchObject({level: 'warn', message: expect.stringContaining('fallback.default (fake,other-model)')});
		const result = await rawMessages(h, params);
		expect(result.status).toBe(200);
		expect(h.upstreamRequests[0]?.body.model).toBe('other-model');
	});

	it('without a fallback: still a 404 naming the route, and the warning says so', async () => {
		const h = await start({config: url => ({...defaultHarnessConfig(url), Router: {default: 'gone,model-x'}})});
		await waitFor(() => h.events.some(event => event.type === 'notice' && event.message.includes('fail with 404')));
		const result = await rawMessages(h, params);
		expect(result.status).toBe(404);
		expect(result.json.error.message).toContain('Router.default names unknown provider "gone"');
	});
});
