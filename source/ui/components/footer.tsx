import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {footerHints, type KeyContext} from '../keymap.js';
import {useTheme} from '../theme.js';

/** One dim line of context-sensitive key hints from the keymap, cut with … at the edge. */
export function Footer({contexts}: {readonly contexts: readonly KeyContext[]}): ReactNode {
	const theme = useTheme();
	const hints = footerHints(contexts);
	return (
		<Box height={1} flexShrink={0}>
			<Text color={theme.muted} dimColor={!theme.color} wrap="truncate-end">
				{hints.map(({label, hint}, index) => (
					<Text key={`${label}-${hint}`}>
						{index > 0 ? ' · ' : ''}
						<Text bold>{label}</Text>
						{` ${hint}`}
					</Text>
				))}
			</Text>
		</Box>
	);
}
