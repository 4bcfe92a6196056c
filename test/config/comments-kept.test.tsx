/**
 * 17.7: a hand-written JSON5 config keeps its comments, key order, indentation, quoting and trailing
 * commas through a route change, a provider edit and a wizard save; a save that cannot be minimal
 * rewrites the file as plain JSON and says so (store result and the route picker's message).
 */
import fs from 'node:fs';
import path from 'node:path';
import JSON5 from 'json5';
import {afterEach, describe, expect, it} from 'vitest';
import {editPreserving} from '../../source/config/preserving-edit.js';
import type {RawConfig} from '../../source/config/schema.js';
import {ConfigStore} from '../../source/config/store.js';
import {geminiBalanceEndpointFor} from '../../source/providers/normalize-url.js';
import {saveProvider} from '../../source/providers/save-provider.js';
import {tempDir} from '../helpers/temp-dir.js';
import {cleanupApps, renderApp} from '../ui/render-app.js';

afterEach(cleanupApps);

const handWritten = `// ccr-tui config, written by hand
{
  // where the proxy listens
  PORT: 3456,
  APIKEY: '$CCR_APIKEY', // single quotes on purpose
  API_TIMEOUT_MS: 0x927C0, /* ten minutes, in hex */
  Providers: [
    // the main provider
    {
      name: 'deepseek',
      api_base_url: 'https://api.deepseek.com/chat/completions',
      api_key: "\${DS_KEY}",
      models: ['deepseek-chat', 'deepseek-reasoner',], // trailing comma
    },
    /* a local fallback */
    {name: "ollama", api_base_url: "http://127.0.0.1:11434/v1/chat/completions", api_key: "ollama", models: ["qwen2.5-coder:7b"]},
  ],
  Router: {
    default: 'deepseek,deepseek-chat', // everyday work
    think: 'deepseek,deepseek-reasoner',
    longContextThreshold: 60000,
  },
  // unknown to ccr-tui, kept for Claude Code Router
  StatusLine: {enabled: true,},
}
`;

const comments = handWritten.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)!;

function setup(text = handWritten) {
	const file = path.join(tempDir(), 'config.json');
	fs.writeFileSync(file, text, {mode: 0o600});
	const store = new ConfigStore({path: file, watch: false, env: {DS_KEY: 'sk-ds-1234567890', GB_TOKEN: 'sk-gb-0987654321'}});
	return {file, store, read: () => fs.readFileSync(file, 'utf8')};
}

function expectHandWritingKept(text: string): void {
	for (const comment of comments) expect(text, comment).toContain(comment);
	// JSON5-only syntax and the user's quoting are untouched.
	expect(text).toContain('API_TIMEOUT_MS: 0x927C0,');
	expect(text).toContain("APIKEY: '$CCR_APIKEY', // single quotes on purpose");
	expect(text).toContain("      models: ['deepseek-chat', 'deepseek-reasoner',], // trailing comma");
	expect(text).toContain('  StatusLine: {enabled: true,},');
	expect(text.startsWith('// ccr-tui config, written by hand\n{\n  // where the proxy listens\n  PORT: 3456,\n')).toBe(true);
}

