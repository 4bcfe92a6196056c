/**
 * `ccr-tui statusline`: against a running proxy (the session's latest request, totals, marks, colour
 * and NO_COLOR, APIKEY), without one (a plain hint, exit 0), and as a real child process from dist/.
 */
import {spawn} from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import type {ActivityEvent} from '../../source/activity/events.js';
import {runStatusline} from '../../source/commands/statusline.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/cli.js');
let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

/** What the proxy emits for one finished request of a Claude Code session. */
function turn(id: string, session: string, over: {tokens?: [number, number]; fallback?: boolean; rotated?: boolean; fail?: boolean} = {}): ActivityEvent[] {
	const [input, output] = over.tokens ?? [1200, 80];
	return [
		{
			type: 'request:start',
			id,
			at: 1,
			scenario: 'think',
			reason: 'thinking requested',
			provider: 'fake',
			model: 'up-model',
			requestedModel: 'claude-opus',
			stream: true,
			inputTokens: input,
			upstreamHost: 'x',
			sessionId: session,
		},
		...(over.rotated
			? (['…aaaa', '…bbbb'] as const).map(keySuffix => ({
					type: 'request:attempt' as const,
					id,
					attempt: {provider: 'fake', model: 'up-model', outcome: 'http 429', keySuffix, durationMs: 5},
				}))
			: []),
		{type: 'request:attempt', id, attempt: {provider: over.fallback ? 'spare' : 'fake', model: 'up-model', outcome: 'answered', durationMs: 5}},
		{type: 'request:first-token', id, at: 2, ttftMs: 420},
		over.fail
			? {type: 'request:error', id, at: 3, status: 502, errorType: 'api_error', message: 'down', durationMs: 9}
			: {
					type: 'request:end',
					id,
					at: 3,
					status: 200,
					stopReason: 'end_turn',
					usage: {inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheCreationTokens: 0},
					durationMs: 900,
					...(over.fallback ? {provider: 'spare'} : {}),
				},
	];
}

async function line(options: Parameters<typeof runStatusline>[0]): Promise<{code: number; text: string}> {
	const out: string[] = [];
	const code = await runStatusline({...options, stdout: text => out.push(text)});
	return {code, text: out.join('')};
}

async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

describe('ccr-tui statusline with a running ccr-tui', () => {
	it("shows the session's latest request: route, provider,model, TTFT, last turn and session tokens", async () => {
		harness = await startHarness();
		for (const event of [...turn('a', 'sess-1', {tokens: [1000, 50]}), ...turn('b', 'sess-1', {tokens: [12_345, 678]}), ...turn('c', 'other')]) harness.bus.emit(event);
		const env = {ANTHROPIC_BASE_URL: harness.proxyUrl, ANTHROPIC_AUTH_TOKEN: 'ccr-tui', NO_COLOR: '1'};
		const result = await waitFor(async () => {
			const answer = await line({input: JSON.stringify({session_id: 'sess-1', model: {id: 'x'}}), env});
			return answer.text.includes('req') ? answer : undefined;
		});
		expect(result.code).toBe(0);
		expect(result.text).toBe('think · fake,up-model · TTFT 420 ms · ↑12.3k ↓678 · Σ ↑13.3k ↓728 · 2 req\n');
	});

	it("end to end: a request with Claude Code's metadata.user_id through the proxy shows up for that session", async () => {
		harness = await startHarness();
		const userId = JSON.stringify({device_id: 'd', account_uuid: '', session_id: 'e2e-session-7'});
		await harness.client.messages.stream({model: 'claude-test-sonnet', max_tokens: 32, metadata: {user_id: userId}, messages: [{role: 'user', content: 'hi'}]}).finalMessage();
		const text = await waitFor(async () => {
			const answer = await line({input: '{"session_id":"e2e-session-7"}', env: {ANTHROPIC_BASE_URL: harness!.proxyUrl, NO_COLOR: '1'}});
			return answer.text.includes('req') ? answer.text : undefined;
		});
		expect(text).toMatch(/^default · fake,up-model · TTFT (?:\d+ ms|[\d.]+ s) · ↑\d+ ↓\d+ · Σ ↑\d+ ↓\d+ · 1 req\n$/);
	});

	it('marks a fallback and a key rotation, shows a failed turn, colours unless NO_COLOR', async () => {
		harness = await startHarness();
		for (const event of [...turn('a', 's-fb', {fallback: true, rotated: true}), ...turn('b', 's-err', {fail: true})]) harness.bus.emit(event);
		const env = {ANTHROPIC_BASE_URL: harness.proxyUrl};
		const marked = await waitFor(async () => {
			const answer = await line({input: '{"session_id":"s-fb"}', env});
			return answer.text.includes('⚠') ? answer.text : undefined;
		});
		expect(marked).toContain('\u001B[36mthink\u001B[0m');
		expect(marked).toContain('\u001B[1mspare,up-model\u001B[0m');
		expect(marked).toContain('\u001B[33m⚠ fallback, key rotated\u001B[0m');
		const failed = await line({input: '{"session_id":"s-err"}', env: {...env, NO_COLOR: '1'}});
		expect(failed.text).toContain('fake,up-model · ✗ 502 api_error ·');
		expect(failed.text).not.toContain('\u001B');
	});

	it('a session without requests yet, and no session id at all, say so', async () => {
		harness = await startHarness();
		const env = {ANTHROPIC_BASE_URL: harness.proxyUrl};
		expect((await line({input: '{"session_id":"new"}', env})).text).toBe('ccr-tui ✓ no request yet in this session\n');
		expect((await line({input: 'not json', env})).text).toBe('ccr-tui ✓ running (no session id from Claude Code)\n');
	});

	it('with an APIKEY: sends the token Claude Code has; a wrong one gets a hint, not the data', async () => {
		harness = await startHarness({
			config: url => ({Providers: [{name: 'fake', api_base_url: `${url}/v1`, api_key: 'k', models: ['m']}], Router: {default: 'fake,m'}, APIKEY: 'proxy-secret-1'}),
		});
		for (const event of turn('a', 's1')) harness.bus.emit(event);
		const good = await waitFor(async () => {
			const answer = await line({input: '{"session_id":"s1"}', env: {ANTHROPIC_BASE_URL: harness!.proxyUrl, ANTHROPIC_AUTH_TOKEN: 'proxy-secret-1', NO_COLOR: '1'}});
			return answer.text.includes('req') ? answer.text : undefined;
		});
		expect(good).toContain('fake,up-model');
		const bad = await line({input: '{"session_id":"s1"}', env: {ANTHROPIC_BASE_URL: harness.proxyUrl, ANTHROPIC_AUTH_TOKEN: 'wrong'}});
		expect(bad.text).toMatch(/refused the status request \(401\): APIKEY differs/);
		expect(bad.text).not.toContain('fake,up-model');
	});
});

