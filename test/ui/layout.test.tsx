import {afterEach, describe, expect, it} from 'vitest';
import {activityColumns, calculateLayout, scrollStart} from '../../source/ui/layout.js';
import {cleanupApps, frameWidth, renderApp, startEvent, usage} from './render-app.js';

afterEach(cleanupApps);

async function busyApp(columns: number, rows: number) {
	const app = await renderApp({columns, rows});
	for (let index = 0; index < 12; index++) {
		const start = startEvent({provider: 'gb', model: 'gemini-2.5-flash-preview-with-a-very-long-model-id', scenario: 'longContext'});
		app.bus.emit(start);
		if (index === 0) continue;
		app.bus.emit({
			type: 'request:error',
			id: start.id,
			at: Date.now(),
			status: 500,
			errorType: 'api_error',
			message: 'the upstream answered 500 with a very long message that would wrap over several lines if it were allowed to',
			durationMs: 1200,
		});
	}

	const last = startEvent();
	app.bus.emit(last);
	app.bus.emit({type: 'request:end', id: last.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(90_000, 1200), durationMs: 15_000});
	await app.waitFor('requests 13');
	return app;
}

describe('widths', () => {
	it.each([
		[100, 30],
		[80, 24],
		[60, 24],
		[40, 24],
	])('%i×%i: nothing wider or taller than the terminal, truncation instead of wrapping', async (columns, rows) => {
		const app = await busyApp(columns, rows);
		const frame = app.frame();
		expect(frameWidth(frame)).toBe(columns);
		// One line short of the screen: a full-height frame makes Ink clear the terminal on each render.
		expect(frame.split('\n').length).toBeLessThanOrEqual(rows - 1);
		expect(frame).toContain('…');
		// Every panel is there, and the long error did not wrap onto a second line.
		for (const title of ['1 Routes', '2 Activity', '3 Providers']) expect(frame).toContain(title);
		expect(frame).not.toMatch(/several lines/);
		expect(frame).toMatch(/✖ 500/);
	});

	it('side by side at 100 columns, stacked below', async () => {
		const wide = await busyApp(100, 30);
		expect(
			wide
				.frame()
				.split('\n')
				.find(line => line.includes('1 Routes')),
		).toContain('3 Providers');
		const narrow = await busyApp(60, 30);
		const lines = narrow.frame().split('\n');
		const routes = lines.findIndex(line => line.includes('1 Routes'));
		const activity = lines.findIndex(line => line.includes('2 Activity'));
		const providers = lines.findIndex(line => line.includes('3 Providers'));
		expect(lines[routes]).not.toContain('3 Providers');
		expect(routes).toBeLessThan(activity);
		expect(activity).toBeLessThan(providers);
	});

	it('follows a terminal resize', async () => {
		const app = await busyApp(100, 30);
		expect(
			app
				.frame()
				.split('\n')
				.find(line => line.includes('1 Routes')),
		).toContain('3 Providers');
		app.resize(60, 24);
		await app.waitFor(/^.{60}$/m);
		const frame = app.frame();
		expect(frameWidth(frame)).toBe(60);
		expect(frame.split('\n').find(line => line.includes('1 Routes'))).not.toContain('3 Providers');
	});

	it('80×24 keeps the routes, several requests and the selected provider visible', async () => {
		const app = await busyApp(80, 24);
		const frame = app.frame();
		expect(frame).toMatch(/default\s+deepseek,deepseek-chat/);
		expect(frame.split('\n').filter(line => /✖ 500|✔ 200|live/.test(line)).length).toBeGreaterThanOrEqual(3);
		expect(frame).toContain('deepseek');
		expect(frame).toContain('key ••••9f3a');
	});
});

describe('layout maths', () => {
	it('splits wide screens, stacks narrow ones, and never hands out more lines than it has', () => {
		for (const columns of [40, 60, 80, 99, 100, 160]) {
			for (const bodyHeight of [5, 12, 20, 40]) {
				for (const providersWanted of [3, 8, 30]) {
					const layout = calculateLayout({columns, bodyHeight, providersWanted});
					const used =
						layout.mode === 'wide'
							? Math.max(layout.routes.height, layout.providers.height) + layout.activity.height
							: layout.routes.height + layout.activity.height + layout.providers.height;
					expect(used).toBeLessThanOrEqual(Math.max(bodyHeight, 0));
					expect(layout.mode).toBe(columns >= 100 ? 'wide' : 'stacked');
					if (layout.mode === 'wide') expect(layout.routes.width + layout.providers.width).toBe(columns);
				}
			}
		}
	});

	it('drops the least useful activity columns first', () => {
		expect(activityColumns(116)).toEqual({id: true, scenario: true, ttft: true, input: true, stop: true});
		expect(activityColumns(76)).toEqual({id: false, scenario: true, ttft: true, stop: true, input: false});
		expect(activityColumns(56)).toEqual({id: false, scenario: true, ttft: false, stop: false, input: false});
		expect(activityColumns(36)).toEqual({id: false, scenario: false, ttft: false, input: false, stop: false});
	});

	it('scrolls so that the selected row stays visible', () => {
		expect(scrollStart(0, 50, 10)).toBe(0);
		expect(scrollStart(9, 50, 10)).toBe(0);
		expect(scrollStart(10, 50, 10)).toBe(1);
		expect(scrollStart(49, 50, 10)).toBe(40);
		expect(scrollStart(3, 5, 10)).toBe(0);
	});
});
