import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {Flash} from '../ui-state.js';
import {GLYPHS, useTheme} from '../theme.js';

export type StatusLineProps = {
	readonly flash?: Flash;
	/** Requests in flight while a quit is armed. */
	readonly quitWarning?: number;
	readonly quitting: boolean;
};

/** The one-line message above the footer: a save result, the quit warning, or shutdown progress. */
export function StatusLine({flash, quitWarning, quitting}: StatusLineProps): ReactNode {
	const theme = useTheme();
	if (quitting) {
		return (
			<Box height={1} flexShrink={0}>
				<Text color={theme.warn} wrap="truncate-end">
					Stopping the proxy…
				</Text>
			</Box>
		);
	}

	if (quitWarning !== undefined) {
		return (
			<Box height={1} flexShrink={0}>
				<Text bold color={theme.warn} wrap="truncate-end">
					{quitWarning === 0
						? `${GLYPHS.warn} The requests in flight have finished. Press q or ctrl+c again to quit; any other key cancels.`
						: `${GLYPHS.warn} ${quitWarning} request${quitWarning === 1 ? '' : 's'} still in flight. Press q or ctrl+c again to end them and quit; any other key cancels.`}
				</Text>
			</Box>
		);
	}

	if (!flash) return null;
	const glyph = flash.tone === 'ok' ? GLYPHS.ok : flash.tone === 'error' ? GLYPHS.error : flash.tone === 'warn' ? GLYPHS.warn : 'ℹ';
	const color = flash.tone === 'info' ? theme.accent : theme[flash.tone];
	return (
		<Box height={1} flexShrink={0}>
			<Text color={color} wrap="truncate-end">{`${glyph} ${flash.text}`}</Text>
		</Box>
	);
}
