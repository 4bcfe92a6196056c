import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import type {ProviderConfig} from '../../source/config/schema.js';
import type {TestStep} from '../../source/providers/connection-test.js';
import {testableProvider} from '../../source/providers/provider-draft.js';
import {createCheckTransport} from '../../source/proxy/check-transport.js';
import type {ConnectionTester} from '../../source/ui/connection-tests.js';
import {sendError, startFakeOpenAI} from '../fakes/openai-upstream.js';
import {cleanupApps, renderApp} from './render-app.js';

afterEach(() => cleanupApps());

const SECRET = 'sk-new-secret-key-4321';
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('provider editor (providers panel e) and delete (d)', () => {
	it('pool editing: add a key (masked), reorder, remove a model; s shows the diff and the route question; enter saves', async () => {
		const app = await renderApp({columns: 110, rows: 34, env: {GB_TOKEN: 'sk-env-token-0000'}});
		await app.waitFor('1 Routes');
		await app.press('3');
		await app.press('down', 2);
		await app.press('e');
		await app.waitFor('Edit provider gb');
		expect(app.frame()).toContain('Key 1   $GB_TOKEN');
		await app.press('down', 2);
		await app.press('enter');
		await app.press(SECRET);
		// Typed, the key shows as dots only.
		await app.waitFor('•'.repeat(SECRET.length));
		expect(app.frame()).not.toContain(SECRET);
		await app.press('enter');
		await app.waitFor('Key 2   ••••4321');
		// Reorder the pool: the new key first.
		await app.press('K');
		await app.waitFor(/Key 1 {3}••••4321[\s\S]*Key 2 {3}\$GB_TOKEN/);
		// To "Model gemini-2.5-pro" (rows: URL, key 1, key 2, + add key, profile, + add header, model…) and remove it.
		await app.press('down', 5);
		await app.press('d');
		await app.waitFor(/Model {3}gemini-2\.5-flash/);
		expect(app.frame()).not.toContain('Model   gemini-2.5-pro');
		await app.press('s');
		const confirm = await app.waitFor('Save these changes?');
		expect(confirm).toContain('keys: +••••4321');
		expect(confirm).toContain('models: −gemini-2.5-pro');
		expect(confirm).toContain('routes affected: longContext');
		expect(confirm).toContain('point longContext at gb,gemini-2.5-flash');
		// The route question: → clear, → keep, ← back to clear.
		await app.press('right');
		await app.waitFor('clear longContext (unset)');
		await app.press('right');
		await app.waitFor('keep longContext as they are');
		await app.press('left', 2);
		await app.waitFor('point longContext at gb,gemini-2.5-flash');
		await app.press('enter');
		await app.waitFor('gb saved');
		const saved = read(app.configPath);
		expect(saved.Providers[2].api_key).toEqual([SECRET, '$GB_TOKEN']);
		expect(saved.Providers[2].models).toEqual(['gemini-2.5-flash']);
		expect(saved.Router.longContext).toBe('gb,gemini-2.5-flash');
		expect(saved.Router.default).toBe('deepseek,deepseek-chat');
		expect(app.frame()).not.toContain(SECRET);
	});

	it('removing a key then esc: leaves without saving anything', async () => {
		const app = await renderApp({columns: 110, rows: 34});
		const before = fs.readFileSync(app.configPath, 'utf8');
		await app.waitFor('1 Routes');
		await app.press('3');
		await app.press('e');
		await app.waitFor('Edit provider deepseek');
		await app.press('down');
		await app.press('d');
		await app.waitFor(/\+ add a key/);
		expect(app.frame()).not.toContain('Key 1');
		await app.press('escape');
		await app.waitFor('1 Routes');
		expect(fs.readFileSync(app.configPath, 'utf8')).toBe(before);
	});

	it('delete: the diff names the routes, the answer clears (or repoints) them', async () => {
		const app = await renderApp({columns: 110, rows: 34});
		await app.waitFor('1 Routes');
		await app.press('3');
		await app.press('d');
		const frame = await app.waitFor('Delete provider deepseek?');
		expect(frame).toContain('routes affected: default, think');
		expect(frame).toContain('point default, think at ollama,qwen2.5-coder:7b');
		await app.press('right');
		await app.waitFor('clear default, think (unset)');
		await app.press('enter');
		await app.waitFor('deepseek deleted; clear default, think');
		const saved = read(app.configPath);
		expect(saved.Providers.map((provider: {name: string}) => provider.name)).toEqual(['ollama', 'gb']);
		expect(saved.Router).toEqual({longContext: 'gb,gemini-2.5-pro', longContextThreshold: 60_000});
	});
});

