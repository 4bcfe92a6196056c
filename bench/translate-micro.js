/**
 * Translation-engine micro-benchmark (not a test): `npm run build && node bench/translate-micro.js`.
 * Single-threaded figures for the hot paths, no I/O:
 *   stream   a 200-chunk upstream stream (reasoning, text, two tool calls in fragments, usage, [DONE])
 *            fed as network-sized byte reads → Anthropic events/s and upstream bytes/s
 *            and the same answer as native Gemini `alt=sse` chunks (thoughts, text, two calls, no [DONE])
 *   request  toOpenAIRequest (+ JSON.stringify of the outbound body, as the proxy does it) for
 *            Claude Code-shaped bodies of 100 KB and 1 MB (system prompt, 20 tools, tool turns, an image)
 *   tokens   estimateInputTokens on the same bodies (count_tokens), cold (new strings) and warm
 * Targets: ≥ 100k events/s; request ≤ 2 ms @100 KB, ≤ 15 ms @1 MB; count_tokens < 5 ms @1 MB.
 * Flags: --json (machine-readable output only).
 */
import {defineProfile, estimateInputTokens, PROFILES, StreamTranslator, ToolNameMap, toOpenAIRequest} from '../dist/proxy/dialects/openai-chat/index.js';
import {GeminiStreamTranslator} from '../dist/proxy/dialects/gemini/stream.js';
import {ThoughtSignatureCache} from '../dist/proxy/translate/thought-signatures.js';
import {buildRequest} from './corpus.js';

const json = process.argv.includes('--json');
const encoder = new TextEncoder();

// ------------------------------------------------------------------------------------------ inputs

function chunk(delta, finish = null) {
	return `data: ${JSON.stringify({id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{index: 0, delta, finish_reason: finish}]})}\n\n`;
}

/** 200 upstream chunks, roughly what DeepSeek sends for a short tool turn. */
function streamBytes() {
	const frames = [chunk({role: 'assistant', content: ''})];
	for (let index = 0; index < 30; index++) frames.push(chunk({reasoning_content: `step ${index}: check the file layout. `}));
	for (let index = 0; index < 150; index++) frames.push(chunk({content: index % 10 === 0 ? 'Schön, 你好 — ' : `word${index} and more text `}));
	frames.push(chunk({tool_calls: [{index: 0, id: 'call_1', type: 'function', function: {name: 'Read', arguments: ''}}]}));
	for (const part of ['{"file_', 'path":"/src/', 'index.ts","limit":', '200}']) frames.push(chunk({tool_calls: [{index: 0, function: {arguments: part}}]}));
	frames.push(chunk({tool_calls: [{index: 1, id: 'call_2', type: 'function', function: {name: 'Bash', arguments: ''}}]}));
	for (const part of ['{"command":', '"npm test', ' -- --run"}']) frames.push(chunk({tool_calls: [{index: 1, function: {arguments: part}}]}));
	while (frames.length < 198) frames.push(chunk({content: ' tail'}));
	frames.push(chunk({}, 'tool_calls'));
	frames.push(
		`data: ${JSON.stringify({id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [], usage: {prompt_tokens: 20000, completion_tokens: 600, prompt_tokens_details: {cached_tokens: 19000}}})}\n\n`,
	);
	frames.push('data: [DONE]\n\n');
	return networkReads(frames, frames.length - 1);
}

