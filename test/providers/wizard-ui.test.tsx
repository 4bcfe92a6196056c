/**
 * The add-provider wizard in a (test) terminal against the fake Gemini Balance and a fake
 * OpenAI-compatible server: every step, every bad input, Esc back, literal q/? in inputs.
 */
import fs from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {ConfigStore} from '../../source/config/store.js';
import type {PresetId} from '../../source/providers/presets.js';
import {AddProviderWizard} from '../../source/ui/screens/add-provider-wizard.js';
import {reply, startFakeGeminiBalance, text, type FakeGeminiBalance} from '../fakes/gemini-balance.js';
import {geminiNative} from '../fakes/gemini-native.js';
import {sendJson, startFakeOpenAI, startSse, writeChunk, writeDone, type FakeOpenAI} from '../fakes/openai-upstream.js';
import {keys} from '../helpers/keys.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor, waitForText} from '../helpers/wait-for.js';

const TOKEN = 'sk-gb-wizard-token-0042';

let gb: FakeGeminiBalance;
let openai: FakeOpenAI;
let google: FakeOpenAI;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN], thinkingModels: ['gemini-2.5-flash']});
	openai = await startFakeOpenAI();
	google = await startFakeOpenAI(geminiNative(() => ({parts: [{text: 'pong'}]})));
});
afterAll(async () => {
	await gb.close();
	await openai.close();
	await google.close();
});

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
	gb.reset();
	gb.configure({upstreamModelsFail: false});
});

function setup(preset: PresetId | undefined, config?: Record<string, unknown>, env: Record<string, string> = {}) {
	const dir = tempDir();
	const file = path.join(dir, 'config.json');
	if (config) fs.writeFileSync(file, JSON.stringify(config));
	const store = new ConfigStore({path: file, watch: false, env});
	const onDone = vi.fn();
	const onCancel = vi.fn();
	const app = render(<AddProviderWizard store={store} preset={preset} onDone={onDone} onCancel={onCancel} env={env} timeoutMs={3000} />);
	cleanups.push(() => {
		app.unmount();
		store.close();
	});
	const frame = () => app.lastFrame() ?? '';
	const see = (expected: string | RegExp) => waitForText(app.lastFrame, expected);
	const press = (key: keyof typeof keys) => app.stdin.write(keys[key]);
	/** Replace the input's content (Ctrl+U, then paste) and wait until it is shown. */
	const type = async (value: string, shown: string | RegExp = value) => {
		app.stdin.write('\u0015');
		app.stdin.write(value);
		await see(shown);
	};

	// The wizard listens from its first effect on (Ink subscribes to stdin there).
	const ready = waitFor(() => app.stdin.listenerCount('readable') > 0, {message: 'the wizard never subscribed to stdin'});
	const readConfig = () => JSON.parse(fs.readFileSync(file, 'utf8')) as {Providers: Array<Record<string, unknown>>; Router: Record<string, string>};
	return {app, store, file, frame, see, press, type, onDone, onCancel, readConfig, ready};
}

async function setupReady(...args: Parameters<typeof setup>) {
	const ui = setup(...args);
	await ui.ready;
	return ui;
}

/** URL → token, on the fake Gemini Balance. */
async function throughToken(ui: ReturnType<typeof setup>, url = `${gb.url}/v1/chat/completions`) {
	await ui.see('Gemini Balance URL');
	await ui.type(url);
	ui.press('enter');
	await ui.see('Access token');
	await ui.type(TOKEN, '•'.repeat(TOKEN.length));
	expect(ui.frame()).not.toContain(TOKEN);
	ui.press('enter');
}

