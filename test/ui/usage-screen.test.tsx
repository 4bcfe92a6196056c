/**
 * The Usage screen (u): today and the last 7 days per model and per route, errors marked, daily
 * sparklines and share bars, degrading at 100, 60 and 40 columns; Esc goes back.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {UsageRecord} from '../../source/activity/usage/record.js';
import {buildUsageView, sparkline, windowDays} from '../../source/ui/usage-view.js';
import {cleanupApps, frameWidth, renderApp} from './render-app.js';

afterEach(() => cleanupApps());

const NOW = new Date(2026, 11, 2, 15, 0, 0).getTime();
const DAY = 86_400_000;

function record(over: Partial<UsageRecord>): UsageRecord {
	return {
		v: 1,
		at: NOW - 60_000,
		route: 'default',
		reason: 'r',
		provider: 'deepseek',
		model: 'deepseek-chat',
		status: 200,
		input: 1000,
		output: 100,
		cacheRead: 0,
		cacheWrite: 0,
		ttftMs: 400,
		durationMs: 2000,
		retries: 0,
		fallback: false,
		keyRotated: false,
		...over,
	};
}

/** deepseek-chat: 3 today + 5 on earlier days; gemini: 2 today, one a 429; 1 request 10 days ago (outside). */
const RECORDS: UsageRecord[] = [
	...Array.from({length: 3}, () => record({})),
	...Array.from({length: 5}, (_, index) => record({at: NOW - (index + 1) * DAY})),
	record({provider: 'gb', model: 'gemini-2.5-pro', route: 'longContext', ttftMs: 1500}),
	record({provider: 'gb', model: 'gemini-2.5-pro', route: 'longContext', status: 429, error: 'rate_limit_error', input: 0, output: 0, ttftMs: undefined}),
	record({at: NOW - 10 * DAY}),
];

async function openUsage(columns: number, records: readonly UsageRecord[] = RECORDS) {
	const app = await renderApp({columns, rows: 30, app: {loadUsage: () => ({records}), now: () => NOW}});
	await app.press('u');
	await app.waitFor('By route');
	return app;
}

describe('usage view (pure)', () => {
	it('counts today and 7 days per model and route, errors, TTFT p50 and a per-day series', () => {
		const view = buildUsageView(RECORDS, NOW);
		expect(view.days).toEqual(windowDays(NOW));
		expect(view.days.at(-1)).toBe('2026-12-02');
		expect(view.today).toMatchObject({requests: 5, errors: 1});
		expect(view.week).toMatchObject({requests: 10, errors: 1});
		expect(view.byModel.map(line => [line.key, line.today, line.week, line.errors, line.ttftP50])).toEqual([
			['deepseek,deepseek-chat', 3, 8, 0, 400],
			['gb,gemini-2.5-pro', 2, 2, 1, 1500],
		]);
		expect(view.byModel[0]!.perDay).toEqual([0, 1, 1, 1, 1, 1, 3]);
		expect(view.byRoute.map(line => line.key)).toEqual(['default', 'longContext']);
		expect(view.priced).toBe(false);
		expect(buildUsageView(RECORDS, NOW, {'deepseek,deepseek-chat': {input: 1, output: 10}}).today.cost).toBeCloseTo((3000 + 3000) / 1e6, 12);
		expect(sparkline([0, 1, 1, 1, 1, 1, 3])).toBe('·▃▃▃▃▃█');
	});
});

describe('Usage screen', () => {
	it('100 columns: every column, errors marked, sparklines and share bars; esc goes back', async () => {
		const app = await openUsage(100);
		const frame = app.frame();
		expect(frameWidth(frame)).toBe(100);
		expect(frame).toContain('Usage · today and the last 7 days');
		expect(frame).toMatch(/Today +5 req · ✗ 1 err · ↑4k ↓400/);
		expect(frame).toMatch(/7 days +10 req · ✗ 1 err/);
		expect(frame).toMatch(/By model +today +7 days +errors +TTFT p50 +per day +share/);
		expect(frame).toMatch(/deepseek,deepseek-chat +3 +8 +0 +400 ms +·▃▃▃▃▃█ +█{15}/);
		expect(frame).toMatch(/gb,gemini-2\.5-pro +2 +2 +✗1 +1\.5 s/);
		expect(frame).toMatch(/longContext +2 +2 +✗1/);
		expect(frame).toContain('Per day  ·▂▂▂▂▂█  errors ······█  11-26 → 12-02');
		expect(frame).toContain('esc back');
		await app.press('escape');
		await app.waitFor('Routes');
		expect(app.frame()).not.toContain('By model');
	});

	it('60 columns: no TTFT or share columns, the daily trend stays', async () => {
		const app = await openUsage(60);
		const frame = app.frame();
		expect(frameWidth(frame)).toBe(60);
		expect(frame).toMatch(/By model +today +7 days +errors +per day/);
		expect(frame).not.toContain('TTFT p50');
		expect(frame).not.toContain('share');
		expect(frame).toMatch(/deepseek,deepseek-chat +3 +8 +0 +·▃▃▃▃▃█/);
	});

	it('40 columns: counts and errors only, nothing wider than the terminal', async () => {
		const app = await openUsage(40);
		const frame = app.frame();
		expect(frameWidth(frame)).toBeLessThanOrEqual(40);
		expect(frame).toMatch(/By model +7 days +errors/);
		expect(frame).not.toContain('per day ');
		expect(frame).toMatch(/│ deepseek,deepseek-chat +8 +0 │/);
		expect(frame).toMatch(/│ gb,gemini-2\.5-pro +2 +✗1 │/);
		// Tokens need more room than 40 columns give.
		expect(frame).toMatch(/Today +5 req · ✗ 1 err +│/);
	});

	it('empty history and no history source each say so', async () => {
		const empty = await renderApp({columns: 100, app: {loadUsage: () => ({records: []}), now: () => NOW}});
		await empty.press('u');
		await empty.waitFor('No requests recorded in the last 7 days yet');
		cleanupApps();
		const none = await renderApp({columns: 100});
		await none.press('u');
		await none.waitFor('The usage history is not available here');
	});

	it('a skipped-line warning from the history is shown once', async () => {
		const app = await renderApp({columns: 100, app: {loadUsage: () => ({records: RECORDS, warning: 'skipped 1 unreadable line in usage-2026-12-02.jsonl'}), now: () => NOW}});
		await app.press('u');
		await app.waitFor('⚠ skipped 1 unreadable line');
	});
});
