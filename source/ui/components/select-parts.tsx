import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {IndicatorProps, ItemProps} from 'ink-select-input';
import {GLYPHS, useTheme} from '../theme.js';

/** ink-select-input's indicator and item, in theme colours (its defaults ignore NO_COLOR). */
export function SelectIndicator({isSelected}: IndicatorProps): ReactNode {
	const theme = useTheme();
	return (
		<Box marginRight={1} flexShrink={0}>
			<Text color={theme.accent}>{isSelected ? GLYPHS.pointer : ' '}</Text>
		</Box>
	);
}

export function SelectItem({isSelected, label}: ItemProps): ReactNode {
	const theme = useTheme();
	return (
		<Text bold={isSelected} color={isSelected ? theme.accent : undefined} wrap="truncate-end">
			{label}
		</Text>
	);
}
