import http from 'node:http';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {MAX_BODY_BYTES} from '../../source/proxy/read-body.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {fastTimings, outcome, params, rawMessages, recordFault} from './fault-kit.js';

let h: Harness;
beforeAll(async () => {
	h = await startHarness({timings: fastTimings});
});
afterAll(async () => {
	await h.close();
});

/** A valid request whose JSON is `bytes` long: one user message carrying a base64 image. */
function bodyOfSize(bytes: number): Record<string, unknown> {
	const base = {
		...params,
		messages: [
			{
				role: 'user',
				content: [
					{type: 'image', source: {type: 'base64', media_type: 'image/png', data: ''}},
					{type: 'text', text: 'what is this?'},
				],
			},
		],
	};
	const overhead = Buffer.byteLength(JSON.stringify(base));
	const data = 'A'.repeat(Math.max(0, bytes - overhead));
	return {
		...base,
		messages: [
			{
				role: 'user',
				content: [
					{type: 'image', source: {type: 'base64', media_type: 'image/png', data}},
					{type: 'text', text: 'what is this?'},
				],
			},
		],
	};
}

describe('body size', () => {
	it('a body just under 32 MiB is accepted and forwarded', async () => {
		const body = bodyOfSize(MAX_BODY_BYTES - 1024);
		expect(Buffer.byteLength(JSON.stringify(body))).toBe(MAX_BODY_BYTES - 1024);
		const result = await outcome(() => h.client.messages.create(body as any));
		expect(result.ok).toBe(true);
		expect(h.upstreamRequests.at(-1)!.raw.length).toBeGreaterThan(MAX_BODY_BYTES - 2048);
		recordFault('body of 32 MiB − 1 KiB (image)', '200 answer', result.ms);
	}, 30_000);

	it('more than 32 MiB with Content-Length: 413 request_too_large, seen by the SDK, nothing sent upstream', async () => {
		const before = h.upstreamRequests.length;
		const result = await outcome(() => h.client.messages.create(bodyOfSize(MAX_BODY_BYTES + 1) as any));
		expect(result).toMatchObject({ok: false, status: 413, type: 'request_too_large'});
		if (result.ok) return;
		expect(result.message).toMatch(/limit is 32 MiB/);
		expect(h.upstreamRequests.length).toBe(before);
		recordFault('body of 32 MiB + 1 byte (SDK, Content-Length)', '413 `request_too_large` "…the limit is 32 MiB"', result.ms);
	}, 30_000);

	it('more than 32 MiB chunked (no Content-Length): 413 after reading at most the limit', async () => {
		const url = new URL(`${h.proxyUrl}/v1/messages`);
		const started = performance.now();
		const {status, text} = await new Promise<{status: number; text: string}>((resolve, reject) => {
			const request = http.request({
				host: url.hostname,
				port: url.port,
				path: url.pathname,
				method: 'POST',
				headers: {'content-type': 'application/json', 'transfer-encoding': 'chunked'},
			});
			request.on('response', response => {
				let text = '';
				response.on('data', (chunk: Buffer) => (text += chunk.toString()));
				response.on('end', () => resolve({status: response.statusCode ?? 0, text}));
			});
			request.on('error', reject);
			const chunk = Buffer.alloc(1024 * 1024, 'x');
			let sent = 0;
			const pump = () => {
				while (sent < 40) {
					sent++;
					if (!request.write(chunk)) {
						request.once('drain', pump);
						return;
					}
				}

				request.end();
			};

			request.write('{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"');
			pump();
		});
		const ms = Math.round(performance.now() - started);
		expect(status).toBe(413);
		expect(JSON.parse(text)).toMatchObject({type: 'error', error: {type: 'request_too_large'}});
		recordFault('40 MiB chunked body (no Content-Length)', '413 `request_too_large`', ms);
	}, 30_000);
});

describe('malformed bodies', () => {
	it.each([
		['not JSON', '{"model": "m", "max_tokens": 5, "messages": [', /not valid JSON/],
		['empty body', '', /not valid JSON/],
		['missing messages', JSON.stringify({model: 'm', max_tokens: 5}), /^messages: required/],
		['missing max_tokens', JSON.stringify({model: 'm', messages: [{role: 'user', content: 'hi'}]}), /^max_tokens: required/],
		[
			'content is a number',
			JSON.stringify({
				...params,
				messages: [
					{role: 'user', content: 'a'},
					{role: 'assistant', content: 'b'},
					{role: 'user', content: 'c'},
					{role: 'user', content: 5},
				],
			}),
			/^messages\.3\.content: expected string or array/,
		],
		['role tool in messages', JSON.stringify({...params, messages: [{role: 'tool', content: 'x'}]}), /^messages\.0\.role: expected "user", "assistant" or "system"/],
		['max_tokens as string', JSON.stringify({...params, max_tokens: '100'}), /^max_tokens: expected a positive integer/],
		['stream as string', JSON.stringify({...params, stream: 'true'}), /^stream: expected boolean/],
		['tool without name', JSON.stringify({...params, tools: [{input_schema: {}}]}), /^tools\.0\.name: required/],
		['JSON array', '[]', /expected a JSON object/],
	])('%s → 400 invalid_request_error naming the problem', async (name, body, message) => {
		const before = h.upstreamRequests.length;
		const started = performance.now();
		const raw = await rawMessages(h, body);
		const ms = Math.round(performance.now() - started);
		expect(raw.status).toBe(400);
		expect(raw.json).toMatchObject({type: 'error', error: {type: 'invalid_request_error'}});
		expect(raw.json.error.message).toMatch(message);
		expect(raw.headers.get('request-id')).toMatch(/^req_/);
		expect(h.upstreamRequests.length).toBe(before);
		recordFault(`malformed body: ${name}`, `400 \`invalid_request_error\` "${raw.json.error.message.slice(0, 60)}"`, ms);
	});

	it('the SDK sees a BadRequestError naming the field', async () => {
		const result = await outcome(() => h.client.messages.create({...params, messages: [{role: 'user', content: [{type: 'text', text: 42}]}]} as any));
		expect(result).toMatchObject({ok: false, name: 'BadRequestError', status: 400, type: 'invalid_request_error'});
		if (!result.ok) expect(result.message).toContain('messages.0.content.0.text: expected string');
	});

	it('count_tokens validates too', async () => {
		const response = await fetch(`${h.proxyUrl}/v1/messages/count_tokens`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({model: 'm'})});
		expect(response.status).toBe(400);
		expect(((await response.json()) as any).error.message).toMatch(/^messages: required/);
	});
});
