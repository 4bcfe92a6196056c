import {afterEach, describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {cleanupApps, renderApp, startEvent, usage} from './render-app.js';

afterEach(cleanupApps);

/** The title line of the focused panel is drawn heavy (┏━): focus shows without colour. */
function focusedPanel(frame: string): string | undefined {
	return /┏━ (\d \w+)/.exec(frame)?.[1];
}

describe('panels and help', () => {
	it('Tab, Shift+Tab and 1-2-3 move the focus between panels', async () => {
		const app = await renderApp();
		await app.waitFor('1 Routes');
		expect(focusedPanel(app.frame())).toBe('1 Routes');
		await app.press('tab');
		await waitFor(() => focusedPanel(app.frame()) === '2 Activity');
		await app.press('tab');
		await waitFor(() => focusedPanel(app.frame()) === '3 Providers');
		await app.press('tab');
		await waitFor(() => focusedPanel(app.frame()) === '1 Routes');
		await app.press('shiftTab');
		await waitFor(() => focusedPanel(app.frame()) === '3 Providers');
		await app.press('2');
		await waitFor(() => focusedPanel(app.frame()) === '2 Activity');
		await app.press('1');
		await waitFor(() => focusedPanel(app.frame()) === '1 Routes');
		await app.press('tab');
		await waitFor(() => focusedPanel(app.frame()) === '2 Activity');
		// The routes panel redrawn unfocused keeps every row on its own line, directly under the title.
		const lines = app.frame().split('\n');
		const title = lines.findIndex(line => line.includes('╭─ 1 Routes'));
		expect(lines[title + 1]).toContain('default');
		expect(lines[title + 4]).toContain('longContext');
		expect(lines[title + 5]).toContain('webSearch');
	});

	it('the footer hints follow the focused panel', async () => {
		const app = await renderApp({columns: 140});
		const last = () => app.frame().split('\n').at(-1) ?? '';
		await app.waitFor('1 Routes');
		expect(last()).toContain('enter/→ change route');
		expect(last()).toContain('? help');
		expect(last()).toContain('q quit');
		await app.press('3');
		await waitFor(() => last().includes('t test'));
		expect(last()).not.toContain('change route');
		await app.press('2');
		await waitFor(() => last().includes('enter details'));
	});

	it('? opens the help with every command of the keymap; Esc and ? close it', async () => {
		const app = await renderApp({columns: 120, rows: 40});
		await app.waitFor('1 Routes');
		await app.press('?');
		let frame = await app.waitFor('Keys');
		for (const text of ['Focus the next panel', 'Run the connection test']) {
			expect(frame).toContain(text);
		}

		// The rest of the table (text editing included) is below: scroll to it.
		const below = ['Close the picker without changing the route', 'Delete from the cursor to the start', 'Edit the selected provider'];
		const seen = new Set<string>();
		for (let scrolled = 0; scrolled < 80 && !frame.includes('Quit from any screen'); scrolled++) {
			await app.press('down');
			frame = app.frame();
			for (const text of below) if (frame.includes(text)) seen.add(text);
		}

		expect(frame).toContain('Quit from any screen');
		expect([...seen].sort()).toEqual(below);

		await app.press('escape');
		await app.waitFor('1 Routes');
		await app.press('?');
		await app.waitFor('Keys');
		await app.press('?');
		frame = await app.waitFor('1 Routes');
		expect(frame).not.toContain('esc or ? to close');
		expect(app.quits).toHaveLength(0);
	});

	it('the help scrolls when the screen is short', async () => {
		const app = await renderApp({columns: 60, rows: 20});
		await app.waitFor('1 Routes');
		await app.press('?');
		const frame = await app.waitFor('scroll');
		expect(frame).toContain('Focus the next panel');
		await app.press('down', 6);
		await waitFor(() => !app.frame().includes('Focus the next panel'));
		await app.press('up', 6);
		await app.waitFor('Focus the next panel');
	});

	it('g and a open the add-provider wizard; Esc comes back', async () => {
		const app = await renderApp();
		await app.waitFor('1 Routes');
		await app.press('g');
		await app.waitFor(/Add Gemini Balance|Gemini Balance/);
		await app.press('escape');
		await app.waitFor('1 Routes');
		await app.press('a');
		await waitFor(() => !app.frame().includes('1 Routes'));
		await app.press('escape');
		await app.waitFor('1 Routes');
	});
});

describe('quit', () => {
	it('q with nothing in flight closes the proxy (onQuit) and exits', async () => {
		const app = await renderApp();
		await app.waitFor('1 Routes');
		await app.press('q');
		await waitFor(() => app.unmounted());
		expect(app.quits).toHaveLength(1);
	});

	it('Ctrl+C quits too', async () => {
		const app = await renderApp();
		await app.waitFor('1 Routes');
		await app.press('ctrlC');
		await waitFor(() => app.unmounted());
		expect(app.quits).toHaveLength(1);
	});

	it('with requests in flight, the first press warns, another key cancels, the second press quits', async () => {
		const app = await renderApp({columns: 160});
		const start = startEvent();
		app.bus.emit(start);
		await app.waitFor('in flight 1');
		await app.press('q');
		await app.waitFor('1 request still in flight');
		expect(app.quits).toHaveLength(0);
		await app.press('down');
		await waitFor(() => !app.frame().includes('still in flight'));
		await app.press('ctrlC');
		await app.waitFor('1 request still in flight');
		await app.press('ctrlC');
		await waitFor(() => app.unmounted());
		expect(app.quits).toHaveLength(1);
	});

	it('the UI waits for onQuit (proxy close) before it exits, and ignores keys meanwhile', async () => {
		let finish: (() => void) | undefined;
		const order: string[] = [];
		const app = await renderApp({
			app: {
				onQuit: async () => {
					order.push('close proxy');
					await new Promise<void>(resolve => {
						finish = resolve;
					});
					order.push('proxy closed');
				},
			},
		});
		await app.waitFor('1 Routes');
		await app.press('q');
		await app.waitFor('Stopping the proxy');
		await app.press('q');
		await app.press('?');
		expect(app.unmounted()).toBe(false);
		expect(order).toEqual(['close proxy']);
		finish?.();
		await waitFor(() => app.unmounted());
		expect(order).toEqual(['close proxy', 'proxy closed']);
	});

	it('Esc on the dashboard never quits', async () => {
		const app = await renderApp();
		await app.waitFor('1 Routes');
		await app.press('escape', 3);
		expect(app.unmounted()).toBe(false);
		expect(app.quits).toHaveLength(0);
		const start = startEvent();
		app.bus.emit(start);
		app.bus.emit({type: 'request:end', id: start.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(1, 1), durationMs: 5});
		await app.waitFor('end_turn');
	});
});
