/**
 * `ccr-tui --demo`: a throwaway config in a temp folder that points every route at the in-process
 * demo provider, plus the sample-traffic generator. The user's own config is never read or written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {RawConfig} from '../config/schema.js';
import {DEMO_PROVIDER, startDemoUpstream, type DemoUpstream, type DemoUpstreamOptions} from './demo-upstream.js';
import {startDemoTraffic, type DemoTraffic, type DemoTrafficOptions} from './demo-traffic.js';

export {DEMO_MODELS, DEMO_PROVIDER} from './demo-upstream.js';

/** Low enough that the demo's long-context sample crosses it without megabytes of text. */
export const DEMO_LONG_CONTEXT_THRESHOLD = 6000;

export type DemoOptions = DemoUpstreamOptions & {
	/** Folder for the demo config. @default a new temp folder, removed by close() */
	dir?: string;
};

export type Demo = {
	/** The demo config file: open a ConfigStore on this instead of the user's config. */
	readonly configPath: string;
	readonly upstream: DemoUpstream;
	/** Start sample requests against the proxy once it listens; stopped by close() too. */
	startTraffic(proxyUrl: string, options?: Omit<DemoTrafficOptions, 'proxyUrl'>): DemoTraffic;
	close(): Promise<void>;
};

export function demoConfig(upstreamUrl: string): RawConfig {
	const target = (model: string): string => `${DEMO_PROVIDER},${model}`;
	return {
		Providers: [
			{
				name: DEMO_PROVIDER,
				api_base_url: `${upstreamUrl}/v1/chat/completions`,
				models: ['demo-chat', 'demo-mini', 'demo-reasoner'],
				profile: 'openai',
				// Let the simulated 429s reach the dashboard instead of being retried away.
				max_retries: 0,
			},
		],
		Router: {
			default: target('demo-chat'),
			background: target('demo-mini'),
			think: target('demo-reasoner'),
			longContext: target('demo-reasoner'),
			longContextThreshold: DEMO_LONG_CONTEXT_THRESHOLD,
			webSearch: target('demo-chat'),
			image: target('demo-chat'),
		},
	};
}

const TEMP_PREFIX = 'ccr-tui-demo-';
/** Names the process that owns a temp demo folder, so a later demo can sweep it if that one died. */
const OWNER_FILE = 'owner.pid';

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
	const ownDir = options.dir === undefined;
	if (ownDir) sweepAbandonedDemos();
	const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
	const removeDir = (): void => fs.rmSync(dir, {recursive: true, force: true});
	const upstream = await startDemoUpstream(options);
	const configPath = path.join(dir, 'config.json');
	try {
		fs.mkdirSync(dir, {recursive: true, mode: 0o700});
		fs.writeFileSync(configPath, `${JSON.stringify(demoConfig(upstream.url), undefined, 2)}\n`, {mode: 0o600});
		if (ownDir) fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
	} catch (error) {
		await upstream.close();
		if (ownDir) removeDir();
		throw error;
	}

	// A closed terminal can end the process before close() runs: still leave no folder behind.
	if (ownDir) process.once('exit', removeDir);
	const traffic = new Set<DemoTraffic>();
	let closed = false;
	return {
		configPath,
		upstream,
		startTraffic(proxyUrl, trafficOptions = {}) {
			const generator = startDemoTraffic({random: options.random, ...trafficOptions, proxyUrl});
			traffic.add(generator);
			return generator;
		},
		async close() {
			if (closed) return;
			closed = true;
			await Promise.allSettled([...traffic].map(async generator => generator.stop()));
			await upstream.close();
			if (ownDir) {
				process.off('exit', removeDir);
				removeDir();
			}
		},
	};
}

/** Temp demo folders whose owner process is gone (killed before it could clean up). */
function sweepAbandonedDemos(): void {
	let names: string[];
	try {
		names = fs.readdirSync(os.tmpdir()).filter(name => name.startsWith(TEMP_PREFIX));
	} catch {
		return;
	}

	for (const name of names) {
		const dir = path.join(os.tmpdir(), name);
		try {
			const pid = Number(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
			if (Number.isInteger(pid) && pid > 0 && !isRunning(pid)) fs.rmSync(dir, {recursive: true, force: true});
		} catch {
			// No owner file (not ours, or still being created) or not removable: leave it.
		}
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it runs, under another user.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
