import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {cleanupApps, renderApp, startEvent} from './render-app.js';

afterEach(cleanupApps);

function routerOnDisk(configPath: string): Record<string, unknown> {
	return (JSON.parse(fs.readFileSync(configPath, 'utf8')) as {Router: Record<string, unknown>}).Router;
}

/** The highlighted picker line. */
function cursorLine(frame: string): string {
	return frame.split('\n').find(line => line.includes('❯')) ?? '';
}

describe('route picker', () => {
	it('Enter opens it on the current target; ↓ Enter saves at once and shows the new route', async () => {
		const app = await renderApp({columns: 120});
		await app.waitFor('1 Routes');
		await app.press('enter');
		let frame = await app.waitFor('Route default: choose provider,model');
		// Every provider,model is offered, plus a way to clear the route.
		for (const target of ['deepseek,deepseek-chat', 'deepseek,deepseek-reasoner', 'ollama,qwen2.5-coder:7b', 'gb,gemini-2.5-pro', 'gb,gemini-2.5-flash']) {
			expect(frame).toContain(target);
		}

		expect(frame).toContain('clear this route');
		expect(cursorLine(frame)).toContain('deepseek,deepseek-chat  (current)');
		await app.press('down');
		frame = await app.waitFor(/❯ deepseek,deepseek-reasoner/);
		await app.press('enter');
		frame = await app.waitFor('default → deepseek,deepseek-reasoner saved');
		expect(frame.split('\n').find(line => line.includes('❯ default'))).toContain('deepseek,deepseek-reasoner');
		expect(routerOnDisk(app.configPath)['default']).toBe('deepseek,deepseek-reasoner');
		expect(app.store.getSnapshot().config.Router.default).toBe('deepseek,deepseek-reasoner');
		// Other routes are untouched.
		expect(routerOnDisk(app.configPath)['think']).toBe('deepseek,deepseek-reasoner');
		expect(routerOnDisk(app.configPath)['longContext']).toBe('gb,gemini-2.5-pro');
	});

	it('saving while traffic re-renders the dashboard returns to it (the Enter is not taken twice)', async () => {
		const app = await renderApp({columns: 120});
		await app.waitFor('1 Routes');
		await app.press('enter');
		await app.waitFor('Route default');
		await app.press('down');
		await app.waitFor(/❯ deepseek,deepseek-reasoner/);
		// A re-render of the App (traffic) re-registers its key handler after the picker's, so the
		// picker sees Enter first and has closed itself when the App's handler gets the same Enter.
		app.bus.emit(startEvent());
		await app.waitFor('requests 1 ');
		await app.press('enter');
		await app.waitFor('default → deepseek,deepseek-reasoner saved');
		await waitFor(() => app.frame().includes('1 Routes') && !app.frame().includes('Route default:'));
		expect(app.frame()).toMatch(/❯ default\s+deepseek,deepseek-reasoner/);
	});

	it('→ opens the picker for the selected route; Esc cancels without writing', async () => {
		const app = await renderApp({columns: 120});
		await app.waitFor('1 Routes');
		const before = fs.readFileSync(app.configPath, 'utf8');
		await app.press('down', 3);
		await app.waitFor('❯ longContext');
		await app.press('right');
		const frame = await app.waitFor('Route longContext: choose provider,model');
		expect(cursorLine(frame)).toContain('gb,gemini-2.5-pro');
		await app.press('down');
		await app.waitFor(/❯ gb,gemini-2.5-flash/);
		await app.press('escape');
		await app.waitFor('1 Routes');
		expect(app.frame()).toMatch(/❯ longContext.*gb,gemini-2.5-pro/);
		expect(fs.readFileSync(app.configPath, 'utf8')).toBe(before);
	});

	it('an unset route starts on "leave unset"; a route can be set and then cleared', async () => {
		const app = await renderApp({columns: 120});
		await app.waitFor('1 Routes');
		await app.press('down');
		await app.waitFor('❯ background');
		await app.press('enter');
		let frame = await app.waitFor('Route background');
		expect(cursorLine(frame)).toContain('leave unset');
		await app.press('up');
		await app.waitFor(/❯ gb,gemini-2.5-flash/);
		await app.press('enter');
		await app.waitFor('background → gb,gemini-2.5-flash saved');
		expect(routerOnDisk(app.configPath)['background']).toBe('gb,gemini-2.5-flash');
		await app.press('enter');
		frame = await app.waitFor('Route background');
		expect(cursorLine(frame)).toContain('gb,gemini-2.5-flash  (current)');
		await app.press('down');
		await app.waitFor(/❯ — clear this route/);
		await app.press('enter');
		await app.waitFor('background → unset saved');
		expect(routerOnDisk(app.configPath)).not.toHaveProperty('background');
		expect(app.frame()).toMatch(/❯ background\s+—/);
	});

	it('keeps a current target that is not in the model lists, marked as such', async () => {
		const app = await renderApp({
			columns: 120,
			config: {Providers: [{name: 'p', api_base_url: 'http://127.0.0.1:1/v1', models: ['a', 'b']}], Router: {default: 'p,legacy-model'}},
		});
		await app.waitFor('1 Routes');
		await app.press('enter');
		const frame = await app.waitFor('not in its provider');
		expect(cursorLine(frame)).toContain('p,legacy-model');
		expect(frame).toContain('p,a');
		expect(frame).toContain('p,b');
	});

	it('a failed write (file broken on disk since it was loaded) shows the reason and keeps the old routes', async () => {
		const app = await renderApp({columns: 140});
		await app.waitFor('1 Routes');
		// A hand edit the store has not seen yet (no watcher in this test): writing over it would lose it.
		fs.writeFileSync(app.configPath, '{"Router": {"default": "deepseek,deepseek-chat",}, oops');
		await app.press('enter');
		await app.waitFor('Route default');
		await app.press('down');
		await app.waitFor(/❯ deepseek,deepseek-reasoner/);
		await app.press('enter');
		const frame = await app.waitFor('default not changed');
		expect(frame).toMatch(/✖ default not changed: .*not valid JSON/);
		expect(frame).toMatch(/❯ default\s+deepseek,deepseek-chat/);
		expect(app.store.getSnapshot().config.Router.default).toBe('deepseek,deepseek-chat');
		expect(fs.readFileSync(app.configPath, 'utf8')).toContain('oops');
	});

	it('a failed write (the config folder is gone, a file in its place) shows the reason', async () => {
		const app = await renderApp({columns: 140});
		await app.waitFor('1 Routes');
		fs.rmSync(app.dir, {recursive: true, force: true});
		fs.writeFileSync(app.dir, 'not a folder');
		try {
			await app.press('enter');
			await app.waitFor('Route default');
			await app.press('down');
			await app.waitFor(/❯ deepseek,deepseek-reasoner/);
			await app.press('enter');
			const frame = await app.waitFor('default not changed');
			expect(frame).toMatch(/Cannot read .*config\.json/);
			expect(frame).toMatch(/❯ default\s+deepseek,deepseek-chat/);
			expect(app.store.getSnapshot().config.Router.default).toBe('deepseek,deepseek-chat');
		} finally {
			fs.rmSync(app.dir, {force: true});
			fs.mkdirSync(app.dir);
		}
	});

	it('with no providers the picker says how to add one, and can still clear', async () => {
		const app = await renderApp({columns: 120, config: {Providers: [], Router: {}}});
		await app.waitFor('1 Routes');
		await app.press('enter');
		await app.waitFor('No provider models in the config yet');
		await app.press('escape');
		await app.waitFor('1 Routes');
		expect(path.basename(app.configPath)).toBe('config.json');
	});
});
