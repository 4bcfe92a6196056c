/**
 * The measured processes, each a child of the runner (the runner is the load generator):
 * the mock upstream, the raw node:http pipe (floor), ccr-tui headless (`dist/cli.js start`) and
 * ccr-tui with its dashboard rendering under a pseudo-terminal (`script`, so Ink sees a real TTY
 * and the CLI takes its interactive path). ccr-tui runs with bench/probe.js preloaded.
 */
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import {fileURLToPath, pathToFileURL} from 'node:url';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = `${ROOT}dist/cli.js`;
const PROBE = pathToFileURL(`${BENCH}probe.js`).href;

/** Wait until a line of the child's stdout (or stderr) matches; keep draining both afterwards. */
export function spawnUntil(command, args, {env, match, timeoutMs = 15_000, cwd = ROOT} = {}) {
	const startedAt = performance.now();
	const child = spawn(command, args, {cwd, env: {...process.env, ...env}, stdio: ['pipe', 'pipe', 'pipe']});
	const output = {text: '', lines: 0};
	return new Promise((resolve, reject) => {
		let done = false;
		const timer = setTimeout(() => fail(new Error(`${command} ${args.join(' ')}: no match for ${match} within ${timeoutMs} ms\n${output.text.slice(-2000)}`)), timeoutMs);
		const fail = error => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			child.kill('SIGKILL');
			reject(error);
		};

		const onData = chunk => {
			const text = chunk.toString('utf8');
			if (done) {
				// Drain: count lines only (the headless proxy logs one line per request).
				for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) output.lines++;
				return;
			}

			output.text += text;
			const found = output.text.match(match);
			if (found) {
				done = true;
				clearTimeout(timer);
				resolve({child, found, ms: performance.now() - startedAt, output});
			}
		};

		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('error', fail);
		child.on('exit', code => fail(new Error(`${command} exited (${code}) before ready:\n${output.text.slice(-2000)}`)));
	});
}

export async function stopChild(child, {timeoutMs = 3000} = {}) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise(resolve => child.once('exit', resolve));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	await exited;
	clearTimeout(timer);
}

export function killPid(pid, signal = 'SIGKILL') {
	try {
		process.kill(pid, signal);
	} catch {
		// already gone
	}
}

export async function startMock() {
	const {child, found} = await spawnUntil(process.execPath, [`${BENCH}mock-upstream.js`, '--port', '0'], {match: /\{"url".*\}/});
	return {child, ...JSON.parse(found[0])};
}

export async function startRawPipe(upstream) {
	const {child, found} = await spawnUntil(process.execPath, [`${BENCH}raw-pipe.js`, '--upstream', upstream, '--port', '0'], {match: /\{"url".*\}/});
	return {child, ...JSON.parse(found[0])};
}

/** A stack floor (bench/stack-floor.js): `proxy`, `json` or `node-json`. */
export async function startStackFloor(upstream, mode) {
	const {child, found} = await spawnUntil(process.execPath, [`${BENCH}stack-floor.js`, '--upstream', upstream, '--mode', mode, '--port', '0'], {match: /\{"url".*\}/});
	return {child, ...JSON.parse(found[0])};
}

/** `ccr-tui start --port 0`: ready when it prints its URL. */
export async function startHeadless({configPath, env, probeSocket, nodeArgs = [], cli = CLI}) {
	const args = [...nodeArgs, ...(probeSocket ? ['--import', PROBE] : []), cli, '--config', configPath, '--port', '0', 'start'];
	const started = await spawnUntil(process.execPath, args, {env: {...env, ...(probeSocket ? {CCR_BENCH_PROBE: probeSocket} : {})}, match: /http:\/\/127\.0\.0\.1:(\d+)/});
	return {child: started.child, port: Number(started.found[1]), readyMs: started.ms, output: started.output};
}

const shellQuote = value => `'${String(value).replaceAll("'", "'\\''")}'`;

/**
 * The dashboard (default command) under `script`: a real pty for stdin and stdout, 120×40.
 * Ready when the chosen port accepts connections. Its screen output is read and discarded
 * promptly (a full pty would block Ink's synchronous writes and stall the proxy).
 */
export async function startDashboard({configPath, env, probeSocket, port}) {
	const node = [process.execPath, '--import', PROBE, CLI, '--config', configPath, '--port', port].map(shellQuote).join(' ');
	const command = `stty cols 120 rows 40; exec ${node}`;
	const startedAt = performance.now();
	const child = spawn('script', ['-qfec', command, '/dev/null'], {
		cwd: ROOT,
		env: {...process.env, ...env, TERM: 'xterm-256color', CCR_BENCH_PROBE: probeSocket},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const output = {bytes: 0, tail: ''};
	const onData = chunk => {
		output.bytes += chunk.length;
		output.tail = (output.tail + chunk.toString('utf8')).slice(-4000);
	};

	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const deadline = performance.now() + 15_000;
	while (!(await canConnect(port))) {
		if (child.exitCode !== null || performance.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`dashboard did not listen on ${port}:\n${output.tail}`);
		}

		await new Promise(resolve => setTimeout(resolve, 5));
	}

	return {child, port, readyMs: performance.now() - startedAt, output};
}

function canConnect(port) {
	return new Promise(resolve => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

export async function freePort() {
	const server = net.createServer();
	await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address();
	await new Promise(resolve => server.close(resolve));
	return port;
}

/** Ask the probe inside a ccr-tui process. */
export function probe(socketPath, path, method = 'GET', timeoutMs = 10_000) {
	return new Promise((resolve, reject) => {
		const req = http.request({socketPath, path, method}, res => {
			const parts = [];
			res.on('data', chunk => parts.push(chunk));
			res.on('end', () => {
				try {
					resolve(JSON.parse(Buffer.concat(parts).toString('utf8')));
				} catch (error) {
					reject(error);
				}
			});
		});
		req.setTimeout(timeoutMs, () => req.destroy(new Error('probe timeout')));
		req.on('error', reject);
		req.end();
	});
}

/** Resident set size in MB from /proc (no cost to the measured process). */
export function rssMb(pid) {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
		return kb / 1024;
	} catch {
		return Number.NaN;
	}
}

/** CPU seconds (user + system) of a process from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return Number.NaN;
	}
}
