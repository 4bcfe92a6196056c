#!/usr/bin/env node
/**
 * Focused benchmark for the usage history and the status line (issue 18), on the built dist/:
 *
 *   node bench/usage.js [subscriber|summary|statusline|hot-path|all] [--quick]
 *
 * subscriber  the history writer's CPU per request on the activity bus (no HTTP): listening vs not
 * summary     100,000 records over 30 days: in-process read+summarise, and `ccr-tui usage --days 30 --json` as a process
 * statusline  `ccr-tui statusline` wall time per run (Node start-up included), with and without a running ccr-tui
 * hot-path    A/B: two headless ccr-tui on one mock upstream, history off (A) and on (B), rounds interleaved:
 *             sequential streamed 10 KB requests (latency, first delta) and a concurrency-8 loop (req/s, CPU per request)
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {buildBody} from './corpus.js';
import {closedLoop, median, percentile, send} from './load.js';
import {CLI, ROOT, cpuSeconds, freePort, startHeadless, startMock, stopChild} from './targets.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const which = args.find(arg => !arg.startsWith('--')) ?? 'all';
const DAY = 86_400_000;
const results = {machine: {cpus: os.cpus().length, load: os.loadavg().map(value => Number(value.toFixed(2))), node: process.version}, quick};

const ms = value => Number(value.toFixed(1));
function stats(values) {
	return {median: ms(median(values)), p90: ms(percentile(values, 90)), min: ms(Math.min(...values)), n: values.length};
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Wall time of a child process, and its CPU time (user + system, via /usr/bin/time when present):
 * on a shared machine the wall time is mostly waiting for a core, the CPU time is what it costs.
 */
function timeProcess(command, commandArgs, {input, env} = {}) {
	const started = performance.now();
	const [file, argv] = TIME ? [TIME, ['-f', '@cpu %U %S', command, ...commandArgs]] : [command, commandArgs];
	const result = spawnSync(file, argv, {input, env: {...process.env, ...env}, encoding: 'utf8'});
	const cpu = /@cpu ([\d.]+) ([\d.]+)/.exec(result.stderr ?? '');
	return {ms: performance.now() - started, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN, stdout: result.stdout, status: result.status};
}

function sampleProcess(runs, command, commandArgs, options) {
	const samples = Array.from({length: runs}, () => timeProcess(command, commandArgs, options));
	return {wallMs: stats(samples.map(sample => sample.ms)), cpuMs: stats(samples.map(sample => sample.cpuMs)), last: samples.at(-1)};
}

/** 100,000 records spread over 30 days, 6 models, 4 routes, 5 % errors, 200 sessions. */
function writeHistory(dir, count) {
	const now = Date.now();
	const byDay = new Map();
	const models = [
		'deepseek,deepseek-chat',
		'deepseek,deepseek-reasoner',
		'gb,gemini-2.5-pro',
		'gb,gemini-2.5-flash',
		'ollama,qwen2.5-coder:7b',
		'openrouter,anthropic/claude-sonnet-4',
	];
	const routes = ['default', 'background', 'think', 'longContext'];
	for (let index = 0; index < count; index++) {
		const at = now - Math.floor((index / count) * 29.5 * DAY) - 1000;
		const [provider, model] = models[index % models.length].split(',');
		const failed = index % 20 === 0;
		const record = {
			v: 1,
			at,
			session: `session-${index % 200}`,
			route: routes[index % routes.length],
			reason: 'no other rule matched',
			provider,
			model,
			status: failed ? 429 : 200,
			...(failed ? {error: 'rate_limit_error'} : {}),
			input: 1000 + (index % 5000),
			output: 50 + (index % 700),
			cacheRead: index % 3 === 0 ? 2000 : 0,
			cacheWrite: 0,
			...(failed ? {} : {ttftMs: 200 + (index % 1800)}),
			durationMs: 800 + (index % 9000),
			retries: failed ? 1 : 0,
			fallback: false,
			keyRotated: false,
		};
		const day = new Date(at).toISOString().slice(0, 10);
		if (!byDay.has(day)) byDay.set(day, []);
		byDay.get(day).push(JSON.stringify(record));
	}

	mkdirSync(dir, {recursive: true});
	for (const [day, lines] of byDay) writeFileSync(path.join(dir, `usage-${day}.jsonl`), `${lines.join('\n')}\n`);
}

