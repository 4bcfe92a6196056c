/** `ccr-tui usage`: figures from a known set of records, grouping, pricing (and its absence), bad flags. */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {UsageRecord} from '../../source/activity/usage/record.js';
import {percentile, summarizeUsage} from '../../source/activity/usage/summary.js';
import {runUsage} from '../../source/commands/usage.js';
import {tempDir} from '../helpers/temp-dir.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const DAY = 86_400_000;

function record(over: Partial<UsageRecord>): UsageRecord {
	return {
		v: 1,
		at: NOW - 1000,
		route: 'default',
		reason: 'default route',
		provider: 'ds',
		model: 'chat',
		status: 200,
		input: 1000,
		output: 100,
		cacheRead: 0,
		cacheWrite: 0,
		ttftMs: 100,
		durationMs: 1000,
		retries: 0,
		fallback: false,
		keyRotated: false,
		...over,
	};
}

/** 10 requests on ds,chat (TTFT 100..1000, one 429), 2 on gb,pro (one 2 days ago), 1 older than the window. */
const RECORDS: UsageRecord[] = [
	...Array.from({length: 10}, (_, index) =>
		record({ttftMs: (index + 1) * 100, durationMs: (index + 1) * 1000, session: 's1', ...(index === 9 ? {status: 429, error: 'rate_limit_error', output: 0, input: 0} : {})}),
	),
	record({provider: 'gb', model: 'pro', route: 'longContext', input: 2_000_000, output: 10_000, cacheRead: 1_000_000, ttftMs: 50, durationMs: 500, session: 's2'}),
	record({provider: 'gb', model: 'pro', route: 'think', at: NOW - 2 * DAY, input: 10, output: 10, ttftMs: undefined, durationMs: 300}),
	record({at: NOW - 40 * DAY}),
];

function writeHistory(configPath: string, records: readonly UsageRecord[], extraLines: string[] = []) {
	const dir = path.join(path.dirname(configPath), 'usage');
	fs.mkdirSync(dir, {recursive: true});
	const byFile = new Map<string, string[]>();
	for (const item of records) {
		const name = `usage-${new Date(item.at).toISOString().slice(0, 10)}.jsonl`;
		byFile.set(name, [...(byFile.get(name) ?? []), JSON.stringify(item)]);
	}

	for (const [name, lines] of byFile) fs.writeFileSync(path.join(dir, name), `${[...lines, ...extraLines].join('\n')}\n`);
}

function setup(config: Record<string, unknown> = {}, extraLines: string[] = []) {
	const configPath = path.join(tempDir(), 'config.json');
	fs.writeFileSync(configPath, JSON.stringify({Providers: [], Router: {}, ...config}));
	writeHistory(configPath, RECORDS, extraLines);
	return configPath;
}

async function run(configPath: string, flags: Record<string, unknown>) {
	const out: string[] = [];
	const err: string[] = [];
	const code = await runUsage({config: configPath, env: {}, now: () => NOW, stdout: text => out.push(text), stderr: text => err.push(text), ...flags});
	return {code, out: out.join(''), err: err.join('')};
}

const PRICING = {pricing: {'ds,chat': {input: 0.27, output: 1.1}, 'gb,pro': {input: 1.25, output: 10, cacheRead: 0.31}}};

