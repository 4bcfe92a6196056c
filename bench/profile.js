/**
 * CPU profile of ccr-tui headless under a fixed load, then a summary of where the time goes.
 *   node bench/profile.js [--scenario json-10k|seq-10k|json-1m|stream-100k|stream-1m|events|mixed] [--seconds 8] [--top 25] [--dashboard]
 *   node bench/profile.js --summarize <file.cpuprofile.json>
 * The profile is taken in-process through bench/probe.js (node:inspector), so the proxy needs no
 * flags and no clean exit; it is written to bench/results/profile-<scenario>.cpuprofile.json
 * (open it in Chrome DevTools → Performance, or read the summary printed here).
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {buildBody} from './corpus.js';
import {closedLoop} from './load.js';
import {ROOT, freePort, killPid, probe, startDashboard, startHeadless, startMock, stopChild} from './targets.js';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
	const at = argv.indexOf(`--${name}`);
	return at < 0 ? fallback : argv[at + 1];
};

const SCENARIOS = {
	'json-10k': {size: '10k', model: 'chunks=20', stream: false, concurrency: 4},
	// One request at a time: what the sequential latency phase sees.
	'seq-10k': {size: '10k', model: 'chunks=20', stream: false, concurrency: 1},
	// The streamed-throughput phase's load (10 connections, 20-chunk answers).
	'stream-10k': {size: '10k', model: 'chunks=20', stream: true, concurrency: 10},
	'json-1m': {size: '1m', model: 'chunks=20', stream: false, concurrency: 2},
	'stream-100k': {size: '100k', model: 'chunks=20', stream: true, concurrency: 4},
	'stream-1m': {size: '1m', model: 'chunks=20', stream: true, concurrency: 2},
	events: {size: '10k', model: 'chunks=1000;tpc=1', stream: true, concurrency: 16},
	mixed: {size: '100k', model: 'chunks=12;shape=mixed', stream: true, concurrency: 4},
};

/** Self and inclusive time per function, per file and per package. */
export function summarize(profile, {top = 25} = {}) {
	const byId = new Map(profile.nodes.map(node => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const key = node => {
		const {functionName, url, lineNumber} = node.callFrame;
		const file = url.replace(/^file:\/\//, '').replace(ROOT, '');
		return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
	};

	const bucket = node => {
		const url = node.callFrame.url.replace(/^file:\/\//, '');
		if (!url) return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
		if (url.startsWith('node:')) return 'node: internals';
		const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
		if (pkg) return `npm:${pkg[1]}`;
		return url
			.replace(ROOT, '')
			.replace(/^dist\//, 'dist/')
			.replace(/\/[^/]+$/, '/');
	};

	// Samples taken inside bench/probe.js (e.g. Profiler.stop itself) are measurement overhead.
	const probeNodes = new Set();
	const markProbe = (id, inside) => {
		const node = byId.get(id);
		const here = inside || node.callFrame.url.endsWith('bench/probe.js');
		if (here) probeNodes.add(id);
		for (const child of node.children ?? []) markProbe(child, here);
	};

	markProbe(profile.nodes[0].id, false);
	const self = new Map();
	const inclusive = new Map();
	const buckets = new Map();
	let total = 0;
	let idle = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		const dt = profile.timeDeltas[i] ?? 0;
		const node = byId.get(profile.samples[i]);
		total += dt;
		if (node.callFrame.functionName === '(idle)') {
			idle += dt;
			continue;
		}

		if (probeNodes.has(node.id)) {
			idle += dt; // the probe's own work (stopping the profiler): not the proxy's
			continue;
		}

		self.set(key(node), (self.get(key(node)) ?? 0) + dt);
		buckets.set(bucket(node), (buckets.get(bucket(node)) ?? 0) + dt);
		const seen = new Set();
		for (let id = node.id; id !== undefined; id = parent.get(id)) {
			const k = key(byId.get(id));
			if (seen.has(k)) continue;
			seen.add(k);
			inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
		}
	}

	const busy = total - idle;
	const rows = map =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([name, us]) => `${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
	const interesting = [...inclusive].filter(([name]) => /dist\/|npm:|node_modules/.test(name) && !/^\(/.test(name));
	return [
		`busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled (${((busy / total) * 100).toFixed(0)} % busy; probe overhead excluded)`,
		'',
		'self time by package/dir:',
		...rows(buckets),
		'',
		'self time by function:',
		...rows(self),
		'',
		'inclusive time (project and npm code):',
		...rows(new Map(interesting)),
	].join('\n');
}

async function main() {
	if (argv.includes('--summarize')) {
		process.stdout.write(`${summarize(JSON.parse(readFileSync(option('summarize'), 'utf8')), {top: Number(option('top', 25))})}\n`);
		return;
	}

	const name = option('scenario', 'stream-100k');
	const scenario = SCENARIOS[name];
	if (!scenario) throw new Error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(', ')}`);
	const seconds = Number(option('seconds', 8));
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccr-prof-'));
	const mock = await startMock();
	let headless;
	try {
		const configPath = path.join(tmp, 'config.json');
		writeFileSync(
			configPath,
			JSON.stringify({
				LOG: false,
				Providers: [{name: 'mock', api_base_url: `${mock.url}/v1/chat/completions`, api_key: 'sk-bench-upstream-0000', models: [scenario.model], profile: 'openai'}],
				Router: {default: `mock,${scenario.model}`},
			}),
		);
		const socket = path.join(tmp, 'probe.sock');
		const env = {HOME: tmp, CCR_TUI_CONFIG: configPath};
		headless = argv.includes('--dashboard')
			? await startDashboard({configPath, env, probeSocket: socket, port: await freePort()})
			: await startHeadless({configPath, env, probeSocket: socket});
		headless.pid = (await probe(socket, '/stats')).pid;
		const target = {
			name: 'ccr-headless',
			port: headless.port,
			path: '/v1/messages?beta=true',
			headers: {'content-type': 'application/json', 'x-api-key': 'sk-bench-client', 'anthropic-version': '2023-06-01'},
			agent: new http.Agent({keepAlive: true, maxSockets: 64}),
		};
		const body = buildBody(scenario.size, {model: `mock,${scenario.model}`, stream: scenario.stream});
		await closedLoop(target, body, {concurrency: scenario.concurrency, durationMs: 1500});
		await probe(socket, '/profile/start?interval=100', 'POST');
		const run = await closedLoop(target, body, {concurrency: scenario.concurrency, durationMs: seconds * 1000, countEvents: scenario.stream});
		const file = path.join(ROOT, `bench/results/profile-${name}${argv.includes('--dashboard') ? '-dashboard' : ''}.cpuprofile.json`);
		await probe(socket, `/profile/stop?file=${encodeURIComponent(file)}`, 'POST');
		process.stdout.write(`scenario ${name}: ${run.completed} requests (${run.errors} errors), ${run.reqPerSec.toFixed(1)} req/s, ${Math.round(run.eventsPerSec)} events/s\n`);
		process.stdout.write(`profile: ${path.relative(ROOT, file)}\n\n${summarize(JSON.parse(readFileSync(file, 'utf8')), {top: Number(option('top', 25))})}\n`);
	} finally {
		if (headless) {
			await stopChild(headless.child);
			killPid(headless.pid);
		}
		await stopChild(mock.child);
		rmSync(tmp, {recursive: true, force: true});
	}
}

// Importable (summarize) without running.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
