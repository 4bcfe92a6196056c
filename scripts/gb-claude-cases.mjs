#!/usr/bin/env node
/**
 * The real Claude Code CLI → `ccr-tui start` (dist/, run `npm run build` first) → the fake Gemini
 * Balance, in its two configurations (built-in defaults, `.env.example` with its real 5 s / 1 s
 * fake-stream timings) and both OpenAI flavours (`/v1`, `/openai/v1`). Each case is played by
 * test/fakes/gb-cases.ts and passes when Claude Code's final answer holds the expected marker.
 * Prints a Markdown table: result, upstream requests, Google calls (key failures), time.
 *
 *   node scripts/gb-claude-cases.mjs [--claude latest,old] [--config defaults,env] [--flavour v1,openai] [--cases text,narration]
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
const {CASES, EXPECTED, playCase} = await import('../test/fakes/gb-cases.ts');

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
const MODELS = [...DEFAULT_MODELS, {id: 'gemini-3-pro-preview', displayName: 'Gemini 3 Pro Preview', outputTokenLimit: 65_536, thinking: true}];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gb-claude-cases-'));
const image = path.join(work, 'red-square.png');
// 2×2 red PNG.
fs.writeFileSync(image, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAwMAAAA0FAf8xTR7DAAAAAElFTkSuQmCC', 'base64'));
const mcpConfig = path.join(work, 'mcp.json');
fs.writeFileSync(mcpConfig, JSON.stringify({mcpServers: {t: {command: process.execPath, args: [path.join(root, 'test/fakes/mcp-stdio-tools.mjs')]}}}));

const PROMPTS = {
	text: 'CASE:text Reply with the marker word, nothing else.',
	narration: 'CASE:narration Run the marker command with Bash and tell me what it printed.',
	'two-calls': 'CASE:two-calls Run both marker commands with Bash and report their output in order.',
	loop4: 'CASE:loop4 Run the four step commands one after another, then summarise.',
	'gemini3-loop3': 'CASE:gemini3-loop3 Run the three g3 commands one after another, then summarise.',
	thinking: 'CASE:thinking Think carefully, then give the marker.',
	image: `CASE:image Read the image ${image} and tell me what you see.`,
	search: 'CASE:search Search the web for the ccr-tui marker and report it.',
	examples: 'CASE:examples Use the lookup tool for "ccr" with two example phrasings and report what it said.',
	'empty-result': 'CASE:empty-result Run the silent tool once, then tell me it finished.',
	refused: 'CASE:refused Say hello.',
};

/**
 * ANTHROPIC_MODEL for a case: unset (the routes decide, as for most users) except gemini-3. An
 * explicit `provider,model` wins over every route, the webSearch one included.
 */
function modelFor(name, flavour) {
	return name === 'gemini3-loop3' ? {ANTHROPIC_MODEL: `${flavour === 'openai' ? 'gbo' : 'gb'},gemini-3-pro-preview`} : {};
}

function config(gbUrl, flavour) {
	const main = flavour === 'openai' ? 'gbo,gemini-2.5-flash' : 'gb,gemini-2.5-flash';
	return {
		Providers: [
			{
				name: 'gb',
				api_base_url: `${gbUrl}/v1/chat/completions`,
				api_key: TOKEN,
				models: ['gemini-2.5-flash', 'gemini-2.5-flash-search', 'gemini-3-pro-preview'],
				profile: 'gemini-balance',
			},
			{name: 'gbo', api_base_url: `${gbUrl}/openai/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash', 'gemini-3-pro-preview'], profile: 'gemini-openai'},
		],
		// `-search` exists on Gemini Balance's own translator only: the webSearch route stays on /v1.
		Router: {default: main, background: main, think: main, longContext: main, image: main, webSearch: 'gb,gemini-2.5-flash-search'},
	};
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

async function runCase({gb, proxyUrl, cli, name, flavour}) {
	const home = fs.mkdtempSync(path.join(work, 'home-'));
	const before = gb.requests.length;
	const failuresBefore = Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0);
	const args = ['-p', PROMPTS[name], '--output-format', 'json', '--max-turns', '8', '--allowedTools', 'Bash,Read,WebSearch,mcp__t__lookup,mcp__t__silent'];
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
	let answer = '';
	try {
		answer = String(JSON.parse(result.stdout).result ?? '');
	} catch {
		answer = (result.stdout || result.stderr).slice(0, 200);
	}

	const chats = gb.requests.slice(before).filter(request => request.path.endsWith('/chat/completions'));
	const failures = Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0) - failuresBefore;
	const statuses = [...new Set(chats.map(request => request.status))].join('/');
	// GB_CASES_DEBUG=1: what reached Gemini Balance, one line per request.
	if (process.env.GB_CASES_DEBUG) {
		for (const request of chats)
			console.error(
				request.status,
				JSON.stringify({stream: request.body.stream, tools: request.body.tools?.length, messages: request.body.messages?.length, max_tokens: request.body.max_tokens}),
			);
	}

	return {pass: answer.includes(EXPECTED[name]), answer: answer.replace(/\s+/g, ' ').slice(0, 80), chats: chats.length, statuses, failures, seconds};
}

const rows = [];
for (const configName of values.config.split(',')) {
	const options = configName === 'env' ? envExampleOptions() : {};
	const gb = await startFakeGeminiBalance({allowedTokens: [TOKEN], models: MODELS, ...options});
	gb.setDefault(playCase);
	for (const flavour of values.flavour.split(',')) {
		const configPath = path.join(work, `config-${configName}-${flavour}.json`);
		fs.writeFileSync(configPath, JSON.stringify(config(gb.url, flavour)), {mode: 0o600});
		for (const cli of values.claude.split(',')) {
			// A fresh proxy per CLI: what ccr-tui learned about fake streaming starts from zero each time.
			const proxy = await startCcrTui(configPath);
			for (const name of values.cases.split(',')) {
				const outcome = await runCase({gb, proxyUrl: proxy.url, cli, name, flavour});
				const row = {config: configName === 'env' ? '.env.example' : 'defaults', flavour: flavour === 'openai' ? '/openai/v1' : '/v1', cli, name, ...outcome};
				rows.push(row);
				console.error(
					`${row.config} ${row.flavour} ${cli} ${name}: ${outcome.pass ? 'PASS' : 'FAIL'} (${outcome.chats} req, ${outcome.failures} key failures, ${outcome.seconds.toFixed(1)} s) ${outcome.pass ? '' : outcome.answer}`,
				);
			}

			await proxy.stop();
		}
	}

	await gb.close();
}

console.log('| configuration | flavour | Claude Code | case | result | GB requests | key failures | time |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
	console.log(
		`| ${row.config} | ${row.flavour} | ${row.cli} | ${row.name} | ${row.pass ? 'pass' : `FAIL: ${row.answer.replaceAll('|', '/')}`} | ${row.chats} (${row.statuses}) | ${row.failures} | ${row.seconds.toFixed(1)} s |`,
	);
}

const passed = rows.filter(row => row.pass).length;
console.log(`\n${passed}/${rows.length} passed`);
fs.rmSync(work, {recursive: true, force: true});