describe('AddProviderWizard: Gemini Balance, happy path', () => {
	it('URL (pasted long form) → masked token → models → routes → live test → confirm → saved', async () => {
		const ui = await setupReady('gemini-balance');
		expect(ui.frame()).toContain('Add Gemini Balance');
		expect(ui.frame()).toContain('http://127.0.0.1:8000');
		expect(ui.frame()).toContain('❯ /v1: its own OpenAI translator (the default)');
		// What the Claude Code case table measured (README "Which flavour").
		expect(ui.frame()).toContain('  Gemini native (/v1beta): recommended');
		await throughToken(ui);

		// Models: chat models only, suffix variants explained.
		const models = await ui.see('Choose the chat models');
		expect(models).toContain('gemini-2.5-flash-search  web search');
		expect(models).toContain('gemini-2.5-flash-non-thinking  no thinking');
		expect(models).toMatch(/-search: answers with Google Search grounding/);
		expect(models).toMatch(/-non-thinking: thinking switched off/);
		expect(models).not.toContain('text-embedding');
		expect(models).not.toContain('imagen');
		// The server line remembers what the URL check found and how the URL was normalised.
		expect(models).not.toContain('Gemini Balance is up');

		// Nothing ticked → error, no progress.
		ui.press('enter');
		await ui.see('Select at least one chat model.');

		// Filter by typing, tick with Space.
		ui.app.stdin.write('2.5-pro');
		await ui.see('Filter: 2.5-pro');
		ui.press('space');
		await ui.see('[x] gemini-2.5-pro');
		for (let index = 0; index < 7; index++) ui.press('backspace');
		await ui.see('Filter: (type to filter)');
		ui.app.stdin.write('flash-search');
		await ui.see('Filter: flash-search');
		ui.press('space');
		await ui.see('[x] gemini-2.5-flash-search');
		ui.press('enter');

		// Routes: longContext by default, webSearch because a -search model was ticked.
		const routes = await ui.see('Route requests to gemini-balance:');
		expect(routes).toMatch(/\[x\] longContext\s+‹ gemini-2\.5-pro ›|\[x\] longContext\s+gemini-2\.5-pro/);
		expect(routes).toMatch(/\[x\] webSearch\s+gemini-2\.5-flash-search/);
		expect(routes).toMatch(/\[ \] default/);
		ui.press('down');
		ui.press('down');
		ui.press('space'); // think on
		await ui.see(/\[x\] think\s+‹?\s?gemini-2\.5-pro/);
		gb.enqueue(reply(text('pong'), {usage: {prompt: 9, candidates: 1}}));
		ui.press('enter');

		// The live test, then the confirm screen.
		const confirm = await ui.see('Connection test passed.');
		expect(confirm).toMatch(/Reachable .*Gemini Balance is up/);
		expect(confirm).toMatch(/Streamed completion .*gemini-2\.5-pro · TTFT \d+ ms/);
		expect(confirm).toContain('This adds provider "gemini-balance":');
		expect(confirm).toContain(`••••${TOKEN.slice(-4)}`);
		expect(confirm).not.toContain(TOKEN);
		expect(confirm).toMatch(/think → gemini-2\.5-pro, longContext → gemini-2\.5-pro, webSearch → gemini-2\.5-flash-s/);
		expect(ui.readConfig().Providers).toEqual([]);
		ui.press('enter');

		await waitFor(() => ui.onDone.mock.calls.length > 0);
		// The wizard hands its test result over, so the providers panel shows it on the row.
		expect(ui.onDone).toHaveBeenCalledWith('gemini-balance', expect.objectContaining({status: 'pass'}));
		const saved = ui.readConfig();
		expect(saved.Providers).toEqual([
			{
				name: 'gemini-balance',
				api_base_url: `${gb.url}/v1/chat/completions`,
				models: ['gemini-2.5-pro', 'gemini-2.5-flash-search'],
				api_key: TOKEN,
				profile: 'gemini-balance',
			},
		]);
		expect(saved.Router).toMatchObject({
			longContext: 'gemini-balance,gemini-2.5-pro',
			think: 'gemini-balance,gemini-2.5-pro',
			webSearch: 'gemini-balance,gemini-2.5-flash-search',
		});
		expect(saved.Router['default']).toBeUndefined();
		// The store sees it at once: the proxy reads the store per request, no restart.
		expect(ui.store.getSnapshot().config.Providers[0]?.name).toBe('gemini-balance');
	});

	it('Tab switches to /openai/v1 (profile gemini-openai), and a $ENV token is stored as the reference', async () => {
		const ui = await setupReady('gemini-balance', undefined, {GB_TOKEN: TOKEN});
		await ui.see('Gemini Balance URL');
		ui.press('tab');
		await ui.see("❯ /openai/v1: Google's OpenAI-compatible endpoint");
		await ui.type(gb.url);
		ui.press('enter');
		await ui.see('Access token');
		await ui.type('$GB_TOKEN');
		ui.press('enter');
		await ui.see('gemini-2.5-flash');
		expect(ui.frame()).not.toContain('models/');
		ui.press('space');
		ui.press('enter');
		await ui.see('Route requests to');
		ui.press('enter');
		await ui.see(/Connection test (passed|failed)/);
		expect(ui.frame()).toContain('$GB_TOKEN (read from the environment)');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		const [provider] = ui.readConfig().Providers;
		expect(provider).toMatchObject({api_base_url: `${gb.url}/openai/v1/chat/completions`, api_key: '$GB_TOKEN', profile: 'gemini-openai'});
		expect(gb.requests.find(request => request.path === '/openai/v1/chat/completions')?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
	});

	it('Tab twice: Gemini native (/v1beta), models from /v1beta/models with x-goog-api-key, saved as Claude Code Router has it', async () => {
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		ui.press('tab');
		await ui.see('❯ /openai/v1:');
		ui.press('tab');
		await ui.see('❯ Gemini native (/v1beta):');
		await ui.type(gb.url);
		ui.press('enter');
		await ui.see('Access token');
		await ui.type(TOKEN, '•'.repeat(TOKEN.length));
		ui.press('enter');
		await ui.see('Choose the chat models');
		// Google's `models/` names are stripped.
		expect(ui.frame()).not.toContain('models/');
		ui.app.stdin.write('2.5-flash');
		await ui.see('Filter: 2.5-flash');
		ui.press('space');
		await ui.see('[x] gemini-2.5-flash');
		ui.press('enter');
		await ui.see('Route requests to gemini-balance-native:');
		ui.press('enter');
		// Gemini Balance's /v1beta is probed with streamGenerateContent, as the proxy will call it.
		await ui.see('Connection test passed');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		const [provider] = ui.readConfig().Providers;
		expect(provider).toEqual({
			name: 'gemini-balance-native',
			api_base_url: `${gb.url}/v1beta/models/`,
			models: ['gemini-2.5-flash'],
			api_key: TOKEN,
			profile: 'gemini-balance-native',
			transformer: {use: ['gemini']},
		});
		expect(ui.readConfig().Router['longContext']).toBe('gemini-balance-native,gemini-2.5-flash');
		const list = gb.requests.find(request => request.path === '/v1beta/models');
		expect(list?.headers['x-goog-api-key']).toBe(TOKEN);
		expect(list?.headers['authorization']).toBeUndefined();
		expect(gb.requests.some(request => request.path.startsWith('/v1/'))).toBe(false);
	});

	it('re-running it on the same server updates the provider instead of adding a second one', async () => {
		const ui = await setupReady('gemini-balance', {
			Providers: [{name: 'gemini-balance', api_base_url: `${gb.url}/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash'], max_retries: 0}],
			Router: {default: 'gemini-balance,gemini-2.5-flash'},
		});
		// Prefilled from the config: URL, token (masked), ticked models.
		await ui.see(`${gb.url}/v1/chat/completions`);
		ui.press('enter');
		await ui.see('•'.repeat(TOKEN.length));
		ui.press('enter');
		await ui.see('[x] gemini-2.5-flash');
		ui.press('enter');
		const routes = await ui.see('Route requests to gemini-balance:');
		expect(routes).toMatch(/\[x\] default\s+.*gemini-2\.5-flash/);
		ui.press('enter');
		await ui.see('This updates provider "gemini-balance" (same server):');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		const saved = ui.readConfig();
		expect(saved.Providers).toHaveLength(1);
		expect(saved.Providers[0]).toMatchObject({name: 'gemini-balance', max_retries: 0, profile: 'gemini-balance'});
		expect(saved.Router).toMatchObject({default: 'gemini-balance,gemini-2.5-flash', longContext: 'gemini-balance,gemini-2.5-flash'});
	});

	it('re-running it on an existing provider shows the diff and the route question before saving; the answer is applied', async () => {
		const ui = await setupReady('gemini-balance', {
			Providers: [
				{name: 'gemini-balance', api_base_url: `${gb.url}/v1/chat/completions`, api_key: TOKEN, models: ['gemini-2.5-flash', 'gemini-2.5-pro'], profile: 'gemini-balance'},
			],
			Router: {default: 'gemini-balance,gemini-2.5-flash', think: 'gemini-balance,gemini-2.5-pro'},
		});
		await ui.see(`${gb.url}/v1/chat/completions`);
		ui.press('enter');
		await ui.see('•'.repeat(TOKEN.length));
		ui.press('enter');
		await ui.see('[x] gemini-2.5-pro');
		// Untick gemini-2.5-pro: the merge removes it.
		ui.app.stdin.write('2.5-pro');
		await ui.see('Filter: 2.5-pro');
		ui.press('space');
		await ui.see('[ ] gemini-2.5-pro');
		ui.press('enter');
		const routes = await ui.see('Route requests to gemini-balance:');
		// The think route pointed at the removed model; leave it to the route question.
		if (/\[x\] think/.test(routes)) {
			ui.press('down');
			ui.press('down');
			ui.press('space');
			await ui.see('[ ] think');
		}

		ui.press('enter');
		const confirm = await ui.see('Changes to the existing provider:');
		expect(confirm).toContain('models: −gemini-2.5-pro');
		expect(confirm).toContain('routes affected: think');
		expect(confirm).toContain('Routes pointing at removed models: ◀ point think at gemini-balance,gemini-2.5-flash ▶');
		expect(confirm).toContain('←→ routes');
		ui.press('right');
		await ui.see('clear think (unset)');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		const saved = ui.readConfig();
		expect(saved.Providers[0]?.['models']).toEqual(['gemini-2.5-flash']);
		expect(saved.Router['think']).toBeUndefined();
		expect(saved.Router['default']).toBe('gemini-balance,gemini-2.5-flash');
	});

	it('a save that cannot keep the formatting: the wizard says so and waits for Enter', async () => {
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		// `Router` written twice (json5 keeps the last): a route save cannot be a minimal edit.
		fs.writeFileSync(file, "{Providers: [], Router: {default: ''}, Router: {}, // mine\n}");
		const store = new ConfigStore({path: file, watch: false, env: {}});
		const onDone = vi.fn();
		const app = render(<AddProviderWizard store={store} preset="gemini-balance" onDone={onDone} onCancel={vi.fn()} env={{}} timeoutMs={3000} skipTest />);
		cleanups.push(() => {
			app.unmount();
			store.close();
		});
		await waitFor(() => app.stdin.listenerCount('readable') > 0);
		const ui = {see: (text: string) => waitForText(app.lastFrame, text), write: (text: string) => app.stdin.write(text)};
		await ui.see('Gemini Balance URL');
		ui.write('\u0015');
		ui.write(`${gb.url}/v1`);
		await ui.see(`${gb.url}/v1`);
		ui.write(keys.enter);
		await ui.see('Access token');
		ui.write(TOKEN);
		await ui.see('•'.repeat(TOKEN.length));
		ui.write(keys.enter);
		await ui.see('Choose the chat models');
		ui.write(keys.space);
		ui.write(keys.enter);
		await ui.see('Route requests to gemini-balance:');
		ui.write(keys.enter);
		await ui.see('This adds provider "gemini-balance":');
		ui.write(keys.enter);
		const frame = await ui.see('saved as plain JSON');
		expect(frame).toContain('Saved.');
		expect(frame).toContain('enter back to the dashboard');
		expect(onDone).not.toHaveBeenCalled();
		ui.write(keys.enter);
		await waitFor(() => onDone.mock.calls.length > 0);
		expect(JSON.parse(fs.readFileSync(file, 'utf8')).Providers).toHaveLength(1);
	});

	it('a different Gemini Balance under the taken name gets a unique name', async () => {
		const ui = await setupReady('gemini-balance', {Providers: [{name: 'gemini-balance', api_base_url: 'http://10.9.9.9:8000/v1/chat/completions', api_key: 'x', models: ['m']}]});
		await ui.see('10.9.9.9');
		await throughToken(ui);
		await ui.see('Choose the chat models');
		ui.press('space');
		ui.press('enter');
		await ui.see('Route requests to gemini-balance-2:');
		ui.press('enter');
		await ui.see('This adds provider "gemini-balance-2" ("gemini-balance" already points at another server):');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		expect(ui.readConfig().Providers.map(provider => provider['name'])).toEqual(['gemini-balance', 'gemini-balance-2']);
	});
});

describe('AddProviderWizard: keys', () => {
	it('Esc steps back one step; Esc on the first step cancels', async () => {
		const ui = await setupReady('gemini-balance');
		await throughToken(ui);
		await ui.see('Choose the chat models');
		ui.press('escape');
		await ui.see('Access token');
		ui.press('escape');
		await ui.see('Gemini Balance URL');
		expect(ui.onCancel).not.toHaveBeenCalled();
		ui.press('escape');
		await waitFor(() => ui.onCancel.mock.calls.length === 1);
	});

	it('q and ? are literal text inside the inputs and the filter', async () => {
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		await ui.type('http://example.invalid/?q');
		expect(ui.onCancel).not.toHaveBeenCalled();
		await ui.type(gb.url);
		ui.press('enter');
		await ui.see('Access token');
		ui.app.stdin.write('q?');
		await ui.see('••');
		for (let index = 0; index < 2; index++) ui.press('backspace');
		await ui.type(TOKEN, '•'.repeat(TOKEN.length));
		ui.press('enter');
		await ui.see('Choose the chat models');
		ui.app.stdin.write('q');
		ui.app.stdin.write('?');
		await ui.see('Filter: q?');
		await ui.see('No model matches "q?".');
		expect(ui.onCancel).not.toHaveBeenCalled();
	});

	it('the preset list: arrows + Enter, or a digit; Esc from there cancels', async () => {
		const ui = await setupReady(undefined);
		await ui.see('What do you want to add?');
		expect(ui.frame()).toContain('Ollama');
		ui.press('down');
		ui.press('enter');
		await ui.see('Add DeepSeek');
		await ui.see('https://api.deepseek.com');
		ui.press('escape');
		await ui.see('What do you want to add?');
		ui.press('escape');
		await waitFor(() => ui.onCancel.mock.calls.length === 1);
	});
});

describe('AddProviderWizard: bad input never crashes and never saves', () => {
	const unchanged = (ui: ReturnType<typeof setup>) => expect(ui.readConfig().Providers).toEqual([]);

	it('invalid URL → error on the URL step, no request sent', async () => {
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		await ui.type('ftp://127.0.0.1:8000');
		ui.press('enter');
		await ui.see('Only http:// and https:// URLs work here');
		await ui.type('not a url');
		ui.press('enter');
		await ui.see('A URL cannot contain spaces.');
		expect(gb.requests).toHaveLength(0);
		unchanged(ui);
	});

	it('unreachable host → back on the URL step with the host/port 8000/firewall hint', async () => {
		const closed = http.createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const {port} = closed.address() as AddressInfo;
		await new Promise(resolve => closed.close(resolve));
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		await ui.type(`127.0.0.1:${port}`);
		ui.press('enter');
		await ui.see('connection refused');
		expect(ui.frame()).toMatch(/port \(Gemini Balance listens on 8000 by default\)/);
		expect(ui.frame()).toContain('Gemini Balance URL');
		unchanged(ui);
	});

	it('admin-UI URL (307 to the login page) → "remove the extra path"', async () => {
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		await ui.type(`${gb.url}/admin/panel`);
		ui.press('enter');
		await ui.see('this URL serves the Gemini Balance admin UI');
		expect(ui.frame()).toContain('Remove the extra path');
		unchanged(ui);
	});

	it('a known admin page path is simply removed', async () => {
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		await ui.type(`${gb.url}/keys_status`);
		ui.press('enter');
		await ui.see('Access token');
		expect(ui.frame()).toContain('removed the admin page path /keys_status');
	});

	it('empty token, unset $ENV, rejected token → errors on the token step', async () => {
		const ui = await setupReady('gemini-balance');
		await ui.see('Gemini Balance URL');
		await ui.type(gb.url);
		ui.press('enter');
		await ui.see('Access token');
		ui.press('enter');
		await ui.see('Enter the access token.');
		await ui.type('$NOT_SET_ANYWHERE');
		ui.press('enter');
		await ui.see('$NOT_SET_ANYWHERE is not set in this shell.');
		await ui.type('sk-wrong-wrong-wrong', '•'.repeat(20));
		ui.press('enter');
		await ui.see('token rejected (HTTP 401: Invalid token)');
		expect(ui.frame()).toContain('ALLOWED_TOKENS');
		expect(ui.frame()).toContain('Access token');
		expect(ui.frame()).not.toContain('sk-wrong-wrong-wrong');
		unchanged(ui);
	});

	it('/v1/models answering null → "cannot reach Google", Enter retries', async () => {
		gb.configure({upstreamModelsFail: true});
		const ui = await setupReady('gemini-balance');
		await throughToken(ui);
		await ui.see('could not list models from Google');
		expect(ui.frame()).toContain('API_KEYS, PROXIES');
		expect(ui.frame()).toMatch(/enter retry/);
		gb.configure({upstreamModelsFail: false});
		ui.press('enter');
		await ui.see('Choose the chat models');
		unchanged(ui);
	});

	it('a failed connection test is shown; Enter then saves anyway (the server and token were verified)', async () => {
		const ui = await setupReady('gemini-balance');
		await throughToken(ui);
		await ui.see('Choose the chat models');
		ui.press('space');
		ui.press('enter');
		await ui.see('Route requests to');
		gb.enqueue({attempts: [{status: 429}]}, {attempts: [{status: 429}]});
		ui.press('enter');
		await ui.see('Connection test failed');
		expect(ui.frame()).toMatch(/RESOURCE_EXHAUSTED/);
		ui.app.stdin.write('r');
		await ui.see('Testing gemini-balance');
		await ui.see('Connection test failed');
		unchanged(ui);
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
	});
});

describe('AddProviderWizard: generic presets (same engine)', () => {
	it('Ollama: no key step, models from /v1/models, background route, saved with a dummy key', async () => {
		openai.setHandler((req, res) => {
			if (req.url === '/v1/models') return sendJson(res, 200, {object: 'list', data: [{id: 'llama3.2:3b'}, {id: 'qwen2.5-coder:7b'}]});
			startSse(res);
			writeChunk(res, {choices: [{index: 0, delta: {role: 'assistant', content: 'pong'}, finish_reason: null}]});
			writeChunk(res, {choices: [{index: 0, delta: {}, finish_reason: 'stop'}], usage: {prompt_tokens: 3, completion_tokens: 1, total_tokens: 4}});
			writeDone(res);
		});
		const ui = await setupReady(undefined);
		await ui.see('What do you want to add?');
		ui.app.stdin.write('3');
		await ui.see('Add Ollama');
		expect(ui.frame()).toContain('http://127.0.0.1:11434/v1');
		expect(ui.frame()).not.toContain('Key ›');
		await ui.type(openai.url.replace('http://', ''));
		ui.press('enter');
		await ui.see('Choose the models');
		ui.press('down');
		ui.press('space');
		ui.press('enter');
		await ui.see(/\[x\] background\s+qwen2\.5-coder:7b/);
		ui.press('enter');
		await ui.see('Connection test passed.');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		expect(ui.readConfig().Providers[0]).toEqual({
			name: 'ollama',
			api_base_url: `${openai.url}/v1/chat/completions`,
			models: ['qwen2.5-coder:7b'],
			api_key: 'ollama',
			profile: 'ollama',
		});
		expect(ui.readConfig().Router['background']).toBe('ollama,qwen2.5-coder:7b');
	});

	it('Google AI Studio: key from aistudio, models from GET /v1beta/models (generateContent ones), saved with transformer gemini', async () => {
		const key = 'AIza-wizard-studio-key-0077';
		const ui = await setupReady(undefined);
		await ui.see('What do you want to add?');
		await ui.see('Google AI Studio');
		ui.app.stdin.write('5');
		await ui.see('Add Google AI Studio');
		expect(ui.frame()).toContain('https://generativelanguage.googleapis.com/v1beta');
		await ui.type(`${google.url}/v1beta`);
		ui.press('enter');
		await ui.see('aistudio.google.com/apikey');
		await ui.type(key, '•'.repeat(key.length));
		ui.press('enter');
		const models = await ui.see('Choose the models');
		expect(models).toContain('gemini-3-pro-preview');
		expect(models).not.toContain('embedding');
		expect(models).not.toContain('imagen');
		expect(models).not.toContain('models/');
		ui.press('space');
		await ui.see('[x] gemini-2.5-flash');
		ui.press('enter');
		await ui.see(/\[x\] longContext\s+gemini-2\.5-flash/);
		ui.press('enter');
		// The completion is Google's own streamGenerateContent: the test passes, not merely ends.
		await ui.see('Connection test passed');
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		expect(ui.readConfig().Providers[0]).toEqual({
			name: 'gemini',
			api_base_url: `${google.url}/v1beta/models/`,
			models: ['gemini-2.5-flash'],
			api_key: key,
			transformer: {use: ['gemini']},
		});
		const list = google.requests.find(request => request.url.startsWith('/v1beta/models?pageSize='));
		expect(list?.headers['x-goog-api-key']).toBe(key);
		expect(google.requests.every(request => !request.url.includes(key))).toBe(true);
	});

	it('custom server without /models → manual model entry; empty entry is refused', async () => {
		openai.setHandler((req, res) => {
			if (req.url?.endsWith('/models')) return sendJson(res, 404, {error: 'not found'});
			startSse(res);
			writeChunk(res, {choices: [{index: 0, delta: {content: 'pong'}, finish_reason: 'stop'}]});
			writeDone(res);
		});
		const ui = await setupReady('custom');
		await ui.see('Other OpenAI-compatible server API URL');
		await ui.type(`${openai.url}/v1`);
		ui.press('enter');
		await ui.see('API key (leave empty');
		ui.press('enter');
		await ui.see('Model ids, separated by commas');
		expect(ui.frame()).toContain('does not list its models');
		ui.press('enter');
		await ui.see('Enter at least one model id.');
		await ui.type('my-model, other-model');
		ui.press('enter');
		await ui.see('Route requests to custom:');
		ui.press('space');
		await ui.see(/\[x\] default\s+‹ my-model ›/);
		ui.press('right');
		await ui.see(/\[x\] default\s+‹ other-model ›/);
		ui.press('enter');
		await ui.see(/Connection test (passed|failed)/);
		ui.press('enter');
		await waitFor(() => ui.onDone.mock.calls.length > 0);
		const [provider] = ui.readConfig().Providers;
		expect(provider).toEqual({name: 'custom', api_base_url: `${openai.url}/v1/chat/completions`, models: ['my-model', 'other-model']});
		expect(ui.readConfig().Router['default']).toBe('custom,other-model');
	});
});
