import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {PRESET_IDS, PRESETS} from '../../../providers/presets.js';
import {GLYPHS, useTheme} from '../../theme.js';

/** Which kind of provider to add (only when the wizard was opened without a preset). */
export function PresetStep({cursor}: {readonly cursor: number}): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text>What do you want to add?</Text>
			{PRESET_IDS.map((id, index) => {
				const preset = PRESETS[id];
				const active = index === cursor;
				return (
					<Text key={id} wrap="truncate-end">
						<Text color={active ? theme.accent : undefined}>{active ? `${GLYPHS.pointer} ` : '  '}</Text>
						<Text bold={active}>{`${index + 1}. ${preset.label}`}</Text>
						<Text color={theme.muted}>{`  ${preset.description}`}</Text>
					</Text>
				);
			})}
		</Box>
	);
}
