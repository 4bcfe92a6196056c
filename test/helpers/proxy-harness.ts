/**
 * A running proxy wired to a scripted fake OpenAI upstream, plus an official SDK client pointed at
 * it. Everything binds 127.0.0.1:0 and is torn down by `close()`.
 *
 *   const h = await startHarness({upstream: answer({text: 'hi'})});
 *   const message = await h.client.messages.create({...});
 *   await h.close();
 */
export type {FakeUpstreamHandler} from '../fakes/openai-upstream.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import {ActivityBus} from '../../source/activity/bus.js';
import type {ActivityEvent} from '../../source/activity/events.js';
import {ActivityStore} from '../../source/activity/store.js';
import type {RawConfig} from '../../source/config/schema.js';
import {ConfigStore} from '../../source/config/store.js';
import {startProxy, type ProxyServer} from '../../source/proxy/server.js';
import type {ProxyTimings} from '../../source/proxy/timings.js';
import {startFakeOpenAI, type FakeOpenAI, type FakeUpstreamHandler, type RecordedRequest} from '../fakes/openai-upstream.js';

export type HarnessOptions = {
	/** How the fake upstream answers. @default a short streamed/JSON text answer */
	upstream?: FakeUpstreamHandler;
	/** The config file content; gets the fake upstream's base URL (`http://127.0.0.1:PORT`). */
	config?: (upstreamUrl: string) => RawConfig;
	/** Environment for `$VAR` references and proxy variables. @default {} (hermetic) */
	env?: Record<string, string | undefined>;
	/** Shorter delays for fault tests. */
	timings?: Partial<ProxyTimings>;
	/** Watch the config file for hand edits. @default true */
	watch?: boolean;
	/** Record the usage history beside the config. @default false */
	history?: boolean;
};

export type Harness = {
	proxyUrl: string;
	upstreamUrl: string;
	client: Anthropic;
	upstream: FakeOpenAI;
	upstreamRequests: RecordedRequest[];
	store: ConfigStore;
	bus: ActivityBus;
	activity: ActivityStore;
	/** Every event the bus carried, in order. */
	events: ActivityEvent[];
	proxy: ProxyServer;
	configPath: string;
	close(): Promise<void>;
};

export function defaultHarnessConfig(upstreamUrl: string): RawConfig {
	return {
		Providers: [
			{
				name: 'fake',
				api_base_url: `${upstreamUrl}/v1/chat/completions`,
				api_key: 'sk-fake-upstream-key-0001',
				models: ['up-model', 'other-model'],
			},
		],
		Router: {default: 'fake,up-model'},
	};
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccr-tui-harness-'));
	const upstream = await startFakeOpenAI(options.upstream);
	const configPath = path.join(dir, 'config.json');
	const config = (options.config ?? defaultHarnessConfig)(upstream.url);
	fs.writeFileSync(configPath, `${JSON.stringify(config, undefined, 2)}\n`, {mode: 0o600});
	const env = options.env ?? {};
	const store = new ConfigStore({path: configPath, env, watch: options.watch ?? true, debounceMs: 20});
	const issue = store.getSnapshot().issue;
	if (issue) {
		store.close();
		await upstream.close();
		fs.rmSync(dir, {recursive: true, force: true});
		throw new Error(`harness config is invalid: ${issue.message}`);
	}

	const bus = new ActivityBus({delivery: 'after-io'});
	const events: ActivityEvent[] = [];
	bus.on(event => events.push(event));
	const activity = new ActivityStore({batchMs: 10}).attach(bus);
	const proxy = await startProxy({store, bus, host: '127.0.0.1', port: 0, env, timings: options.timings, history: options.history});
	const client = new Anthropic({baseURL: proxy.url, apiKey: 'test-key', maxRetries: 0});
	let closed = false;
	return {
		proxyUrl: proxy.url,
		upstreamUrl: upstream.url,
		client,
		upstream,
		upstreamRequests: upstream.requests,
		store,
		bus,
		activity,
		events,
		proxy,
		configPath,
		async close() {
			if (closed) return;
			closed = true;
			await proxy.close();
			await upstream.close();
			store.close();
			activity.close();
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}
