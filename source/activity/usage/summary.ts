import type {UsageRecord} from './record.js';

export const GROUP_BY = ['route', 'model', 'provider', 'day', 'session'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** US dollars per million tokens, from the config's `pricing` table (the user's prices, never ours). */
export type Price = {readonly input: number; readonly output: number; readonly cacheRead?: number; readonly cacheWrite?: number};
export type PricingTable = Readonly<Record<string, Price>>;

export type UsageRow = {
	readonly key: string;
	readonly requests: number;
	readonly errors: number;
	readonly input: number;
	readonly output: number;
	readonly cacheRead: number;
	readonly cacheWrite: number;
	readonly ttftP50?: number;
	readonly ttftP95?: number;
	readonly durationP50?: number;
	readonly durationP95?: number;
	/** Estimated US dollars for the priced requests; undefined when none of them has a price. */
	readonly cost?: number;
	/** Requests whose `provider,model` has no entry in `pricing`. */
	readonly unpriced: number;
};

export type UsageSummary = {
	readonly by: GroupBy;
	readonly rows: readonly UsageRow[];
	readonly total: UsageRow;
	/** False without a `pricing` table: no cost column at all. */
	readonly priced: boolean;
};

/** `provider,model`, the key of `pricing` and of the `model` grouping. */
export function targetOf(record: Pick<UsageRecord, 'provider' | 'model'>): string {
	return `${record.provider},${record.model}`;
}

/** Local calendar day `2026-12-02` (what "today" means to the user). */
export function localDay(at: number): string {
	const date = new Date(at);
	return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

const KEY_OF: Readonly<Record<GroupBy, (record: UsageRecord) => string>> = {
	route: record => String(record.route),
	model: targetOf,
	provider: record => record.provider,
	day: record => localDay(record.at),
	session: record => record.session ?? '(none)',
};

/** Estimated cost of one request, or undefined when its target has no price. */
export function costOf(record: UsageRecord, pricing: PricingTable | undefined): number | undefined {
	const price = pricing?.[targetOf(record)];
	if (!price) return undefined;
	// A provider that lists no cache price bills cached tokens as ordinary input.
	const micro =
		record.input * price.input + record.output * price.output + record.cacheRead * (price.cacheRead ?? price.input) + record.cacheWrite * (price.cacheWrite ?? price.input);
	return micro / 1_000_000;
}

/** Requests, errors, tokens, p50/p95 TTFT and duration and cost per group; busiest first (days in order). */
export function summarizeUsage(records: readonly UsageRecord[], options: {by: GroupBy; pricing?: PricingTable}): UsageSummary {
	const keyOf = KEY_OF[options.by];
	const groups = new Map<string, UsageRecord[]>();
	for (const record of records) {
		const key = keyOf(record);
		const group = groups.get(key);
		if (group) group.push(record);
		else groups.set(key, [record]);
	}

	const rows = [...groups].map(([key, group]) => summarizeGroup(key, group, options.pricing));
	rows.sort(options.by === 'day' ? (a, b) => (a.key < b.key ? -1 : 1) : (a, b) => b.requests - a.requests || (a.key < b.key ? -1 : 1));
	const priced = options.pricing !== undefined && Object.keys(options.pricing).length > 0;
	return {by: options.by, rows, total: summarizeGroup('total', records, options.pricing), priced};
}

function summarizeGroup(key: string, records: readonly UsageRecord[], pricing: PricingTable | undefined): UsageRow {
	let errors = 0;
	let input = 0;
	let output = 0;
	let cacheRead = 0;
	let cacheWrite = 0;
	let cost: number | undefined;
	let unpriced = 0;
	const ttft: number[] = [];
	const durations = new Float64Array(records.length);
	for (const [index, record] of records.entries()) {
		if (record.error !== undefined || record.status >= 400) errors++;
		input += record.input;
		output += record.output;
		cacheRead += record.cacheRead ?? 0;
		cacheWrite += record.cacheWrite ?? 0;
		if (record.ttftMs !== undefined) ttft.push(record.ttftMs);
		durations[index] = record.durationMs;
		const price = costOf(record, pricing);
		if (price === undefined) unpriced++;
		else cost = (cost ?? 0) + price;
	}

	durations.sort();
	const ttftSorted = Float64Array.from(ttft).sort();
	return {
		key,
		requests: records.length,
		errors,
		input,
		output,
		cacheRead,
		cacheWrite,
		ttftP50: percentile(ttftSorted, 0.5),
		ttftP95: percentile(ttftSorted, 0.95),
		durationP50: percentile(durations, 0.5),
		durationP95: percentile(durations, 0.95),
		...(cost === undefined ? {} : {cost}),
		unpriced,
	};
}

/** Nearest-rank percentile of sorted values; undefined for none. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number | undefined {
	if (sorted.length === 0) return undefined;
	const rank = Math.ceil(fraction * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
