import type {UsageRecord} from './record.js';

export const GROUP_BY = ['route', 'model', 'provider', 'day', 'session'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** US dollars per million tokens, from the config's `pricing` table (the user's prices, never ours). */
type Price = {readonly input: number; readonly output: number; readonly cacheRead?: number; readonly cacheWrite?: number};
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
export function summarizeUsage(records: Iterable<UsageRecord>, options: {by: GroupBy; pricing?: PricingTable}): UsageSummary {
	const summary = usageAccumulator(options);
	for (const record of records) summary.add(record);
	return summary.result();
}

/**
 * The summary built one record at a time, so `ccr-tui usage` never keeps 100,000 parsed records
 * alive: per group only counters and two number lists (for the percentiles).
 */
export function usageAccumulator(options: {by: GroupBy; pricing?: PricingTable}): {add(record: UsageRecord): void; result(): UsageSummary} {
	const keyOf = KEY_OF[options.by];
	const groups = new Map<string, Group>();
	const total = newGroup();
	return {
		add(record) {
			const key = keyOf(record);
			let group = groups.get(key);
			if (!group) {
				group = newGroup();
				groups.set(key, group);
			}

			addTo(group, record, options.pricing);
			addTo(total, record, options.pricing);
		},
		result() {
			const rows = [...groups].map(([key, group]) => finish(key, group));
			rows.sort(options.by === 'day' ? (a, b) => (a.key < b.key ? -1 : 1) : (a, b) => b.requests - a.requests || (a.key < b.key ? -1 : 1));
			const priced = options.pricing !== undefined && Object.keys(options.pricing).length > 0;
			return {by: options.by, rows, total: finish('total', total), priced};
		},
	};
}

type Group = {
	requests: number;
	errors: number;
	input: number;
	output: number;
	cacheRead: number;
	cacheWrite: number;
	cost?: number;
	unpriced: number;
	ttft: number[];
	durations: number[];
};

function newGroup(): Group {
	return {requests: 0, errors: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, unpriced: 0, ttft: [], durations: []};
}

function addTo(group: Group, record: UsageRecord, pricing: PricingTable | undefined): void {
	group.requests++;
	if (record.error !== undefined || record.status >= 400) group.errors++;
	group.input += record.input;
	group.output += record.output;
	group.cacheRead += record.cacheRead ?? 0;
	group.cacheWrite += record.cacheWrite ?? 0;
	if (record.ttftMs !== undefined) group.ttft.push(record.ttftMs);
	group.durations.push(record.durationMs);
	const price = costOf(record, pricing);
	if (price === undefined) group.unpriced++;
	else group.cost = (group.cost ?? 0) + price;
}

function finish(key: string, group: Group): UsageRow {
	const ttft = Float64Array.from(group.ttft).sort();
	const durations = Float64Array.from(group.durations).sort();
	return {
		key,
		requests: group.requests,
		errors: group.errors,
		input: group.input,
		output: group.output,
		cacheRead: group.cacheRead,
		cacheWrite: group.cacheWrite,
		ttftP50: percentile(ttft, 0.5),
		ttftP95: percentile(ttft, 0.95),
		durationP50: percentile(durations, 0.5),
		durationP95: percentile(durations, 0.95),
		...(group.cost === undefined ? {} : {cost: group.cost}),
		unpriced: group.unpriced,
	};
}

/** Nearest-rank percentile of sorted values; undefined for none. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number | undefined {
	if (sorted.length === 0) return undefined;
	const rank = Math.ceil(fraction * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
