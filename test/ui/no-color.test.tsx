import {afterEach, describe, expect, it} from 'vitest';
import {createTheme} from '../../source/ui/theme.js';

// Colour support is decided when chalk loads: force it on for this file, then load Ink.
process.env['FORCE_COLOR'] = '1';
const {cleanupApps, renderApp, startEvent, usage} = await import('./render-app.js');

afterEach(cleanupApps);

/** SGR foreground/background colour codes (bold, dim and inverse are not colours). */
const COLOUR = /\u001B\[(?:3[0-79]|4[0-79]|9[0-7]|10[0-7]|38;|48;)[\d;]*m/;

async function appWithTraffic(env: Record<string, string | undefined>) {
	const app = await renderApp({env});
	const ok = startEvent();
	app.bus.emit(ok);
	app.bus.emit({type: 'request:end', id: ok.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(10, 20), durationMs: 30});
	const failed = startEvent();
	app.bus.emit(failed);
	app.bus.emit({type: 'request:error', id: failed.id, at: Date.now(), status: 503, errorType: 'overloaded_error', message: 'no capacity', durationMs: 30});
	app.bus.emit(startEvent());
	await app.waitFor('no capacity');
	return app;
}

describe('NO_COLOR', () => {
	it('colours are on by default (the check below can fail)', async () => {
		const app = await appWithTraffic({});
		expect(app.frame()).toMatch(COLOUR);
	});

	it('NO_COLOR set: no colour codes at all, status still readable by glyph and word', async () => {
		const app = await appWithTraffic({NO_COLOR: '1'});
		const frame = app.frame();
		expect(frame).not.toMatch(COLOUR);
		expect(frame).toMatch(/✔ 200/);
		expect(frame).toMatch(/✖ 503/);
		expect(frame).toMatch(/live/);
		// Focus is still visible: the focused panel is drawn heavy, the selected row has a pointer.
		const plain = frame.replaceAll(/\u001B\[[\d;]*m/g, '');
		expect(plain).toContain('┏━ 1 Routes');
		expect(plain).toContain('❯ default');
	});

	it('an empty NO_COLOR does not count (no-color.org)', () => {
		expect(createTheme({NO_COLOR: ''}).color).toBe(true);
		expect(createTheme({NO_COLOR: '1'})).toEqual({color: false});
	});

	it('the picker and help respect NO_COLOR too', async () => {
		const app = await renderApp({env: {NO_COLOR: '1'}});
		await app.waitFor('1 Routes');
		await app.press('enter');
		await app.waitFor('Route default');
		expect(app.frame()).not.toMatch(COLOUR);
		await app.press('escape');
		await app.waitFor('1 Routes');
		await app.press('?');
		await app.waitFor('Keys');
		expect(app.frame()).not.toMatch(COLOUR);
	});
});
