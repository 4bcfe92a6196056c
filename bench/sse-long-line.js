/**
 * One long SSE line (issue 14, item 8): `npm run build && node bench/sse-long-line.js`.
 * Gemini image models send a whole base64 image as one `data:` line. An upstream (its own process)
 * streams a single content delta of 1, 4, 8 and 16 MB as one line, written in 64 KiB pieces; the
 * same stream is read straight from it ("direct") and through `ccr-tui start` (translated).
 * Target: 16 MB through ccr-tui within 2× direct (reading it must be linear in the line's length).
 * Flags: --sizes 1,4,8,16 (MB), --runs <n> (default 3), --cli <path> (another build, e.g. an old
 * one for a before/after figure), --json.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const argument = (name, fallback) => {
	const index = process.argv.indexOf(name);
	return index === -1 ? fallback : process.argv[index + 1];
};

const PIECE = 64 * 1024;

/** `--serve`: the upstream. The model id is the line's size in MB. */
function serve() {
	const server = http.createServer((request, response) => {
		let body = '';
		request.on('data', chunk => {
			body += chunk;
		});
		request.on('end', () => {
			const megabytes = Number(/"model":"(?:[^",]*,)?(\d+(?:\.\d+)?)"/.exec(body)?.[1] ?? 1);
			const text = 'A'.repeat(Math.round(megabytes * 1024 * 1024));
			const frame = (delta, finish = null) =>
				`data: ${JSON.stringify({id: 'c', object: 'chat.completion.chunk', model: 'm', choices: [{index: 0, delta, finish_reason: finish}]})}\n\n`;
			const payload = Buffer.from(`${frame({role: 'assistant', content: text}) + frame({}, 'stop')}data: [DONE]\n\n`);
			response.writeHead(200, {'content-type': 'text/event-stream'});
			let offset = 0;
			const write = () => {
				while (offset < payload.length) {
					const ok = response.write(payload.subarray(offset, offset + PIECE));
					offset += PIECE;
					if (!ok) {
						response.once('drain', write);
						return;
					}
				}

				response.end();
			};

			write();
		});
	});
	server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({url: `http://127.0.0.1:${server.address().port}`})}\n`));
}

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
	return {value: match, stop: () => child.kill('SIGTERM')};
}

function timedPost(url, body) {
	const target = new URL(url);
	return new Promise((resolve, reject) => {
		const started = performance.now();
		let bytes = 0;
		let tail = '';
		const request = http.request(
			{host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: {'content-type': 'application/json'}},
			response => {
				response.on('data', chunk => {
					bytes += chunk.length;
					tail = (tail + chunk.toString('latin1')).slice(-400);
				});
				response.on('end', () => resolve({ms: performance.now() - started, bytes, tail}));
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
	const sizes = String(argument('--sizes', '1,4,8,16')).split(',').map(Number);
	const runs = Number(argument('--runs', 3));
	const cli = path.resolve(String(argument('--cli', path.join(root, 'dist/cli.js'))));
	const upstream = await spawnReady([import.meta.filename, '--serve'], /"url":"([^"]+)"/);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-sse-'));
	const configPath = path.join(dir, 'config.json');
	const models = sizes.map(String);
	fs.writeFileSync(
		configPath,
		JSON.stringify({
			Providers: [{name: 'up', api_base_url: `${upstream.value}/v1/chat/completions`, api_key: 'sk-bench-upstream-0000', models, profile: 'openai'}],
			Router: {default: `up,${models[0]}`},
		}),
	);
	const proxy = await spawnReady([cli, 'start', '--config', configPath, '--port', '0'], /listening on (http:\/\/\S+)/);
	const rows = [];
	try {
		for (const size of sizes) {
			const body = JSON.stringify({model: `up,${size}`, max_tokens: 64, stream: true, messages: [{role: 'user', content: 'draw'}]});
			const through = [];
			const direct = [];
			let last = '';
			for (let run = 0; run < runs; run++) {
				const proxied = await timedPost(`${proxy.value}/v1/messages`, body);
				through.push(proxied.ms);
				last = /event: (\w+)\s*data:[^\n]*\s*$/.exec(proxied.tail)?.[1] ?? '?';
				direct.push((await timedPost(`${upstream.value}/v1/chat/completions`, body)).ms);
			}

			rows.push({megabytes: size, proxyMs: median(through), directMs: median(direct), ratio: median(through) / median(direct), lastEvent: last});
		}
	} finally {
		proxy.stop();
		upstream.stop();
		fs.rmSync(dir, {recursive: true, force: true});
	}

	if (process.argv.includes('--json')) {
		process.stdout.write(`${JSON.stringify({runs, cli, rows}, undefined, 2)}\n`);
		return;
	}

	process.stdout.write(`| one data: line | through ccr-tui (median of ${runs}) | direct | × direct | last event |\n| --- | --- | --- | --- | --- |\n`);
	for (const row of rows)
		process.stdout.write(`| ${row.megabytes} MB | ${row.proxyMs.toFixed(0)} ms | ${row.directMs.toFixed(0)} ms | ${row.ratio.toFixed(2)} | ${row.lastEvent} |\n`);
}

if (process.argv.includes('--serve')) serve();
else await main();
