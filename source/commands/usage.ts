/**
 * `ccr-tui usage [--days N] [--by route|model|provider|day|session] [--json]`: what the usage
 * history beside the config says about the last N days. Cost only with a `pricing` table in the
 * config (the user's prices; ccr-tui has none of its own).
 */
import {usageDir} from '../activity/usage/files.js';
import {skippedLinesWarning, visitUsageHistory} from '../activity/usage/read-history.js';
import {GROUP_BY, usageAccumulator, type GroupBy, type PricingTable, type UsageRow, type UsageSummary} from '../activity/usage/summary.js';
import {formatCount, formatDuration} from '../text/format.js';
import {readConfig} from './read-config.js';

export type UsageOptions = {
	config?: string;
	days?: string | number;
	by?: string;
	json?: boolean;
	env?: NodeJS.ProcessEnv;
	stdout?: (text: string) => void;
	stderr?: (text: string) => void;
	/** @default Date.now */
	now?: () => number;
};

const DEFAULT_USAGE_DAYS = 7;
const DAY_MS = 86_400_000;

export async function runUsage(options: UsageOptions = {}): Promise<number> {
	const out = options.stdout ?? (text => process.stdout.write(text));
	const err = options.stderr ?? (text => process.stderr.write(text));
	const days = Number(options.days ?? DEFAULT_USAGE_DAYS);
	if (!Number.isInteger(days) || days < 1) {
		err('ccr-tui usage: --days must be a whole number of days, 1 or more\n');
		return 2;
	}

	const by = (options.by ?? 'model') as GroupBy;
	if (!GROUP_BY.includes(by)) {
		err(`ccr-tui usage: --by must be one of ${GROUP_BY.join(', ')}\n`);
		return 2;
	}

	const read = readConfig(options.config, options.env ?? process.env);
	if (!read.ok) {
		err(`ccr-tui usage: ${read.issue.message}\n`);
		return 1;
	}

	const now = (options.now ?? Date.now)();
	const since = now - days * DAY_MS;
	const dir = usageDir(read.path);
	const accumulator = usageAccumulator({by, pricing: read.config.pricing as PricingTable | undefined});
	const history = visitUsageHistory(dir, since, record => accumulator.add(record));
	const warning = skippedLinesWarning(history);
	if (warning) err(`ccr-tui usage: warning: ${warning}\n`);
	const summary = accumulator.result();
	if (options.json) {
		out(`${JSON.stringify({days, since: new Date(since).toISOString(), dir, ...summary, skippedLines: history.skipped}, undefined, 2)}\n`);
		return 0;
	}

	if (summary.total.requests === 0) {
		out(`No requests in the last ${days} day${days === 1 ? '' : 's'} (history: ${dir}).\nRequests are recorded while ccr-tui runs (dashboard, start or code).\n`);
		return 0;
	}

	out(formatUsageTable(summary, `${days} day${days === 1 ? '' : 's'}`));
	return 0;
}

type Column = {readonly title: string; readonly value: (row: UsageRow) => string; readonly left?: boolean};

function columns(summary: UsageSummary): Column[] {
	const list: Column[] = [
		{title: summary.by, value: row => row.key, left: true},
		{title: 'requests', value: row => String(row.requests)},
		{title: 'errors', value: row => (row.errors === 0 ? '0' : `${row.errors} (${Math.round((100 * row.errors) / row.requests)}%)`)},
		{title: 'input', value: row => formatCount(row.input)},
		{title: 'output', value: row => formatCount(row.output)},
		{title: 'cache r/w', value: row => `${formatCount(row.cacheRead)}/${formatCount(row.cacheWrite)}`},
		{title: 'TTFT p50/p95', value: row => `${formatDuration(row.ttftP50)}/${formatDuration(row.ttftP95)}`},
		{title: 'time p50/p95', value: row => `${formatDuration(row.durationP50)}/${formatDuration(row.durationP95)}`},
	];
	if (summary.priced) list.push({title: 'est. cost', value: row => formatCost(row)});
	return list;
}

/** Dollars with enough digits to tell small sums apart; `—` when nothing in the row has a price. */
function formatCost(row: Pick<UsageRow, 'cost' | 'unpriced'>): string {
	if (row.cost === undefined) return '—';
	const text = row.cost >= 100 ? row.cost.toFixed(0) : row.cost >= 1 ? row.cost.toFixed(2) : row.cost.toFixed(4);
	return `$${text}${row.unpriced > 0 ? '+' : ''}`;
}

/** A plain aligned table; the total last; notes for unpriced requests. */
function formatUsageTable(summary: UsageSummary, span: string): string {
	const cols = columns(summary);
	const body = [...summary.rows, summary.total].map(row => cols.map(column => column.value(row)));
	const widths = cols.map((column, index) => Math.max(column.title.length, ...body.map(cells => cells[index]!.length)));
	const line = (cells: string[]): string =>
		cells
			.map((cell, index) => (cols[index]!.left ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
			.join('  ')
			.trimEnd();
	const rule = widths.map(width => '─'.repeat(width)).join('  ');
	const lines = [`Usage, last ${span}, by ${summary.by}`, '', line(cols.map(column => column.title)), rule, ...body.slice(0, -1).map(line), rule, line(body.at(-1)!)];
	if (summary.priced && summary.total.unpriced > 0) {
		lines.push('', `+ ${summary.total.unpriced} request${summary.total.unpriced === 1 ? ' has' : 's have'} no price in "pricing" (not counted in the cost)`);
	}

	if (!summary.priced) lines.push('', 'No cost column: add a "pricing" table to the config (USD per million tokens per "provider,model").');
	return `${lines.join('\n')}\n`;
}
