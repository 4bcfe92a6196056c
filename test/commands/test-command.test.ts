import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runTest} from '../../source/commands/test.js';
import {reply, startFakeGeminiBalance, text, type FakeGeminiBalance} from '../fakes/gemini-balance.js';
import {tempDir} from '../helpers/temp-dir.js';

const TOKEN = 'sk-gb-test-cmd-token-31337';
let gb: FakeGeminiBalance;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN]});
});
afterAll(async () => gb.close());
afterEach(() => gb.reset());

function provider(name: string, extra: Record<string, unknown> = {}) {
	return {name, api_base_url: `${gb.url}/v1/chat/completions`, api_key: '$GB_TOKEN', models: ['gemini-2.5-flash', 'gemini-2.5-pro'], profile: 'gemini-balance', ...extra};
}

async function run(config: Record<string, unknown> | undefined, flags: {provider?: string; model?: string; env?: Record<string, string>} = {}) {
	const file = path.join(tempDir(), 'config.json');
	if (config) fs.writeFileSync(file, JSON.stringify(config));
	let stdout = '';
	let stderr = '';
	const code = await runTest({config: file, timeoutMs: 3000, ...flags, env: flags.env ?? {GB_TOKEN: TOKEN}, stdout: t => (stdout += t), stderr: t => (stderr += t)});
	expect(stdout + stderr).not.toContain(TOKEN);
	return {code, stdout, stderr, file};
}

describe('ccr-tui test', () => {
	it('pass → exit 0; prints each step; tests the routed model', async () => {
		const result = await run({Providers: [provider('gemini-balance')], Router: {longContext: 'gemini-balance,gemini-2.5-pro'}});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`gemini-balance  ${gb.url}/v1/chat/completions  (model gemini-2.5-pro)`);
		expect(result.stdout).toMatch(/✔ Reachable/);
		expect(result.stdout).toMatch(/✔ Streamed completion .*gemini-2\.5-pro · TTFT/);
		expect(result.stdout).toContain('→ passed');
		expect(gb.requests.find(request => request.path === '/v1/chat/completions')?.body).toMatchObject({model: 'gemini-2.5-pro'});
	});

	it('--model overrides; warnings → exit 3', async () => {
		gb.enqueue({attempts: [{ok: {chunks: [], empty: true}}]});
		const result = await run({Providers: [provider('gemini-balance')]}, {provider: 'gemini-balance', model: 'gemini-2.5-flash'});
		expect(result.code).toBe(3);
		expect(result.stdout).toMatch(/▲ Streamed completion .*empty answer/);
		expect(result.stdout).toMatch(/→ .*-non-thinking/);
		expect(result.stdout).toContain('→ passed with warnings');
	});

	it('fail → exit 1 with the hint', async () => {
		const result = await run({Providers: [provider('gemini-balance', {api_key: 'sk-nope-nope-nope'})]});
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/✖ Auth and model list .*token rejected/);
		expect(result.stdout).toContain('ALLOWED_TOKENS');
		expect(result.stdout).toContain('→ FAILED');
	});

	it('no provider argument → tests all; any failure → exit 1 with a summary', async () => {
		gb.enqueue(reply(text('pong')));
		const result = await run({Providers: [provider('good'), provider('bad', {api_key: 'sk-nope-nope-nope'})]});
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('2 providers: 1 passed, 1 failed (bad)');
	});

	it('unknown provider, no providers, broken config → exit 1 with what to do', async () => {
		const unknown = await run({Providers: [provider('gemini-balance')]}, {provider: 'nope'});
		expect(unknown.code).toBe(1);
		expect(unknown.stderr).toContain('no provider named "nope"');
		expect(unknown.stderr).toContain('Known: gemini-balance');
		const empty = await run(undefined);
		expect(empty.code).toBe(1);
		expect(empty.stderr).toContain('ccr-tui add-gemini-balance');
		expect(fs.existsSync(empty.file)).toBe(false);
		const broken = await run({Providers: [{name: 'x'}]});
		expect(broken.code).toBe(1);
		expect(broken.stderr).toMatch(/api_base_url/);
	});

	it('a pool [bad, good]: one masked line per key, exit 3, the good key named as working, the completion on the good key', async () => {
		gb.enqueue(reply(text('pong')));
		const result = await run({Providers: [provider('gemini-balance', {api_key: ['sk-dead-key-000001', TOKEN]})]});
		expect(result.code).toBe(3);
		expect(result.stdout).toMatch(/▲ Key 1 ••••0001 .*rejected \(HTTP 401\)/);
		expect(result.stdout).toMatch(/✔ Key 2 ••••1337 .*works/);
		expect(result.stdout).toContain('key pool: 1 of 2 keys work (••••1337); dead: ••••0001');
		expect(result.stdout).toMatch(/✔ Streamed completion/);
		expect(result.stdout).toContain('→ passed with warnings');
		expect(result.stdout).not.toContain('sk-dead-key-000001');
		const completion = gb.requests.find(request => request.path === '/v1/chat/completions');
		expect(completion?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
	});

	it('a pool where no key works fails (exit 1)', async () => {
		const result = await run({Providers: [provider('gemini-balance', {api_key: ['sk-dead-key-000001', 'sk-dead-key-000002']})]});
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/✖ Key 1 ••••0001/);
		expect(result.stdout).toMatch(/✖ Key 2 ••••0002/);
	});

	it('goes through the outbound proxy like the proxy does (HTTP_PROXY honoured, NO_PROXY too)', async () => {
		const seen: string[] = [];
		// A CONNECT proxy that resolves the made-up host `gb.test` to the fake: without it the name cannot resolve.
		const forward = http.createServer((_req, res) => res.writeHead(405).end());
		forward.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
			seen.push(req.url ?? '');
			const port = Number((req.url ?? '').split(':')[1]);
			const upstream = net.connect(port, '127.0.0.1', () => {
				client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
				upstream.pipe(client);
				client.pipe(upstream);
			});
			upstream.on('error', () => client.destroy());
			client.on('error', () => upstream.destroy());
		});
		await new Promise<void>(resolve => forward.listen(0, '127.0.0.1', resolve));
		const proxyUrl = `http://127.0.0.1:${(forward.address() as net.AddressInfo).port}`;
		const port = new URL(gb.url).port;
		const config = {Providers: [provider('gemini-balance', {api_base_url: `http://gb.test:${port}/v1/chat/completions`})]};
		try {
			gb.enqueue(reply(text('pong')));
			const viaProxy = await run(config, {env: {GB_TOKEN: TOKEN, HTTP_PROXY: proxyUrl}});
			expect(viaProxy.stdout).toMatch(/✔ Streamed completion/);
			expect(viaProxy.code).toBe(0);
			expect(seen).toContain(`gb.test:${port}`);
			const direct = await run(config, {env: {GB_TOKEN: TOKEN, HTTP_PROXY: proxyUrl, NO_PROXY: 'gb.test'}});
			expect(direct.code).toBe(1);
			expect(direct.stdout).toMatch(/✖ Reachable .*gb\.test/);
		} finally {
			forward.closeAllConnections();
			await new Promise(resolve => forward.close(resolve));
		}
	});
});
