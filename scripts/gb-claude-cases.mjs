#!/usr/bin/env node
/**
 * The real Claude Code CLI → `ccr-tui start` (dist/, run `npm run build` first) → the fake Gemini
 * Balance, in its two configurations (built-in defaults, `.env.example` with its real 5 s / 1 s
 * fake-stream timings) and its three APIs (`/v1`, `/openai/v1`, native `/v1beta`), or the strict
 * fake of Google's native API (AI Studio, flavour `studio`). Each case is played by
 * test/fakes/gb-cases.ts and passes when Claude Code's final answer holds the expected marker.
 * Prints a Markdown table: result, Claude Code's turns and thinking blocks, upstream requests, what
 * the last one carried, Google calls (key failures), time.
 *
 *   node scripts/gb-claude-cases.mjs [--claude latest,old] [--config defaults,env] [--flavour v1,openai,native,studio] [--cases text,narration]
 *
 * Claude Code is never a dependency: it is run from /work/cc-latest and /work/cc-old (or
 * CC_LATEST / CC_OLD). Everything binds 127.0.0.1; HOME is a temporary directory per run.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {register} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
register('../test/fakes/ts-loader.mjs', import.meta.url);
const {startFakeGeminiBalance, envExampleOptions} = await import('../test/fakes/gemini-balance.ts');
const {DEFAULT_MODELS} = await import('../test/fakes/gemini-balance/models.ts');
const {CASES, EXPECTED, playCase, playCaseForGoogle} = await import('../test/fakes/gb-cases.ts');
const {geminiNative} = await import('../test/fakes/gemini-native.ts');
const {startFakeOpenAI} = await import('../test/fakes/openai-upstream.ts');

const {values} = parseArgs({
	options: {
		claude: {type: 'string', default: 'latest,old'},
		config: {type: 'string', default: 'defaults,env'},
		flavour: {type: 'string', default: 'v1,openai'},
		cases: {type: 'string', default: CASES.join(',')},
		timeout: {type: 'string', default: '240000'},
		/** Another build to compare with (e.g. a worktree of an older commit): its dist/cli.js. */
		ccr: {type: 'string', default: path.join(root, 'dist/cli.js')},
	},
});
const CLAUDE = {
	latest: process.env.CC_LATEST ?? '/work/cc-latest/node_modules/.bin/claude',
	old: process.env.CC_OLD ?? '/work/cc-old/node_modules/.bin/claude',
};
const TOKEN = 'sk-gb-e2e-token';
const GOOGLE_KEY = 'AIza-e2e-studio-key';
const MODELS = [...DEFAULT_MODELS, {id: 'gemini-3-pro-preview', displayName: 'Gemini 3 Pro Preview', outputTokenLimit: 65_536, thinking: true}];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-claude-cases-'));
const image = path.join(work, 'red-square.png');
// 2×2 red PNG.
fs.writeFileSync(image, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAwMAAAA0FAf8xTR7DAAAAAElFTkSuQmCC', 'base64'));
const pdf = path.join(work, 'marker.pdf');
fs.writeFileSync(pdf, markerPdf('The code word is pdf-marker-31.'));
const mcpConfig = path.join(work, 'mcp.json');
fs.writeFileSync(mcpConfig, JSON.stringify({mcpServers: {t: {command: process.execPath, args: [path.join(root, 'test/fakes/mcp-stdio-tools.mjs')]}}}));

const PROMPTS = {
	text: 'CASE:text Reply with the marker word, nothing else.',
	narration: 'CASE:narration Run the marker command with Bash and tell me what it printed.',
	'two-calls': 'CASE:two-calls Run both marker commands with Bash and report their output in order.',
	loop4: 'CASE:loop4 Run the four step commands one after another, then summarise.',
	'gemini3-loop3': 'CASE:gemini3-loop3 Run the three g3 commands one after another, then summarise.',
	'gemini3-loop4': 'CASE:gemini3-loop4 Run the four g3 commands one after another, then summarise.',
	pdf: `CASE:pdf Read the PDF ${pdf} and tell me the code word in it.`,
	thinking: 'CASE:thinking Think carefully, then give the marker.',
	image: `CASE:image Read the image ${image} and tell me what you see.`,
	search: 'CASE:search Search the web for the ccr-tui marker and report it.',
	examples: 'CASE:examples Use the lookup tool for "ccr" with two example phrasings and report what it said.',
	'empty-result': 'CASE:empty-result Run the silent tool once, then tell me it finished.',
	refused: 'CASE:refused Say hello.',
};

/** The provider each flavour is configured as. */
const PROVIDER = {v1: 'gb', openai: 'gbo', native: 'gbn', studio: 'studio'};

/** ANTHROPIC_MODEL for a case: the flavour's provider, gemini-3 for the signature loops. */
function modelFor(name, flavour) {
	return {ANTHROPIC_MODEL: `${PROVIDER[flavour]},${/^gemini3-/.test(name) ? 'gemini-3-pro-preview' : 'gemini-2.5-flash'}`};
}

/**
 * The four providers as their users write them: Gemini Balance's `/v1` and `/openai/v1` with their
 * profiles, its native path and AI Studio the Claude Code Router way (`transformer: gemini`).
 */
function config(gbUrl, googleUrl, flavour) {
	const main = `${PROVIDER[flavour]},gemini-2.5-flash`;
	const models = ['gemini-2.5-flash', 'gemini-3-pro-preview'];
	// `-search` exists on Gemini Balance's own translator only: /openai/v1 searches through /v1; the native ones send googleSearch.
	const webSearch = flavour === 'v1' || flavour === 'openai' ? 'gb,gemini-2.5-flash-search' : main;
	return {
		Providers: [
			{name: 'gb', api_base_url: `${gbUrl}/v1/chat/completions`, api_key: TOKEN, models: [...models, 'gemini-2.5-flash-search'], profile: 'gemini-balance'},
			{name: 'gbo', api_base_url: `${gbUrl}/openai/v1/chat/completions`, api_key: TOKEN, models, profile: 'gemini-openai'},
			{name: 'gbn', api_base_url: `${gbUrl}/v1beta/models/`, api_key: TOKEN, models, transformer: {use: ['gemini']}},
			{name: 'studio', api_base_url: `${googleUrl}/v1beta/models/`, api_key: GOOGLE_KEY, models, transformer: {use: ['gemini']}},
		],
		Router: {default: main, background: main, think: main, longContext: main, image: main, webSearch},
	};
}

/** A one-page PDF whose (uncompressed) text holds `line`. */
function markerPdf(line) {
	const stream = `BT /F1 18 Tf 72 720 Td (${line}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let body = '%PDF-1.4\n';
	const offsets = objects.map((object, index) => {
		const offset = body.length;
		body += `${index + 1} 0 obj\n${object}\nendobj\n`;
		return offset;
	});
	const xref = body.length;
	body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map(offset => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
	body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}

function run(command, args, options) {
	return new Promise(resolve => {
		const child = spawn(command, args, {...options, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), Number(values.timeout));
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
	});
}

async function startCcrTui(configPath) {
	const child = spawn(process.execPath, [values.ccr, 'start', '--config', configPath, '--port', '0'], {stdio: ['ignore', 'pipe', 'pipe']});
	const url = await new Promise((resolve, reject) => {
		let seen = '';
		child.stdout.on('data', chunk => {
			seen += chunk;
			const match = /http:\/\/127\.0\.0\.1:\d+/.exec(seen);
			if (match) resolve(match[0]);
		});
		child.on('close', () => reject(new Error(`ccr-tui exited: ${seen}`)));
	});
	child.stdout.resume();
	const stop = () =>
		new Promise(resolve => {
			child.once('close', resolve);
			child.kill('SIGTERM');
		});
	return {url, stop};
}

/** Claude Code's stream-json lines: the final result, its turns, and the thinking blocks it showed. */
function readClaude(stdout, stderr) {
	const events = stdout
		.split('\n')
		.filter(line => line.startsWith('{'))
		.map(line => {
			try {
				return JSON.parse(line);
			} catch {
				return {};
			}
		});
	const result = events.findLast(event => event.type === 'result');
	const blocks = events.filter(event => event.type === 'assistant').flatMap(event => event.message?.content ?? []);
	const thinking = blocks.filter(block => block.type === 'thinking' && (block.thinking ?? '').length > 0).length;
	const answer = result ? String(result.result ?? '') : (stdout || stderr).slice(-300);
	return {answer, turns: result?.num_turns ?? 0, thinking, error: result?.is_error === true};
}

/** One line on what the last upstream request of the case carried (native or chat body). */
function carried(requests) {
	const body = requests.at(-1)?.body;
	if (!body || typeof body !== 'object') return '';
	const facts = [];
	if (Array.isArray(body.contents)) {
		const parts = body.contents.flatMap(content => content.parts ?? []);
		const count = key => parts.filter(part => part[key] !== undefined).length;
		if (count('functionCall')) facts.push(`${count('functionCall')} functionCall (${parts.filter(part => part.functionCall && part.thoughtSignature).length} signed)`);
		if (count('functionResponse')) facts.push(`${count('functionResponse')} functionResponse`);
		const media = [...new Set(JSON.stringify(body).match(/"mimeType":"[^"]+"/g) ?? [])].map(item => item.slice(12, -1));
		if (media.length > 0) facts.push(`inlineData ${media.join(',')}`);
		if ((body.tools ?? []).some(tool => 'googleSearch' in tool)) facts.push('googleSearch');
		if (body.generationConfig?.thinkingConfig?.includeThoughts) facts.push('includeThoughts');
	} else if (Array.isArray(body.messages)) {
		const tools = body.messages.filter(message => message.role === 'tool').length;
		const calls = body.messages.flatMap(message => message.tool_calls ?? []);
		if (calls.length) facts.push(`${calls.length} tool_calls (${calls.filter(call => call.extra_content).length} signed)`);
		if (tools) facts.push(`${tools} tool results`);
		const sent = JSON.stringify(body);
		if (sent.includes('image_url')) facts.push('image_url');
		if (/application\/pdf/.test(sent)) facts.push('pdf');
		if (body.reasoning_effort || body.extra_body) facts.push('thinking asked');
	}

	return facts.join(', ');
}

/** Requests of one flavour's server, as `{path, status, body}`. */
function upstreamRequests(servers, flavour) {
	if (flavour === 'studio') return servers.google.requests.filter(request => request.method === 'POST').map(request => ({path: request.url, status: 200, body: request.body}));
	const chat = {native: /:(stream)?[gG]enerateContent/, v1: /^\/(hf\/)?v1\/chat\/completions$/, openai: /^\/openai\/v1\/chat\/completions$/}[flavour];
	return servers.gb.requests.filter(request => chat.test(request.path)).map(request => ({path: request.path, status: request.status, body: request.body}));
}

async function runCase({servers, proxyUrl, cli, name, flavour}) {
	const home = fs.mkdtempSync(path.join(work, 'home-'));
	const {gb} = servers;
	const before = upstreamRequests(servers, flavour).length;
	// The webSearch route of the OpenAI flavours is on /v1: count those too.
	const searchBefore = upstreamRequests(servers, 'v1').length;
	const failuresBefore = Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0);
	const args = ['-p', PROMPTS[name], '--output-format', 'stream-json', '--verbose', '--max-turns', '8', '--allowedTools', 'Bash,Read,WebSearch,mcp__t__lookup,mcp__t__silent'];
	if (name === 'examples' || name === 'empty-result') args.push('--mcp-config', mcpConfig);
	if (name === 'thinking') args.push('--effort', 'max');
	const started = performance.now();
	const result = await run(CLAUDE[cli], args, {
		cwd: work,
		env: {
			PATH: process.env.PATH,
			HOME: home,
			ANTHROPIC_BASE_URL: proxyUrl,
			ANTHROPIC_AUTH_TOKEN: 'x',
			...modelFor(name, flavour),
			CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
		},
	});
	const seconds = (performance.now() - started) / 1000;
	const claude = readClaude(result.stdout, result.stderr);
	const requests = upstreamRequests(servers, flavour).slice(before);
	const search = flavour === 'openai' ? upstreamRequests(servers, 'v1').slice(searchBefore) : [];
	const failures = Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0) - failuresBefore;
	const statuses = [...new Set([...requests, ...search].map(request => request.status))].join('/');
	// GB_CASES_DEBUG=1: what reached the upstream, one line per request.
	if (process.env.GB_CASES_DEBUG) for (const request of requests) console.error(request.status, request.path, carried([request]));
	const pass = claude.answer.includes(EXPECTED[name]) && (name !== 'thinking' || claude.thinking > 0);
	return {
		pass,
		answer: claude.answer.replace(/\s+/g, ' ').slice(0, 100),
		turns: claude.turns,
		thinking: claude.thinking,
		chats: requests.length + search.length,
		statuses,
		carried: carried(requests.filter(request => !/count_tokens/.test(request.path))),
		failures,
		seconds,
	};
}

const FLAVOUR_LABEL = {v1: 'GB /v1', openai: 'GB /openai/v1', native: 'GB native /v1beta', studio: 'AI Studio (Google fake)'};
const rows = [];
const google = await startFakeOpenAI(geminiNative(playCaseForGoogle));
for (const configName of values.config.split(',')) {
	const options = configName === 'env' ? envExampleOptions() : {};
	const gb = await startFakeGeminiBalance({allowedTokens: [TOKEN], models: MODELS, ...options});
	gb.setDefault(playCase);
	for (const flavour of values.flavour.split(',')) {
		const configPath = path.join(work, `config-${configName}-${flavour}.json`);
		fs.writeFileSync(configPath, JSON.stringify(config(gb.url, google.url, flavour)), {mode: 0o600});
		for (const cli of values.claude.split(',')) {
			// A fresh proxy per CLI: what ccr-tui learned about fake streaming starts from zero each time.
			const proxy = await startCcrTui(configPath);
			for (const name of values.cases.split(',')) {
				const outcome = await runCase({servers: {gb, google}, proxyUrl: proxy.url, cli, name, flavour});
				const row = {config: flavour === 'studio' ? '-' : configName === 'env' ? '.env.example' : 'defaults', flavour: FLAVOUR_LABEL[flavour], cli, name, ...outcome};
				rows.push(row);
				console.error(
					`${row.config} ${row.flavour} ${cli} ${name}: ${outcome.pass ? 'PASS' : 'FAIL'} (${outcome.turns} turns, ${outcome.thinking} thinking, ${outcome.chats} req, ${outcome.failures} key failures, ${outcome.seconds.toFixed(1)} s) ${outcome.carried} ${outcome.pass ? '' : outcome.answer}`,
				);
			}

			await proxy.stop();
		}
	}

	await gb.close();
}

await google.close();
console.log('| configuration | flavour | Claude Code | case | result | turns | thinking shown | upstream requests | last request carried | key failures | time |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
	const result = row.pass ? 'pass' : `FAIL: ${row.answer.replaceAll('|', '/')}`;
	console.log(
		`| ${row.config} | ${row.flavour} | ${row.cli} | ${row.name} | ${result} | ${row.turns} | ${row.thinking} | ${row.chats} (${row.statuses}) | ${row.carried} | ${row.failures} | ${row.seconds.toFixed(1)} s |`,
	);
}

const passed = rows.filter(row => row.pass).length;
console.log(`\n${passed}/${rows.length} passed`);
fs.rmSync(work, {recursive: true, force: true});
