/**
 * `ccr-tui start`: in-process (fast, precise) and as a real child process from dist/ driven by the
 * SDK from this process, then SIGTERM → exit 0.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runStart} from '../../source/commands/start.js';
import {answer, startFakeOpenAI, type FakeOpenAI} from '../fakes/openai-upstream.js';
import {tempDir} from '../helpers/temp-dir.js';
import {requireFreshBuild} from '../helpers/built.js';
import {waitFor} from '../helpers/wait-for.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/cli.js');
const base = {model: 'claude-test-sonnet', max_tokens: 64, messages: [{role: 'user' as const, content: 'hello'}]};

let upstream: FakeOpenAI;
beforeEach(async () => {
	upstream = await startFakeOpenAI(answer({text: 'hi from upstream', usage: {prompt_tokens: 1234, completion_tokens: 56}}));
});
afterEach(async () => upstream.close());

function writeConfig(dir: string, content: string | Record<string, unknown>): string {
	const file = path.join(dir, 'config.json');
	fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
	return file;
}

function validConfig(extra: Record<string, unknown> = {}) {
	return {
		Providers: [{name: 'fake', api_base_url: `${upstream.url}/v1`, api_key: '$START_TEST_KEY', models: ['up-model']}],
		Router: {default: 'fake,up-model', background: 'fake,up-model'},
		...extra,
	};
}

/** runStart in this process; lines collected; stopped through its signal option. */
async function startInProcess(config: string, env: Record<string, string> = {START_TEST_KEY: 'sk-start-test-key-9999'}) {
	const out: string[] = [];
	const err: string[] = [];
	const stop = new AbortController();
	let url: string | undefined;
	const done = runStart({
		config,
		port: 0,
		env,
		signal: stop.signal,
		stdout: text => out.push(text),
		stderr: text => err.push(text),
		onListening: value => {
			url = value;
		},
	});
	const exited = done.then(code => ({code}));
	const first = await Promise.race([waitFor(() => url, {timeoutMs: 10_000}).then(() => undefined), exited]);
	return {url: url!, out, err, early: first, stop: async () => (stop.abort(), done)};
}

describe('runStart (in process)', () => {
	it('prints the URL and routes, one line per finished request with tokens, and stops with 0', async () => {
		const dir = tempDir();
		const started = await startInProcess(writeConfig(dir, validConfig()));
		expect(started.early).toBeUndefined();
		const text = () => started.out.join('');
		expect(text()).toMatch(/^ccr-tui listening on http:\/\/127\.0\.0\.1:\d+\n/);
		expect(text()).toContain('default     → fake,up-model');
		const client = new Anthropic({baseURL: started.url, apiKey: 'x', maxRetries: 0});
		await client.messages.create(base);
		await client.messages.stream({...base, model: 'claude-haiku-4-5-20251001'}).finalMessage();
		await client.messages.create({...base, model: 'ghost,model'}).catch(() => undefined);
		await waitFor(() => text().includes('not_found_error'));
		const lines = text().trim().split('\n').slice(-3);
		expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d {2}default +fake,up-model +200 +(?:\d+ ms|\d+\.\d s|\d+ s) {2}in 1,234 out 56 {2}end_turn$/);
		expect(lines[1]).toMatch(/background +fake,up-model +200 .* in 1,234 out 56 {2}end_turn$/);
		expect(lines[2]).toMatch(/404 .*not_found_error: the model "ghost,model" names unknown provider "ghost"/);
		expect(await started.stop()).toBe(0);
		expect(text()).toContain('shutting down');
		expect(text()).not.toContain('sk-start-test-key-9999');
	});

	it('reports a broken hand edit and keeps serving the last good config', async () => {
		const dir = tempDir();
		const file = writeConfig(dir, validConfig());
		const started = await startInProcess(file);
		fs.writeFileSync(file, '{"Providers": [');
		await waitFor(() => started.out.join('').includes('still serving the last good config'));
		const client = new Anthropic({baseURL: started.url, apiKey: 'x', maxRetries: 0});
		expect((await client.messages.create(base)).content).toEqual([expect.objectContaining({text: 'hi from upstream'})]);
		expect(await started.stop()).toBe(0);
	});

	it('an invalid file at start: exit 1 naming path, key and problem, file untouched', async () => {
		const dir = tempDir();
		const broken = JSON.stringify({Providers: [{name: 'x', api_base_url: 'not a url'}]});
		const file = writeConfig(dir, broken);
		const started = await startInProcess(file);
		expect(started.early).toEqual({code: 1});
		expect(started.err.join('')).toContain(`${file}: Providers[0].api_base_url: must be an http(s) URL`);
		expect(fs.readFileSync(file, 'utf8')).toBe(broken);
	});

	it('a busy port: exit 1 with a message naming the port and --port', async () => {
		const dir = tempDir();
		const first = await startInProcess(writeConfig(dir, validConfig()));
		const port = Number(new URL(first.url).port);
		const err: string[] = [];
		const code = await runStart({config: path.join(dir, 'config.json'), port, env: {}, stdout: () => {}, stderr: text => err.push(text)});
		expect(code).toBe(1);
		expect(err.join('')).toMatch(new RegExp(`port ${port} is in use.*--port`));
		expect(await first.stop()).toBe(0);
	});

	it('a missing file is created with defaults and the user is told what to do', async () => {
		const dir = tempDir();
		const started = await startInProcess(path.join(dir, 'new', 'config.json'), {});
		const text = started.out.join('');
		expect(text).toContain('created');
		expect(text).toContain('no providers configured yet');
		expect(await started.stop()).toBe(0);
	});
});

