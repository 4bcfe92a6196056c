/**
 * `ccr-tui doctor`: a settings file pointing at a dead port is found, fixed with --fix (backup kept,
 * nothing else touched), and the other checks (routes, port, providers, shell) each give a verdict.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runDoctor, type DoctorOptions} from '../../source/commands/doctor.js';
import {startFakeOpenAI, type FakeOpenAI} from '../fakes/openai-upstream.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {tempDir} from '../helpers/temp-dir.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

/** An upstream that lists models for the right key and refuses any other. */
async function upstream(): Promise<FakeOpenAI> {
	const fake = await startFakeOpenAI((req, res) => {
		if (req.headers.authorization !== 'Bearer sk-good-key-1234') {
			res
				.writeHead(401, {'content-type': 'application/json'})
				.end(JSON.stringify({error: {message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key'}}));
			return;
		}

		res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({object: 'list', data: [{id: 'chat', object: 'model'}]}));
	});
	cleanups.push(async () => fake.close());
	return fake;
}

async function setup(
	config: (url: string) => Record<string, unknown> = url => ({
		Providers: [{name: 'up', api_base_url: `${url}/v1`, api_key: 'sk-good-key-1234', models: ['chat']}],
		Router: {default: 'up,chat'},
	}),
) {
	const fake = await upstream();
	const home = tempDir('ccr-tui-doctor-home-');
	const configPath = path.join(home, '.claude-code-router', 'config.json');
	fs.mkdirSync(path.dirname(configPath), {recursive: true});
	fs.writeFileSync(configPath, JSON.stringify({PORT: await freePort(), ...config(fake.url)}));
	const settingsPath = path.join(home, '.claude', 'settings.json');
	return {home, configPath, settingsPath, cwd: tempDir('ccr-tui-doctor-cwd-')};
}

async function doctor(options: DoctorOptions & {configPath: string; home: string}): Promise<{code: number; out: string}> {
	let out = '';
	const code = await runDoctor({config: options.configPath, env: {HOME: options.home}, timeoutMs: 2000, stdout: text => (out += text), ...options});
	return {code, out};
}

describe('ccr-tui doctor', () => {
	it('all good: config, routes, free port, provider reachable with its key accepted, clean shell and settings → exit 0', async () => {
		const ctx = await setup();
		const {code, out} = await doctor({...ctx});
		expect(out).toMatch(/^✓ Config +.*config\.json is valid \(1 provider\)$/m);
		expect(out).toMatch(/^✓ Routes +1 route resolve/m);
		expect(out).toMatch(/^✓ Port +127\.0\.0\.1:\d+ is free$/m);
		expect(out).toMatch(/^✓ Provider up +reachable: .*; auth and model list: /m);
		expect(out).toMatch(/^✓ Shell +no Claude Code variables/m);
		expect(out).toMatch(/^✓ Claude settings +no settings file points/m);
		expect(out.trimEnd().split('\n').at(-1)).toBe('All good.');
		expect(code).toBe(0);
	});

	it('settings.json env pointing at a dead port: found (exit 1), fixed by --fix with a backup, then good', async () => {
		const ctx = await setup();
		const dead = await freePort();
		fs.mkdirSync(path.dirname(ctx.settingsPath), {recursive: true});
		const original = `${JSON.stringify({env: {ANTHROPIC_BASE_URL: `http://127.0.0.1:${dead}`, ANTHROPIC_AUTH_TOKEN: 'old-router-token', DISABLE_TELEMETRY: '1'}, model: 'sonnet', permissions: {allow: ['Bash(ls:*)']}}, undefined, 2)}\n`;
		fs.writeFileSync(ctx.settingsPath, original, {mode: 0o600});

		const found = await doctor({...ctx, offline: true});
		expect(found.code).toBe(1);
		expect(found.out).toContain(`✗ Claude settings  ~/.claude/settings.json env.ANTHROPIC_BASE_URL → http://127.0.0.1:${dead} does not answer (a proxy that is gone)`);
		expect(found.out).toContain('fix: `ccr-tui doctor --fix` removes it (backup kept)');
		expect(found.out).toContain('1 problem. `ccr-tui doctor --fix` repairs 1 of them (after a backup).');
		// Listing changes nothing.
		expect(fs.readFileSync(ctx.settingsPath, 'utf8')).toBe(original);

		const fixed = await doctor({...ctx, offline: true, fix: true});
		const backup = /backup: (\S+)\)/.exec(fixed.out)?.[1];
		expect(fixed.out).toContain('fixed: ~/.claude/settings.json: removed env.ANTHROPIC_BASE_URL, env.ANTHROPIC_AUTH_TOKEN (backup: ');
		expect(fixed.code).toBe(0);
		expect(fs.readFileSync(backup!, 'utf8')).toBe(original);
		expect(fs.statSync(backup!).mode & 0o777).toBe(0o600);
		expect(JSON.parse(fs.readFileSync(ctx.settingsPath, 'utf8'))).toEqual({env: {DISABLE_TELEMETRY: '1'}, model: 'sonnet', permissions: {allow: ['Bash(ls:*)']}});
		expect(fs.statSync(ctx.settingsPath).mode & 0o777).toBe(0o600);

		const after = await doctor({...ctx, offline: true});
		expect(after.code).toBe(0);
	});

	it('an apiKeyHelper that fetches from a dead proxy, in the project settings, is found and removed; a live other proxy is only a warning', async () => {
		const ctx = await setup();
		const dead = await freePort();
		const live = http.createServer((_req, res) => res.end('hi')).listen(0, '127.0.0.1');
		await new Promise(resolve => live.once('listening', resolve));
		cleanups.push(async () => void (await new Promise(resolve => live.close(resolve))));
		const livePort = (live.address() as net.AddressInfo).port;
		const project = path.join(ctx.cwd, '.claude', 'settings.local.json');
		fs.mkdirSync(path.dirname(project), {recursive: true});
		fs.writeFileSync(project, JSON.stringify({apiKeyHelper: `curl -s http://127.0.0.1:${dead}/key`}));
		fs.mkdirSync(path.dirname(ctx.settingsPath), {recursive: true});
		fs.writeFileSync(ctx.settingsPath, JSON.stringify({env: {ANTHROPIC_BASE_URL: `http://127.0.0.1:${livePort}`}}));
		const found = await doctor({...ctx, offline: true});
		expect(found.code).toBe(1);
		expect(found.out).toMatch(new RegExp(`✗ Claude settings +.*settings\\.local\\.json apiKeyHelper → http://127\\.0\\.0\\.1:${dead}/key does not answer`));
		expect(found.out).toMatch(new RegExp(`⚠ Claude settings +~/\\.claude/settings\\.json env\\.ANTHROPIC_BASE_URL → http://127\\.0\\.0\\.1:${livePort} answers`));
		const fixed = await doctor({...ctx, offline: true, fix: true});
		expect(fixed.code).toBe(0);
		expect(JSON.parse(fs.readFileSync(project, 'utf8'))).toEqual({});
		// The warning was not a listed repair: the live entry stays.
		expect(JSON.parse(fs.readFileSync(ctx.settingsPath, 'utf8')).env.ANTHROPIC_BASE_URL).toBe(`http://127.0.0.1:${livePort}`);
	});

	it('problems it cannot fix: unknown route provider, a refused key, the shell pointing elsewhere, a port held by another server', async () => {
		const ctx = await setup(url => ({
			Providers: [{name: 'up', api_base_url: `${url}/v1`, api_key: 'sk-wrong-key-0000', models: ['chat']}],
			Router: {default: 'up,chat', think: 'gone,model-x'},
		}));
		const other = http.createServer((_req, res) => res.writeHead(404).end('not ccr-tui')).listen(0, '127.0.0.1');
		await new Promise(resolve => other.once('listening', resolve));
		cleanups.push(async () => void (await new Promise(resolve => other.close(resolve))));
		const port = (other.address() as net.AddressInfo).port;
		const {code, out} = await doctor({
			...ctx,
			port,
			env: {HOME: ctx.home, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', ANTHROPIC_API_KEY: 'sk-ant-x', CLAUDE_CODE_USE_BEDROCK: '1'},
			fix: true,
		});
		expect(code).toBe(1);
		expect(out).toMatch(/✗ Routes +think → unknown provider "gone"/);
		expect(out).toMatch(/✗ Provider up +auth and model list: /);
		expect(out).not.toContain('sk-wrong-key-0000');
		expect(out).toMatch(new RegExp(`✗ Port +127\\.0\\.0\\.1:${port} answers, but it is not ccr-tui`));
		expect(out).toMatch(/✗ Shell +ANTHROPIC_BASE_URL is http:\/\/127\.0\.0\.1:9, not ccr-tui/);
		expect(out).toMatch(/✗ Shell +ANTHROPIC_API_KEY is set/);
		expect(out).toMatch(/✗ Shell +CLAUDE_CODE_USE_BEDROCK is set/);
		expect(out).toContain('fix: run `eval "$(ccr-tui env)"` in this shell');
		expect(out).not.toContain('fixed:');
	});

	it("values quoted from the shell and from Claude Code's settings never reach the terminal with their controls", async () => {
		const ctx = await setup();
		fs.mkdirSync(path.dirname(ctx.settingsPath), {recursive: true});
		fs.writeFileSync(ctx.settingsPath, JSON.stringify({env: {ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/\u001b]2;owned\u0007'}}));
		const {out} = await doctor({...ctx, env: {HOME: ctx.home, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/\u001b[31mred\u202e'}});
		expect(out).toContain('ANTHROPIC_BASE_URL');
		expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
	});

	it('the port held by a running ccr-tui is fine; a broken config is a problem, exit 1', async () => {
		const harness: Harness = await startHarness();
		cleanups.push(async () => harness.close());
		const ctx = await setup();
		const held = await doctor({...ctx, port: Number(new URL(harness.proxyUrl).port), offline: true});
		expect(held.out).toMatch(/✓ Port +127\.0\.0\.1:\d+ is held by a running ccr-tui/);
		fs.writeFileSync(ctx.configPath, '{"Providers": [}');
		const broken = await doctor({...ctx, offline: true});
		expect(broken.code).toBe(1);
		expect(broken.out).toMatch(/^✗ Config /m);
	});
});