async function benchSummary() {
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-usage-'));
	try {
		const configPath = path.join(tmp, 'config.json');
		writeFileSync(
			configPath,
			JSON.stringify({Providers: [], Router: {}, pricing: {'deepseek,deepseek-chat': {input: 0.27, output: 1.1}, 'gb,gemini-2.5-pro': {input: 1.25, output: 10}}}),
		);
		writeHistory(path.join(tmp, 'usage'), 100_000);
		const {visitUsageHistory} = await import(`${ROOT}dist/activity/usage/read-history.js`);
		const {usageAccumulator} = await import(`${ROOT}dist/activity/usage/summary.js`);
		const inProcess = [];
		for (let run = 0; run < (quick ? 3 : 7); run++) {
			const started = performance.now();
			const cpu = process.cpuUsage();
			// What `ccr-tui usage --days 30` does after start-up: read, parse, group, percentiles.
			const summary = usageAccumulator({by: 'model'});
			visitUsageHistory(path.join(tmp, 'usage'), Date.now() - 30 * DAY, record => summary.add(record));
			const total = summary.result().total.requests;
			const used = process.cpuUsage(cpu);
			inProcess.push({wall: performance.now() - started, cpu: (used.user + used.system) / 1000});
			if (total !== 100_000) throw new Error(`read ${total} records`);
		}

		const runs = quick ? 3 : 7;
		const whole = sampleProcess(runs, process.execPath, [CLI, '--config', configPath, 'usage', '--days', '30', '--json']);
		if (whole.last.status !== 0 || JSON.parse(whole.last.stdout).total.requests !== 100_000) throw new Error('usage failed');
		const {wallMs, cpuMs} = whole;
		results.summary = {
			records: 100_000,
			inProcessReadAndSummaryMs: stats(inProcess.map(sample => sample.wall)),
			inProcessCpuMs: stats(inProcess.map(sample => sample.cpu)),
			usageCommand: {wallMs, cpuMs},
			nodeBareStart: strip(sampleProcess(runs, process.execPath, ['-e', '0'])),
		};
	} finally {
		rmSync(tmp, {recursive: true, force: true});
	}
}

const strip = ({wallMs, cpuMs}) => ({wallMs, cpuMs});

function writeBenchConfig(dir, mockUrl, history) {
	const file = path.join(dir, 'config.json');
	mkdirSync(dir, {recursive: true});
	writeFileSync(
		file,
		JSON.stringify({
			LOG: false,
			history: {enabled: history},
			Providers: [{name: 'mock', api_base_url: `${mockUrl}/v1/chat/completions`, api_key: 'sk-bench-upstream-0000', models: ['bench'], profile: 'openai'}],
			Router: {default: 'mock,bench'},
		}),
	);
	return file;
}

const HEADERS = {'content-type': 'application/json', 'x-api-key': 'sk-bench-client', 'anthropic-version': '2023-06-01'};
const targetFor = (name, port) => ({name, port, path: '/v1/messages?beta=true', headers: HEADERS, agent: new http.Agent({keepAlive: true, maxSockets: 64})});

async function benchStatusline() {
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-statusline-'));
	const children = [];
	try {
		const mock = await startMock();
		children.push(mock.child);
		const configPath = writeBenchConfig(tmp, mock.url, false);
		const ccr = await startHeadless({configPath, env: {...process.env}});
		children.push(ccr.child);
		const body = Buffer.from(
			JSON.stringify({
				model: 'claude-sonnet',
				max_tokens: 64,
				stream: true,
				metadata: {user_id: JSON.stringify({device_id: 'd', account_uuid: '', session_id: 'bench-session'})},
				messages: [{role: 'user', content: 'hi'}],
			}),
		);
		await send(targetFor('ccr', ccr.port), body);
		await new Promise(resolve => setTimeout(resolve, 300));
		const input = JSON.stringify({session_id: 'bench-session', model: {id: 'x'}});
		const runs = quick ? 8 : 25;
		const sample = env => {
			const result = sampleProcess(runs, process.execPath, [CLI, 'statusline'], {input, env: {NO_COLOR: '1', ...env}});
			return {...strip(result), line: result.last.stdout.trim()};
		};

		const running = sample({ANTHROPIC_BASE_URL: `http://127.0.0.1:${ccr.port}`});
		const down = sample({ANTHROPIC_BASE_URL: `http://127.0.0.1:${await freePort()}`});
		results.statusline = {running, notRunning: down, nodeBareStart: strip(sampleProcess(runs, process.execPath, ['-e', '0']))};
	} finally {
		for (const child of children.reverse()) await stopChild(child);
		rmSync(tmp, {recursive: true, force: true});
	}
}