describe('runStart: an APIKEY naming an unset variable', () => {
	it('off loopback: refuses to start (exit 1), naming the variable', async () => {
		const dir = tempDir();
		const err: string[] = [];
		const code = await runStart({
			config: writeConfig(dir, validConfig({APIKEY: '$CCR_APIKEY'})),
			host: '0.0.0.0',
			port: 0,
			env: {},
			stdout: () => {},
			stderr: text => err.push(text),
		});
		expect(code).toBe(1);
		expect(err.join('')).toMatch(/Refusing to listen on 0\.0\.0\.0: APIKEY refers to \$CCR_APIKEY, which is not set/);
	});

	it('on loopback: starts without a key and says so loudly', async () => {
		const dir = tempDir();
		const started = await startInProcess(writeConfig(dir, validConfig({APIKEY: '$CCR_APIKEY'})));
		expect(started.early).toBeUndefined();
		await waitFor(() => started.out.join('').includes('running WITHOUT a key'));
		expect(started.out.join('')).toMatch(/error +\[proxy\] APIKEY refers to \$CCR_APIKEY/);
		expect(await started.stop()).toBe(0);
	});
});

/** `ccr-tui start` as a child process with its own stdout/stderr pipes. */
function spawnStart(config: string) {
	const child = spawn(process.execPath, [cli, 'start', '--config', config, '--port', '0'], {
		env: {...process.env, START_TEST_KEY: 'sk-start-test-key-9999', CCR_TUI_CONFIG: ''},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = {out: '', err: ''};
	child.stdout.on('data', (chunk: Buffer) => (output.out += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output.err += chunk.toString()));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	const url = () => waitFor(() => /listening on (http:\/\/\S+)/.exec(output.out)?.[1], {timeoutMs: 15_000, message: `no URL printed (stderr: ${output.err})`});
	return {child, output, exited, url};
}

describe('ccr-tui start as a child process', () => {
	beforeEach(requireFreshBuild);
	it('serves the SDK from another process, then SIGTERM → exit 0', async () => {
		const dir = tempDir();
		const config = writeConfig(dir, validConfig());
		const child = spawn(process.execPath, [cli, 'start', '--config', config, '--port', '0'], {
			env: {...process.env, START_TEST_KEY: 'sk-start-test-key-9999', CCR_TUI_CONFIG: ''},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
		try {
			const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], {timeoutMs: 15_000, message: `no URL printed (stderr: ${err})`});
			const client = new Anthropic({baseURL: url, apiKey: 'x', maxRetries: 0});
			const message = await client.messages.stream(base).finalMessage();
			expect(message.content).toEqual([expect.objectContaining({text: 'hi from upstream'})]);
			await waitFor(() => out.includes('end_turn'));
			expect(out).toMatch(/default +fake,up-model +200 .* in 1,234 out 56 {2}end_turn/);
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(err).toBe('');
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 30_000);

	it('stdout closed by its reader (EPIPE): the proxy keeps serving, says so on stderr, SIGTERM → exit 0', async () => {
		const dir = tempDir();
		const started = spawnStart(writeConfig(dir, validConfig()));
		try {
			const url = await started.url();
			// As `ccr-tui start | head -1` does once it has its line.
			started.child.stdout.destroy();
			const client = new Anthropic({baseURL: url, apiKey: 'x', maxRetries: 0});
			for (let turn = 0; turn < 3; turn++) {
				expect((await client.messages.create(base)).content).toEqual([expect.objectContaining({text: 'hi from upstream'})]);
			}

			await waitFor(() => started.output.err.includes('stdout is gone'), {message: 'no notice on stderr'});
			expect(started.output.err).toMatch(/stdout is gone \(EPIPE\).*keeps serving/);
			started.child.kill('SIGTERM');
			expect(await started.exited).toEqual({code: 0, signal: null});
		} finally {
			if (started.child.exitCode === null) started.child.kill('SIGKILL');
		}
	}, 30_000);

	it('SIGHUP (terminal closed) with a stream in flight: the stream ends with event: error, exit 0', async () => {
		upstream.setHandler((_request, res) => {
			res.writeHead(200, {'content-type': 'text/event-stream'});
			res.write(`data: ${JSON.stringify({id: 'c', object: 'chat.completion.chunk', choices: [{index: 0, delta: {content: 'partial '}, finish_reason: null}]})}\n\n`);
		});
		const dir = tempDir();
		const started = spawnStart(writeConfig(dir, validConfig()));
		try {
			const url = await started.url();
			const response = await fetch(`${url}/v1/messages`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({...base, stream: true})});
			const text = response.text();
			await waitFor(() => upstream.requests.length === 1);
			started.child.kill('SIGHUP');
			const events = [...(await text).matchAll(/^event: (\S+)/gm)].map(match => match[1]);
			expect(events.at(-1)).toBe('error');
			expect(await started.exited).toEqual({code: 0, signal: null});
			expect(started.output.out).toContain('shutting down: finishing 1 request in flight');
		} finally {
			if (started.child.exitCode === null) started.child.kill('SIGKILL');
		}
	}, 30_000);
});
