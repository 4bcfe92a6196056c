import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
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
		expect(app.frame()).toContain('Key 1  $GB_TOKEN');
		await app.press('down', 2);
		await app.press('enter');
		await app.press(SECRET);
		await app.press('enter');
		await app.waitFor('Key 2  ••••4321');
		// Reorder the pool: the new key first.
		await app.press('K');
		await app.waitFor(/Key 1 {2}••••4321[\s\S]*Key 2 {2}\$GB_TOKEN/);
		// To "Model gemini-2.5-pro" (rows: URL, key 1, key 2, + add, model…) and remove it.
		await app.press('down', 3);
		await app.press('d');
		await app.waitFor(/Model {2}gemini-2\.5-flash/);
		expect(app.frame()).not.toContain('Model  gemini-2.5-pro');
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
