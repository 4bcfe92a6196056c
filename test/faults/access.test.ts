import http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import {ConfigStore} from '../../source/config/store.js';
import {startProxy} from '../../source/proxy/server.js';
import {startHarness, defaultHarnessConfig, type Harness} from '../helpers/proxy-harness.js';
import {tempDir} from '../helpers/temp-dir.js';
import {clientWith, fastTimings, outcome, params, rawMessages, recordFault} from './fault-kit.js';

const PROXY_KEY = 'ccr-proxy-key-7f3a9c21';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

async function withApiKey(): Promise<Harness> {
	harness = await startHarness({timings: fastTimings, config: url => ({...defaultHarnessConfig(url), APIKEY: PROXY_KEY})});
	return harness;
}

/** node:http, because fetch does not let a caller choose the Host header. */
function post(h: Harness, headers: Record<string, string>): Promise<{status: number; body: any}> {
	const url = new URL(`${h.proxyUrl}/v1/messages`);
	return new Promise((resolve, reject) => {
		const request = http.request({host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: {'content-type': 'application/json', ...headers}}, response => {
			let text = '';
			response.on('data', (chunk: Buffer) => (text += chunk.toString()));
			response.on('end', () => resolve({status: response.statusCode ?? 0, body: JSON.parse(text || 'null')}));
		});
		request.on('error', reject);
		request.end(JSON.stringify(params));
	});
}

describe('APIKEY', () => {
	it('wrong key → 401 authentication_error (SDK AuthenticationError); nothing reaches the upstream', async () => {
		const h = await withApiKey();
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, name: 'AuthenticationError', status: 401, type: 'authentication_error'});
		if (result.ok) return;
		expect(result.message).not.toContain(PROXY_KEY);
		expect(result.message).not.toContain('test-key');
		expect(h.upstreamRequests).toHaveLength(0);
		recordFault('wrong proxy key (APIKEY set)', '401 `authentication_error` "Invalid API key for this proxy…"', result.ms);
	});

	it('missing key → 401 naming both accepted headers', async () => {
		const h = await withApiKey();
		const started = performance.now();
		const raw = await rawMessages(h, params, {'x-api-key': ''});
		const ms = Math.round(performance.now() - started);
		expect(raw.status).toBe(401);
		expect(raw.json.error.type).toBe('authentication_error');
		expect(raw.json.error.message).toMatch(/x-api-key.*Authorization: Bearer/s);
		recordFault('missing proxy key (APIKEY set)', '401 `authentication_error` naming `x-api-key` / `Authorization: Bearer`', ms);
	});

	it('the right key works as x-api-key (ANTHROPIC_API_KEY) and as Bearer (ANTHROPIC_AUTH_TOKEN), and is never forwarded', async () => {
		const h = await withApiKey();
		expect((await clientWith(h, {apiKey: PROXY_KEY}).messages.create(params)).type).toBe('message');
		expect((await clientWith(h, {authToken: PROXY_KEY}).messages.create(params)).type).toBe('message');
		for (const request of h.upstreamRequests) {
			expect(JSON.stringify(request.headers)).not.toContain(PROXY_KEY);
			expect(request.headers['authorization']).toBe('Bearer sk-fake-upstream-key-0001');
		}
	});

	it('guards count_tokens and models too, but not the health probes', async () => {
		const h = await withApiKey();
		const countTokens = await fetch(`${h.proxyUrl}/v1/messages/count_tokens`, {
			method: 'POST',
			headers: {'content-type': 'application/json'},
			body: JSON.stringify({model: 'm', messages: [{role: 'user', content: 'hi'}]}),
		});
		expect(countTokens.status).toBe(401);
		expect((await fetch(`${h.proxyUrl}/v1/models`)).status).toBe(401);
		expect((await fetch(`${h.proxyUrl}/health`)).status).toBe(200);
		expect((await fetch(h.proxyUrl, {method: 'HEAD'})).status).toBe(200);
	});
});

describe('bind address', () => {
	it.each([
		['--host 0.0.0.0', {}, '0.0.0.0'],
		['HOST 0.0.0.0 in the config', {HOST: '0.0.0.0'}, undefined],
		['--host 192.168.1.20', {}, '192.168.1.20'],
	])('%s without APIKEY is refused at start with a fix', async (_name, extra, host) => {
		const dir = tempDir();
		const store = new ConfigStore({path: `${dir}/config.json`, watch: false, env: {}});
		store.update(draft => ({...draft, ...extra}));
		const started = performance.now();
		try {
			await expect(startProxy({store, bus: new ActivityBus(), host, port: 0})).rejects.toThrow(/Refusing to listen on .*APIKEY.*--host 127\.0\.0\.1/s);
		} finally {
			store.close();
		}

		recordFault(`start with ${_name}, no APIKEY`, 'start refused: "Refusing to listen on … Set APIKEY … or --host 127.0.0.1"', Math.round(performance.now() - started));
	});
});

describe('port in use', () => {
	it('start fails with a message naming the port and how to choose another', async () => {
		const blocker = http.createServer();
		await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
		const {port} = blocker.address() as {port: number};
		const store = new ConfigStore({path: `${tempDir()}/config.json`, watch: false, env: {}});
		try {
			await expect(startProxy({store, bus: new ActivityBus(), host: '127.0.0.1', port})).rejects.toThrow(new RegExp(`port ${port} is in use.*--port`));
		} finally {
			store.close();
			await new Promise(resolve => blocker.close(resolve));
		}
	});
});

describe('DNS rebinding / browsers (no APIKEY)', () => {
	it.each([
		['Host: evil.example', {host: 'evil.example:3456'}],
		['Host: attacker IP', {host: '203.0.113.7'}],
		['Origin: https://evil.example', {origin: 'https://evil.example'}],
		['Origin: null', {origin: 'null'}],
		['Origin: another local port', {origin: 'http://localhost:5173'}],
	])('%s → 403 permission_error, nothing upstream', async (name, headers) => {
		harness = await startHarness({timings: fastTimings});
		const started = performance.now();
		const response = await post(harness, headers);
		const ms = Math.round(performance.now() - started);
		expect(response.status).toBe(403);
		expect(response.body).toMatchObject({type: 'error', error: {type: 'permission_error'}});
		expect(harness.upstreamRequests).toHaveLength(0);
		recordFault(`rebinding / browser: ${name}`, '403 `permission_error`', ms);
	});

	it('loopback Host and same-origin Origin are served', async () => {
		harness = await startHarness({timings: fastTimings});
		const {port} = new URL(harness.proxyUrl);
		for (const headers of [
			{host: `localhost:${port}`},
			{host: `127.0.0.1:${port}`},
			{host: `[::1]:${port}`},
			{host: `127.0.0.1:${port}`, origin: `http://localhost:${port}`},
		] as Array<Record<string, string>>) {
			expect((await post(harness, headers)).status, JSON.stringify(headers)).toBe(200);
		}
	});

	it('with APIKEY set, a foreign Host is allowed when the key is right (LAN use)', async () => {
		const h = await withApiKey();
		expect((await post(h, {host: 'my-nas.local:3456', 'x-api-key': PROXY_KEY})).status).toBe(200);
		expect((await post(h, {host: 'my-nas.local:3456', 'x-api-key': 'wrong'})).status).toBe(401);
	});
});
