import fs from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {findClaude, INSTALL_COMMAND, probeHealth, runCode, type CodeOptions} from '../../source/commands/code.js';
import {answer, startFakeOpenAI} from '../fakes/openai-upstream.js';
import {startHarness} from '../helpers/proxy-harness.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A stand-in for `claude`: records its argv and environment, optionally sends one Anthropic request
 * to ANTHROPIC_BASE_URL the way Claude Code would, optionally waits for a signal, then exits with
 * STUB_EXIT.
 */
const STUB = `#!${process.execPath}
const fs = require('node:fs');
const record = {argv: process.argv.slice(2), env: {...process.env}};
const save = () => fs.writeFileSync(process.env.STUB_RECORD, JSON.stringify(record));
async function main() {
	if (process.env.STUB_REQUEST) {
		const response = await fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages?beta=true', {
			method: 'POST',
			headers: {'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: 'Bearer ' + process.env.ANTHROPIC_AUTH_TOKEN},
			body: JSON.stringify({model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{role: 'user', content: 'hello'}]}),
		});
		record.response = {status: response.status, body: await response.json()};
	}
	if (process.env.STUB_WAIT) {
		process.on('SIGTERM', () => { record.signal = 'SIGTERM'; save(); process.exit(42); });
		fs.writeFileSync(process.env.STUB_RECORD + '.ready', '');
		setInterval(() => {}, 1000);
		return;
	}
	if (process.env.STUB_SELF_KILL) { save(); process.kill(process.pid, 'SIGKILL'); }
	save();
	process.exit(Number(process.env.STUB_EXIT ?? 0));
}
main();
`;

type Stub = {dir: string; file: string; record: string; env: NodeJS.ProcessEnv};

function makeStub(name = 'claude'): Stub {
	const dir = tempDir('ccr-tui-stub-');
	const file = path.join(dir, name);
	fs.writeFileSync(file, STUB, {mode: 0o755});
	const record = path.join(dir, 'record.json');
	// HOME points at an empty folder so the fallback install locations are not found by accident.
	return {dir, file, record, env: {PATH: dir, HOME: tempDir('ccr-tui-home-'), STUB_RECORD: record}};
}

function readRecord(stub: Stub): {argv: string[]; env: Record<string, string>; response?: {status: number; body: any}; signal?: string} {
	return JSON.parse(fs.readFileSync(stub.record, 'utf8'));
}

async function freePort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

async function code(options: CodeOptions): Promise<{exit: number; err: string}> {
	let err = '';
	const exit = await runCode({...options, stderr: text => (err += text)});
	return {exit, err};
}

/** A config file for a fake OpenAI upstream (the in-process proxy reads it). */
async function configWithFakeUpstream(extra: Record<string, unknown> = {}): Promise<{file: string; upstreamRequests: () => number}> {
	const upstream = await startFakeOpenAI(answer({text: 'Hi from the fake upstream.'}));
	cleanups.push(() => upstream.close());
	const file = path.join(tempDir(), 'config.json');
	fs.writeFileSync(
		file,
		JSON.stringify({
			Providers: [{name: 'fake', api_base_url: `${upstream.url}/v1/chat/completions`, api_key: 'sk-fake-upstream-0001', models: ['up-model']}],
			Router: {default: 'fake,up-model'},
			...extra,
		}),
	);
	return {file, upstreamRequests: () => upstream.requests.length};
}

const CLAUDE_ARGS = ['-p', 'hello', '--output-format', 'json', '--', '--literal'];