describe('ccr-tui usage', () => {
	it('--json by model: counts, errors, tokens, nearest-rank p50/p95 and the cost from the pricing table', async () => {
		const {code, out} = await run(setup(PRICING), {days: 7, by: 'model', json: true});
		expect(code).toBe(0);
		const result = JSON.parse(out);
		expect(result.priced).toBe(true);
		expect(result.rows.map((row: {key: string}) => row.key)).toEqual(['ds,chat', 'gb,pro']);
		const [ds, gb] = result.rows;
		expect(ds).toMatchObject({requests: 10, errors: 1, input: 9000, output: 900, ttftP50: 500, ttftP95: 1000, durationP50: 5000, durationP95: 10_000, unpriced: 0});
		// 9000 × 0.27 + 900 × 1.1 per million.
		expect(ds.cost).toBeCloseTo((9000 * 0.27 + 900 * 1.1) / 1e6, 12);
		// 2,000,010 input × 1.25 + 10,010 output × 10 + 1,000,000 cache read × 0.31.
		expect(gb).toMatchObject({requests: 2, errors: 0, ttftP50: 50, ttftP95: 50, durationP50: 300, durationP95: 500});
		expect(gb.cost).toBeCloseTo((2_000_010 * 1.25 + 10_010 * 10 + 1_000_000 * 0.31) / 1e6, 9);
		expect(result.total).toMatchObject({requests: 12, errors: 1});
	});

	it('--days 1 keeps only the last day; --by route and --by session group on those fields', async () => {
		const configPath = setup();
		const byRoute = JSON.parse((await run(configPath, {days: 1, by: 'route', json: true})).out);
		expect(byRoute.rows.map((row: {key: string; requests: number}) => [row.key, row.requests])).toEqual([
			['default', 10],
			['longContext', 1],
		]);
		const bySession = JSON.parse((await run(configPath, {days: 7, by: 'session', json: true})).out);
		expect(bySession.rows.map((row: {key: string; requests: number}) => [row.key, row.requests])).toEqual([
			['s1', 10],
			['(none)', 1],
			['s2', 1],
		]);
		expect(bySession.priced).toBe(false);
		expect(bySession.rows[0]).not.toHaveProperty('cost');
	});

	it('the table has a cost column only with pricing, and says which requests had no price', async () => {
		const priced = await run(setup({pricing: {'ds,chat': {input: 0.27, output: 1.1}}}), {days: 7});
		expect(priced.out).toContain('est. cost');
		expect(priced.out).toMatch(/ds,chat\s+10\s+1 \(10%\)\s+9k\s+900\s+0\/0\s+500 ms\/1\.0 s\s+5\.0 s\/10 s\s+\$0\.0034$/m);
		expect(priced.out).toMatch(/gb,pro .* —$/m);
		expect(priced.out).toContain('+ 2 requests have no price in "pricing"');
		const plain = await run(setup(), {days: 7});
		expect(plain.out).not.toContain('cost  ');
		expect(plain.out).not.toContain('$');
		expect(plain.out).toContain('No cost column: add a "pricing" table');
	});

	it('--by day lists days in order (local calendar days)', async () => {
		const result = JSON.parse((await run(setup(), {days: 7, by: 'day', json: true})).out);
		expect(result.rows).toHaveLength(2);
		expect(result.rows[0].key < result.rows[1].key).toBe(true);
		expect(result.rows.map((row: {requests: number}) => row.requests)).toEqual([1, 11]);
	});

	it('a torn or foreign line is skipped with one warning on stderr', async () => {
		const {code, out, err} = await run(setup({}, ['{"v":1,"at":1', 'hello world']), {days: 7, json: true});
		expect(code).toBe(0);
		expect(JSON.parse(out).total.requests).toBe(12);
		expect(err.trim().split('\n')).toHaveLength(1);
		expect(err).toMatch(/warning: skipped 4 unreadable lines in 2 files/);
	});

	it('no history yet: a short explanation, exit 0; bad flags: exit 2', async () => {
		const configPath = path.join(tempDir(), 'config.json');
		const empty = await run(configPath, {});
		expect(empty.code).toBe(0);
		expect(empty.out).toMatch(/^No requests in the last 7 days/);
		expect((await run(configPath, {days: '0'})).code).toBe(2);
		expect((await run(configPath, {by: 'colour'})).err).toContain('--by must be one of route, model, provider, day, session');
	});

	it('an invalid pricing entry is a config error, not a silent zero', async () => {
		const {code, err} = await run(setup({pricing: {'ds,chat': {input: 'cheap', output: 1}}}), {});
		expect(code).toBe(1);
		expect(err).toContain('pricing');
	});
});

describe('percentile and summary edge cases', () => {
	it('nearest rank', () => {
		expect(percentile([], 0.5)).toBeUndefined();
		expect(percentile([7], 0.95)).toBe(7);
		expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
		expect(
			percentile(
				Array.from({length: 100}, (_, index) => index + 1),
				0.95,
			),
		).toBe(95);
	});

	it('a request without a ttft does not count toward TTFT percentiles', () => {
		const summary = summarizeUsage([record({ttftMs: undefined}), record({ttftMs: 40})], {by: 'model'});
		expect(summary.total).toMatchObject({ttftP50: 40, ttftP95: 40, requests: 2});
	});
});
