import fs from 'node:fs';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import {afterEach, describe, expect, it, beforeEach} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import type {ActivityEvent} from '../../source/activity/events.js';
import {ConfigStore} from '../../source/config/store.js';
import {answer, startFakeOpenAI, type FakeOpenAI} from '../fakes/openai-upstream.js';
import {requireFreshBuild} from '../helpers/built.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

/**
The dashboard's proxy runs in a worker thread (source/proxy/worker.ts). The worker loads compiled
JavaScript, so this drives the built `dist/` (CI builds before testing).
*/
const root = path.resolve(import.meta.dirname, '../..');
const client = path.join(root, 'dist/proxy/worker-client.js');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('proxy thread (dashboard mode)', () => {
	beforeEach(requireFreshBuild);
	it('answers, reports activity on the bus, follows a route change at once, and closes cleanly', {timeout: 30_000}, async () => {
		const {startProxyThread} = (await import(client)) as typeof import('../../source/proxy/worker-client.js');
		const upstream: FakeOpenAI = await startFakeOpenAI(answer({text: 'from the thread'}));
		cleanups.push(() => upstream.close());
		const file = path.join(tempDir(), 'config.json');
		fs.writeFileSync(
			file,
			JSON.stringify({
				Providers: [{name: 'fake', api_base_url: `${upstream.url}/v1/chat/completions`, api_key: 'sk-thread-test', models: ['up-model', 'other-model']}],
				Router: {default: 'fake,up-model'},
			}),
		);
		const store = new ConfigStore({path: file, watch: false});
		cleanups.push(() => store.close());
		const bus = new ActivityBus();
		const events: ActivityEvent[] = [];
		bus.on(event => events.push(event));

		const proxy = await startProxyThread({store, bus, port: 0});
		cleanups.push(() => proxy.close());
		expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const sdk = new Anthropic({baseURL: proxy.url, apiKey: 'x', maxRetries: 0});

		const first = await sdk.messages.stream({model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{role: 'user', content: 'hi'}]}).finalMessage();
		expect(first.content).toMatchObject([{type: 'text', text: 'from the thread'}]);
		await waitFor(() => events.some(event => event.type === 'request:end'));
		expect(events.find(event => event.type === 'request:start')).toMatchObject({scenario: 'default', model: 'up-model'});

		// A save from the dashboard (main thread) is used by the thread's very next request.
		store.setRoute('default', 'fake,other-model');
		await sdk.messages.create({model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{role: 'user', content: 'again'}]});
		expect(upstream.requests.at(-1)?.body['model']).toBe('other-model');

		await proxy.close();
		await expect(fetch(`${proxy.url}/health`)).rejects.toThrow();
	});

	it('a busy port is reported as an error, not a hang', {timeout: 30_000}, async () => {
		const {startProxyThread} = (await import(client)) as typeof import('../../source/proxy/worker-client.js');
		const file = path.join(tempDir(), 'config.json');
		const store = new ConfigStore({path: file, watch: false});
		cleanups.push(() => store.close());
		const first = await startProxyThread({store, bus: new ActivityBus(), port: 0});
		cleanups.push(() => first.close());
		await expect(startProxyThread({store, bus: new ActivityBus(), port: first.port})).rejects.toThrow(new RegExp(`${first.port}.*--port`, 's'));
	});
});
