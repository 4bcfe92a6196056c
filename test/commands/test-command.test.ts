import fs from 'node:fs';
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

async function run(config: Record<string, unknown> | undefined, flags: {provider?: string; model?: string} = {}) {
	const file = path.join(tempDir(), 'config.json');
	if (config) fs.writeFileSync(file, JSON.stringify(config));
	let stdout = '';
	let stderr = '';
	const code = await runTest({config: file, env: {GB_TOKEN: TOKEN}, timeoutMs: 3000, stdout: t => (stdout += t), stderr: t => (stderr += t), ...flags});
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
});
