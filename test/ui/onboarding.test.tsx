import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {cleanupApps, renderApp} from './render-app.js';

afterEach(cleanupApps);

describe('first run', () => {
	it('no config file: the onboarding screen offers Gemini Balance, another provider, or the demo', async () => {
		const app = await renderApp({config: null});
		const frame = await app.waitFor('Welcome to ccr-tui');
		expect(fs.existsSync(app.configPath)).toBe(true);
		expect(frame).toContain('it has no providers yet');
		expect(frame).toContain('http://127.0.0.1:3456');
		expect(frame).toContain('❯ Add Gemini Balance');
		expect(frame).toContain('Add another provider');
		expect(frame).toContain('Try the demo');
	});

	it('an existing config with providers goes straight to the dashboard', async () => {
		const app = await renderApp();
		const frame = await app.waitFor('1 Routes');
		expect(frame).not.toContain('Welcome');
	});

	it('an existing but empty config (not created by this run) does not onboard', async () => {
		const app = await renderApp({config: {Providers: [], Router: {}}});
		await app.waitFor('1 Routes');
		expect(app.frame()).not.toContain('Welcome');
	});

	it('"Add Gemini Balance" opens the wizard; Esc returns to the choices, Esc again to the dashboard', async () => {
		const app = await renderApp({config: null});
		await app.waitFor('Welcome to ccr-tui');
		await app.press('enter');
		await waitFor(() => !app.frame().includes('Welcome') && app.frame().includes('Gemini Balance'));
		await app.press('escape');
		await app.waitFor('Welcome to ccr-tui');
		await app.press('escape');
		await app.waitFor('1 Routes');
		expect(app.quits).toHaveLength(0);
	});

	it('"Add another provider" opens the wizard on its preset choice', async () => {
		const app = await renderApp({config: null});
		await app.waitFor('Welcome to ccr-tui');
		await app.press('down');
		await app.waitFor('❯ Add another provider');
		await app.press('enter');
		await waitFor(() => !app.frame().includes('Welcome') && /deepseek/i.test(app.frame()));
	});

	it('"Try the demo" calls onStartDemo when the demo is available', async () => {
		let started = 0;
		const app = await renderApp({config: null, app: {onStartDemo: () => started++}});
		await app.waitFor('Welcome to ccr-tui');
		await app.press('down', 2);
		await app.waitFor('❯ Try the demo');
		await app.press('enter');
		await waitFor(() => started === 1);
		await app.waitFor('1 Routes');
	});

	it('"Try the demo" without a demo explains how to run it', async () => {
		const app = await renderApp({config: null});
		await app.waitFor('Welcome to ccr-tui');
		await app.press('down', 2);
		await app.waitFor('❯ Try the demo');
		await app.press('enter');
		await app.waitFor('ccr-tui --demo');
		expect(app.frame()).toContain('Welcome to ccr-tui');
	});

	it('"Go to the dashboard" leaves onboarding; q quits from it', async () => {
		const app = await renderApp({config: null});
		await app.waitFor('Welcome to ccr-tui');
		await app.press('down', 3);
		await app.waitFor('❯ Go to the dashboard');
		await app.press('enter');
		await app.waitFor('1 Routes');
		const again = await renderApp({config: null});
		await again.waitFor('Welcome to ccr-tui');
		await again.press('q');
		await waitFor(() => again.unmounted());
	});
});
