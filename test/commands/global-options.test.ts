/**
 * `--config`, `--port` and `--host` mean the same before and after any command (17.8); `--port` takes
 * plain decimal only (14.16); an empty HOME never puts the config in the current folder (14.15).
 */
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it, beforeEach} from 'vitest';
import {parsePort} from '../../source/commands/global-options.js';
import {resolveConfigPath} from '../../source/config/paths.js';
import {tempDir} from '../helpers/temp-dir.js';
import {requireFreshBuild} from '../helpers/built.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli.js');

function run(args: string[], env: NodeJS.ProcessEnv = {}, cwd = root) {
	const result = spawnSync(process.execPath, [cli, ...args], {
		cwd,
		encoding: 'utf8',
		timeout: 20_000,
		env: {...process.env, CCR_TUI_CONFIG: '/nonexistent/ccr-tui-test/config.json', ...env},
	});
	return {code: result.status, out: result.stdout, err: result.stderr};
}

describe('--port accepts decimal 0–65535 only', () => {
	it.each(['0', '1', '80', '3456', '65535'])('%j is a port', value => {
		expect(parsePort(value)).toBe(Number(value));
	});

	it.each(['', ' 80', '80 ', '1e3', '0x10', '0o17', '0b1', '00', '080', '+80', '-1', '65536', '99999', '3456.0', '１２３', 'x'])('%j is refused', value => {
		expect(() => parsePort(value)).toThrow(/--port must be a whole number from 0 to 65535/);
	});
});

describe('global options anywhere (built CLI)', () => {
	beforeEach(requireFreshBuild);
	it.each([[['--port', '']], [['--port', '1e3']], [['env', '--port', '0x10']], [['env', '--port', ' 80']], [['start', '--port', '']], [['test', '--port', '1e3']]])(
		'%j is a usage error: exit 2 with a message',
		args => {
			const result = run(args);
			expect(result.code).toBe(2);
			expect(result.err).toMatch(/--port must be a whole number from 0 to 65535/);
		},
	);

	it('env: --port and --host after the command mean what they mean before it', () => {
		const before = run(['--port', '4000', '--host', '127.0.0.2', 'env']);
		const after = run(['env', '--port', '4000', '--host', '127.0.0.2']);
		expect(after.code).toBe(0);
		expect(after.out).toContain("ANTHROPIC_BASE_URL='http://127.0.0.2:4000'");
		expect(after.out).toBe(before.out);
		// Given on both sides, the one after the command wins (as a repeated option does).
		expect(run(['--port', '4000', 'env', '--port', '4001']).out).toContain('127.0.0.1:4001');
	});

	it('test and add-gemini-balance read --config after the command', () => {
		const dir = tempDir();
		const file = path.join(dir, 'mine.json');
		fs.writeFileSync(file, JSON.stringify({Providers: [], Router: {}}));
		const test = run(['test', 'nosuch', '--config', file]);
		expect(test.err + test.out).not.toMatch(/unknown option/);
		expect(test.err + test.out).toContain(file);

		const add = run(['add-gemini-balance', '--url', 'http://127.0.0.1:9', '--models', 'gemini-2.5-pro', '--token', 'sk-literal-token-1', '--yes', '--skip-test', '--config', file]);
		expect(add.err).not.toMatch(/unknown option/);
		expect(add.code).toBe(0);
		const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {Providers: Array<{name: string}>};
		expect(saved.Providers.map(provider => provider.name)).toEqual(['gemini-balance']);
	});

	it.each(['start', 'add-gemini-balance', 'test', 'env', 'usage', 'statusline'])('`%s --help` lists the global options', command => {
		const help = run([command, '--help']);
		expect(help.code).toBe(0);
		expect(help.out).toContain('Global options');
		for (const flag of ['--config <file>', '--port <n>', '--host <addr>']) expect(help.out).toContain(flag);
	});

	it("`help code` says where the global options go (after `code` everything is claude's)", () => {
		const help = run(['help', 'code']);
		expect(help.out).toMatch(/global options \(--config, --port, --host\) go before "code"/);
	});
});

describe('HOME=""', () => {
	const saved = process.env['HOME'];
	afterEach(() => {
		process.env['HOME'] = saved;
	});

	it('the default config is under the system home, never in the current folder', () => {
		process.env['HOME'] = '';
		const file = resolveConfigPath(undefined, {HOME: ''});
		expect(path.isAbsolute(file)).toBe(true);
		expect(file).toBe(path.join(os.userInfo().homedir, '.claude-code-router', 'config.json'));
		expect(file.startsWith(path.join(process.cwd(), '.claude-code-router'))).toBe(false);
		expect(resolveConfigPath('~/x.json', {HOME: ''})).toBe(path.join(os.userInfo().homedir, 'x.json'));
	});

	it('`HOME= ccr-tui env` creates nothing in the current folder and names the system home', () => {
		requireFreshBuild();
		const cwd = tempDir();
		const result = run(['env'], {HOME: '', CCR_TUI_CONFIG: ''}, cwd);
		expect(fs.readdirSync(cwd)).toEqual([]);
		expect(result.out).toContain(path.join(os.userInfo().homedir, '.claude-code-router'));
	});
});
