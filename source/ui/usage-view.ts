/**
 * What the Usage screen shows, computed from history records (pure): totals for today and the last
 * 7 days, requests per day, and per model and per route the counts, errors, TTFT and a daily series.
 */
import type {UsageRecord} from '../activity/usage/record.js';
import {costOf, localDay, percentile, targetOf, type PricingTable} from '../activity/usage/summary.js';

export const USAGE_DAYS = 7;

export type UsageTotals = {readonly requests: number; readonly errors: number; readonly input: number; readonly output: number; readonly cost?: number};

export type UsageLine = {
	readonly key: string;
	readonly today: number;
	readonly week: number;
	readonly errors: number;
	readonly errorsToday: number;
	readonly ttftP50?: number;
	/** Requests per day, oldest first (USAGE_DAYS values). */
	readonly perDay: readonly number[];
};

export type UsageView = {
	/** Local days, oldest first (USAGE_DAYS). */
	readonly days: readonly string[];
	readonly today: UsageTotals;
	readonly week: UsageTotals;
	readonly perDay: ReadonlyArray<{readonly requests: number; readonly errors: number}>;
	readonly byModel: readonly UsageLine[];
	readonly byRoute: readonly UsageLine[];
	readonly priced: boolean;
};

const isError = (record: UsageRecord): boolean => record.error !== undefined || record.status >= 400;

/** The local days of the window ending today, oldest first. */
export function windowDays(now: number, days = USAGE_DAYS): string[] {
	const today = new Date(now);
	return Array.from({length: days}, (_, index) => localDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1 - index), 12).getTime()));
}

export function buildUsageView(records: readonly UsageRecord[], now: number, pricing?: PricingTable): UsageView {
	const days = windowDays(now);
	const dayIndex = new Map(days.map((day, index) => [day, index]));
	const inWindow = records.flatMap(record => {
		const index = dayIndex.get(localDay(record.at));
		return index === undefined ? [] : [{record, index}];
	});
	const last = days.length - 1;
	const totals = (items: typeof inWindow): UsageTotals => {
		let cost: number | undefined;
		for (const {record} of items) {
			const price = costOf(record, pricing);
			if (price !== undefined) cost = (cost ?? 0) + price;
		}

		return {
			requests: items.length,
			errors: items.filter(item => isError(item.record)).length,
			input: items.reduce((sum, item) => sum + item.record.input + item.record.cacheRead + item.record.cacheWrite, 0),
			output: items.reduce((sum, item) => sum + item.record.output, 0),
			...(cost === undefined ? {} : {cost}),
		};
	};

	const perDay = days.map((_, index) => {
		const items = inWindow.filter(item => item.index === index);
		return {requests: items.length, errors: items.filter(item => isError(item.record)).length};
	});
	return {
		days,
		today: totals(inWindow.filter(item => item.index === last)),
		week: totals(inWindow),
		perDay,
		byModel: lines(inWindow, item => targetOf(item.record), days.length),
		byRoute: lines(inWindow, item => String(item.record.route), days.length),
		priced: pricing !== undefined && Object.keys(pricing).length > 0,
	};
}

function lines(items: ReadonlyArray<{record: UsageRecord; index: number}>, keyOf: (item: {record: UsageRecord; index: number}) => string, dayCount: number): UsageLine[] {
	const groups = new Map<string, Array<{record: UsageRecord; index: number}>>();
	for (const item of items) {
		const key = keyOf(item);
		const group = groups.get(key);
		if (group) group.push(item);
		else groups.set(key, [item]);
	}

	const last = dayCount - 1;
	return [...groups]
		.map(([key, group]) => {
			const perDay = Array.from({length: dayCount}, () => 0);
			for (const item of group) perDay[item.index]!++;
			const ttft = Float64Array.from(group.flatMap(item => (item.record.ttftMs === undefined ? [] : [item.record.ttftMs]))).sort();
			return {
				key,
				today: perDay[last]!,
				week: group.length,
				errors: group.filter(item => isError(item.record)).length,
				errorsToday: group.filter(item => item.index === last && isError(item.record)).length,
				ttftP50: percentile(ttft, 0.5),
				perDay,
			};
		})
		.sort((a, b) => b.week - a.week || (a.key < b.key ? -1 : 1));
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest; a zero day is a space-like low bar. */
export function sparkline(values: readonly number[]): string {
	const max = Math.max(0, ...values);
	return values
		.map(value => (max === 0 || value === 0 ? ' ' : SPARKS[Math.min(SPARKS.length - 1, Math.floor((value / max) * (SPARKS.length - 1)))]))
		.join('')
		.replaceAll(' ', '·');
}

/** A horizontal bar `width` cells long at most, proportional to value/max (at least one cell when non-zero). */
export function bar(value: number, max: number, width: number): string {
	if (value <= 0 || max <= 0 || width <= 0) return '';
	return '█'.repeat(Math.max(1, Math.round((value / max) * width)));
}
