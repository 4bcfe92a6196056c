import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {helpSections, keyNames} from '../keymap.js';
import {useTheme} from '../theme.js';

export type HelpOverlayProps = {
	readonly width: number;
	readonly height: number;
	/** First line shown (↑/↓ scroll when the list is taller than the screen). */
	readonly offset: number;
};

type Line = {readonly kind: 'title' | 'key' | 'gap'; readonly key?: string; readonly text: string};

/** Every command of the keymap, grouped by where it applies. */
function helpLines(): Line[] {
	const lines: Line[] = [];
	for (const section of helpSections()) {
		if (lines.length > 0) lines.push({kind: 'gap', text: ''});
		lines.push({kind: 'title', text: section.title});
		for (const command of section.commands) lines.push({kind: 'key', key: keyNames(command).join(' '), text: command.description});
	}

	return lines;
}

/** Two columns when there is room; split at a section boundary near the middle. */
function splitColumns(lines: readonly Line[], twoColumns: boolean): Line[][] {
	if (!twoColumns) return [[...lines]];
	const middle = Math.ceil(lines.length / 2);
	let cut = lines.findIndex((line, index) => index >= middle && line.kind === 'gap');
	if (cut === -1) cut = middle;
	return [lines.slice(0, cut), lines.slice(cut + 1)];
}

/** Lines that fit (frame: border, title line, closing hint). */
function helpVisibleLines(height: number): number {
	return Math.max(1, height - 4);
}

export function helpMaxOffset(width: number, height: number): number {
	const columns = splitColumns(helpLines(), width >= 90);
	const longest = Math.max(...columns.map(column => column.length));
	return Math.max(0, longest - helpVisibleLines(height));
}

export function HelpOverlay({width, height, offset}: HelpOverlayProps): ReactNode {
	const theme = useTheme();
	const columns = splitColumns(helpLines(), width >= 90);
	const visible = helpVisibleLines(height);
	const maxOffset = helpMaxOffset(width, height);
	const start = Math.min(Math.max(0, offset), maxOffset);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.borderFocus} paddingX={1} overflow="hidden">
			<Box height={1}>
				<Text bold color={theme.accent}>
					Keys
				</Text>
				<Text color={theme.muted} wrap="truncate-end">
					{maxOffset > 0 ? `  (↑↓ scroll, ${start + 1}-${Math.min(start + visible, maxOffset + visible)})` : ''}
				</Text>
			</Box>
			<Box flexGrow={1} overflow="hidden">
				{columns.map((column, index) => (
					<Box key={index} flexDirection="column" flexGrow={1} flexBasis={0} marginRight={index === 0 && columns.length > 1 ? 2 : 0}>
						{column.slice(start, start + visible).map((line, lineIndex) => (
							<HelpLine key={`${lineIndex}-${line.text}`} line={line} />
						))}
					</Box>
				))}
			</Box>
			<Box height={1}>
				<Text color={theme.muted} wrap="truncate-end">
					esc or ? to close
				</Text>
			</Box>
		</Box>
	);
}

function HelpLine({line}: {readonly line: Line}): ReactNode {
	const theme = useTheme();
	if (line.kind === 'gap') return <Box height={1} />;
	if (line.kind === 'title') {
		return (
			<Box height={1}>
				<Text bold underline wrap="truncate-end">
					{line.text}
				</Text>
			</Box>
		);
	}

	return (
		<Box height={1}>
			<Box width={12} flexShrink={0}>
				<Text bold color={theme.accent} wrap="truncate-end">
					{line.key}
				</Text>
			</Box>
			<Text wrap="truncate-end">{line.text}</Text>
		</Box>
	);
}
