import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {describe, expect, it, beforeEach} from 'vitest';
import {requireFreshBuild} from '../helpers/built.js';

/** The CLI contract: usage errors exit 2 with a message and the usage line; help and version exit 0. */
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli.js');

function run(...args: string[]) {
	const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', timeout: 20_000, env: {...process.env, CCR_TUI_CONFIG: '/nonexistent/ccr-tui-test/config.json'}});
	return {code: result.status, out: result.stdout, err: result.stderr};
}

describe('ccr-tui usage (built CLI)', () => {
	beforeEach(requireFreshBuild);
	it.each([
		[['bogus'], /unknown command 'bogus'/],
		[['--bogus'], /unknown option '--bogus'/],
		[['start', '--bogus'], /unknown option '--bogus'/],
		[['--port', 'x'], /--port must be a whole number/],
		[['--demo'], /--demo shows the dashboard and needs a terminal/],
	])('%j → exit 2 with a message and the usage', (args, message) => {
		const result = run(...args);
		expect(result.code).toBe(2);
		expect(result.err).toMatch(message);
		expect(result.err).toContain('Usage: ccr-tui');
	});

	it('--help and --version exit 0; every command has its own help with examples', () => {
		expect(run('--version')).toMatchObject({code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+/)});
		expect(run('--help')).toMatchObject({code: 0, out: expect.stringContaining('Examples:')});
		for (const command of ['start', 'add-gemini-balance', 'test', 'env', 'code']) {
			const help = run('help', command);
			expect(help.code, command).toBe(0);
			expect(help.out, command).toContain('Examples:');
		}
	});
});
