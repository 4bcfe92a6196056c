import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it, beforeEach} from 'vitest';
import {startFakeOpenAI} from '../fakes/openai-upstream.js';
import {tempDir} from '../helpers/temp-dir.js';
import {requireFreshBuild} from '../helpers/built.js';
import {waitFor} from '../helpers/wait-for.js';

/**
The built CLI in a real pseudo-terminal (util-linux `script`): TTY detection, the first frame,
ordered shutdown on q, exit code 0. Needs an up-to-date `npm run build` (CI builds first).
*/
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli.js');

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
const children: Array<{kill: () => void}> = [];

afterEach(() => {
	for (const child of children.splice(0)) child.kill();
});

describe.skipIf(!hasScript)('dashboard in a pseudo-terminal (built CLI)', () => {
	beforeEach(requireFreshBuild);
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

	it('closing the terminal with streams in flight: each stream ends with event: error, config intact, exit 0', {timeout: 60_000}, async () => {
		// A stream that never finishes on its own: the shutdown has to end it.
		const upstream = await startFakeOpenAI((_request, res) => {
			res.writeHead(200, {'content-type': 'text/event-stream'});
			const chunk = (text: string) =>
				`data: ${JSON.stringify({id: 'c1', object: 'chat.completion.chunk', choices: [{index: 0, delta: {content: text}, finish_reason: null}]})}\n\n`;
			res.write(chunk('first '));
			const timer = setInterval(() => res.write(chunk('more ')), 50);
			res.once('close', () => clearInterval(timer));
		});
		children.push({kill: () => void upstream.close()});
		const dir = tempDir();
		const config = path.join(dir, 'config.json');
		const configText = JSON.stringify({
			Providers: [{name: 'p', api_base_url: `${upstream.url}/v1/chat/completions`, api_key: 'sk-test-0000000000', models: ['m']}],
			Router: {default: 'p,m'},
		});
		fs.writeFileSync(config, configText);
		const exitFile = path.join(dir, 'exit-status');
		// The shell outlives the hang-up (its trap runs after node ends) only to record node's exit status.
		const command = `trap : HUP; stty cols 100 rows 30; node ${JSON.stringify(cli)} --config ${JSON.stringify(config)} --port 0; echo $? > ${JSON.stringify(exitFile)}`;
		const terminal = spawn('script', ['-qfec', command, '/dev/null'], {cwd: dir, env: interactiveEnv({HOME: dir, NO_COLOR: '1'}), stdio: ['pipe', 'pipe', 'pipe']});
		children.push({kill: () => terminal.kill('SIGKILL')});
		let output = '';
		terminal.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
		});
		const url = await waitFor(() => /http:\/\/127\.0\.0\.1:\d+/.exec(output.replaceAll(/\u001B\[[?\d;]*[A-Za-z]/g, ''))?.[0], {
			timeoutMs: 45_000,
			message: 'no listening URL on the dashboard',
		});

		const streams = [1, 2, 3].map(async () => {
			const response = await fetch(`${url}/v1/messages`, {
				method: 'POST',
				headers: {'content-type': 'application/json'},
				body: JSON.stringify({model: 'p,m', max_tokens: 50, stream: true, messages: [{role: 'user', content: 'hi'}]}),
			});
			return response.text();
		});
		await waitFor(() => upstream.requests.length === 3, {timeoutMs: 10_000, message: 'the streams did not reach the upstream'});
		// The terminal goes away: its master side closes, as when a window is closed or tmux kills the session.
		terminal.kill('SIGKILL');

		for (const text of await Promise.all(streams)) {
			const events = [...text.matchAll(/^event: (\S+)/gm)].map(match => match[1]);
			expect(events).toContain('content_block_delta');
			expect(events.at(-1)).toBe('error');
			expect(text).toContain('"type":"overloaded_error"');
		}

		const status = await waitFor(() => (fs.existsSync(exitFile) ? fs.readFileSync(exitFile, 'utf8').trim() : undefined), {timeoutMs: 20_000, message: 'node did not exit'});
		expect(status).toBe('0');
		expect(fs.readFileSync(config, 'utf8')).toBe(configText);
	});
});
