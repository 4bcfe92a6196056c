/**
 * Mock OpenAI-compatible upstream (`POST …/chat/completions`, JSON or SSE) for the benchmark.
 * node:http only, no dependencies. Run it as a module (`startMockUpstream`) or as a process:
 *   node bench/mock-upstream.js [--port 0] [--ttft 0] [--chunks 20] …   → prints {"url": …} on stdout
 *
 * Knobs (defaults come from the options; every request may override them through its model id,
 * so one mock serves every scenario and the proxy needs no special headers):
 *   model "mock,chunks=200;delay=1;shape=tool"  (a "provider," prefix is ignored; `;` separates)
 *   ttft      ms before the response (headers + first chunk)               default 0
 *   chunks    content chunks in a stream                                   default 20
 *   delay     ms between chunks, deadline-scheduled (wall time is exact)    default 0 (back-to-back)
 *   tpc       tokens (words) per chunk                                     default 3
 *   shape     text | tool | reasoning | mixed (reasoning → text → 2 tool calls)
 *   usage     1 = usage in the last chunk / the JSON body                  default 1
 *   fail      failure rate 0..1 (answers `status` with an OpenAI error)     default 0
 *   status    status of a failure                                          default 500
 *   retry     Retry-After seconds sent with a failure                      default none
 *   stall     stop sending after this many chunks and keep the socket open  default none
 * The body is read completely (like a real server) but never parsed: the model id is found by a
 * byte search, so the mock costs the same for every target whatever the body size.
 */
import http from 'node:http';
import {pathToFileURL} from 'node:url';

export const DEFAULT_KNOBS = Object.freeze({
	ttft: 0,
	chunks: 20,
	delay: 0,
	tpc: 3,
	shape: 'text',
	usage: 1,
	fail: 0,
	status: 500,
	retry: undefined,
	stall: undefined,
});

const WORDS = [
	'the',
	'proxy',
	'translates',
	'every',
	'chunk',
	'into',
	'an',
	'Anthropic',
	'event',
	'and',
	'streams',
	'it',
	'back',
	'to',
	'Claude',
	'Code',
	'über',
	'速度',
	'fast',
	'ok',
];
const MODEL_KEY = Buffer.from('"model"');

/** Parse `k=v;k=v` (after an optional `provider,` prefix) over the defaults. */
export function parseKnobs(model, defaults = DEFAULT_KNOBS) {
	const knobs = {...defaults};
	if (!model) return knobs;
	const spec = model.slice(model.indexOf(',') + 1);
	for (const part of spec.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0) continue;
		const key = part.slice(0, eq).trim();
		const value = part.slice(eq + 1).trim();
		if (!(key in DEFAULT_KNOBS)) continue;
		knobs[key] = key === 'shape' ? value : Number(value);
	}

	return knobs;
}

/** The top-level `"model": "…"` value, found without parsing the (possibly 1 MB) body. */
export function findModel(body) {
	const at = body.indexOf(MODEL_KEY);
	if (at < 0) return undefined;
	let i = at + MODEL_KEY.length;
	while (i < body.length && (body[i] === 0x20 || body[i] === 0x3a)) i++; // spaces and ':'
	if (body[i] !== 0x22) return undefined;
	const end = body.indexOf(0x22, i + 1);
	return end < 0 ? undefined : body.toString('utf8', i + 1, end);
}

function words(count, offset) {
	let text = '';
	for (let i = 0; i < count; i++) text += (i === 0 && offset === 0 ? '' : ' ') + WORDS[(offset + i) % WORDS.length];
	return text;
}

