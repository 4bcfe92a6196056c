import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

/**
The built CLI in a real pseudo-terminal (util-linux `script`): TTY detection, the first frame,
ordered shutdown on q, exit code 0. Needs an up-to-date `npm run build` (CI builds first).
*/
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli.js');

function newestSource(dir: string): number {
	let newest = 0;
	for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
		const file = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : fs.statSync(file).mtimeMs);
	}

	return newest;
}

/**
A user's environment: no CI markers (Ink in CI mode only prints the last frame) and no NODE_ENV
(vitest sets 'test'; users have none, and the CLI must then pick one React build for everything).
*/
function interactiveEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_') || key === 'NODE_ENV' || key.startsWith('VITEST')) continue;
		env[key] = value;
	}

	return {...env, ...extra};
}

const hasScript = spawnSync('script', ['--version']).status === 0;
const built = fs.existsSync(cli) && fs.statSync(cli).mtimeMs >= newestSource(path.join(root, 'source/ui'));
const children: Array<{kill: () => void}> = [];

afterEach(() => {
	for (const child of children.splice(0)) child.kill();
});

describe.skipIf(!hasScript || !built)('dashboard in a pseudo-terminal (built CLI)', () => {
	it('renders the dashboard, quits on q after closing the proxy, exits 0', {timeout: 60_000}, async () => {
		const dir = tempDir();
		const config = path.join(dir, 'config.json');
		fs.writeFileSync(config, JSON.stringify({Providers: [{name: 'p', api_base_url: 'http://127.0.0.1:9/v1', models: ['m']}], Router: {default: 'p,m'}}));
		const child = spawn('script', ['-qfec', `stty cols 100 rows 30; exec node ${JSON.stringify(cli)} --config ${JSON.stringify(config)} --port 0`, '/dev/null'], {
			cwd: dir,
			env: interactiveEnv({HOME: dir, NO_COLOR: '1'}),
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		children.push({kill: () => child.kill('SIGKILL')});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
		});
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));

		const plain = (): string => output.replaceAll(/\u001B\[[?\d;]*[A-Za-z]/g, '');
		// The whole first frame, down to the footer's key hints.
		await waitFor(() => plain().includes('1 Routes') && plain().includes('p,m') && plain().includes('? help'), {
			timeoutMs: 45_000,
			message: 'no dashboard frame',
		});
		expect(plain()).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
		// NO_COLOR reached the UI: no colour codes in what the terminal got.
		expect(output).not.toMatch(/\u001B\[3[0-7]m/);
		child.stdin.write('q');
		expect(await exited).toBe(0);
	});
});
