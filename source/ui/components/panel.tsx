import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {useTheme} from '../theme.js';

export type PanelProps = {
	readonly title: string;
	/** Shown after the title, dimmed (counts, thresholds). */
	readonly note?: string;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	readonly children: ReactNode;
};

/** Line-drawing sets: a focused panel is drawn heavy, so focus shows without colour too. */
const FRAMES = {
	focused: {style: 'bold', topLeft: '┏', top: '━', topRight: '┓'},
	idle: {style: 'round', topLeft: '╭', top: '─', topRight: '╮'},
} as const;

/**
A bordered panel whose title sits in the top border (saves a line per panel at 24 rows). The
content is clipped to the given height: the dashboard never grows taller than the terminal.
*/
export function Panel({title, note, focused, width, height, children}: PanelProps): ReactNode {
	const theme = useTheme();
	const frame = focused ? FRAMES.focused : FRAMES.idle;
	const borderColor = focused ? theme.borderFocus : theme.border;
	if (height <= 0 || width <= 0) return null;
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0}>
			<Box height={1} flexShrink={0}>
				<Text color={borderColor}>{`${frame.topLeft}${frame.top} `}</Text>
				<Text bold={focused} color={focused ? theme.accent : undefined} wrap="truncate-end">
					{title}
				</Text>
				{note ? (
					<Text color={theme.muted} dimColor={!theme.color} wrap="truncate-end">
						{` ${note}`}
					</Text>
				) : null}
				<Text color={borderColor}> </Text>
				<Box
					key={frame.style}
					flexGrow={1}
					flexShrink={1}
					height={1}
					borderStyle={frame.style}
					borderBottom={false}
					borderLeft={false}
					borderRight={false}
					borderColor={borderColor}
				/>
				<Text color={borderColor}>{frame.topRight}</Text>
			</Box>
			{height > 1 ? (
				<Box
					// Remount when the line style changes: Ink applies a changed borderStyle to all four
					// sides and forgets borderTop={false}, which shifts and squeezes the rows by one line.
					key={frame.style}
					flexDirection="column"
					flexGrow={1}
					borderStyle={frame.style}
					borderTop={false}
					borderColor={borderColor}
					paddingX={1}
					overflow="hidden"
				>
					{children}
				</Box>
			) : null}
		</Box>
	);
}
