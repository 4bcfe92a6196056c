/**
 * ccr-tui benchmark (`npm run bench`; `node bench/run.js --quick` for a ~30 s smoke run).
 *
 * One run measures four targets side by side against the same mock upstream, interleaved
 * (A B C D, A B C D … with the order rotated every round) so machine noise hits every target alike:
 *   direct         the client talks to the mock (baseline: 0 added)
 *   raw-pipe       a node:http pipe with a keep-alive agent (the floor for "one more hop in Node")
 *   ccr-headless   `ccr-tui start` (routing + translation on)
 *   ccr-dashboard  `ccr-tui` with the Ink dashboard rendering under a pty (`script`)
 * plus, in the non-stream latency and JSON throughput phases, the stack floors (bench/stack-floor.js): floor-h3-proxy
 * (h3's proxyRequest), floor-h3-json (h3 + undici, JSON parsed and re-serialized both ways, no
 * translation) and floor-node-json (the same JSON work on plain node:http), which tell what any
 * translating proxy on this stack pays before a line of ccr-tui runs.
 * Added latency = median over rounds of (target's round median − direct's round median), with the
 * IQR of those per-round deltas. The same Anthropic-shaped body bytes go to every target; the
 * mock reads the body but never parses it. Results: a markdown table on stdout and
 * bench/results/latest.json. Loopback only; every loop is bounded by a count or a duration.
 *
 * Flags: --quick  --rounds N  --targets direct,raw-pipe,…  --phases latency,stream,events,throughput,soak,start
 *        --out <file>  --keep (leave the temp dir)
 *        --compare <dist dir>  adds `ccr-compare`: another build of ccr-tui, headless, in the same
 *        interleaved run (A/B a change). The copy must sit where node_modules resolves, e.g.
 *        `cp -r dist package.json node_modules/.cache/ccr-before/` then `--compare node_modules/.cache/ccr-before/dist`.
 *        --compare-node-args "<flags>"  node flags for that target (`--compare dist` A/Bs a flag alone).
 */
import {cpus} from 'node:os';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {buildBody} from './corpus.js';
import {closedLoop, fetchText, median, percentile, send, slope} from './load.js';
import {CLI, ROOT, cpuSeconds, freePort, killPid, probe, rssMb, spawnUntil, startDashboard, startHeadless, startMock, startRawPipe, startStackFloor, stopChild} from './targets.js';

const argv = process.argv.slice(2);
const flag = name => argv.includes(`--${name}`);
const option = name => {
	const at = argv.indexOf(`--${name}`);
	return at < 0 ? undefined : argv[at + 1];
};

const quick = flag('quick');
const P = quick
	? {
			warmup: 5,
			rounds: 3,
			perRound: 6,
			rounds1m: 3,
			perRound1m: 3,
			latencyBudgetMs: 1500,
			sliceMs: 400,
			sliceRounds: 1,
			soak: 2000,
			soakMaxMs: 3000,
			startSamples: 1,
			streamChunks: 20,
			eventChunks: 500,
		}
	: {
			warmup: 15,
			rounds: 9,
			perRound: 25,
			rounds1m: 7,
			perRound1m: 10,
			latencyBudgetMs: 15_000,
			sliceMs: 1500,
			sliceRounds: 3,
			soak: 10_000,
			soakMaxMs: 45_000,
			startSamples: 5,
			streamChunks: 20,
			eventChunks: 1000,
		};
// Time caps keep a run bounded (~5 min full) even when a target is slow or the machine is busy:
// a latency phase shrinks its requests per round to fit latencyBudgetMs (never below 5), the soak
// stops at soakMaxMs (the report says how many requests it got).
if (option('rounds')) P.rounds = P.rounds1m = Number(option('rounds'));
const wantedTargets = option('targets')?.split(',');
const phases = new Set((option('phases') ?? 'latency,stream,events,throughput,soak,start').split(','));
const outFile = option('out') ?? path.join(ROOT, 'bench/results/latest.json');

const SIZES = ['10k', '100k', '1m'];
const CONCURRENCY = [1, 4, 16];
const began = performance.now();
const log = message => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
const round2 = value => (Number.isFinite(value) ? Math.round(value * 100) / 100 : null);
const round1 = value => (Number.isFinite(value) ? Math.round(value * 10) / 10 : null);

// ---------------------------------------------------------------------------------------------
// Models encode the mock's knobs (see mock-upstream.js); all are listed in the provider config.
const MODELS = {
	answer: `chunks=${P.streamChunks}`,
	events: `chunks=${P.eventChunks};tpc=1`,
	tool: 'chunks=12;shape=tool',
	reasoning: 'chunks=12;shape=reasoning',
	mixed: 'chunks=12;shape=mixed',
};

