/**
 * Request bodies in other scripts (issue 14, item 2): `npm run build && node bench/scripts-body.js`.
 * The same byte size in ASCII, Latin (`é`), CJK and emoji, sent as one non-stream request through
 * `ccr-tui start` (its own process) and straight to the mock upstream (its own process).
 * Per script: the median wall time through the proxy and direct, the ratio to ASCII, and the
 * longest gap between two events of another stream running through the proxy at the same time
 * (a second mock sends it a chunk every 5 ms): how long one big request freezes everybody else.
 * Targets: any script ≤ 1.5× ASCII through the proxy; no gap above ~50 ms.
 * Flags: --mib <n> (default 4.6), --runs <n> (default 5), --only <script> (and ascii), --json,
 * --cli <path> (another build, or a wrapper that profiles it).
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const argument = (name, fallback) => {
	const index = process.argv.indexOf(name);
	return index === -1 ? fallback : process.argv[index + 1];
};
const MIB = Number(argument('--mib', 4.6));
const RUNS = Number(argument('--runs', 5));
const only = argument('--only', undefined);
const json = process.argv.includes('--json');
const root = path.resolve(import.meta.dirname, '..');

const SCRIPTS = {ascii: 'a', latin: 'é', cjk: '速', emoji: '😀'};
const BIG_MODEL = 'mock,chunks=1';
const TICK_MODEL = 'ticks,chunks=100000;delay=5;tpc=1';

/** Text of about `bytes` UTF-8 bytes made of `unit`, in lines as prose and code have them. */
function textOf(unit, bytes) {
	const perLine = Math.max(1, Math.floor(78 / Buffer.byteLength(unit)));
	const line = `${unit.repeat(perLine)}\n`;
	return line.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(line))));
}

/** A Claude Code-like turn: the text split over 40 user/assistant messages. */
function bodyOf(unit) {
	const part = textOf(unit, Math.floor((MIB * 1024 * 1024) / 40));
	const messages = [];
	for (let index = 0; index < 40; index++) messages.push({role: index % 2 === 0 ? 'user' : 'assistant', content: [{type: 'text', text: part}]});
	messages.push({role: 'user', content: 'ok'});
	return Buffer.from(JSON.stringify({model: BIG_MODEL, max_tokens: 64, messages}));
}

/** Spawn a process that prints a line matching `pattern` once ready; resolves with the match. */
async function spawnReady(args, pattern) {
	const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit'], cwd: root});
	let out = '';
	const match = await new Promise((resolve, reject) => {
		child.stdout.on('data', chunk => {
			out += chunk;
			const found = pattern.exec(out);
			if (found) resolve(found[1]);
		});
		child.once('exit', code => reject(new Error(`${args.join(' ')} exited ${code}: ${out}`)));
	});
	child.stdout.resume();
	const exited = new Promise(resolve => child.once('exit', resolve));
	// Resolves once the process is gone: the proxy may still write to its config directory while it stops.
	return {value: match, stop: () => (child.kill('SIGTERM'), exited)};
}

