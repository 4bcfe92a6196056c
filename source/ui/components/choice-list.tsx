import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {GLYPHS, useTheme} from '../theme.js';

export type Choice = {readonly key: string; readonly label: string};

/** The first visible row so that `cursor` is on screen (the window follows the cursor). */
export function windowStart(cursor: number, count: number, limit: number): number {
	if (count <= limit) return 0;
	return Math.min(Math.max(0, cursor - limit + 1), count - limit);
}

/**
 * A vertical list with a pointer on the highlighted row, at most `limit` rows, scrolled to the
 * cursor. Rendering only: the keys are keymap commands handled by the screen that owns the cursor.
 */
export function ChoiceList({items, cursor, limit}: {readonly items: readonly Choice[]; readonly cursor: number; readonly limit?: number}): ReactNode {
	const theme = useTheme();
	const shown = limit ?? items.length;
	const first = windowStart(cursor, items.length, shown);
	return (
		<Box flexDirection="column">
			{items.slice(first, first + shown).map((item, offset) => {
				const selected = first + offset === cursor;
				return (
					<Box key={item.key} height={1} flexShrink={0}>
						<Box marginRight={1} flexShrink={0}>
							<Text color={theme.accent}>{selected ? GLYPHS.pointer : ' '}</Text>
						</Box>
						<Text bold={selected} color={selected ? theme.accent : undefined} wrap="truncate-end">
							{item.label}
						</Text>
					</Box>
				);
			})}
		</Box>
	);
}

/** Cursor after ↑/↓ with wrap-around. */
export function stepCursor(cursor: number, delta: number, count: number): number {
	if (count <= 0) return 0;
	return (((cursor + delta) % count) + count) % count;
}
