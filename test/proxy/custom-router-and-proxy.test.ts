/** CUSTOM_ROUTER_PATH modules and the outbound HTTP(S) proxy, end to end. */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {Notice, RequestStarted} from '../../source/activity/events.js';
import {answer} from '../fakes/openai-upstream.js';
import {defaultHarnessConfig, startHarness, type Harness, type HarnessOptions} from '../helpers/proxy-harness.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const base = {model: 'claude-test-sonnet', max_tokens: 64, messages: [{role: 'user' as const, content: 'route me'}]};
let harness: Harness | undefined;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
	await harness?.close();
	harness = undefined;
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(options: HarnessOptions): Promise<Harness> {
	harness = await startHarness({upstream: answer({text: 'ok'}), ...options});
	return harness;
}

function routerModule(source: string): string {
	const file = path.join(tempDir(), 'router.mjs');
	fs.writeFileSync(file, source);
	return file;
}

function notices(h: Harness): string[] {
	return h.events.filter((event): event is Notice => event.type === 'notice').map(event => event.message);
}

function scenario(h: Harness): string | undefined {
	return h.events.filter((event): event is RequestStarted => event.type === 'request:start').at(-1)?.scenario;
}

describe('CUSTOM_ROUTER_PATH', () => {
	it('its answer wins; it sees the request (also as req.body, with tokenCount) and the config', async () => {
		const file = routerModule(`
			export default async function router(req, config) {
				if (req.body.messages[0].content === 'route me' && req.tokenCount > 0 && config.Providers.length === 1) return 'fake,other-model';
				return null;
			}
		`);
		const h = await start({config: url => ({...defaultHarnessConfig(url), CUSTOM_ROUTER_PATH: file})});
		await h.client.messages.create(base);
		await h.client.messages.create({...base, messages: [{role: 'user', content: 'something else'}]});
		expect(h.upstreamRequests.map(request => request.body.model)).toEqual(['other-model', 'up-model']);
		expect(h.events.find((event): event is RequestStarted => event.type === 'request:start')).toMatchObject({
			scenario: 'custom',
			reason: 'custom router chose fake,other-model',
		});
	});

	it('a CommonJS module (module.exports) works too', async () => {
		const file = path.join(tempDir(), 'router.cjs');
		fs.writeFileSync(file, `module.exports = async () => 'fake,other-model';`);
		const h = await start({config: url => ({...defaultHarnessConfig(url), CUSTOM_ROUTER_PATH: file})});
		await h.client.messages.create(base);
		expect(h.upstreamRequests[0]?.body.model).toBe('other-model');
	});

	it.each([
		['a throw', `export default async () => { throw new Error('router bug'); }`, /failed: router bug; using the built-in rules/],
		['a bad answer', `export default async () => 42;`, /answered 42, not "provider,model" or null/],
		['an unknown provider', `export default async () => 'ghost,model';`, /it named unknown provider "ghost"/],
		['a missing module', undefined, /could not be loaded/],
	])('%s is reported and the built-in rules decide', async (_name, source, expected) => {
		const file = source === undefined ? path.join(tempDir(), 'missing.mjs') : routerModule(source);
		const h = await start({config: url => ({...defaultHarnessConfig(url), CUSTOM_ROUTER_PATH: file})});
		const message = await h.client.messages.create(base);
		expect(message.content).toEqual([expect.objectContaining({text: 'ok'})]);
		expect(scenario(h)).toBe('default');
		expect(notices(h)).toEqual([expect.stringMatching(expected)]);
		// The same problem is not repeated on every request.
		await h.client.messages.create(base);
		expect(notices(h)).toHaveLength(1);
	});

	it('edits to the module apply without a restart', async () => {
		const file = routerModule(`export default async () => 'fake,other-model';`);
		const h = await start({config: url => ({...defaultHarnessConfig(url), CUSTOM_ROUTER_PATH: file})});
		await h.client.messages.create(base);
		fs.writeFileSync(file, `export default async () => null; // changed`);
		const later = new Date(Date.now() + 5000);
		fs.utimesSync(file, later, later);
		await h.client.messages.create(base);
		expect(h.upstreamRequests.map(request => request.body.model)).toEqual(['other-model', 'up-model']);
	});
});

/** A minimal HTTP CONNECT proxy that sends every tunnel to 127.0.0.1:<port of the target>. */
async function startConnectProxy(): Promise<{url: string; targets: string[]}> {
	const targets: string[] = [];
	const sockets = new Set<net.Socket>();
	const server = http.createServer((_req, res) => res.writeHead(405).end());
	server.on('connect', (req, client: net.Socket, head: Buffer) => {
		targets.push(req.url ?? '');
		const port = Number((req.url ?? '').split(':').at(-1));
		const upstream = net.connect(port, '127.0.0.1', () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('error', () => {});
			socket.once('close', () => sockets.delete(socket));
		}
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise(resolve => server.close(resolve));
	});
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets};
}

/** The upstream under a name that is not loopback, so it is not exempt from the proxy. */
function viaName(url: string): Record<string, unknown> {
	const {port} = new URL(url);
	return {
		Providers: [{name: 'fake', api_base_url: `http://upstream.invalid:${port}/v1`, api_key: 'sk-via-proxy-0000', models: ['up-model'], max_retries: 0}],
		Router: {default: 'fake,up-model'},
	};
}

describe('outbound proxy', () => {
	it('PROXY_URL from the config carries upstream calls', async () => {
		const proxy = await startConnectProxy();
		const h = await start({config: url => ({...viaName(url), PROXY_URL: proxy.url})});
		const message = await h.client.messages.stream(base).finalMessage();
		expect(message.content).toEqual([expect.objectContaining({text: 'ok'})]);
		expect(proxy.targets).toEqual([`upstream.invalid:${new URL(h.upstreamUrl).port}`]);
	});

	it('HTTP_PROXY from the environment too; NO_PROXY exempts a host', async () => {
		const proxy = await startConnectProxy();
		const h = await start({config: viaName, env: {HTTP_PROXY: proxy.url}});
		await h.client.messages.create(base);
		expect(proxy.targets).toHaveLength(1);
		await harness?.close();
		harness = undefined;

		const direct = await start({config: viaName, env: {HTTP_PROXY: proxy.url, NO_PROXY: 'upstream.invalid'}});
		const error = await direct.client.messages.create(base).catch((error_: unknown) => error_ as Error);
		// Direct means a DNS lookup of a name that does not exist.
		expect(String(error)).toMatch(/cannot reach upstream upstream\.invalid/);
		expect(proxy.targets).toHaveLength(1);
	});

	it('loopback upstreams never go through the proxy', async () => {
		const proxy = await startConnectProxy();
		const h = await start({config: url => ({...defaultHarnessConfig(url), PROXY_URL: proxy.url})});
		await h.client.messages.create(base);
		expect(proxy.targets).toEqual([]);
		expect(h.upstreamRequests).toHaveLength(1);
	});

	it('changing PROXY_URL applies to the next request', async () => {
		const first = await startConnectProxy();
		const second = await startConnectProxy();
		const h = await start({config: url => ({...viaName(url), PROXY_URL: first.url})});
		await h.client.messages.create(base);
		h.store.update(draft => {
			draft['PROXY_URL'] = second.url;
		});
		await waitFor(() => h.store.getSnapshot().config.PROXY_URL === second.url);
		await h.client.messages.create(base);
		expect([first.targets.length, second.targets.length]).toEqual([1, 1]);
	});
});