describe('saves keep a hand-written JSON5 config as written', () => {
	it('a route change, a provider edit and a wizard save keep every comment, the quoting, the order and the layout', () => {
		const {store, read, file} = setup();

		const route = store.setRoute('background', 'ollama,qwen2.5-coder:7b');
		expect(route.formatting).toBe('kept');
		expect(route.notice).toBeUndefined();
		expectHandWritingKept(read());
		// The new entry follows its neighbours: same indentation, same quotes, trailing comma style.
		expect(read()).toContain("    longContextThreshold: 60000,\n    background: 'ollama,qwen2.5-coder:7b',\n  },");

		store.setRoute('default', 'ollama,qwen2.5-coder:7b');
		expect(read()).toContain("    default: 'ollama,qwen2.5-coder:7b', // everyday work\n");

		// A provider edit (what the providers panel's editor saves): a key pool and one more model.
		const edit = store.save(draft => {
			const providers = draft['Providers'] as RawConfig[];
			const deepseek = providers.find(provider => provider['name'] === 'deepseek')!;
			deepseek['api_key'] = ['${DS_KEY}', '$DS_KEY_2'];
			(deepseek['models'] as string[]).push('deepseek-v4');
		});
		expect(edit.formatting).toBe('kept');
		expectHandWritingKept(read().replace("'deepseek-reasoner', 'deepseek-v4',]", "'deepseek-reasoner',]"));
		expect(read()).toContain("models: ['deepseek-chat', 'deepseek-reasoner', 'deepseek-v4',], // trailing comma");

		// A wizard save: a new Gemini Balance provider and a route to it.
		const wizard = saveProvider(store, {
			preset: 'gemini-balance',
			endpoint: geminiBalanceEndpointFor('http://127.0.0.1:8000', 'v1'),
			keys: ['$GB_TOKEN'],
			models: ['gemini-2.5-pro'],
			routes: {longContext: 'gemini-2.5-pro'},
		});
		expect(wizard.notice).toBeUndefined();
		const text = read();
		for (const comment of comments) expect(text, comment).toContain(comment);
		expect(text).toContain('API_TIMEOUT_MS: 0x927C0,');

		// Everything is still what the store serves, env references unresolved on disk.
		const onDisk = JSON5.parse(text) as RawConfig;
		expect((onDisk['Providers'] as RawConfig[]).map(provider => provider['name'])).toEqual(['deepseek', 'ollama', 'gemini-balance']);
		expect(onDisk['Router']).toMatchObject({default: 'ollama,qwen2.5-coder:7b', background: 'ollama,qwen2.5-coder:7b', longContext: 'gemini-balance,gemini-2.5-pro'});
		expect(store.getSnapshot().config.Providers[2]?.api_key).toBe('sk-gb-0987654321');
		expect(text).toContain("'$GB_TOKEN'");
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		expect(fs.readdirSync(path.dirname(file)).filter(name => name.endsWith('.bak'))).toHaveLength(3);
	});

	it('removing entries takes their own lines only; neighbours and their comments stay', () => {
		const {store, read} = setup();
		store.setRoute('think', undefined);
		expect(read()).toContain("    default: 'deepseek,deepseek-chat', // everyday work\n    longContextThreshold: 60000,\n");
		store.save(draft => {
			draft['Providers'] = (draft['Providers'] as RawConfig[]).filter(provider => provider['name'] !== 'deepseek');
			draft['Router'] = {longContextThreshold: 60000};
		});
		const text = read();
		expect(text).not.toContain("name: 'deepseek'");
		expect(text).toContain('/* a local fallback */\n    {name: "ollama"');
		expect(text).toContain('// where the proxy listens');
	});

	it('a save that cannot be minimal rewrites plain JSON, says so, and the backup keeps the original', () => {
		// A key written twice (json5 keeps the last): no edit of one copy is safe.
		const twice = handWritten.replace('  StatusLine:', '  PORT: 3457, // wins\n  StatusLine:');
		const {store, read, file} = setup(twice);
		const result = store.setRoute('background', 'ollama,qwen2.5-coder:7b');
		expect(result.formatting).toBe('rewritten');
		expect(result.notice).toMatch(/saved as plain JSON: the comments and formatting of config\.json could not be kept/);
		expect(result.backup && fs.readFileSync(result.backup, 'utf8')).toBe(twice);
		expect(JSON.parse(read())).toMatchObject({PORT: 3457, Router: {background: 'ollama,qwen2.5-coder:7b'}});
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		// The file is ours now: the next save has nothing left to lose and says nothing.
		expect(store.setRoute('think', undefined).notice).toBeUndefined();
	});

	it('the route picker tells the user when a save could not keep the comments', async () => {
		const app = await renderApp({
			columns: 140,
			configText: `{Router: {default: 'deepseek,deepseek-chat', default: 'deepseek,deepseek-chat'}, // twice\n Providers: [{name: 'deepseek', api_base_url: 'https://api.deepseek.com/chat/completions', api_key: 'k', models: ['deepseek-chat', 'deepseek-reasoner']}]}`,
		});
		await app.waitFor('1 Routes');
		await app.press('enter');
		await app.waitFor('Route default: choose provider,model');
		await app.press('down');
		await app.waitFor(/❯ deepseek,deepseek-reasoner/);
		await app.press('enter');
		const frame = await app.waitFor('saved as plain JSON');
		expect(frame).toContain('default → deepseek,deepseek-reasoner saved');
	});

	it.each([
		[{a: 1, b: 2}, {a: 1}],
		[{a: 1, b: 2}, {b: 2}],
		[
			{a: 1, b: 2},
			{a: 1, c: 3},
		],
		[{a: [1, 2, 3]}, {a: [1, 3]}],
		[{a: [1, 2, 3]}, {a: [1, 2]}],
		[{a: [1, 2, 3]}, {a: [0, 1, 2, 3, 4]}],
	])('strict JSON stays strict JSON (no trailing comma appears): %j → %j', (before, after) => {
		for (const text of [`${JSON.stringify(before, undefined, 2)}\n`, JSON.stringify(before)]) {
			const out = editPreserving(text, before, after);
			expect(out, text).toBeDefined();
			expect(JSON.parse(out!)).toEqual(after);
		}
	});

	it.each([
		['plain JSON', '{\n  "a": 1,\n  "b": [1, 2]\n}\n', {a: 2, b: [1, 2, 3], c: 'x'}],
		['JSONC with tabs and CRLF', '{\r\n\t// c\r\n\t"a": 1,\r\n\t"b": {"x": true}\r\n}\r\n', {a: 1, b: {x: false, y: null}}],
		['inline JSON5', "{a: 'x', b: [1, 2,], c: {d: .5}}", {a: 'y', b: [2], c: {d: 0.5, e: 'z'}}],
		['strings with quotes and escapes', `{k: 'it\\'s', q: "say \\"hi\\""}`, {k: "it's ok", q: 'say "bye"', n: 'a\'b"c'}],
		['empty containers', '{a: {}, b: [], /* keep */ c: 1}', {a: {x: 1}, b: ['y'], c: 1}],
	])('%s: the edit reads back exactly as intended', (_name, text, after) => {
		const out = editPreserving(text, JSON5.parse(text), after);
		expect(out).toBeDefined();
		expect(JSON5.parse(out!)).toEqual(after);
		if (text.includes('// c')) expect(out).toContain('\t// c\r\n');
		if (text.includes('/* keep */')) expect(out).toContain('/* keep */');
	});
});
