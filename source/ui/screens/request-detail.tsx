import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {RequestRecord} from '../../activity/store.js';
import {formatDuration} from '../../text/format.js';
import {useNow} from '../hooks/use-clock.js';
import {glyphForTone, recordTone, spinnerFrame, useTheme} from '../theme.js';

export type RequestDetailProps = {
	readonly requestId: string;
	readonly record?: RequestRecord;
	readonly width: number;
	readonly height: number;
};

const numberFormat = new Intl.NumberFormat('en-US');

/** One request in full: routing reason, upstream host, status, timings, usage, error. No secrets. */
// Over 60 lines: one screen’s layout, rows of facts.
export function RequestDetail({requestId, record, width, height}: RequestDetailProps): ReactNode {
	const theme = useTheme();
	const now = useNow();
	if (!record) {
		return (
			<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.borderFocus} paddingX={1}>
				<Text bold>{`Request ${requestId}`}</Text>
				<Text color={theme.muted}>This request has left the history (only the newest ones are kept).</Text>
			</Box>
		);
	}

	const live = record.state === 'in-flight';
	const tone = live ? 'live' : recordTone(record);
	const statusText = live
		? `${spinnerFrame(now)} in flight ${formatDuration(now - record.startedAt)}`
		: `${glyphForTone(tone)} ${record.status ?? 'ERR'} ${record.state === 'error' ? 'failed' : 'done'}`;
	const usage = record.usage;
	const rows: Array<readonly [string, string, string?]> = [
		['Route', `${record.scenario}: ${record.reason || '—'}`],
		['Asked for', record.requestedModel || '—'],
		['Sent to', `${record.provider},${record.model}`],
		['Upstream', `${record.upstreamHost || '—'} · ${record.stream ? 'streaming' : 'not streaming'}`],
		['Started', new Date(record.startedAt).toLocaleTimeString('en-GB')],
		['TTFT', record.ttftMs === undefined ? '—' : formatDuration(record.ttftMs)],
		['Duration', live ? `${formatDuration(now - record.startedAt)} so far` : formatDuration(record.durationMs)],
		[
			'Tokens',
			usage
				? `in ${numberFormat.format(usage.inputTokens)} · out ${numberFormat.format(usage.outputTokens)} · cache read ${numberFormat.format(usage.cacheReadTokens)} · cache write ${numberFormat.format(usage.cacheCreationTokens)}`
				: `in ~${numberFormat.format(record.inputTokens)} (estimate) · out ${numberFormat.format(record.outputTokens)}${live ? ' so far' : ''}`,
		],
		['Stop reason', record.stopReason ?? '—'],
	];
	if (record.state === 'error') rows.push(['Error', `${record.errorType ?? 'error'}: ${record.errorMessage ?? ''}`, 'error']);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.borderFocus} paddingX={1} overflow="hidden">
			<Box height={1}>
				<Box flexGrow={1} flexShrink={1}>
					<Text bold wrap="truncate-end">{`Request ${record.id}`}</Text>
				</Box>
				<Text bold color={theme[tone]}>
					{statusText}
				</Text>
			</Box>
			{rows.map(([label, value, kind]) => (
				<Box key={label} flexShrink={0}>
					<Box width={13} flexShrink={0}>
						<Text color={theme.muted}>{label}</Text>
					</Box>
					<Box flexGrow={1} flexShrink={1}>
						<Text color={kind === 'error' ? theme.error : undefined} wrap={kind === 'error' ? 'wrap' : 'truncate-end'}>
							{value}
						</Text>
					</Box>
				</Box>
			))}
			{record.attempts.length > 0 ? (
				<Box flexDirection="column" marginTop={1} flexShrink={0}>
					<Text color={theme.muted}>Attempts</Text>
					{record.attempts.map((attempt, index) => (
						// Attempts never reorder; the index is their identity.
						<Box key={`${index}-${attempt.provider}-${attempt.model}`} height={1} paddingLeft={2}>
							<Text wrap="truncate-end">
								{`${index + 1}. ${attempt.provider},${attempt.model}  ${attempt.outcome}  ${formatDuration(attempt.durationMs)}${attempt.keySuffix ? `  key ${attempt.keySuffix}` : ''}`}
							</Text>
						</Box>
					))}
				</Box>
			) : null}
		</Box>
	);
}
