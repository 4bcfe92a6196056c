import {spawn} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runAddGeminiBalance, type AddGeminiBalanceOptions} from '../../source/commands/add-gemini-balance.js';
import {startFakeGeminiBalance, type FakeGeminiBalance} from '../fakes/gemini-balance.js';
import {tempDir} from '../helpers/temp-dir.js';
import {requireFreshBuild} from '../helpers/built.js';

const TOKEN = 'sk-gb-cli-token-77777';
let gb: FakeGeminiBalance;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN]});
});
afterAll(async () => gb.close());
afterEach(() => gb.reset());

async function run(flags: AddGeminiBalanceOptions, config?: Record<string, unknown>) {
	const dir = tempDir();
	const file = path.join(dir, 'config.json');
	if (config) fs.writeFileSync(file, JSON.stringify(config));
	let stdout = '';
	let stderr = '';
	const code = await runAddGeminiBalance({
		config: file,
		env: {},
		timeoutMs: 3000,
		stdout: text => (stdout += text),
		stderr: text => (stderr += text),
		...flags,
	});
	const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as {Providers: Array<Record<string, unknown>>; Router: Record<string, string>}) : undefined;
	// The token never reaches the terminal.
	expect(stdout + stderr).not.toContain(TOKEN);
	return {code, stdout, stderr, saved, file};
}