describe('provider editor: headers, profile, fetch, test from the editor, notices', () => {
	it('headers: add one (secret value masked), remove one; profile: ←→ chooses; saved as shown', async () => {
		const config = {
			Providers: [{name: 'custom', api_base_url: 'http://127.0.0.1:9/v1/chat/completions', api_key: 'sk-custom-key-000011112222', models: ['m1'], headers: {'X-Title': 'ccr-tui'}}],
			Router: {default: 'custom,m1'},
		};
		const app = await renderApp({columns: 110, rows: 34, config});
		await app.waitFor('1 Routes');
		await app.press('3');
		await app.press('e');
		await app.waitFor('Edit provider custom');
		expect(app.frame()).toContain('Header  X-Title: ccr-tui');
		// Rows: URL, key 1, + add key, profile, header X-Title, + add header.
		await app.press('down', 3);
		await app.waitFor('› Profile ◀ auto ▶');
		expect(app.frame()).toContain('←→ profile');
		await app.press('right');
		await app.waitFor('◀ openai ▶');
		await app.press('down');
		await app.press('d');
		await app.waitFor(/› {9}\+ add a header/);
		expect(app.frame()).not.toContain('X-Title');
		await app.press('enter');
		await app.press('X-Api-Key: sk-header-secret-9999abcd');
		await app.waitFor(`X-Api-Key: ${'•'.repeat('sk-header-secret-9999abcd'.length)}`);
		expect(app.frame()).not.toContain('sk-header-secret');
		await app.press('enter');
		await app.waitFor('Header  X-Api-Key: ••••abcd');
		expect(app.frame()).not.toContain('sk-header-secret');
		await app.press('s');
		const confirm = await app.waitFor('Save these changes?');
		expect(confirm).toContain('headers: X-Title, X-Api-Key changed');
		expect(confirm).not.toContain('←→ routes');
		expect(confirm).toContain('profile: auto → openai');
		expect(confirm).toContain('enter save');
		expect(confirm).not.toContain('sk-header-secret');
		await app.press('enter');
		await app.waitFor('custom saved');
		const saved = read(app.configPath).Providers[0];
		expect(saved.headers).toEqual({'X-Api-Key': 'sk-header-secret-9999abcd'});
		expect(saved.profile).toBe('openai');
		expect(app.frame()).not.toContain('sk-header-secret');
	});

	it('t tests exactly the provider the save writes (keys, headers, profile, $ENV resolved); a URL edit re-tests by itself', async () => {
		const tested: ProviderConfig[] = [];
		const tester: ConnectionTester = async provider => {
			tested.push(provider);
			const step: TestStep = {id: 'reach', label: 'Reachable', status: 'pass', durationMs: 3, detail: `HTTP 200 from ${provider.api_base_url}`};
			return {status: 'pass', steps: [step]};
		};
		const env = {GB_TOKEN: 'sk-env-token-0000'};
		const app = await renderApp({columns: 120, rows: 40, env, app: {connectionTester: tester}});
		await app.waitFor('1 Routes');
		await app.press('3');
		await app.press('down', 2);
		await app.press('e');
		await app.waitFor('Edit provider gb');
		await app.press('down', 2);
		await app.press('enter');
		await app.press(SECRET);
		await app.press('enter');
		await app.waitFor('Key 2   ••••4321');
		await app.press('t');
		await app.waitFor('Connection test of the provider as it would be saved: passed');
		expect(tested).toHaveLength(1);
		expect(tested[0]?.api_key).toEqual(['sk-env-token-0000', SECRET]);

		// A new URL: tested again without pressing t.
		await app.press('up', 2);
		await app.waitFor('› URL');
		await app.press('enter');
		await app.press('ctrlU');
		await app.press('http://127.0.0.1:8001/v1');
		await app.press('enter');
		await app.waitFor('HTTP 200 from http://127.0.0.1:8001/v1/chat/completions');
		expect(tested).toHaveLength(2);
		await app.press('s');
		await app.waitFor('Save these changes?');
		await app.press('enter');
		await app.waitFor('gb saved');
		// What was tested is what the file now holds, read the way the proxy reads it.
		const savedRaw = read(app.configPath).Providers[2];
		expect(testableProvider(savedRaw, env)).toEqual(tested[1]);
	});

	it("f fetches the server's model list through the proxy's transport; enter adds a listed model", async () => {
		const models = ['m1', 'm2-big', 'm3-fast'];
		const upstream = await startFakeOpenAI((req, res) => {
			// Strict: the list needs the provider's key.
			if (req.headers['authorization'] !== 'Bearer sk-list-key-0000aaaa') return sendError(res, 401, 'invalid api key');
			if (req.method !== 'GET' || req.url !== '/v1/models') return sendError(res, 404, 'not found');
			res.writeHead(200, {'content-type': 'application/json'});
			res.end(JSON.stringify({object: 'list', data: models.map(id => ({id, object: 'model'}))}));
		});
		const transport = createCheckTransport({proxyUrl: () => undefined, env: {}});
		try {
			const config = {Providers: [{name: 'lister', api_base_url: `${upstream.url}/v1/chat/completions`, api_key: 'sk-list-key-0000aaaa', models: ['m1']}], Router: {}};
			const app = await renderApp({columns: 120, rows: 34, config, app: {checkFetch: transport.fetch}});
			await app.waitFor('1 Routes');
			await app.press('3');
			await app.press('e');
			await app.waitFor('Edit provider lister');
			await app.press('f');
			await app.waitFor('The server lists 3 models; 2 not in this provider');
			expect(app.frame()).toContain('Server  + m2-big');
			expect(upstream.requests.map(request => `${request.method} ${request.url}`)).toEqual(['GET /v1/models']);
			// Rows: URL, key, + add key, profile, + add header, model m1, + add models, server m2-big, server m3-fast.
			await app.press('down', 8);
			await app.waitFor('› Server  + m3-fast');
			await app.press('enter');
			await app.waitFor('Model   m3-fast');
			await app.press('s');
			await app.waitFor('models: +m3-fast');
			await app.press('enter');
			await app.waitFor('lister saved');
			expect(read(app.configPath).Providers[0].models).toEqual(['m1', 'm3-fast']);
		} finally {
			await transport.close();
			await upstream.close();
		}
	});

	it('a save that cannot keep the formatting says so in the editor (and in the delete screen) before going back', async () => {
		// \`models\` written twice in the provider (json5 keeps the last): no edit of one copy is safe.
		const text = `{Providers: [{name: 'twice', api_base_url: 'http://127.0.0.1:9/v1/chat/completions', api_key: 'sk-twice-key-00001111', models: ['m0'], models: ['m1']},
    {name: 'other', api_base_url: 'http://127.0.0.1:10/v1/chat/completions', models: ['o1']}],
  Router: {default: 'twice,m1'}, // a comment the rewrite cannot keep
}`;
		const app = await renderApp({columns: 140, rows: 34, configText: text});
		await app.waitFor('1 Routes');
		await app.press('3');
		await app.press('e');
		await app.waitFor('Edit provider twice');
		await app.press('down', 6);
		await app.press('enter');
		await app.press('m2');
		await app.press('enter');
		await app.waitFor('Model   m2');
		await app.press('s');
		await app.waitFor('Save these changes?');
		await app.press('enter');
		const frame = await app.waitFor('saved as plain JSON');
		expect(frame).toContain('Edit provider twice');
		expect(frame).toContain('twice saved: models: +m2');
		expect(frame).toContain('enter back to the dashboard');
		await app.press('enter');
		await app.waitFor('1 Routes');
		expect(read(app.configPath).Providers[0].models).toEqual(['m1', 'm2']);

		// The delete screen says it too (the file is plain JSON now: make it unkeepable again).
		fs.writeFileSync(app.configPath, text.replace("Router: {default: 'twice,m1'}", "Router: {default: 'other,o1', default: 'other,o1'}"));
		app.store.reload();
		await app.waitFor('models: m1');
		await app.press('down');
		await app.press('d');
		await app.waitFor('point default at twice,m1');
		await app.press('enter');
		const deleted = await app.waitFor('saved as plain JSON');
		expect(deleted).toContain('Delete provider other?');
		expect(deleted).toContain('other deleted; point default at twice,m1');
		await app.press('enter');
		await app.waitFor('1 Routes');
		expect(read(app.configPath).Providers.map((provider: {name: string}) => provider.name)).toEqual(['twice']);
	});
});