async function benchHotPath() {
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-hotpath-'));
	const children = [];
	try {
		const mock = await startMock();
		children.push(mock.child);
		const targets = [];
		for (const [name, history] of [
			['A-history-off', false],
			['B-history-on', true],
		]) {
			const started = await startHeadless({configPath: writeBenchConfig(path.join(tmp, name), mock.url, history), env: {...process.env}});
			children.push(started.child);
			targets.push({...targetFor(name, started.port), pid: started.child.pid, samples: {total: [], delta: [], reqPerSec: [], cpuMsPerReq: []}});
		}

		const body = buildBody('10k', {model: 'claude-sonnet-4-5', stream: true});
		const rounds = quick ? 3 : 6;
		const sequential = quick ? 100 : 250;
		for (const target of targets) for (let index = 0; index < 30; index++) await send(target, body);
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 === 0 ? targets : [...targets].reverse();
			for (const target of order) {
				const totals = [];
				const deltas = [];
				for (let index = 0; index < sequential; index++) {
					const result = await send(target, body);
					if (result.status !== 200) throw new Error(`${target.name}: status ${result.status}`);
					totals.push(result.total);
					deltas.push(result.delta ?? result.total);
				}

				target.samples.total.push(median(totals));
				target.samples.delta.push(median(deltas));
				const cpuBefore = cpuSeconds(target.pid);
				const loop = await closedLoop(target, body, {concurrency: 8, durationMs: quick ? 1500 : 3000});
				target.samples.reqPerSec.push(loop.reqPerSec);
				target.samples.cpuMsPerReq.push(((cpuSeconds(target.pid) - cpuBefore) * 1000) / Math.max(1, loop.completed));
			}
		}

		const summary = Object.fromEntries(targets.map(target => [target.name, Object.fromEntries(Object.entries(target.samples).map(([key, values]) => [key, ms(median(values))]))]));
		const [a, b] = targets.map(target => summary[target.name]);
		const change = key => `${(((b[key] - a[key]) / a[key]) * 100).toFixed(1)} %`;
		results.hotPath = {
			rounds,
			sequentialPerRound: sequential,
			body: '10k streamed',
			...summary,
			bVersusA: {total: change('total'), delta: change('delta'), reqPerSec: change('reqPerSec'), cpuMsPerReq: change('cpuMsPerReq')},
		};
		// The history really was written by B (and not by A).
		const wrote = spawnSync('ls', [path.join(tmp, 'B-history-on', 'usage'), path.join(tmp, 'A-history-off')], {encoding: 'utf8'}).stdout;
		results.hotPath.historyFilesB = wrote.split('\n').filter(line => line.startsWith('usage-')).length;
	} finally {
		for (const child of children.reverse()) await stopChild(child);
		rmSync(tmp, {recursive: true, force: true});
	}
}

/**
 * The history's own cost per request, without HTTP noise: the events of one streamed request on a
 * bus, with and without the history writer listening (its batched appends included), CPU per request.
 */
async function benchSubscriber() {
	const {ActivityBus} = await import(`${ROOT}dist/activity/bus.js`);
	const {createUsageHistory} = await import(`${ROOT}dist/activity/usage/history-writer.js`);
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-subscriber-'));
	const count = quick ? 20_000 : 100_000;
	const events = id => [
		{
			type: 'request:start',
			id,
			at: Date.now(),
			scenario: 'default',
			reason: 'no other rule matched',
			provider: 'mock',
			model: 'bench',
			requestedModel: 'claude-sonnet-4-5',
			stream: true,
			inputTokens: 2500,
			upstreamHost: '127.0.0.1:1',
			sessionId: 'bench-session',
		},
		{type: 'request:attempt', id, attempt: {provider: 'mock', model: 'bench', outcome: 'answered', status: 200, durationMs: 3}},
		{type: 'request:first-token', id, at: Date.now(), ttftMs: 2},
		{
			type: 'request:end',
			id,
			at: Date.now(),
			status: 200,
			stopReason: 'end_turn',
			usage: {inputTokens: 2500, outputTokens: 60, cacheReadTokens: 0, cacheCreationTokens: 0},
			durationMs: 5,
		},
	];
	const run = async withHistory => {
		const bus = new ActivityBus();
		bus.on(() => {});
		const history = withHistory ? createUsageHistory({dir: path.join(tmp, `run-${Math.random()}`), bus}) : undefined;
		const cpu = process.cpuUsage();
		for (let index = 0; index < count; index++) for (const event of events(`req_${index}`)) bus.emit(event);
		await history?.close();
		const used = process.cpuUsage(cpu);
		return ((used.user + used.system) / count).toFixed(2);
	};

	try {
		const samples = {off: [], on: []};
		for (let round = 0; round < 3; round++) {
			samples.off.push(Number(await run(false)));
			samples.on.push(Number(await run(true)));
		}

		results.subscriber = {requests: count, cpuMicrosecondsPerRequest: {historyOff: median(samples.off), historyOn: median(samples.on)}};
	} finally {
		rmSync(tmp, {recursive: true, force: true});
	}
}

if (which === 'subscriber' || which === 'all') await benchSubscriber();
if (which === 'summary' || which === 'all') await benchSummary();
if (which === 'statusline' || which === 'all') await benchStatusline();
if (which === 'hot-path' || which === 'all') await benchHotPath();
process.stdout.write(`${JSON.stringify(results, undefined, 2)}\n`);