function post(url, body, onData) {
	const target = new URL(url);
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const request = http.request(
			{host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: {'content-type': 'application/json', 'content-length': body.length}},
			response => {
				response.on('data', chunk => onData?.(chunk));
				response.on('end', () => (response.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${url}: ${response.statusCode}`))));
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

/**
 * A never-ending stream through the proxy; `gap()` is the longest silence since the last reset.
 * `flowing` resolves once ticks arrive steadily: the mock builds all of the stream's frames when it
 * starts answering, which held its first ticks back for ~0.8 s and was measured as the proxy's gap.
 */
function tickStream(proxyUrl) {
	let last = performance.now();
	let longest = 0;
	let stopped = false;
	let steady = 0;
	let onFlowing;
	const flowing = new Promise(resolve => {
		onFlowing = resolve;
	});
	const target = new URL(`${proxyUrl}/v1/messages`);
	const body = JSON.stringify({model: TICK_MODEL, max_tokens: 64, stream: true, messages: [{role: 'user', content: 'tick'}]});
	const request = http.request({host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: {'content-type': 'application/json'}}, response => {
		response.on('data', () => {
			const now = performance.now();
			longest = Math.max(longest, now - last);
			steady = now - last < 20 ? steady + 1 : 0;
			if (steady === 20) onFlowing();
			last = now;
		});
	});
	request.on('error', error => {
		if (!stopped) throw error;
	});
	request.end(body);
	return {
		flowing,
		reset() {
			last = performance.now();
			longest = 0;
		},
		gap: () => Math.max(longest, performance.now() - last),
		stop() {
			stopped = true;
			request.destroy();
		},
	};
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
	const mock = await spawnReady([path.join(root, 'bench/mock-upstream.js'), '--port', '0'], /"url":"([^"]+)"/);
	// The other stream has a mock of its own: reading the big body must not delay its chunks there.
	const tickMock = await spawnReady([path.join(root, 'bench/mock-upstream.js'), '--port', '0'], /"url":"([^"]+)"/);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-scripts-'));
	const configPath = path.join(dir, 'config.json');
	fs.writeFileSync(
		configPath,
		JSON.stringify({
			Providers: [
				{name: 'mock', api_base_url: `${mock.value}/v1/chat/completions`, api_key: 'sk-bench-upstream-0000', models: ['chunks=1'], profile: 'openai'},
				{name: 'ticks', api_base_url: `${tickMock.value}/v1/chat/completions`, api_key: 'sk-bench-upstream-0000', models: ['chunks=1'], profile: 'openai'},
			],
			Router: {default: BIG_MODEL},
		}),
	);
	const cli = path.resolve(String(argument('--cli', path.join(root, 'dist/cli.js'))));
	const proxy = await spawnReady([cli, 'start', '--config', configPath, '--port', '0'], /listening on (http:\/\/\S+)/);
	const ticks = tickStream(proxy.value);
	await ticks.flowing;
	const rows = [];
	try {
		for (const [name, unit] of Object.entries(SCRIPTS)) {
			if (only && name !== only && name !== 'ascii') continue;
			const body = bodyOf(unit);
			const through = [];
			const direct = [];
			const gaps = [];
			for (let run = -1; run < RUNS; run++) {
				await new Promise(resolve => setTimeout(resolve, 50));
				ticks.reset();
				const ms = await post(`${proxy.value}/v1/messages`, body);
				const gap = ticks.gap();
				const directMs = await post(`${mock.value}/v1/chat/completions`, body);
				if (run < 0) continue; // warm-up
				through.push(ms);
				direct.push(directMs);
				gaps.push(gap);
			}

			rows.push({script: name, bytes: body.length, proxyMs: median(through), directMs: median(direct), maxGapMs: Math.max(...gaps), medianGapMs: median(gaps)});
		}
	} finally {
		ticks.stop();
		await Promise.all([proxy.stop(), mock.stop(), tickMock.stop()]);
		fs.rmSync(dir, {recursive: true, force: true});
	}

	const ascii = rows[0].proxyMs;
	for (const row of rows) row.vsAscii = row.proxyMs / ascii;
	if (json) {
		process.stdout.write(`${JSON.stringify({mib: MIB, runs: RUNS, rows}, undefined, 2)}\n`);
		return;
	}

	process.stdout.write(
		`| script | body | through ccr-tui (median of ${RUNS}) | direct | × ASCII | other stream's longest gap (median / max) |\n| --- | --- | --- | --- | --- | --- |\n`,
	);
	for (const row of rows) {
		process.stdout.write(
			`| ${row.script} | ${(row.bytes / 1024 / 1024).toFixed(1)} MiB | ${row.proxyMs.toFixed(0)} ms | ${row.directMs.toFixed(0)} ms | ${row.vsAscii.toFixed(2)} | ${row.medianGapMs.toFixed(0)} / ${row.maxGapMs.toFixed(0)} ms |\n`,
		);
	}
}

await main();