function writeConfig(dir, mockUrl) {
	const config = {
		LOG: false,
		Providers: [{name: 'mock', api_base_url: `${mockUrl}/v1/chat/completions`, api_key: 'sk-bench-upstream-0000', models: Object.values(MODELS), profile: 'openai'}],
		Router: {default: `mock,${MODELS.answer}`},
	};
	const file = path.join(dir, 'config.json');
	writeFileSync(file, `${JSON.stringify(config, null, '\t')}\n`);
	return file;
}

const OPENAI_HEADERS = {'content-type': 'application/json', authorization: 'Bearer sk-bench-upstream-0000'};
const ANTHROPIC_HEADERS = {'content-type': 'application/json', 'x-api-key': 'sk-bench-client', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219'};

function target(name, port, {anthropic = false, pid, probeSocket, child, floor = false} = {}) {
	return {
		floor,
		name,
		port,
		path: anthropic ? '/v1/messages?beta=true' : '/v1/chat/completions',
		headers: anthropic ? ANTHROPIC_HEADERS : OPENAI_HEADERS,
		agent: new http.Agent({keepAlive: true, maxSockets: 64}),
		pid,
		probeSocket,
		child,
		ccr: anthropic,
	};
}

// Bodies are built once; every target receives identical bytes.
const bodyCache = new Map();
function body(size, model, stream) {
	const key = `${size}|${model}|${stream}`;
	if (!bodyCache.has(key)) bodyCache.set(key, buildBody(size, {model: `mock,${model}`, stream}));
	return bodyCache.get(key);
}

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

// ---------------------------------------------------------------------------------------------
/** Sequential interleaved rounds; returns per-target stats for the requested timing fields. */
async function interleaved(targets, payload, {rounds, perRound: wanted, warmup, fields}) {
	const cycle = [];
	for (const t of targets) {
		const times = [];
		for (let i = 0; i < warmup; i++) times.push((await checked(t, payload)).total);
		cycle.push(median(times.slice(Math.floor(times.length / 2))));
	}

	const cycleMs = cycle.reduce((sum, value) => sum + value, 0);
	const perRound = Math.max(5, Math.min(wanted, Math.floor(P.latencyBudgetMs / (rounds * cycleMs))));
	const perTarget = new Map(targets.map(t => [t.name, {rounds: [], all: []}]));
	for (let r = 0; r < rounds; r++) {
		const order = rotate(targets, r);
		const roundSamples = new Map(targets.map(t => [t.name, []]));
		for (let i = 0; i < perRound; i++) {
			for (const t of order) roundSamples.get(t.name).push(await checked(t, payload));
		}

		for (const t of targets) {
			perTarget.get(t.name).rounds.push(roundSamples.get(t.name));
			perTarget.get(t.name).all.push(...roundSamples.get(t.name));
		}
	}

	const result = {};
	const base = perTarget.get('direct');
	for (const t of targets) {
		const data = perTarget.get(t.name);
		result[t.name] = {};
		for (const field of fields) {
			const roundMedians = data.rounds.map(samples => median(samples.map(s => s[field]).filter(Number.isFinite)));
			const all = data.all.map(s => s[field]).filter(Number.isFinite);
			const entry = {p50: round2(median(roundMedians)), p99: round2(percentile(all, 99)), n: all.length};
			if (base) {
				const baseMedians = base.rounds.map(samples => median(samples.map(s => s[field]).filter(Number.isFinite)));
				const deltas = roundMedians.map((value, i) => value - baseMedians[i]);
				const baseAll = base.all.map(s => s[field]).filter(Number.isFinite);
				entry.addedP50 = round2(median(deltas));
				entry.addedIqr = [round2(percentile(deltas, 25)), round2(percentile(deltas, 75))];
				entry.addedP99 = round2(percentile(all, 99) - percentile(baseAll, 99));
			}

			result[t.name][field] = entry;
		}
	}

	return result;
}

async function checked(t, payload, options) {
	const result = await send(t, payload, options);
	if (result.status !== 200) throw new Error(`${t.name} answered ${result.status}`);
	return result;
}

/** Concurrent slices, interleaved by target; per slice: rate, latency, target CPU, RSS, ELD. */
async function slices(targets, payload, {concurrency, countEvents}) {
	const out = new Map(targets.map(t => [t.name, []]));
	for (const t of targets) await closedLoop(t, payload, {concurrency, count: concurrency * 2, countEvents});
	for (let r = 0; r < P.sliceRounds; r++) {
		for (const t of rotate(targets, r)) {
			if (t.probeSocket) await probe(t.probeSocket, '/reset', 'POST');
			const rss = [];
			const sampler = t.pid ? setInterval(() => rss.push(rssMb(t.pid)), 250) : undefined;
			const cpu0 = t.pid ? cpuSeconds(t.pid) : Number.NaN;
			const self0 = process.cpuUsage();
			const run = await closedLoop(t, payload, {concurrency, durationMs: P.sliceMs, countEvents});
			const self = process.cpuUsage(self0);
			const cpu = t.pid ? cpuSeconds(t.pid) - cpu0 : Number.NaN;
			clearInterval(sampler);
			const stats = t.probeSocket ? await probe(t.probeSocket, '/stats') : undefined;
			out.get(t.name).push({
				...run,
				latencies: undefined,
				p50: median(run.latencies),
				p99: percentile(run.latencies, 99),
				cpuPct: (cpu / (run.elapsedMs / 1000)) * 100,
				// CPU time per request / per event: the least contention-sensitive cost figure.
				cpuMsPerReq: (cpu * 1000) / run.completed,
				cpuUsPerEvent: run.events > 0 ? (cpu * 1e6) / run.events : Number.NaN,
				loadGenCpuPct: ((self.user + self.system) / 1e3 / run.elapsedMs) * 100,
				rss,
				// The proxy's own loop (a worker thread under the dashboard), and the UI thread's.
				eldP99: stats?.proxyEld.p99,
				eldMax: stats?.proxyEld.max,
				uiEldP99: stats?.threads.length ? stats.eld.p99 : undefined,
			});
		}
	}

	const result = {};
	for (const t of targets) {
		const list = out.get(t.name);
		const pick = key => median(list.map(slice => slice[key]).filter(Number.isFinite));
		result[t.name] = {
			reqPerSec: round1(pick('reqPerSec')),
			eventsPerSec: Math.round(pick('eventsPerSec')),
			p50: round2(pick('p50')),
			p99: round2(pick('p99')),
			cpuPct: round1(pick('cpuPct')),
			cpuMsPerReq: round2(pick('cpuMsPerReq')),
			cpuUsPerEvent: round2(pick('cpuUsPerEvent')),
			loadGenCpuPct: round1(pick('loadGenCpuPct')),
			errors: list.reduce((sum, slice) => sum + slice.errors, 0),
			rssP95: round1(
				percentile(
					list.flatMap(slice => slice.rss),
					95,
				),
			),
			eldP99: round2(pick('eldP99')),
			eldMax: round2(Math.max(...list.map(slice => slice.eldMax ?? Number.NaN))),
			uiEldP99: round2(pick('uiEldP99')),
		};
	}

	return result;
}

// ---------------------------------------------------------------------------------------------
/** Translate a few answer shapes once through each ccr target; a broken proxy stops the run. */
async function sanity(t) {
	for (const [name, model] of Object.entries(MODELS)) {
		for (const stream of [false, true]) {
			const answer = await fetchText(t, body('10k', model, stream));
			const ok = answer.status === 200 && (stream ? answer.text.includes('event: message_stop') : answer.text.includes('"type":"message"'));
			if (!ok) throw new Error(`${t.name}: ${name} ${stream ? 'stream' : 'json'} → ${answer.status} ${answer.text.slice(0, 300)}`);
		}
	}
}

async function soak(t) {
	const bodies = [body('10k', MODELS.answer, false), body('10k', MODELS.answer, true)];
	const samples = [];
	const rss = [];
	const sampler = setInterval(() => rss.push(rssMb(t.pid)), 250);
	const every = P.soak / 10;
	let completed = 0;
	const quarter = async () => {
		const run = await closedLoop(t, i => bodies[i % 2], {
			concurrency: 10,
			count: P.soak / 4,
			durationMs: P.soakMaxMs / 4,
			onResult() {
				completed++;
				if (completed % every === 0) samples.push([completed, rssMb(t.pid)]);
			},
		});
		// Retained heap after a forced full GC: the leak check that RSS noise cannot fool. Taken after
		// each quarter; the slope over the last three points excludes bounded warm-up (history
		// buffers, caches, JIT code) and is steadier than a two-point difference.
		const gc = t.probeSocket ? await probe(t.probeSocket, '/gc', 'POST') : undefined;
		return {run, heap: gc ? gc.heapUsed / 2 ** 20 : undefined, at: completed};
	};

	const quarters = [];
	for (let i = 0; i < 4; i++) quarters.push(await quarter());
	clearInterval(sampler);
	await new Promise(resolve => setTimeout(resolve, quick ? 1000 : 2000));
	const after = rssMb(t.pid);
	// V8 gives heap pages back only when its memory reducer runs, some seconds after the allocation
	// rate drops (seen here: 8–17 s). Sample until RSS has dropped and held for 3 s, at most 25 s.
	let settled = after;
	const settledBy = performance.now() + (quick ? 3000 : 25_000);
	let steady = 0;
	while (performance.now() < settledBy && steady < 3) {
		await new Promise(resolve => setTimeout(resolve, 1000));
		const now = rssMb(t.pid);
		steady = settled < after - 5 && Math.abs(now - settled) < 1 ? steady + 1 : 0;
		settled = Math.min(settled, now);
	}

	const late = samples.filter(([n]) => n > completed / 2);
	const errors = quarters.reduce((sum, q) => sum + q.run.errors, 0);
	const heapPoints = quarters
		.slice(1)
		.filter(q => q.heap !== undefined)
		.map(q => [q.at, q.heap]);
	return {
		heapMidGc: round1(quarters[1].heap),
		heapAfterGc: round1(quarters[3].heap),
		heapGcPoints: quarters.map(q => round1(q.heap)),
		retainedMbPer1k: heapPoints.length < 3 ? undefined : round2(slope(heapPoints) * 1000),
		requests: completed,
		errors,
		reqPerSec: round1(completed / (quarters.reduce((sum, q) => sum + q.run.elapsedMs, 0) / 1000)),
		rssPeak: round1(Math.max(...rss)),
		rssAfter: round1(after),
		rssSettled: round1(settled),
		// MB per 1,000 requests over the second half (warm-up growth excluded).
		slopeMbPer1k: round2(slope(late) * 1000),
		samples: samples.map(([n, mb]) => [n, round1(mb)]),
	};
}

/**
 * The dashboard's memory floor: RSS of a node process that only renders one line with Ink 6 (React
 * 19, yoga-layout's wasm) to a null stream, then idles. No proxy, no worker thread, none of our UI.
 */
async function inkFloor() {
	const script = `
		import {PassThrough} from 'node:stream';
		import {readFileSync} from 'node:fs';
		import React from 'react';
		import {render, Text} from 'ink';
		const out = Object.assign(new PassThrough(), {columns: 120, rows: 40, isTTY: true});
		out.resume();
		render(React.createElement(Text, null, 'ink floor'), {stdout: out, patchConsole: false});
		setTimeout(() => {
			console.log(JSON.stringify({rss: Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024}));
			process.exit(0);
		}, 1000);`;
	const {found} = await spawnUntil(process.execPath, ['--input-type=module', '-e', script], {match: /\{"rss":[\d.]+\}/});
	return round1(JSON.parse(found[0]).rss);
}

async function startSamples(configPath, env) {
	const ccr = [];
	const floor = [];
	const nodeFloor = 'require("http").createServer().listen(0,"127.0.0.1",function(){console.log("http://127.0.0.1:"+this.address().port)})';
	for (let i = 0; i < P.startSamples; i++) {
		const plain = await spawnUntil(process.execPath, ['-e', nodeFloor], {match: /http:\/\/127\.0\.0\.1:(\d+)/});
		floor.push(plain.ms);
		await stopChild(plain.child);
		const started = await startHeadless({configPath, env});
		ccr.push(started.readyMs);
		await stopChild(started.child);
	}

	return {ccrMs: round1(median(ccr)), ccrMaxMs: round1(Math.max(...ccr)), nodeFloorMs: round1(median(floor)), samples: ccr.map(round1)};
}

// ---------------------------------------------------------------------------------------------
async function main() {
	const startedAt = Date.now();
	const machine = {
		nproc: cpus().length,
		cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model,
		node: process.version,
		memGb: round1(os.totalmem() / 2 ** 30),
		date: new Date().toISOString(),
		mode: quick ? 'quick' : 'full',
	};
	log(`${machine.cpu} ×${machine.nproc}, node ${machine.node}, ${machine.mode}`);
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-'));
	const env = {HOME: tmp, CCR_TUI_CONFIG: path.join(tmp, 'config.json'), NO_UPDATE_NOTIFIER: '1'};
	const children = [];
	const pids = [];
	const results = {machine, params: P, models: MODELS, notes: []};
	const want = name => !wantedTargets || wantedTargets.includes(name);
	try {
		const mock = await startMock();
		children.push(mock.child);
		const pipe = await startRawPipe(mock.url);
		children.push(pipe.child);
		const targets = [target('direct', mock.port, {pid: mock.pid}), target('raw-pipe', pipe.port, {pid: pipe.pid})].filter(t => want(t.name));
		if (phases.has('latency') || phases.has('throughput')) {
			for (const [name, mode] of [
				['floor-h3-proxy', 'proxy'],
				['floor-h3-json', 'json'],
				['floor-node-json', 'node-json'],
			]) {
				if (!want(name)) continue;
				const floor = await startStackFloor(mock.url, mode);
				children.push(floor.child);
				targets.push(target(name, floor.port, {floor: true, pid: floor.pid}));
			}
		}

		const configPath = writeConfig(tmp, mock.url);
		env.CCR_TUI_CONFIG = configPath;

		if (existsSync(CLI) && (want('ccr-headless') || want('ccr-dashboard'))) {
			if (phases.has('start')) {
				log('start-to-listening');
				results.start = await startSamples(configPath, env);
			}

			if (want('ccr-headless')) {
				const socket = path.join(tmp, 'probe-headless.sock');
				const headless = await startHeadless({configPath, env, probeSocket: socket});
				children.push(headless.child);
				targets.push(target('ccr-headless', headless.port, {anthropic: true, pid: headless.child.pid, probeSocket: socket, child: headless.child}));
			}

			if (option('compare')) {
				// A/B against another build of ccr-tui (e.g. before a change), interleaved in the same run.
				const cli = path.resolve(option('compare'), 'cli.js');
				const socket = path.join(tmp, 'probe-compare.sock');
				const nodeArgs = option('compare-node-args')?.split(' ').filter(Boolean) ?? [];
				const other = await startHeadless({configPath, env, probeSocket: socket, cli, nodeArgs});
				children.push(other.child);
				targets.push(target('ccr-compare', other.port, {anthropic: true, pid: other.child.pid, probeSocket: socket, child: other.child}));
			}

			if (want('ccr-dashboard')) {
				const socket = path.join(tmp, 'probe-dashboard.sock');
				try {
					const dashboard = await startDashboard({configPath, env, probeSocket: socket, port: await freePort()});
					children.push(dashboard.child);
					const {pid} = await probe(socket, '/stats');
					pids.push(pid);
					results.dashboardStartMs = round1(dashboard.readyMs);
					results.dashboardScreenBytes = () => dashboard.output.bytes;
					targets.push(target('ccr-dashboard', dashboard.port, {anthropic: true, pid, probeSocket: socket, child: dashboard.child}));
				} catch (error) {
					results.notes.push(`dashboard target skipped: ${error.message.split('\n')[0]}`);
					log(`dashboard skipped: ${error.message}`);
				}
			}
		} else if (!existsSync(CLI)) {
			results.notes.push('dist/cli.js missing: ccr-tui targets skipped (run npm run build)');
		}

		for (const t of targets.filter(t => t.ccr)) {
			log(`sanity ${t.name}`);
			await sanity(t);
		}

		log(`targets: ${targets.map(t => `${t.name}:${t.port}`).join(' ')}`);
		await new Promise(resolve => setTimeout(resolve, 1000));
		results.rssIdle = Object.fromEntries(targets.filter(t => t.pid).map(t => [t.name, round1(rssMb(t.pid))]));
		if (want('ccr-dashboard')) results.inkFloorMb = await inkFloor();
		// Idle CPU: what the process burns with no traffic at all (timers, dashboard clock/renders).
		const idleCpu0 = new Map(targets.filter(t => t.ccr).map(t => [t.name, cpuSeconds(t.pid)]));
		const idleS = quick ? 1 : 3;
		await new Promise(resolve => setTimeout(resolve, idleS * 1000));
		results.cpuIdlePct = Object.fromEntries([...idleCpu0].map(([name, cpu0]) => [name, round2(((cpuSeconds(targets.find(t => t.name === name).pid) - cpu0) / idleS) * 100)]));

		if (phases.has('latency')) {
			results.latency = {};
			for (const size of SIZES) {
				log(`non-stream latency ${size}`);
				const big = size === '1m';
				results.latency[size] = await interleaved(targets, body(size, MODELS.answer, false), {
					rounds: big ? P.rounds1m : P.rounds,
					perRound: big ? P.perRound1m : P.perRound,
					warmup: P.warmup,
					fields: ['total'],
				});
			}
		}

		// The floors answer JSON only: the stream phases run without them.
		const proxies = targets.filter(t => !t.floor);
		if (phases.has('stream')) {
			results.stream = {};
			for (const size of SIZES) {
				log(`stream first event ${size}`);
				const big = size === '1m';
				results.stream[size] = await interleaved(proxies, body(size, MODELS.answer, true), {
					rounds: big ? P.rounds1m : P.rounds,
					perRound: big ? P.perRound1m : P.perRound,
					warmup: P.warmup,
					fields: ['first', 'delta', 'total'],
				});
			}
		}

		if (phases.has('events')) {
			results.events = {};
			for (const concurrency of CONCURRENCY) {
				log(`events/s at ${concurrency} streams`);
				results.events[concurrency] = await slices(proxies, body('10k', MODELS.events, true), {concurrency, countEvents: true});
			}
		}

		if (phases.has('throughput')) {
			results.throughput = {};
			for (const stream of [true, false]) {
				log(`throughput at 10 connections (${stream ? 'stream' : 'non-stream'})`);
				// JSON with the stack floors too: what the stack alone sustains, for scale.
				results.throughput[stream ? 'stream' : 'json'] = await slices(stream ? proxies : targets, body('10k', MODELS.answer, stream), {concurrency: 10, countEvents: stream});
			}
		}

		if (phases.has('soak')) {
			results.soak = {};
			for (const t of targets.filter(t => t.ccr)) {
				log(`${P.soak} requests through ${t.name}`);
				results.soak[t.name] = await soak(t);
			}
		}

		for (const t of targets.filter(t => t.probeSocket)) {
			const stats = await probe(t.probeSocket, '/stats');
			(results.finalMemory ??= {})[t.name] = {rss: round1(stats.rss / 2 ** 20), heapUsed: round1(stats.heapUsed / 2 ** 20), external: round1(stats.external / 2 ** 20)};
		}

		if (results.dashboardScreenBytes) results.dashboardScreenBytes = results.dashboardScreenBytes();
		results.targets = targets.map(t => t.name);
	} finally {
		// The dashboard's node process sits under `script`: signal it directly, then the rest.
		for (const pid of pids) killPid(pid, 'SIGTERM');
		await Promise.all(children.reverse().map(async child => stopChild(child).catch(() => {})));
		for (const pid of pids) killPid(pid);
		if (!flag('keep')) rmSync(tmp, {recursive: true, force: true});
	}

	results.durationS = round1((Date.now() - startedAt) / 1000);
	results.verdicts = verdicts(results);
	mkdirSync(path.dirname(outFile), {recursive: true});
	writeFileSync(outFile, `${JSON.stringify(results, null, '\t')}\n`);
	process.stdout.write(report(results));
	log(`wrote ${path.relative(ROOT, outFile)} in ${results.durationS} s`);
}

// ---------------------------------------------------------------------------------------------
function verdicts(r) {
	const list = [];
	const add = (name, value, limit, pass, unit = '') => list.push({name, value, limit, pass: value === undefined || value === null ? null : pass});
	const lat = r.latency?.['10k'];
	if (lat?.['raw-pipe'] && lat['ccr-headless']) {
		const floor = lat['raw-pipe'].total.addedP50;
		add('added p50, 10 KB non-stream ≤ 2× raw pipe', lat['ccr-headless'].total.addedP50, `${round2(2 * floor)} ms`, lat['ccr-headless'].total.addedP50 <= 2 * floor);
		add('added p99, 10 KB non-stream ≤ 5 ms', lat['ccr-headless'].total.addedP99, '5 ms', lat['ccr-headless'].total.addedP99 <= 5);
		// Context, not ccr-tui: does the stack itself (no routing, no translation) fit the same limit?
		for (const name of ['floor-h3-json', 'floor-node-json']) {
			const value = lat[name]?.total.addedP50;
			if (value !== undefined) add(`(stack floor) ${name}: added p50, 10 KB, same limit`, value, `${round2(2 * floor)} ms`, value <= 2 * floor);
		}
	}

	for (const [size, limit] of [
		['100k', 2],
		['1m', 8],
	]) {
		const value = r.stream?.[size]?.['ccr-headless']?.first.addedP50;
		add(`added time to first event p50 @${size} ≤ ${limit} ms`, value, `${limit} ms`, value <= limit);
		// The JSON round trip alone (parse and serialize the body both ways), non-stream, for scale.
		const floor = r.latency?.[size]?.['floor-h3-json']?.total.addedP50;
		if (floor !== undefined) add(`(stack floor) floor-h3-json: added p50 @${size} non-stream, same limit`, floor, `${limit} ms`, floor <= limit);
	}

	const tp = r.throughput?.stream;
	if (tp?.['raw-pipe'] && tp['ccr-headless']) {
		const ratio = tp['ccr-headless'].reqPerSec / tp['raw-pipe'].reqPerSec;
		add('streamed req/s at 10 connections ≥ 40 % of raw pipe', `${Math.round(ratio * 100)} %`, '40 %', ratio >= 0.4);
	}

	const tj = r.throughput?.json;
	for (const name of ['floor-h3-json', 'floor-node-json']) {
		if (!tj?.[name] || !tj['raw-pipe']) continue;
		const ratio = tj[name].reqPerSec / tj['raw-pipe'].reqPerSec;
		add(`(stack floor) ${name}: JSON req/s at 10 connections, same 40 %`, `${Math.round(ratio * 100)} %`, '40 %', ratio >= 0.4);
	}

	const idle = r.rssIdle?.['ccr-dashboard'];
	add('RSS idle with dashboard ≤ 100 MB', idle, '100 MB', idle <= 100);
	if (r.inkFloorMb !== undefined) add('(stack floor) Ink alone, one line rendered, RSS idle, same limit', r.inkFloorMb, '100 MB', r.inkFloorMb <= 100);
	for (const name of ['ccr-headless', 'ccr-dashboard']) {
		const s = r.soak?.[name];
		if (!s) continue;
		add(`RSS after ${s.requests} requests (${name}), settled ≤ 150 MB (2 s after: ${s.rssAfter} MB)`, s.rssSettled, '150 MB', s.rssSettled <= 150);
		// "No upward slope": retained heap (after full GC) may not grow with the request count; the
		// RSS slope is reported too but swings ±5 MB/1k with V8's young generation and malloc arenas.
		add(`retained heap growth, last 3 quarters (${name}) ≤ 0.1 MB / 1k req`, s.retainedMbPer1k, '0.1 MB/1k', s.retainedMbPer1k <= 0.1);
	}

	const on = r.latency?.['10k']?.['ccr-dashboard']?.total.p50;
	const off = r.latency?.['10k']?.['ccr-headless']?.total.p50;
	if (on && off) add('dashboard on vs off, p50 10 KB non-stream within 10 %', `${round1((on / off - 1) * 100)} %`, '±10 %', Math.abs(on / off - 1) <= 0.1);
	const son = r.stream?.['10k']?.['ccr-dashboard']?.total.p50;
	const soff = r.stream?.['10k']?.['ccr-headless']?.total.p50;
	if (son && soff) add('dashboard on vs off, p50 10 KB stream within 10 %', `${round1((son / soff - 1) * 100)} %`, '±10 %', Math.abs(son / soff - 1) <= 0.1);
	add('start to listening ≤ 400 ms', r.start?.ccrMs, '400 ms', r.start?.ccrMs <= 400);
	return list;
}

function table(header, rows) {
	const line = cells => `| ${cells.map(cell => (cell === undefined || cell === null || Number.isNaN(cell) ? '–' : String(cell))).join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const iqr = entry => (entry?.addedIqr ? `${entry.addedIqr[0]}…${entry.addedIqr[1]}` : undefined);

function report(r) {
	const out = [];
	const m = r.machine;
	out.push(
		`## ccr-tui benchmark (${m.mode})`,
		'',
		`Machine: ${m.nproc} × ${m.cpu}, ${m.memGb} GB, Node ${m.node}, ${m.date}. Loopback; load generator, mock, floor and proxy share the cores. Run took ${r.durationS} s.`,
		'',
	);
	if (r.notes.length > 0) out.push(...r.notes.map(note => `> ${note}`), '');
	const names = r.targets ?? [];
	const proxyNames = names.filter(name => !name.startsWith('floor-'));
	if (r.latency) {
		out.push('### Non-stream latency (ms; added = median of round medians minus direct, IQR of the round deltas)', '');
		out.push(
			table(
				['body', 'target', 'p50', 'added p50', 'added IQR', 'p99', 'added p99'],
				SIZES.flatMap(size =>
					names.map(name => {
						const e = r.latency[size]?.[name]?.total;
						return [size, name, e?.p50, e?.addedP50, iqr(e), e?.p99, e?.addedP99];
					}),
				),
			),
			'',
		);
	}

	if (r.stream) {
		out.push(`### Stream (${r.models.answer}): time to first event, first token, whole stream (ms)`, '');
		out.push(
			table(
				['body', 'target', 'first event p50', 'added', 'added IQR', 'added p99', 'first token added', 'whole stream p50', 'added'],
				SIZES.flatMap(size =>
					proxyNames.map(name => {
						const e = r.stream[size]?.[name];
						return [size, name, e?.first.p50, e?.first.addedP50, iqr(e?.first), e?.first.addedP99, e?.delta.addedP50, e?.total.p50, e?.total.addedP50];
					}),
				),
			),
			'',
		);
	}

	if (r.events) {
		out.push(`### Events/s (${r.models.events}, back-to-back chunks; % of raw pipe)`, '');
		const pct = (c, name) => {
			const floor = r.events[c]?.['raw-pipe']?.eventsPerSec;
			const value = r.events[c]?.[name]?.eventsPerSec;
			return floor && value ? `${value} (${Math.round((value / floor) * 100)} %)` : value;
		};

		out.push(
			table(
				['target', ...CONCURRENCY.map(c => `${c} stream${c > 1 ? 's' : ''}`), 'CPU % @16', 'CPU µs/event @16', 'ELD p99 @16 (ms)'],
				proxyNames.map(name => [name, ...CONCURRENCY.map(c => pct(c, name)), r.events[16]?.[name]?.cpuPct, r.events[16]?.[name]?.cpuUsPerEvent, r.events[16]?.[name]?.eldP99]),
			),
			'',
		);
	}

	if (r.throughput) {
		out.push('### Throughput at 10 connections (10 KB body)', '');
		out.push(
			table(
				['target', 'mode', 'req/s', '% of raw pipe', 'p50 ms', 'p99 ms', 'target CPU %', 'CPU ms/req', 'loadgen CPU %', 'RSS p95 MB', 'ELD p99 ms', 'errors'],
				['stream', 'json'].flatMap(mode =>
					(mode === 'json' ? names : proxyNames).map(name => {
						const e = r.throughput[mode]?.[name];
						const floor = r.throughput[mode]?.['raw-pipe']?.reqPerSec;
						return [
							name,
							mode,
							e?.reqPerSec,
							floor && e ? `${Math.round((e.reqPerSec / floor) * 100)} %` : undefined,
							e?.p50,
							e?.p99,
							e?.cpuPct,
							e?.cpuMsPerReq,
							e?.loadGenCpuPct,
							e?.rssP95,
							e?.eldP99,
							e?.errors,
						];
					}),
				),
			),
			'',
		);
	}

	out.push('### Memory and event loop', '');
	out.push(
		table(
			[
				'target',
				'RSS idle MB',
				'CPU idle %',
				'RSS p95 under load MB',
				'requests',
				'RSS peak MB',
				'RSS 2 s after MB',
				'RSS settled MB',
				'RSS slope MB/1k req',
				'heap after full GC, per quarter MB',
				'proxy ELD p99 (16 streams) ms',
				'proxy ELD max ms',
				'UI thread ELD p99 ms',
			],
			proxyNames
				.filter(name => r.rssIdle?.[name] !== undefined)
				.map(name => [
					name,
					r.rssIdle[name],
					r.cpuIdlePct?.[name],
					r.throughput?.stream?.[name]?.rssP95,
					r.soak?.[name]?.requests,
					r.soak?.[name]?.rssPeak,
					r.soak?.[name]?.rssAfter,
					r.soak?.[name]?.rssSettled,
					r.soak?.[name]?.slopeMbPer1k,
					r.soak?.[name]?.heapGcPoints?.join(' → '),
					r.events?.[16]?.[name]?.eldP99,
					r.events?.[16]?.[name]?.eldMax,
					r.events?.[16]?.[name]?.uiEldP99,
				]),
		),
		'',
	);
	if (r.inkFloorMb) out.push(`Memory floor of the dashboard: a node process that only renders one line with Ink holds **${r.inkFloorMb} MB** RSS idle (bare node: ~44 MB).`, '');
	if (r.start)
		out.push(
			`Start to listening (\`ccr-tui start --port 0\`, spawn → URL printed, median of ${r.start.samples.length}): **${r.start.ccrMs} ms** (max ${r.start.ccrMaxMs}; bare \`node -e\` http server: ${r.start.nodeFloorMs} ms). Dashboard under pty, spawn → port accepts: ${r.dashboardStartMs ?? '–'} ms.`,
			'',
		);
	if (r.verdicts.length > 0) {
		out.push('### Targets', '');
		out.push(
			table(
				['target', 'measured', 'limit', 'result'],
				r.verdicts.map(v => [v.name, v.value, v.limit, v.pass === null ? 'n/a' : v.pass ? 'PASS' : 'FAIL']),
			),
			'',
		);
	}

	return `${out.join('\n')}\n`;
}

await main();