describe('ccr-tui add-gemini-balance --yes', () => {
	it('tests, prints each step, saves the provider and routes; exit 0', async () => {
		const result = await run({url: `${gb.url}/v1/chat/completions`, token: TOKEN, models: 'gemini-2.5-pro,gemini-2.5-flash', route: 'longContext,think', yes: true});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`Gemini Balance at ${gb.url} (removed /v1/chat/completions), API /v1`);
		expect(result.stdout).toMatch(/✔ Reachable +[\d.]+ m?s {2}Gemini Balance is up/);
		expect(result.stdout).toMatch(/✔ Auth and model list .*token accepted/);
		expect(result.stdout).toMatch(/✔ Model listed .*gemini-2\.5-pro/);
		expect(result.stdout).toMatch(/✔ Streamed completion .*reply "pong"/);
		expect(result.stdout).toContain('Saved: adds provider "gemini-balance"');
		expect(result.stdout).toContain('Router.longContext = "gemini-balance,gemini-2.5-pro"');
		expect(result.saved?.Providers).toEqual([
			{name: 'gemini-balance', api_base_url: `${gb.url}/v1/chat/completions`, models: ['gemini-2.5-pro', 'gemini-2.5-flash'], api_key: TOKEN, profile: 'gemini-balance'},
		]);
		expect(result.saved?.Router).toEqual({longContext: 'gemini-balance,gemini-2.5-pro', think: 'gemini-balance,gemini-2.5-pro'});
	});

	it('keeps a $ENV token as the reference, resolves it for the test; webSearch gets the -search model', async () => {
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		let stdout = '';
		const code = await runAddGeminiBalance({
			config: file,
			env: {GB_TOKEN: TOKEN},
			url: gb.url,
			token: '$GB_TOKEN',
			models: 'gemini-2.5-flash,gemini-2.5-flash-search',
			route: 'longContext,webSearch',
			yes: true,
			stdout: text => (stdout += text),
			stderr: text => (stdout += text),
		});
		expect(code).toBe(0);
		const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
		expect(saved.Providers[0].api_key).toBe('$GB_TOKEN');
		expect(saved.Router).toEqual({longContext: 'gemini-balance,gemini-2.5-flash', webSearch: 'gemini-balance,gemini-2.5-flash-search'});
		expect(gb.requests.find(request => request.path === '/v1/chat/completions')?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
		expect(stdout).not.toContain(TOKEN);
	});

	it('run again: the same server is updated and merged (models and keys added, none lost), the diff printed', async () => {
		const config = {
			Providers: [{name: 'gemini-balance', api_base_url: `${gb.url}/v1/chat/completions`, api_key: [TOKEN, '$GB_SPARE'], models: ['gemini-2.5-flash'], max_retries: 0}],
			Router: {default: 'gemini-balance,gemini-2.5-flash'},
		};
		const result = await run({models: 'gemini-2.5-pro', yes: true}, config);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('updates provider "gemini-balance" (same server)');
		expect(result.stdout).toContain('Changes: models: +gemini-2.5-pro');
		expect(result.saved?.Providers).toHaveLength(1);
		// Both keys stay (the pool used to shrink to one) and the old model too (it used to be replaced).
		expect(result.saved?.Providers[0]).toMatchObject({models: ['gemini-2.5-flash', 'gemini-2.5-pro'], max_retries: 0, api_key: [TOKEN, '$GB_SPARE']});
		expect(result.saved?.Router).toEqual({default: 'gemini-balance,gemini-2.5-flash', longContext: 'gemini-balance,gemini-2.5-pro'});
	});

	it('--api openai next to an existing /v1 provider adds a second provider (both flavours side by side)', async () => {
		const config = {
			Providers: [{name: 'gemini-balance', api_base_url: `${gb.url}/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash'], profile: 'gemini-balance'}],
			Router: {default: 'gemini-balance,gemini-2.5-flash'},
		};
		const result = await run({token: TOKEN, models: 'gemini-2.5-flash', api: 'openai', route: 'think', yes: true}, config);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('adds provider "gemini-balance-openai"');
		expect(result.saved?.Providers.map(provider => [provider['name'], provider['api_base_url'], provider['profile']])).toEqual([
			['gemini-balance', `${gb.url}/v1/chat/completions`, 'gemini-balance'],
			['gemini-balance-openai', `${gb.url}/openai/v1/chat/completions`, 'gemini-openai'],
		]);
		expect(result.saved?.Router).toEqual({default: 'gemini-balance,gemini-2.5-flash', think: 'gemini-balance-openai,gemini-2.5-flash'});
	});

	it('a failed add on an existing file changes nothing at all (same bytes, no backup)', async () => {
		const config = {Providers: [{name: 'x', api_base_url: 'http://127.0.0.1:9/v1', api_key: 'k', models: ['m']}], Router: {}};
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		const text = `${JSON.stringify(config)}\n`;
		fs.writeFileSync(file, text);
		const code = await runAddGeminiBalance({
			config: file,
			env: {},
			timeoutMs: 3000,
			url: gb.url,
			token: 'sk-not-allowed-123456',
			models: 'gemini-2.5-flash',
			yes: true,
			stdout: () => {},
			stderr: () => {},
		});
		expect(code).toBe(1);
		expect(fs.readFileSync(file, 'utf8')).toBe(text);
		expect(fs.readdirSync(dir)).toEqual(['config.json']);
	});

	it('--api openai → /openai/v1 and profile gemini-openai', async () => {
		const result = await run({url: gb.url, token: TOKEN, models: 'gemini-2.5-flash', api: 'openai', yes: true});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('API /openai/v1');
		expect(result.saved?.Providers[0]).toMatchObject({api_base_url: `${gb.url}/openai/v1/chat/completions`, profile: 'gemini-openai'});
	});

	it("--api native → Gemini native: …/v1beta/models/ with transformer gemini (Claude Code Router's form), beside the /v1 provider", async () => {
		const config = {Providers: [{name: 'gemini-balance', api_base_url: `${gb.url}/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash'], profile: 'gemini-balance'}]};
		const result = await run({token: TOKEN, models: 'gemini-2.5-flash', api: 'native', skipTest: true, yes: true}, config);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`Gemini Balance at ${gb.url}, API Gemini native (/v1beta)`);
		expect(result.stdout).toContain('adds provider "gemini-balance-native"');
		expect(result.saved?.Providers[1]).toEqual({
			name: 'gemini-balance-native',
			api_base_url: `${gb.url}/v1beta/models/`,
			models: ['gemini-2.5-flash'],
			api_key: TOKEN,
			profile: 'gemini-balance-native',
			transformer: {use: ['gemini']},
		});
		expect(result.saved?.Router).toEqual({longContext: 'gemini-balance-native,gemini-2.5-flash'});
	});

	it.each([`/v1beta`, `/gemini/v1beta`, `/v1beta/models/`])('a pasted …%s URL stays native (no longer rewritten to /v1)', async suffix => {
		const result = await run({url: `${gb.url}${suffix}`, token: TOKEN, models: 'gemini-2.5-flash', skipTest: true, yes: true});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('uses the native Gemini API (/v1beta)');
		expect(result.saved?.Providers[0]).toMatchObject({api_base_url: `${gb.url}/v1beta/models/`, transformer: {use: ['gemini']}, profile: 'gemini-balance-native'});
	});

	it('--api native with the connection test: the model list is read from /v1beta/models with x-goog-api-key', async () => {
		await run({url: gb.url, token: TOKEN, models: 'gemini-2.5-flash', api: 'native', yes: true});
		const list = gb.requests.find(request => request.path === '/v1beta/models');
		expect(list?.headers['x-goog-api-key']).toBe(TOKEN);
		expect(list?.headers['authorization']).toBeUndefined();
		expect(gb.requests.some(request => request.path.startsWith('/v1/'))).toBe(false);
	});

	it('token rejected → exit 1, the hint, nothing saved', async () => {
		const result = await run({url: gb.url, token: 'sk-not-allowed-123456', models: 'gemini-2.5-flash', yes: true});
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/✖ Auth and model list .*token rejected \(HTTP 401: Invalid token\)/);
		expect(result.stdout).toContain('ALLOWED_TOKENS');
		expect(result.stderr).toContain('the connection test failed at "Auth and model list"');
		expect(result.stderr).toContain('Nothing was saved.');
		// A missing config file stays missing (it used to be left behind, empty).
		expect(fs.existsSync(result.file)).toBe(false);
		expect(result.saved).toBeUndefined();
		expect(result.stdout + result.stderr).not.toContain('sk-not-allowed-123456');
	});

	it('unreachable → exit 1 with the port 8000 / firewall hint; --skip-test saves without any request', async () => {
		const closed = http.createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const {port} = closed.address() as AddressInfo;
		await new Promise(resolve => closed.close(resolve));
		const failed = await run({url: `http://127.0.0.1:${port}`, token: TOKEN, models: 'gemini-2.5-flash', yes: true});
		expect(failed.code).toBe(1);
		expect(failed.stdout).toMatch(/✖ Reachable .*connection refused/);
		expect(failed.stdout).toMatch(/port \(Gemini Balance listens on 8000 by default\).*firewall/);

		const skipped = await run({url: `http://127.0.0.1:${port}`, token: TOKEN, models: 'gemini-2.5-flash', yes: true, skipTest: true});
		expect(skipped.code).toBe(0);
		expect(skipped.stdout).toContain('Connection test skipped (--skip-test).');
		expect(skipped.saved?.Providers[0]).toMatchObject({api_base_url: `http://127.0.0.1:${port}/v1/chat/completions`});
	});

	it('models null (GB cannot reach Google) → exit 1, nothing saved', async () => {
		gb.configure({upstreamModelsFail: true});
		try {
			const result = await run({url: gb.url, token: TOKEN, models: 'gemini-2.5-flash', yes: true});
			expect(result.code).toBe(1);
			expect(result.stdout).toContain('could not list models from Google');
			expect(fs.existsSync(result.file)).toBe(false);
		} finally {
			gb.configure({upstreamModelsFail: false});
		}
	});

	it('an unlisted model is flagged and not probed; saved with a warning (exit 0)', async () => {
		const result = await run({url: gb.url, token: TOKEN, models: 'gemini-9-ultra', yes: true});
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/▲ Model listed .*gemini-9-ultra is not in the model list/);
		expect(result.stdout).toContain('not listed by this server: gemini-9-ultra');
		expect(gb.requests.some(request => request.path === '/v1/chat/completions')).toBe(false);
	});

	it.each([
		[{api: 'v1beta'}, /--api must be 'v1' .*'openai' .*'native'/],
		[{route: 'longContext,fast'}, /unknown route "fast"; use any of default, background/],
		[{token: undefined}, /--token is required with --yes/],
		[{models: undefined}, /--models is required with --yes/],
		[{url: 'ftp://host'}, /--url: Only http/],
		[{token: '$UNSET_GB_TOKEN'}, /--token refers to \$UNSET_GB_TOKEN, which is not set/],
	])('bad flags %j → exit 2 with a clear message, nothing written', async (flags, message) => {
		const result = await run({url: gb.url, token: TOKEN, models: 'gemini-2.5-flash', yes: true, ...flags});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.saved?.Providers ?? []).toEqual([]);
		expect(gb.requests).toHaveLength(0);
	});

	it('without --yes and without a terminal → exit 2 explaining the flags', async () => {
		const result = await run({url: gb.url});
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/needs a terminal.*--yes/s);
	});

	it('the built CLI: `node dist/cli.js add-gemini-balance … --yes` (spawned)', async () => {
		requireFreshBuild();
		const file = path.join(tempDir(), 'config.json');
		const child = spawn(
			process.execPath,
			['dist/cli.js', '--config', file, 'add-gemini-balance', '--url', gb.url, '--token', '$GB_TOKEN', '--models', 'gemini-2.5-flash', '--route', 'longContext,think', '--yes'],
			{env: {...process.env, GB_TOKEN: TOKEN, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']},
		);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const code = await new Promise<number | null>(resolve => child.on('close', resolve));
		expect(output).toMatch(/✔ Streamed completion/);
		expect(output).not.toContain(TOKEN);
		expect(code).toBe(0);
		expect(JSON.parse(fs.readFileSync(file, 'utf8')).Router).toEqual({longContext: 'gemini-balance,gemini-2.5-flash', think: 'gemini-balance,gemini-2.5-flash'});
	});
});