/** The same answer as native Gemini `alt=sse` chunks: thoughts, text, two calls, finishReason + usage, no [DONE]. */
function geminiStreamBytes() {
	const frame = (parts, extra = {}) =>
		`data: ${JSON.stringify({candidates: [{content: {role: 'model', parts}, index: 0, ...extra}], usageMetadata: {promptTokenCount: 20000}, modelVersion: 'gemini-2.5-pro'})}\r\n\r\n`;
	const frames = [];
	for (let index = 0; index < 30; index++) frames.push(frame([{text: `step ${index}: check the file layout. `, thought: true}]));
	for (let index = 0; index < 150; index++) frames.push(frame([{text: index % 10 === 0 ? 'Schön, 你好 — ' : `word${index} and more text `}]));
	frames.push(frame([{functionCall: {name: 'Read', args: {file_path: '/src/index.ts', limit: 200}}, thoughtSignature: 'c2lnbmF0dXJl'}]));
	frames.push(frame([{functionCall: {name: 'Bash', args: {command: 'npm test -- --run'}}}]));
	while (frames.length < 199) frames.push(frame([{text: ' tail'}]));
	frames.push(
		`data: ${JSON.stringify({candidates: [{content: {role: 'model', parts: [{text: ''}]}, finishReason: 'STOP', index: 0}], usageMetadata: {promptTokenCount: 20000, candidatesTokenCount: 600, cachedContentTokenCount: 19000}})}\r\n\r\n`,
	);
	return networkReads(frames, frames.length);
}

function networkReads(frames, chunks) {
	const bytes = encoder.encode(frames.join(''));
	// Network-sized reads that cut frames (and UTF-8 sequences) anywhere.
	const reads = [];
	for (let offset = 0, size = 700; offset < bytes.length; offset += size, size = size === 700 ? 1337 : 700) reads.push(bytes.subarray(offset, offset + size));
	return {reads, bytes: bytes.length, chunks};
}

/**
 * Claude Code-shaped request of about `target` bytes, from the shared benchmark corpus (each size
 * has its own seed, so nearby sizes give strings never seen before: the cold count_tokens runs).
 * Through JSON like the proxy receives it: flat strings, not the ropes concatenation builds.
 */
function claudeCodeBody(target) {
	return JSON.parse(JSON.stringify(buildRequest(target, {model: 'claude-sonnet-4-5', stream: true})));
}

// ------------------------------------------------------------------------------------------ helpers

/**
 * Wall time and process CPU time per run. On a shared, overloaded machine wall time includes time
 * spent waiting for a core; CPU time is what the code costs.
 */
function timeIt(runs, fn) {
	const wall = [];
	const cpu = [];
	for (let index = 0; index < runs; index++) {
		const cpuStart = process.cpuUsage();
		const start = performance.now();
		fn(index);
		wall.push(performance.now() - start);
		const used = process.cpuUsage(cpuStart);
		cpu.push((used.user + used.system) / 1000);
	}

	const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const p90 = values => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
	return {median: median(wall), p90: p90(wall), cpu: median(cpu)};
}

const round = (value, digits = 3) => Number(value.toFixed(digits));

// ------------------------------------------------------------------------------------------ stream

