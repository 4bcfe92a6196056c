import {useMemo, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {RequestRecord} from '../../activity/store.js';
import {sessionTag} from '../format.js';
import {activityColumns, scrollStart} from '../layout.js';
import {useTheme} from '../theme.js';
import {ActivityHeaderRow, FinishedRow, LiveRow} from './activity-row.js';
import {Panel} from './panel.js';

export type ActivityPanelProps = {
	/** In-flight first, then finished; newest first in each. */
	readonly rows: readonly RequestRecord[];
	readonly inFlight: number;
	readonly selectedIndex: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	readonly number: number;
	readonly listenUrl?: string;
	/** How to point Claude Code here (see claude-hint.ts). */
	readonly hint?: string;
	/** Set when the rows are one Claude Code session's only. */
	readonly session?: string;
};

/** Frame lines (title + bottom border) and the column-title row. */
const CHROME_LINES = 3;
/** Border and padding on both sides. */
const CHROME_COLUMNS = 4;

/** Live and recent requests, newest first; only the visible window is rendered. */
export function ActivityPanel({rows, inFlight, selectedIndex, focused, width, height, number, listenUrl, hint, session}: ActivityPanelProps): ReactNode {
	const theme = useTheme();
	// One object per width, so memoised finished rows see equal props.
	const columns = useMemo(() => activityColumns(width - CHROME_COLUMNS), [width]);
	const visible = Math.max(0, height - CHROME_LINES);
	const start = scrollStart(selectedIndex, rows.length, visible);
	const windowRows = rows.slice(start, start + visible);
	const counts =
		rows.length > 0 ? `${inFlight} live · ${rows.length - inFlight} done${rows.length > visible ? ` · ${start + 1}-${start + windowRows.length}/${rows.length}` : ''}` : undefined;
	const note = session === undefined ? counts : [`session ${sessionTag(session)}`, counts].filter(Boolean).join(' · ');
	return (
		<Panel title={`${number} Activity`} note={note} focused={focused} width={width} height={height}>
			{rows.length === 0 ? (
				<Box flexDirection="column">
					<Text color={theme.muted} wrap="truncate-end">
						No requests yet.
					</Text>
					{/* Wrapped, not truncated: a cut command would not work as written. */}
					<Text color={theme.muted} wrap="wrap">
						{`Point Claude Code here: ${hint ?? `ANTHROPIC_BASE_URL=${listenUrl ?? 'http://127.0.0.1:3456'} claude  (or: ccr-tui code)`}`}
					</Text>
				</Box>
			) : (
				<>
					<ActivityHeaderRow columns={columns} />
					{windowRows.map((record, index) => {
						const selected = focused && start + index === selectedIndex;
						return record.state === 'in-flight' ? (
							<LiveRow key={record.id} record={record} selected={selected} columns={columns} />
						) : (
							<FinishedRow key={record.id} record={record} selected={selected} columns={columns} />
						);
					})}
				</>
			)}
		</Panel>
	);
}
