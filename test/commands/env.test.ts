import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {runEnv, type EnvOptions} from '../../source/commands/env.js';
import {tempDir} from '../helpers/temp-dir.js';

async function env(options: EnvOptions): Promise<{code: number; out: string; err: string}> {
	let out = '';
	let err = '';
	const code = await runEnv({env: {}, ...options, stdout: text => (out += text), stderr: text => (err += text)});
	return {code, out, err};
}

function writeConfig(config: Record<string, unknown>): string {
	const file = path.join(tempDir(), 'config.json');
	fs.writeFileSync(file, JSON.stringify(config));
	return file;
}

/** Run the printed code in a real shell and read the resulting environment back. */
function evaluate(shell: 'sh' | 'bash' | 'fish', script: string, baseEnv: Record<string, string> = {}): Record<string, string> {
	const file = path.join(tempDir(), 'env.sh');
	fs.writeFileSync(file, script);
	const command = shell === 'fish' ? `source '${file}'; env -0` : `eval "$(cat '${file}')"; env -0`;
	const args = shell === 'bash' ? ['--norc', '--noprofile', '-c', command] : ['-c', command];
	const output = execFileSync(shell, args, {env: {PATH: process.env['PATH'], ANTHROPIC_API_KEY: 'sk-ant-real', CLAUDE_CODE_USE_BEDROCK: '1', ...baseEnv}, encoding: 'utf8'});
	return Object.fromEntries(
		output
			.split('\0')
			.filter(Boolean)
			.map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
	);
}

const hasFish = (() => {
	try {
		execFileSync('fish', ['-c', 'true']);
		return true;
	} catch {
		return false;
	}
})();

const TRICKY_KEY = `it's "quoted" $HOME \`whoami\` \\ back`;

