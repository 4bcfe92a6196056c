import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {sanitizeTerminalText} from '../../activity/sanitize.js';
import {formatCount, formatDuration} from '../../text/format.js';
import {useTheme} from '../theme.js';
import {bar, sparkline, USAGE_DAYS, type UsageLine, type UsageTotals, type UsageView} from '../usage-view.js';

export type UsageScreenProps = {
	/** Undefined while the history is read for the first time. */
	readonly view?: UsageView;
	/** Why there is no view (no history available, or a read error). */
	readonly unavailable?: string;
	/** One warning about skipped lines, if any. */
	readonly warning?: string;
	readonly width: number;
	readonly height: number;
};

type Column = {readonly title: string; readonly width: number; readonly cell: (line: UsageLine, max: number) => string; readonly tone?: (line: UsageLine) => 'error' | undefined};

/**
 * Columns by inner width: all of them from 80, the daily trend from 50, only counts below that
 * (the key column takes what is left, truncated).
 */
function columnsFor(inner: number): Column[] {
	const counts: Column[] = [
		{title: '7 days', width: 7, cell: line => String(line.week)},
		{title: 'errors', width: 7, cell: line => (line.errors > 0 ? `✗${line.errors}` : '0'), tone: line => (line.errors > 0 ? 'error' : undefined)},
	];
	if (inner < 50) return counts;
	const today: Column = {title: 'today', width: 6, cell: line => String(line.today)};
	const trend: Column = {title: 'per day', width: USAGE_DAYS + 2, cell: line => sparkline(line.perDay)};
	if (inner < 80) return [today, ...counts, trend];
	const ttft: Column = {title: 'TTFT p50', width: 9, cell: line => formatDuration(line.ttftP50)};
	const share: Column = {title: 'share', width: 16, cell: (line, max) => bar(line.week, max, 15)};
	return [today, ...counts, ttft, trend, share];
}

/** Today and the last 7 days per model and per route, with daily sparklines and share bars. */
export function UsageScreen({view, unavailable, warning, width, height}: UsageScreenProps): ReactNode {
	const theme = useTheme();
	const inner = Math.max(10, width - 4);
	const frame = (children: ReactNode): ReactNode => (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.borderFocus} paddingX={1} overflow="hidden">
			<Text bold>{`Usage · today and the last ${USAGE_DAYS} days`}</Text>
			{children}
		</Box>
	);
	if (unavailable) return frame(<Text color={theme.muted}>{unavailable}</Text>);
	if (!view) return frame(<Text color={theme.muted}>Reading the usage history…</Text>);
	if (view.week.requests === 0) {
		return frame(
			<Text
				color={theme.muted}
			>{`No requests recorded in the last ${USAGE_DAYS} days yet. Every finished request is recorded while ccr-tui runs; \`ccr-tui usage\` summarises up to 30 days.`}</Text>,
		);
	}

	const columns = columnsFor(inner);
	// Border, title, two totals, per-day line, a blank, two section titles: what is left is for rows.
	const rowsLeft = Math.max(2, height - 2 - 1 - 3 - 1 - 2 - (warning ? 1 : 0));
	const modelRows = Math.max(1, Math.min(view.byModel.length, Math.ceil(rowsLeft / 2)));
	const routeRows = Math.max(1, Math.min(view.byRoute.length, rowsLeft - modelRows));
	return frame(
		<>
			<TotalsLine label="Today" totals={view.today} priced={view.priced} inner={inner} />
			<TotalsLine label={`${USAGE_DAYS} days`} totals={view.week} priced={view.priced} inner={inner} />
			<Box height={1}>
				<Text color={theme.muted}>{'Per day  '}</Text>
				<Text color={theme.accent}>{sparkline(view.perDay.map(day => day.requests))}</Text>
				{view.perDay.some(day => day.errors > 0) ? <Text color={theme.error}>{`  errors ${sparkline(view.perDay.map(day => day.errors))}`}</Text> : null}
				{inner >= 50 ? <Text color={theme.muted}>{`  ${view.days[0]?.slice(5)} → ${view.days.at(-1)?.slice(5)}`}</Text> : null}
			</Box>
			{warning ? (
				<Text color={theme.warn} wrap="truncate-end">
					{`⚠ ${warning}`}
				</Text>
			) : null}
			<Section title="By model" lines={view.byModel.slice(0, modelRows)} columns={columns} inner={inner} />
			<Section title="By route" lines={view.byRoute.slice(0, routeRows)} columns={columns} inner={inner} />
		</>,
	);
}

function TotalsLine({label, totals, priced, inner}: {readonly label: string; readonly totals: UsageTotals; readonly priced: boolean; readonly inner: number}): ReactNode {
	const theme = useTheme();
	const cost = priced && totals.cost !== undefined ? ` · ~$${totals.cost.toFixed(totals.cost >= 1 ? 2 : 4)}` : '';
	return (
		<Box height={1}>
			<Box width={9} flexShrink={0}>
				<Text color={theme.muted}>{label}</Text>
			</Box>
			<Text>{`${totals.requests} req · `}</Text>
			<Text color={totals.errors > 0 ? theme.error : undefined} bold={totals.errors > 0}>{`${totals.errors > 0 ? '✗ ' : ''}${totals.errors} err`}</Text>
			<Text wrap="truncate-end">{inner >= 40 ? ` · ↑${formatCount(totals.input)} ↓${formatCount(totals.output)}${cost}` : ''}</Text>
		</Box>
	);
}

function Section({
	title,
	lines,
	columns,
	inner,
}: {
	readonly title: string;
	readonly lines: readonly UsageLine[];
	readonly columns: readonly Column[];
	readonly inner: number;
}): ReactNode {
	const theme = useTheme();
	const keyWidth = Math.max(6, inner - columns.reduce((sum, column) => sum + column.width, 0));
	const max = Math.max(0, ...lines.map(line => line.week));
	return (
		<Box flexDirection="column" marginTop={title === 'By model' ? 1 : 0} flexShrink={0}>
			<Box height={1}>
				<Box width={keyWidth} flexShrink={0}>
					<Text bold>{title}</Text>
				</Box>
				{columns.map(column => (
					<Box key={column.title} width={column.width} flexShrink={0} justifyContent={column.title === 'per day' || column.title === 'share' ? 'flex-start' : 'flex-end'}>
						<Text color={theme.muted}>{column.title === 'per day' || column.title === 'share' ? ` ${column.title}` : column.title}</Text>
					</Box>
				))}
			</Box>
			{lines.map(line => (
				<Box key={line.key} height={1}>
					<Box width={keyWidth} flexShrink={0}>
						<Text wrap="truncate-end">{sanitizeTerminalText(line.key)}</Text>
					</Box>
					{columns.map(column => {
						const left = column.title === 'per day' || column.title === 'share';
						return (
							<Box key={column.title} width={column.width} flexShrink={0} justifyContent={left ? 'flex-start' : 'flex-end'}>
								<Text color={column.tone?.(line) === 'error' ? theme.error : left ? theme.accent : undefined}>{left ? ` ${column.cell(line, max)}` : column.cell(line, max)}</Text>
							</Box>
						);
					})}
				</Box>
			))}
		</Box>
	);
}