/** The delta objects of one stream, in order (without finish/usage). */
function streamDeltas(knobs) {
	const deltas = [];
	const n = Math.max(1, knobs.chunks);
	if (knobs.shape === 'tool') {
		deltas.push({role: 'assistant', content: null, tool_calls: [{index: 0, id: 'call_bench0', type: 'function', function: {name: 'Bash', arguments: ''}}]});
		for (let i = 1; i < n; i++) deltas.push({tool_calls: [{index: 0, function: {arguments: i === 1 ? '{"command":"' : i === n - 1 ? '"}' : words(knobs.tpc, i)}}]});
		return deltas;
	}

	if (knobs.shape === 'reasoning' || knobs.shape === 'mixed') {
		const thinking = knobs.shape === 'mixed' ? Math.max(1, Math.floor(n / 3)) : Math.max(1, Math.floor(n / 2));
		for (let i = 0; i < thinking; i++) deltas.push({...(i === 0 ? {role: 'assistant'} : {}), content: null, reasoning_content: words(knobs.tpc, i)});
		const text = knobs.shape === 'mixed' ? Math.max(1, Math.floor(n / 3)) : n - thinking;
		for (let i = 0; i < text; i++) deltas.push({content: words(knobs.tpc, i + thinking)});
		if (knobs.shape === 'mixed') {
			for (let t = 0; t < 2; t++) {
				deltas.push({tool_calls: [{index: t, id: `call_bench${t}`, type: 'function', function: {name: t ? 'Read' : 'Bash', arguments: ''}}]});
				deltas.push({tool_calls: [{index: t, function: {arguments: t ? '{"file_path":"/tmp/a.txt"}' : '{"command":"ls -la"}'}}]});
			}
		}

		return deltas;
	}

	for (let i = 0; i < n; i++) deltas.push({...(i === 0 ? {role: 'assistant'} : {}), content: words(knobs.tpc, i * knobs.tpc)});
	return deltas;
}

function finishReason(knobs) {
	return knobs.shape === 'tool' || knobs.shape === 'mixed' ? 'tool_calls' : 'stop';
}

function usageFor(knobs, completionTokens) {
	return {prompt_tokens: 1000, completion_tokens: completionTokens, total_tokens: 1000 + completionTokens, prompt_tokens_details: {cached_tokens: 0}};
}

/** Pre-rendered SSE frames for a knob set (cached: the mock must not be the bottleneck). */
function renderStream(knobs, model) {
	const created = 1_700_000_000;
	const base = `{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[`;
	const frames = streamDeltas(knobs).map(delta => `data: ${base}{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":null}]}\n\n`);
	const last = {index: 0, delta: {}, finish_reason: finishReason(knobs)};
	frames.push(`data: ${base}${JSON.stringify(last)}]}\n\n`);
	if (knobs.usage) frames.push(`data: ${base}],"usage":${JSON.stringify(usageFor(knobs, frames.length * knobs.tpc))}}\n\n`);
	frames.push('data: [DONE]\n\n');
	return frames.map(frame => Buffer.from(frame));
}

function renderJson(knobs, model) {
	const deltas = streamDeltas(knobs);
	const message = {role: 'assistant', content: null};
	const reasoning = deltas.map(delta => delta.reasoning_content ?? '').join('');
	const content = deltas.map(delta => delta.content ?? '').join('');
	if (content) message.content = content;
	if (reasoning) message.reasoning_content = reasoning;
	const calls = new Map();
	for (const delta of deltas) {
		for (const call of delta.tool_calls ?? []) {
			const slot = calls.get(call.index) ?? {id: call.id, type: 'function', function: {name: call.function.name, arguments: ''}};
			slot.function.arguments += call.function.arguments ?? '';
			calls.set(call.index, slot);
		}
	}

	if (calls.size > 0) message.tool_calls = [...calls.values()];
	const body = {
		id: 'chatcmpl-bench',
		object: 'chat.completion',
		created: 1_700_000_000,
		model,
		choices: [{index: 0, message, finish_reason: finishReason(knobs)}],
	};
	if (knobs.usage) body.usage = usageFor(knobs, deltas.length * knobs.tpc);
	return Buffer.from(JSON.stringify(body));
}

/**
 * Start the mock. Returns {url, port, stats, close}. `stats` counts requests, failures, bytes in,
 * open and closed streams (so a caller can check cancellation reaches the upstream).
 */