describe('ccr-tui env', () => {
	it('without a config file: placeholder token, default address, recommended switches; the file is not created', async () => {
		const file = path.join(tempDir(), 'missing', 'config.json');
		const {code, out} = await env({config: file});
		expect(code).toBe(0);
		expect(fs.existsSync(file)).toBe(false);
		expect(out).toContain(`no config yet at ${file}`);
		const result = evaluate('sh', out);
		expect(result).toMatchObject({
			ANTHROPIC_BASE_URL: 'http://127.0.0.1:3456',
			ANTHROPIC_AUTH_TOKEN: 'ccr-tui',
			API_TIMEOUT_MS: '600000',
			CLAUDE_CODE_ATTRIBUTION_HEADER: '0',
			CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
			DISABLE_COST_WARNINGS: '1',
			NO_PROXY: '127.0.0.1,localhost',
		});
		expect(result['ANTHROPIC_API_KEY']).toBeUndefined();
		expect(result['CLAUDE_CODE_USE_BEDROCK']).toBeUndefined();
		// Every line is a statement or a comment, and every statement is explained.
		const lines = out.trimEnd().split('\n');
		for (const line of lines) expect(line).toMatch(/^(# |export |unset )/);
		for (const [index, line] of lines.entries()) {
			if (!line.startsWith('#') && !lines[index - 1]!.startsWith('#')) expect(line.split(' ')[0]).toBe(lines[index - 1]!.split(' ')[0]);
		}

		expect(out.match(/^# unset: would send requests to another cloud/gm)).toHaveLength(1);
	});

	it('posix: APIKEY (resolved from $ENV), HOST 0.0.0.0 becomes loopback, API_TIMEOUT_MS, no provider secret', async () => {
		const file = writeConfig({
			APIKEY: '$CCR_KEY',
			HOST: '0.0.0.0',
			PORT: 4100,
			API_TIMEOUT_MS: 900_000,
			Providers: [{name: 'deepseek', api_base_url: 'https://api.deepseek.com', api_key: 'sk-provider-secret-1234', models: ['deepseek-chat']}],
			Router: {default: 'deepseek,deepseek-chat'},
		});
		const {code, out} = await env({config: file, env: {CCR_KEY: TRICKY_KEY, NO_PROXY: 'corp.example,localhost'}});
		expect(code).toBe(0);
		expect(out).not.toContain('sk-provider-secret-1234');
		expect(evaluate('bash', out)).toMatchObject({
			ANTHROPIC_BASE_URL: 'http://127.0.0.1:4100',
			ANTHROPIC_AUTH_TOKEN: TRICKY_KEY,
			API_TIMEOUT_MS: '900000',
			NO_PROXY: 'corp.example,localhost,127.0.0.1',
		});
	});

	it('--port and --host win over the config; IPv6 hosts are bracketed', async () => {
		const file = writeConfig({PORT: 4100});
		const {out} = await env({config: file, port: 5200, host: '::'});
		expect(out).toContain(`export ANTHROPIC_BASE_URL='http://[::1]:5200'`);
		expect(out).toContain(`export NO_PROXY='127.0.0.1,localhost,::1'`);
	});

	it('fish: set -gx / set -e with fish quoting', async () => {
		const file = writeConfig({APIKEY: TRICKY_KEY});
		const {code, out} = await env({config: file, shell: 'fish'});
		expect(code).toBe(0);
		expect(out).toContain(`set -gx ANTHROPIC_AUTH_TOKEN 'it\\'s "quoted" $HOME \`whoami\` \\\\ back'`);
		expect(out).toContain('set -e ANTHROPIC_API_KEY');
		expect(out).toContain('# apply in this shell: ccr-tui env --shell fish | source');
	});

	it.skipIf(!hasFish)('fish: the output really sets the variables in fish', async () => {
		const file = writeConfig({APIKEY: TRICKY_KEY, PORT: 4300});
		const {out} = await env({config: file, shell: 'fish'});
		const result = evaluate('fish', out);
		expect(result).toMatchObject({ANTHROPIC_AUTH_TOKEN: TRICKY_KEY, ANTHROPIC_BASE_URL: 'http://127.0.0.1:4300', CLAUDE_CODE_ATTRIBUTION_HEADER: '0'});
		expect(result['ANTHROPIC_API_KEY']).toBeUndefined();
	});

	it('powershell: $env: assignments, quotes doubled (typographic ones too), $null to remove', async () => {
		const file = writeConfig({APIKEY: "a'b\u2019c$d"});
		const {code, out} = await env({config: file, shell: 'pwsh'});
		expect(code).toBe(0);
		expect(out).toContain(`$env:ANTHROPIC_AUTH_TOKEN = 'a''b\u2019\u2019c$d'`);
		expect(out).toContain(`$env:ANTHROPIC_BASE_URL = 'http://127.0.0.1:3456'`);
		expect(out).toContain('$env:ANTHROPIC_API_KEY = $null');
		expect(out).toContain(`$env:CLAUDE_CODE_ATTRIBUTION_HEADER = '0'`);
		expect(out).toContain('Out-String | Invoke-Expression');
	});

	it('an unknown shell is a usage error that lists the choices', async () => {
		const {code, out, err} = await env({config: writeConfig({}), shell: 'tcsh'});
		expect(code).toBe(2);
		expect(out).toBe('');
		expect(err).toContain('use --shell posix (bash, zsh, sh), fish or powershell');
	});

	it('a broken config file: exit 1, says where and what to do, prints no exports', async () => {
		const file = path.join(tempDir(), 'config.json');
		fs.writeFileSync(file, '{"PORT": 3456,,}');
		const {code, out, err} = await env({config: file});
		expect(code).toBe(1);
		expect(out).toBe('');
		expect(err).toContain(file);
		expect(err).toContain('Fix the config file');
	});
});

describe('ccr-tui env: the statusLine snippet', () => {
	it('ends with the settings.json snippet as comments (eval applies nothing of it)', async () => {
		let out = '';
		expect(await runEnv({config: '/nonexistent/ccr-tui-config.json', env: {}, stdout: text => (out += text), stderr: () => {}})).toBe(0);
		const lines = out.trimEnd().split('\n');
		expect(lines.slice(-2)).toEqual([
			'# optional: the ccr-tui status line in every Claude Code session, add to ~/.claude/settings.json:',
			'#   "statusLine": {"type":"command","command":"ccr-tui statusline","padding":0}',
		]);
	});
});
