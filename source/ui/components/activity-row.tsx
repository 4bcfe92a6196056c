import {memo, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {RequestRecord} from '../../activity/store.js';
import {formatCount, formatDuration} from '../../text/format.js';
import {rowTarget, shortId} from '../format.js';
import {ACTIVITY_TARGET_GAP, ACTIVITY_WIDTH as WIDTH, type ActivityColumns} from '../layout.js';
import {useNow} from '../hooks/use-clock.js';
import {GLYPHS, glyphForTone, recordTone, spinnerFrame, toneColor, useTheme} from '../theme.js';

function tailWidth(columns: ActivityColumns): number {
	return (columns.ttft ? WIDTH.ttft : 0) + (columns.input ? WIDTH.input : 0) + WIDTH.output + (columns.stop ? WIDTH.stop : 0);
}

type RowProps = {
	readonly record: RequestRecord;
	readonly selected: boolean;
	readonly columns: ActivityColumns;
};

/** The column titles, aligned with the rows. */
export function ActivityHeaderRow({columns}: {readonly columns: ActivityColumns}): ReactNode {
	const theme = useTheme();
	return (
		<Box height={1} flexShrink={0}>
			<Box width={WIDTH.pointer} flexShrink={0} />
			<Cells
				columns={columns}
				textColor={theme.muted}
				dim={!theme.color}
				status="status"
				id="id"
				scenario="route"
				target="provider,model"
				time="time"
				ttft="ttft"
				input="in"
				output="out"
				stop="stop"
			/>
		</Box>
	);
}

/** A finished request. Memoised: records are immutable, so a finished row renders once. */
export const FinishedRow = memo(function FinishedRow({record, selected, columns}: RowProps): ReactNode {
	const theme = useTheme();
	const tone = recordTone(record);
	const color = toneColor(theme, tone);
	const status = `${glyphForTone(tone)} ${record.status ? String(record.status) : 'ERR'}`;
	const usage = record.usage;
	const common = {
		bold: selected,
		columns,
		status,
		statusColor: color,
		id: shortId(record.id),
		scenario: record.scenario,
		target: rowTarget(record),
		time: formatDuration(record.durationMs),
	};
	return (
		<RowFrame selected={selected}>
			{record.state === 'error' ? (
				<Cells {...common} message={record.errorMessage || record.errorType || 'failed'} messageColor={color} />
			) : (
				<Cells
					{...common}
					ttft={record.stream ? formatDuration(record.ttftMs) : '—'}
					input={formatCount(usage?.inputTokens ?? record.inputTokens)}
					output={formatCount(usage?.outputTokens ?? record.outputTokens)}
					stop={record.stopReason ?? '—'}
				/>
			)}
		</RowFrame>
	);
});

/** A request in flight: spinner, elapsed time, TTFT once known, output tokens as they grow. */
export function LiveRow({record, selected, columns}: RowProps): ReactNode {
	const theme = useTheme();
	const tick = useNow();
	// The tick decides when to redraw; the elapsed time is read now, so it never lags behind the TTFT.
	const now = Math.max(tick, Date.now());
	return (
		<RowFrame selected={selected}>
			<Cells
				bold={selected}
				columns={columns}
				status={`${spinnerFrame(tick)} live`}
				statusColor={theme.live}
				id={shortId(record.id)}
				scenario={record.scenario}
				target={rowTarget(record)}
				time={formatDuration(Math.max(0, now - record.startedAt))}
				ttft={record.ttftMs === undefined ? '…' : formatDuration(record.ttftMs)}
				input={formatCount(record.inputTokens)}
				output={formatCount(record.outputTokens)}
				stop="…"
			/>
		</RowFrame>
	);
}

function RowFrame({selected, children}: {readonly selected: boolean; readonly children: ReactNode}): ReactNode {
	const theme = useTheme();
	return (
		<Box height={1} flexShrink={0}>
			<Box width={WIDTH.pointer} flexShrink={0}>
				<Text color={theme.accent}>{selected ? GLYPHS.pointer : ' '}</Text>
			</Box>
			{children}
		</Box>
	);
}

type CellsProps = {
	readonly columns: ActivityColumns;
	readonly bold?: boolean;
	readonly textColor?: string;
	readonly dim?: boolean;
	readonly status: string;
	readonly statusColor?: string;
	readonly id: string;
	readonly scenario: string;
	readonly target: string;
	readonly time: string;
	readonly ttft?: string;
	readonly input?: string;
	readonly output?: string;
	readonly stop?: string;
	/** Replaces ttft/in/out/stop (error rows). */
	readonly message?: string;
	readonly messageColor?: string;
};

/** One row's cells. Fixed widths, `provider,model` flexes, everything truncates instead of wrapping. */
function Cells(props: CellsProps): ReactNode {
	const {columns} = props;
	const style: CellStyle = {bold: props.bold, color: props.textColor, dim: props.dim};
	return (
		<Box height={1} flexGrow={1} flexShrink={1}>
			<Cell width={WIDTH.status} style={{...style, color: props.statusColor ?? style.color}}>
				{props.status}
			</Cell>
			{columns.id ? (
				<Cell width={WIDTH.id} style={style}>
					{props.id}
				</Cell>
			) : null}
			{columns.scenario ? (
				<Cell width={WIDTH.scenario} style={style}>
					{props.scenario}
				</Cell>
			) : null}
			<Box flexGrow={1} flexShrink={1} flexBasis={0} marginRight={ACTIVITY_TARGET_GAP}>
				<Text bold={style.bold} color={style.color} dimColor={style.dim} wrap="truncate-middle">
					{props.target}
				</Text>
			</Box>
			<Cell right width={WIDTH.time} style={style}>
				{props.time}
			</Cell>
			{props.message === undefined ? (
				<>
					{columns.ttft ? (
						<Cell right width={WIDTH.ttft} style={style}>
							{props.ttft ?? ''}
						</Cell>
					) : null}
					{columns.input ? (
						<Cell right width={WIDTH.input} style={style}>
							{props.input ?? ''}
						</Cell>
					) : null}
					<Cell right width={WIDTH.output} style={style}>
						{props.output ?? ''}
					</Cell>
					{columns.stop ? (
						<Box width={WIDTH.stop} flexShrink={0} paddingLeft={2}>
							<Text bold={style.bold} color={style.color} dimColor={style.dim} wrap="truncate-end">
								{props.stop ?? ''}
							</Text>
						</Box>
					) : null}
				</>
			) : (
				<Box width={tailWidth(columns)} flexShrink={0} paddingLeft={2}>
					<Text bold={style.bold} color={props.messageColor} wrap="truncate-end">
						{props.message}
					</Text>
				</Box>
			)}
		</Box>
	);
}

type CellStyle = {readonly bold?: boolean; readonly color?: string; readonly dim?: boolean};

function Cell({width, right, style, children}: {readonly width: number; readonly right?: boolean; readonly style: CellStyle; readonly children: string}): ReactNode {
	return (
		<Box width={width} flexShrink={0} justifyContent={right ? 'flex-end' : 'flex-start'} paddingRight={right ? 0 : 1}>
			<Text bold={style.bold} color={style.color} dimColor={style.dim} wrap="truncate-end">
				{children}
			</Text>
		</Box>
	);
}
