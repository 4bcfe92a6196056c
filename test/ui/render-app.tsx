import fs from 'node:fs';
import path from 'node:path';
import type React from 'react';
import {useEffect} from 'react';
import {render} from 'ink-testing-library';
import {ActivityBus} from '../../source/activity/bus.js';
import type {ActivityEvent, Usage} from '../../source/activity/events.js';
import {ActivityStore} from '../../source/activity/store.js';
import type {RawConfig} from '../../source/config/schema.js';
import {ConfigStore} from '../../source/config/store.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {tempDir} from '../helpers/temp-dir.js';
import {settle, waitFor, waitForText} from '../helpers/wait-for.js';
import {keys, type KeyName} from '../helpers/keys.js';

export const sampleConfig = (): RawConfig => ({
	Providers: [
		{name: 'deepseek', api_base_url: 'https://api.deepseek.com/chat/completions', api_key: 'sk-deepseek-secret-key-9f3a', models: ['deepseek-chat', 'deepseek-reasoner']},
		{name: 'ollama', api_base_url: 'http://127.0.0.1:11434/v1/chat/completions', models: ['qwen2.5-coder:7b']},
		{name: 'gb', api_base_url: 'http://127.0.0.1:8000/v1', api_key: '$GB_TOKEN', models: ['gemini-2.5-pro', 'gemini-2.5-flash']},
	],
	Router: {default: 'deepseek,deepseek-chat', think: 'deepseek,deepseek-reasoner', longContext: 'gb,gemini-2.5-pro', longContextThreshold: 60_000},
});

export type RenderAppOptions = {
	/** Config file content; `null` leaves no file (first run). */
	config?: RawConfig | null;
	/** Raw file text instead (e.g. broken JSON). */
	configText?: string;
	columns?: number;
	rows?: number;
	env?: Record<string, string | undefined>;
	app?: Partial<AppProps>;
	watch?: boolean;
};

/** Tracks every rendered app so tests can clean up in afterEach. */
const opened: Array<() => void> = [];

export function cleanupApps(): void {
	for (const close of opened.splice(0)) close();
}

/**
Render the App on a real ConfigStore (temp dir) and a real ActivityStore fed through an
ActivityBus, with the stdout size overridden (ink-testing-library reports 100 columns).
*/
export async function renderApp(options: RenderAppOptions = {}) {
	const dir = tempDir('ccr-tui-ui-');
	const configPath = path.join(dir, 'config.json');
	if (options.configText !== undefined) fs.writeFileSync(configPath, options.configText);
	else if (options.config !== null) fs.writeFileSync(configPath, `${JSON.stringify(options.config ?? sampleConfig(), undefined, 2)}\n`);
	const store = new ConfigStore({path: configPath, env: options.env ?? {}, watch: options.watch ?? false, debounceMs: 20});
	const bus = new ActivityBus();
	const activity = new ActivityStore({batchMs: 10}).attach(bus);
	const quits: number[] = [];
	const lifecycle = {unmounted: false};
	const element = (
		<>
			<UnmountProbe lifecycle={lifecycle} />
			<App
				store={store}
				activity={activity}
				listenUrl="http://127.0.0.1:3456"
				env={options.env ?? {}}
				onQuit={() => {
					quits.push(Date.now());
				}}
				{...options.app}
			/>
		</>
	);
	const columns = options.columns ?? 100;
	const instance = renderSized(element, columns, options.rows ?? 30);
	// The first frame is drawn at the test stdout's 100 columns; wait for the resized one.
	await waitFor(() => frameWidth(instance.lastFrame() ?? '') === columns, {message: `no frame ${columns} columns wide`});
	const close = (): void => {
		instance.unmount();
		store.close();
		activity.close();
	};

	opened.push(close);
	const press = async (name: KeyName | string, times = 1): Promise<void> => {
		for (let index = 0; index < times; index++) {
			// A frame is written on commit, before React runs the effects that subscribe input
			// handlers of a just-mounted screen; let them run first (no fixed sleep, two turns).
			await settle();
			instance.stdin.write(name in keys ? keys[name as KeyName] : name);
			await settle();
		}
	};

	return {
		...instance,
		store,
		bus,
		activity,
		configPath,
		dir,
		quits,
		/** True once Ink unmounted the tree (the App called exit()). */
		unmounted: () => lifecycle.unmounted,
		press,
		frame: () => instance.lastFrame() ?? '',
		waitFor: (text: string | RegExp, timeoutMs?: number) => waitForText(instance.lastFrame, text, timeoutMs),
		resize(columns: number, rows?: number) {
			setSize(instance.stdout, columns, rows);
			instance.stdout.emit('resize');
		},
	};
}

/** Renders nothing; records when Ink tears the tree down. */
function UnmountProbe({lifecycle}: {readonly lifecycle: {unmounted: boolean}}): null {
	useEffect(
		() => () => {
			lifecycle.unmounted = true;
		},
		[lifecycle],
	);
	return null;
}

/** Widest line of a frame, in characters (every glyph the UI uses is one column wide). */
export function frameWidth(frame: string): number {
	const plain = frame.replaceAll(/\u001B\[[\d;]*m/g, '');
	return Math.max(0, ...plain.split('\n').map(line => [...line].length));
}

function setSize(stdout: object, columns: number, rows: number | undefined): void {
	Object.defineProperty(stdout, 'columns', {value: columns, configurable: true});
	if (rows !== undefined) Object.defineProperty(stdout, 'rows', {value: rows, configurable: true});
}

function renderSized(element: React.ReactElement, columns: number, rows: number) {
	// The test stdout reports a fixed 100 columns from its prototype; give this instance its own size
	// before the first frame by rendering, resizing, and emitting 'resize'.
	const instance = render(element);
	setSize(instance.stdout, columns, rows);
	instance.stdout.emit('resize');
	return instance;
}

// ---- activity events ----

let sequence = 0;

export function usage(inputTokens: number, outputTokens: number): Usage {
	return {inputTokens, outputTokens, cacheReadTokens: 0, cacheCreationTokens: 0};
}

export function startEvent(overrides: Partial<Extract<ActivityEvent, {type: 'request:start'}>> = {}): Extract<ActivityEvent, {type: 'request:start'}> {
	sequence++;
	return {
		type: 'request:start',
		id: `req_${String(sequence).padStart(6, '0')}`,
		at: Date.now(),
		scenario: 'default',
		reason: 'no other rule matched',
		provider: 'deepseek',
		model: 'deepseek-chat',
		requestedModel: 'claude-sonnet-4-5',
		stream: true,
		inputTokens: 1234,
		upstreamHost: 'api.deepseek.com',
		...overrides,
	};
}
