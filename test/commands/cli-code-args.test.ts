/**
 * `ccr-tui code …` must hand every argument to claude untouched, even ones that look like
 * ccr-tui's own options (`-p` is also `--port`) or commander's (`--help`, `--version`, `--`).
 * cli.tsx parses process.argv when imported, so each case imports a fresh copy.
 */
import {afterEach, describe, expect, it, vi} from 'vitest';

const runCode = vi.fn(async (_options: Record<string, unknown>) => 0);
const originalArgv = process.argv;

afterEach(() => {
	process.argv = originalArgv;
	process.exitCode = undefined;
	runCode.mockClear();
	vi.doUnmock('../../source/commands/code.js');
	vi.resetModules();
});

async function cli(...args: string[]): Promise<Record<string, unknown> | undefined> {
	vi.resetModules();
	vi.doMock('../../source/commands/code.js', async importOriginal => ({...(await importOriginal<object>()), runCode}));
	process.argv = ['node', 'ccr-tui', ...args];
	await import('../../source/cli.js');
	return runCode.mock.calls[0]?.[0];
}

describe('ccr-tui code: argument pass-through', () => {
	it.each([
		[['-p', 'hello', '--output-format', 'json']],
		[['--print', 'explain this repo', '--model', 'sonnet']],
		[['fix the bug in src/a.ts']],
		[['--help']],
		[['-v']],
		[['--version']],
		[['--', '--weird', '-p']],
		[['--']],
		[['-p', 'hi', '--', '--not-an-option']],
		[['prompt', '--', '-x']],
		[['-c']],
		[['--resume', 'abc', '--dangerously-skip-permissions']],
		[['--config', 'x.json']],
	])('claude gets %j', async args => {
		const options = await cli('code', ...args);
		expect(options?.['args']).toEqual(args);
	});

	it('ccr-tui options before `code` are still ccr-tui options', async () => {
		const options = await cli('--port', '4000', '-c', '/tmp/x.json', 'code', '-p', 'hi');
		expect(options).toMatchObject({port: 4000, config: '/tmp/x.json', args: ['-p', 'hi']});
	});

	it("`ccr-tui help code` shows ccr-tui's help for code (its --help goes to claude)", async () => {
		let out = '';
		const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
			out += String(chunk);
			return true;
		});
		try {
			await cli('help', 'code');
		} finally {
			write.mockRestore();
		}

		expect(runCode).not.toHaveBeenCalled();
		expect(out).toContain('Usage: ccr-tui code [args...]');
		expect(out).toContain('everything after it (--help included) goes to claude');
	});
});