export async function startMockUpstream(options = {}) {
	const defaults = {...DEFAULT_KNOBS, ...options.knobs};
	const cache = new Map();
	const stats = {requests: 0, failures: 0, bytesIn: 0, streamsOpen: 0, streamsAborted: 0};
	let failCounter = 0;

	const server = http.createServer((req, res) => {
		const parts = [];
		let size = 0;
		req.on('data', chunk => {
			parts.push(chunk);
			size += chunk.length;
		});
		req.on('end', () => {
			stats.requests++;
			stats.bytesIn += size;
			const body = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
			if (req.method !== 'POST') {
				res.writeHead(200, {'content-type': 'application/json'}).end('{"object":"list","data":[{"id":"bench","object":"model"}]}');
				return;
			}

			const model = findModel(body) ?? 'bench';
			let entry = cache.get(model);
			if (!entry) {
				const knobs = parseKnobs(model, defaults);
				entry = {knobs, frames: undefined, json: undefined};
				cache.set(model, entry);
			}

			const {knobs} = entry;
			const stream = body.includes('"stream":true') || body.includes('"stream": true');
			const respond = () => {
				// Deterministic failure rate: every 1/fail-th request fails (no randomness between targets).
				if (knobs.fail > 0 && (failCounter += knobs.fail) >= 1) {
					failCounter -= 1;
					stats.failures++;
					const headers = {'content-type': 'application/json'};
					if (knobs.retry !== undefined) headers['retry-after'] = String(knobs.retry);
					res.writeHead(knobs.status, headers).end(JSON.stringify({error: {message: `mock failure ${knobs.status}`, type: 'server_error', code: knobs.status}}));
					return;
				}

				if (stream) {
					entry.frames ??= renderStream(knobs, model);
					sendStream(res, entry.frames, knobs, stats);
				} else {
					entry.json ??= renderJson(knobs, model);
					res.writeHead(200, {'content-type': 'application/json', 'content-length': entry.json.length}).end(entry.json);
				}
			};

			if (knobs.ttft > 0) setTimeout(respond, knobs.ttft);
			else respond();
		});
	});
	server.keepAliveTimeout = 60_000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
	});
	const {port} = server.address();
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		stats,
		close: () =>
			new Promise(resolve => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

function sendStream(res, frames, knobs, stats) {
	res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive'});
	stats.streamsOpen++;
	let i = 0;
	let done = false;
	let timer;
	const limit = knobs.stall === undefined ? frames.length : Math.min(frames.length, knobs.stall);
	const start = performance.now();
	const finish = () => {
		if (done) return;
		done = true;
		stats.streamsOpen--;
		clearTimeout(timer);
	};

	res.on('close', () => {
		if (!done) stats.streamsAborted++;
		finish();
	});
	const pump = () => {
		if (done) return;
		if (knobs.delay > 0) {
			if (i < limit) res.write(frames[i++]);
			if (i >= limit) return end();
			// Deadline scheduling: chunk i is due at start + i * delay, whatever the timer drift was.
			timer = setTimeout(pump, Math.max(0, start + i * knobs.delay - performance.now()));
			return;
		}

		while (i < limit) {
			if (!res.write(frames[i++])) {
				res.once('drain', pump);
				return;
			}
		}

		end();
	};

	const end = () => {
		if (limit < frames.length) return; // stall: keep the socket open, send nothing more
		finish();
		res.end();
	};

	pump();
}

function parseArgs(argv) {
	const options = {knobs: {}};
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i].replace(/^--/, '');
		const value = argv[++i];
		if (name === 'port') options.port = Number(value);
		else if (name === 'host') options.host = value;
		else if (name in DEFAULT_KNOBS) options.knobs[name] = name === 'shape' ? value : Number(value);
		else throw new Error(`mock-upstream: unknown option --${name}`);
	}

	return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const mock = await startMockUpstream(parseArgs(process.argv.slice(2)));
	process.stdout.write(`${JSON.stringify({url: mock.url, port: mock.port, pid: process.pid})}\n`);
	process.on('message', message => {
		if (message === 'stats') process.send?.({stats: mock.stats});
	});
	const stop = () => {
		void mock.close().then(() => process.exit(0));
	};

	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	process.on('disconnect', stop);
}