function benchStream(dialect) {
	const {reads, bytes, chunks} = dialect === 'gemini' ? geminiStreamBytes() : streamBytes();
	const profile = PROFILES.deepseek;
	const toolNames = new ToolNameMap();
	const signatures = new ThoughtSignatureCache();
	const run = () => {
		const translator =
			dialect === 'gemini'
				? new GeminiStreamTranslator({requestedModel: 'claude-sonnet-4-5', inputTokens: 20000, toolNames, signatures})
				: new StreamTranslator({requestedModel: 'claude-sonnet-4-5', inputTokens: 20000, profile, toolNames});
		let out = translator.start();
		for (const read of reads) out += translator.push(read);
		out += translator.end();
		return out;
	};

	const sample = run();
	const events = sample.split('\nevent: ').length;
	if (!sample.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')) throw new Error('stream bench did not complete');
	for (let index = 0; index < 300; index++) run();
	const iterations = 3000;
	const cpuStart = process.cpuUsage();
	const start = performance.now();
	let outBytes = 0;
	for (let index = 0; index < iterations; index++) outBytes += run().length;
	const seconds = (performance.now() - start) / 1000;
	const used = process.cpuUsage(cpuStart);
	const cpuSeconds = (used.user + used.system) / 1e6;
	return {
		eventsPerCpuSecond: Math.round((events * iterations) / cpuSeconds),
		chunks,
		eventsPerStream: events,
		upstreamBytesPerStream: bytes,
		eventsPerSecond: Math.round((events * iterations) / seconds),
		upstreamMBPerSecond: round((bytes * iterations) / seconds / 1e6, 1),
		clientMBPerSecond: round(outBytes / seconds / 1e6, 1),
		microsecondsPerStream: round((seconds * 1e6) / iterations, 1),
	};
}

// ------------------------------------------------------------------------------------------ request

function benchRequest(target) {
	const body = claudeCodeBody(target);
	const bytes = JSON.stringify(body).length;
	const profile = defineProfile({...PROFILES.deepseek});
	const options = {model: 'deepseek-chat', profile, stream: true};
	for (let index = 0; index < 20; index++) toOpenAIRequest(body, options);
	const translate = timeIt(100, () => toOpenAIRequest(body, options));
	const withStringify = timeIt(100, () => JSON.stringify(toOpenAIRequest(body, options).body));
	const gemini = timeIt(100, () => toOpenAIRequest(body, {...options, profile: PROFILES['gemini-balance']}));
	// count_tokens: cold = strings never seen before (fresh body per run), warm = the same session again.
	const coldBodies = Array.from({length: 21}, (_, index) => claudeCodeBody(target + 1 + index));
	estimateInputTokens(claudeCodeBody(2000));
	const cold = timeIt(coldBodies.length, index => estimateInputTokens(coldBodies[index]));
	const warm = timeIt(50, () => estimateInputTokens(coldBodies[0]));
	return {
		bodyKB: Math.round(bytes / 1024),
		translateMs: round(translate.median),
		translateCpuMs: round(translate.cpu),
		translateP90Ms: round(translate.p90),
		translateAndStringifyMs: round(withStringify.median),
		translateAndStringifyCpuMs: round(withStringify.cpu),
		translateGeminiSchemaMs: round(gemini.median),
		countTokensColdMs: round(cold.median),
		countTokensColdCpuMs: round(cold.cpu),
		countTokensColdP90Ms: round(cold.p90),
		countTokensWarmMs: round(warm.median),
		countTokensWarmCpuMs: round(warm.cpu),
	};
}

const results = {
	node: process.version,
	stream: benchStream('openai-chat'),
	geminiStream: benchStream('gemini'),
	request100k: benchRequest(100 * 1024),
	request1m: benchRequest(1024 * 1024),
};

if (json) console.log(JSON.stringify(results, null, 2));
else {
	const {stream, geminiStream, request100k: r1, request1m: r2} = results;
	console.log(`translate-micro (node ${results.node})`);
	for (const [label, bench] of [
		['openai', stream],
		['gemini', geminiStream],
	]) {
		console.log(`stream   ${label} ${bench.chunks} chunks → ${bench.eventsPerStream} events, ${bench.microsecondsPerStream} µs/stream`);
		console.log(
			`         ${bench.eventsPerSecond.toLocaleString('en')} events/s wall (${bench.eventsPerCpuSecond.toLocaleString('en')} per CPU-s)  ${bench.upstreamMBPerSecond} MB/s upstream in  ${bench.clientMBPerSecond} MB/s client out  (target ≥ 100,000 events/s)`,
		);
	}
	for (const [label, r, target] of [
		['100 KB', r1, 2],
		['1 MB', r2, 15],
	]) {
		console.log(
			`request  ${label.padEnd(6)} (${r.bodyKB} KB)  translate ${r.translateMs} ms (cpu ${r.translateCpuMs}, p90 ${r.translateP90Ms})  +stringify ${r.translateAndStringifyMs} ms (cpu ${r.translateAndStringifyCpuMs})  gemini-schema ${r.translateGeminiSchemaMs} ms  (target ≤ ${target} ms)`,
		);
		console.log(
			`         count_tokens cold ${r.countTokensColdMs} ms (cpu ${r.countTokensColdCpuMs}, p90 ${r.countTokensColdP90Ms})  warm ${r.countTokensWarmMs} ms (cpu ${r.countTokensWarmCpuMs})  (target < 5 ms)`,
		);
	}
}