describe('ccr-tui code', () => {
	it('no ccr-tui running: a private in-process proxy serves claude, then closes; argv untouched, exit code passed on', async () => {
		const stub = makeStub();
		const configuredPort = await freePort();
		const {file, upstreamRequests} = await configWithFakeUpstream({API_TIMEOUT_MS: 123_456, PORT: configuredPort, LOG: true});
		const {exit, err} = await code({config: file, args: CLAUDE_ARGS, env: {...stub.env, STUB_REQUEST: '1', STUB_EXIT: '3'}});
		expect(exit).toBe(3);
		const record = readRecord(stub);
		// The user's arguments untouched, after the session-only status line setting.
		expect(record.argv).toEqual(['--settings', expect.stringContaining('"statusLine"'), ...CLAUDE_ARGS]);
		expect(err).toMatch(
			new RegExp(`no ccr-tui is running on http://127\\.0\\.0\\.1:${configuredPort}; started a private proxy on http://127\\.0\\.0\\.1:\\d+ for this session\\n$`),
		);
		const baseUrl = record.env['ANTHROPIC_BASE_URL']!;
		expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(baseUrl).not.toBe(`http://127.0.0.1:${configuredPort}`);
		expect(record.env).toMatchObject({
			ANTHROPIC_AUTH_TOKEN: 'ccr-tui',
			API_TIMEOUT_MS: '123456',
			CLAUDE_CODE_ATTRIBUTION_HEADER: '0',
			CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
			STUB_RECORD: stub.record,
		});
		// The request went through the proxy to the upstream and came back translated.
		expect(record.response?.status).toBe(200);
		expect(record.response?.body.content).toEqual([{type: 'text', text: 'Hi from the fake upstream.'}]);
		expect(upstreamRequests()).toBe(1);
		// Closed with claude; the request is in the log file (LOG: true), without the upstream key.
		await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();
		const log = fs.readFileSync(path.join(path.dirname(file), 'claude-code-router.log'), 'utf8');
		expect(log).toContain('fake');
		expect(log).not.toContain('sk-fake-upstream-0001');
	});

	it('uses the ccr-tui already answering on the port (and its APIKEY), without starting another', async () => {
		const harness = await startHarness({
			config: upstreamUrl => ({
				APIKEY: 'proxy-key-5678',
				Providers: [{name: 'fake', api_base_url: `${upstreamUrl}/v1/chat/completions`, models: ['up-model']}],
				Router: {default: 'fake,up-model'},
			}),
		});
		cleanups.push(() => harness.close());
		const stub = makeStub();
		const {exit, err} = await code({
			config: harness.configPath,
			port: harness.proxy.port,
			args: ['-p', 'hi'],
			env: {...stub.env, ANTHROPIC_API_KEY: 'sk-ant-real', STUB_REQUEST: '1'},
		});
		expect(exit).toBe(0);
		expect(err).toBe(`ccr-tui code: using the ccr-tui running on ${harness.proxyUrl}\n`);
		const record = readRecord(stub);
		expect(record.env['ANTHROPIC_BASE_URL']).toBe(harness.proxyUrl);
		expect(record.env['ANTHROPIC_AUTH_TOKEN']).toBe('proxy-key-5678');
		expect(record.env['ANTHROPIC_API_KEY']).toBeUndefined();
		expect(record.response?.status).toBe(200);
		expect(harness.upstreamRequests).toHaveLength(1);
		await waitFor(() => harness.activity.getSnapshot().recent.length === 1);
	});

	it('another program on the port is not mistaken for ccr-tui: claude gets a private proxy', async () => {
		const other = http.createServer((_req, res) => res.end(JSON.stringify({status: 'ok', timestamp: Date.now()})));
		await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve));
		cleanups.push(() => new Promise<void>(resolve => other.close(() => resolve())));
		const port = (other.address() as AddressInfo).port;
		expect(await probeHealth(`http://127.0.0.1:${port}`)).toBe('other');

		const stub = makeStub();
		const {file} = await configWithFakeUpstream();
		const {exit, err} = await code({config: file, port, args: [], env: {...stub.env, STUB_REQUEST: '1'}});
		expect(exit).toBe(0);
		expect(err).toContain(`port ${port} is used by another program; started a private proxy`);
		const record = readRecord(stub);
		expect(record.env['ANTHROPIC_BASE_URL']).not.toBe(`http://127.0.0.1:${port}`);
		expect(record.response?.status).toBe(200);
	});

	it('an explicit --port that is free is where the private proxy listens', async () => {
		const stub = makeStub();
		const {file} = await configWithFakeUpstream();
		const port = await freePort();
		expect(await code({config: file, port, args: [], env: stub.env})).toMatchObject({exit: 0});
		expect(readRecord(stub).env['ANTHROPIC_BASE_URL']).toBe(`http://127.0.0.1:${port}`);
	});

	it('claude missing: says how to install it and exits 127 before starting anything', async () => {
		const {file} = await configWithFakeUpstream();
		const {exit, err} = await code({config: file, args: ['-p', 'x'], env: {PATH: tempDir(), HOME: tempDir()}});
		expect(exit).toBe(127);
		expect(err).toContain('`claude` command) is not installed or not on your PATH');
		expect(err).toContain(INSTALL_COMMAND);
		expect(err).not.toContain('proxy');
	});

	it("turns on the ccr-tui status line for this session only: --settings, no file written; the user's own wins", async () => {
		const stub = makeStub();
		const {file} = await configWithFakeUpstream();
		expect(await code({config: file, args: ['-p', 'x'], env: stub.env, cliPath: '/opt/ccr tui/cli.js'})).toMatchObject({exit: 0});
		const [flag, json, ...rest] = readRecord(stub).argv;
		expect([flag, rest]).toEqual(['--settings', ['-p', 'x']]);
		expect(JSON.parse(json!)).toEqual({statusLine: {type: 'command', command: `${process.execPath} '/opt/ccr tui/cli.js' statusline`, padding: 0}});
		expect(fs.readdirSync(stub.env['HOME']!)).toEqual([]);

		// Their own --settings: passed as typed, nothing added.
		expect(await code({config: file, args: ['--settings', '{"x":1}', '-p', 'y'], env: stub.env})).toMatchObject({exit: 0});
		expect(readRecord(stub).argv).toEqual(['--settings', '{"x":1}', '-p', 'y']);

		// A statusLine of their own in ~/.claude/settings.json: left alone.
		fs.mkdirSync(path.join(stub.env['HOME']!, '.claude'));
		fs.writeFileSync(path.join(stub.env['HOME']!, '.claude', 'settings.json'), JSON.stringify({statusLine: {type: 'command', command: 'my-line'}}));
		expect(await code({config: file, args: ['-p', 'z'], env: stub.env})).toMatchObject({exit: 0});
		expect(readRecord(stub).argv).toEqual(['-p', 'z']);
	});

	it('CLAUDE_PATH (config, then environment) picks the executable; a wrong one is named in the error', async () => {
		const stub = makeStub('my-claude');
		const {file} = await configWithFakeUpstream({CLAUDE_PATH: stub.file});
		expect(await code({config: file, args: ['a'], env: {...stub.env, PATH: tempDir()}})).toMatchObject({exit: 0});
		expect(readRecord(stub).argv.slice(2)).toEqual(['a']);

		const {file: plain} = await configWithFakeUpstream();
		expect(await code({config: plain, args: [], env: {...stub.env, PATH: tempDir(), CLAUDE_PATH: stub.file}})).toMatchObject({exit: 0});

		const missing = await code({config: plain, args: [], env: {...stub.env, PATH: tempDir(), CLAUDE_PATH: '/nowhere/claude'}});
		expect(missing.exit).toBe(127);
		expect(missing.err).toContain('CLAUDE_PATH is "/nowhere/claude"');
	});

	it('finds the local install (~/.claude/local/claude) that is only a shell alias', () => {
		const home = tempDir();
		const local = path.join(home, '.claude', 'local');
		fs.mkdirSync(local, {recursive: true});
		fs.writeFileSync(path.join(local, 'claude'), STUB, {mode: 0o755});
		expect(findClaude(undefined, {PATH: tempDir(), HOME: home})).toEqual({path: path.join(local, 'claude')});
	});

	it('no config file and nothing running: tells the user to add a provider; the file is not created', async () => {
		const stub = makeStub();
		const file = path.join(tempDir(), 'config.json');
		const {exit, err} = await code({config: file, port: await freePort(), args: [], env: stub.env});
		expect(exit).toBe(1);
		expect(err).toContain('no config yet');
		expect(err).toContain('`ccr-tui`');
		expect(fs.existsSync(file)).toBe(false);
		expect(fs.existsSync(stub.record)).toBe(false);
	});

	it('forwards SIGTERM to claude and exits with its code', async () => {
		const stub = makeStub();
		const {file} = await configWithFakeUpstream();
		const before = new Set(process.listeners('SIGTERM'));
		const running = code({config: file, args: [], env: {...stub.env, STUB_WAIT: '1'}});
		await waitFor(() => fs.existsSync(`${stub.record}.ready`));
		// Call our handler directly: a real signal would also reach the test runner.
		const forward = process.listeners('SIGTERM').find(listener => !before.has(listener));
		expect(forward).toBeDefined();
		forward!('SIGTERM');
		const {exit} = await running;
		expect(exit).toBe(42);
		expect(readRecord(stub).signal).toBe('SIGTERM');
		expect(process.listeners('SIGTERM').filter(listener => !before.has(listener))).toHaveLength(0);
	});

	it('claude killed by a signal: exit code 128 + signal number', async () => {
		const stub = makeStub();
		const {file} = await configWithFakeUpstream();
		expect(await code({config: file, args: [], env: {...stub.env, STUB_SELF_KILL: '1'}})).toMatchObject({exit: 137});
	});
});
