import os from 'node:os';
import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {ConfigIssue} from '../../config/errors.js';
import type {Totals} from '../../activity/store.js';
import {formatCount, formatUptime} from '../../text/format.js';
import {tildePath} from '../format.js';
import {useNow} from '../hooks/use-clock.js';
import {GLYPHS, useTheme} from '../theme.js';

export type HeaderProps = {
	readonly listenUrl?: string;
	readonly apiKeySet: boolean;
	readonly configPath: string;
	readonly startedAt: number;
	readonly totals: Totals;
	readonly inFlight: number;
	readonly issue?: ConfigIssue;
};

/** Two lines (three with a config warning): where we listen, what config we serve, totals. */
export function Header({listenUrl, apiKeySet, configPath, startedAt, totals, inFlight, issue}: HeaderProps): ReactNode {
	const theme = useTheme();
	const now = useNow();
	return (
		<Box flexDirection="column" flexShrink={0}>
			<Box height={1}>
				<Box flexShrink={1}>
					<Text wrap="truncate-end">
						<Text bold color={theme.accent}>
							ccr-tui
						</Text>{' '}
						{listenUrl ? <Text color={theme.ok}>{`● ${listenUrl}`}</Text> : <Text color={theme.error}>{`${GLYPHS.error} proxy not running`}</Text>}
						<Text color={theme.muted}>{` · ${apiKeySet ? 'APIKEY required' : 'no APIKEY'} · up ${formatUptime(now - startedAt)}  `}</Text>
					</Text>
				</Box>
				<Box flexGrow={1} flexShrink={2} flexBasis={0} justifyContent="flex-end">
					<Text color={theme.muted} wrap="truncate-start">
						{tildePath(configPath, os.homedir())}
					</Text>
				</Box>
			</Box>
			<Box height={1}>
				<Text wrap="truncate-end">
					{`requests ${formatCount(totals.requests)} · in flight ${inFlight} · `}
					<Text color={totals.errors > 0 ? theme.error : undefined}>{`errors ${formatCount(totals.errors)}`}</Text>
					{` · tokens in ${formatCount(totals.inputTokens)} out ${formatCount(totals.outputTokens)}`}
				</Text>
			</Box>
			{issue ? (
				<Box height={1}>
					<Text color={theme.warn} wrap="truncate-end">
						{`${GLYPHS.warn} config invalid (still serving the last valid one): ${issue.key ? `${issue.key}: ` : ''}${issue.problem}`}
					</Text>
				</Box>
			) : null}
		</Box>
	);
}