describe('ccr-tui statusline without a running ccr-tui', () => {
	it('prints a short plain hint and exits 0', async () => {
		const port = await closedPort();
		const result = await line({input: '{"session_id":"s"}', env: {ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`}});
		expect(result).toEqual({code: 0, text: `ccr-tui: not running on http://127.0.0.1:${port} (start it: ccr-tui)\n`});
	});

	it('never asks a remote ANTHROPIC_BASE_URL (the token would leave the machine); uses the config port instead', async () => {
		const port = await closedPort();
		const result = await line({
			input: '{}',
			port,
			env: {ANTHROPIC_BASE_URL: 'https://api.anthropic.com', ANTHROPIC_AUTH_TOKEN: 'sk-ant-real', CCR_TUI_CONFIG: '/nonexistent/config.json'},
		});
		expect(result.text).toBe(`ccr-tui: not running on http://127.0.0.1:${port} (start it: ccr-tui)\n`);
	});
});

describe('ccr-tui statusline as a child process (dist/)', () => {
	function runChild(env: Record<string, string>, stdin: string): Promise<{code: number | null; stdout: string; stderr: string}> {
		return new Promise(resolve => {
			const child = spawn(process.execPath, [cli, 'statusline'], {env: {PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', ...env}});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', chunk => (stdout += chunk));
			child.stderr.on('data', chunk => (stderr += chunk));
			child.on('close', code => resolve({code, stdout, stderr}));
			child.stdin.end(stdin);
		});
	}

	it('with and without a running ccr-tui: one line on stdout, nothing on stderr, exit 0', async () => {
		harness = await startHarness();
		for (const event of turn('a', 'child-session')) harness.bus.emit(event);
		const running = await runChild({ANTHROPIC_BASE_URL: harness.proxyUrl, NO_COLOR: '1'}, '{"session_id":"child-session"}');
		expect(running).toEqual({code: 0, stdout: 'think · fake,up-model · TTFT 420 ms · ↑1.2k ↓80 · Σ ↑1.2k ↓80 · 1 req\n', stderr: ''});
		const port = await closedPort();
		const down = await runChild({ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`}, '{"session_id":"child-session"}');
		expect(down).toEqual({code: 0, stdout: `ccr-tui: not running on http://127.0.0.1:${port} (start it: ccr-tui)\n`, stderr: ''});
	});
});
