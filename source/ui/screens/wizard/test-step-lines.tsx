import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import {formatDuration} from '../../../text/format.js';
import type {TestStep} from '../../../providers/test-step.js';
import {GLYPHS, useTheme} from '../../theme.js';

/** Connection-test steps as they arrive: spinner while running, glyph + timing + detail + hint after. */
export function TestStepLines({steps}: {readonly steps: readonly TestStep[]}): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			{steps.map(step => {
				const look =
					step.status === 'pass'
						? {glyph: GLYPHS.ok, color: theme.ok}
						: step.status === 'warn'
							? {glyph: GLYPHS.warn, color: theme.warn}
							: step.status === 'fail'
								? {glyph: GLYPHS.error, color: theme.error}
								: undefined;
				return (
					<Box key={step.id} flexDirection="column">
						<Text wrap="truncate-end">
							{look ? <Text color={look.color}>{look.glyph}</Text> : <Spinner type="dots" />}
							{` ${step.label.padEnd(20)}`}
							<Text color={theme.muted}>{step.durationMs === undefined ? '' : formatDuration(step.durationMs).padStart(7)}</Text>
							{step.detail ? `  ${step.detail}` : step.status === 'running' ? '  …' : ''}
						</Text>
						{step.hint && step.status !== 'pass' ? (
							<Box paddingLeft={4}>
								<Text color={theme.muted}>{step.hint}</Text>
							</Box>
						) : null}
					</Box>
				);
			})}
		</Box>
	);
}
