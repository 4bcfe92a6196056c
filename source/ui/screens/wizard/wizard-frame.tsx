import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {WizardError, WizardStep} from '../../../providers/wizard-state.js';
import {GLYPHS, useTheme} from '../../theme.js';

const STAGES: ReadonlyArray<{label: string; steps: readonly WizardStep[]}> = [
	{label: 'Server', steps: ['preset', 'url', 'checking-url']},
	{label: 'Key', steps: ['token']},
	{label: 'Models', steps: ['discovering', 'models', 'manual-models']},
	{label: 'Routes', steps: ['routes']},
	{label: 'Test', steps: ['testing']},
	{label: 'Save', steps: ['confirm', 'saving', 'done']},
];

export type Hint = readonly [key: string, action: string];

/** Title, progress line, the step's body, the error (if any) and the step's own key hints. */
export function WizardFrame(props: {
	readonly title: string;
	readonly step: WizardStep;
	readonly skipKey: boolean;
	readonly error?: WizardError;
	readonly notice?: string;
	readonly hints: readonly Hint[];
	readonly children: ReactNode;
}): ReactNode {
	const theme = useTheme();
	const stages = STAGES.filter(stage => !(props.skipKey && stage.label === 'Key'));
	const current = stages.findIndex(stage => stage.steps.includes(props.step));
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.borderFocus} paddingX={1}>
			<Text bold color={theme.accent}>
				{props.title}
			</Text>
			<Text wrap="truncate-end">
				{stages.map((stage, index) => (
					<Text key={stage.label} color={index === current ? theme.accent : theme.muted} bold={index === current}>
						{index > 0 ? ' › ' : ''}
						{index < current ? `${GLYPHS.ok} ` : ''}
						{stage.label}
					</Text>
				))}
			</Text>
			<Box marginTop={1} flexDirection="column">
				{props.children}
			</Box>
			{props.notice ? (
				<Box marginTop={1}>
					<Text color={theme.warn}>{props.notice}</Text>
				</Box>
			) : null}
			{props.error ? (
				<Box marginTop={1} flexDirection="column">
					<Text color={theme.error}>{`${GLYPHS.error} ${props.error.message}`}</Text>
					{props.error.hint ? (
						<Box paddingLeft={2}>
							<Text color={theme.muted}>{props.error.hint}</Text>
						</Box>
					) : null}
				</Box>
			) : null}
			<Box marginTop={1}>
				<Text color={theme.muted} wrap="truncate-end">
					{props.hints.map(([key, action], index) => (
						<Text key={key}>
							{index > 0 ? ' · ' : ''}
							<Text bold>{key}</Text>
							{` ${action}`}
						</Text>
					))}
				</Text>
			</Box>
		</Box>
	);
}
