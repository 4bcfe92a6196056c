import {Box, Text} from 'ink';
import {type ReactNode, useRef, useState} from 'react';
import {ChoiceList, stepCursor} from '../components/choice-list.js';
import {LAYER, useCommands} from '../input/dispatcher.js';
import {useTheme} from '../theme.js';

export type OnboardingChoice = 'gemini-balance' | 'other-provider' | 'demo' | 'skip';

export type OnboardingProps = {
	readonly listenUrl?: string;
	readonly configPath: string;
	readonly width: number;
	readonly height: number;
	/** Set when the demo is not available in this build: shown instead of starting it. */
	readonly demoNote?: string;
	readonly onChoose: (choice: OnboardingChoice) => void;
};

const CHOICES: Array<{key: OnboardingChoice; label: string; value: OnboardingChoice}> = [
	{key: 'gemini-balance', label: 'Add Gemini Balance  (your self-hosted Gemini key pool)', value: 'gemini-balance'},
	{key: 'other-provider', label: 'Add another provider  (DeepSeek, Ollama, OpenRouter, any OpenAI-compatible URL)', value: 'other-provider'},
	{key: 'demo', label: 'Try the demo  (simulated provider: no account, no network)', value: 'demo'},
	{key: 'skip', label: 'Go to the dashboard', value: 'skip'},
];

/** First run (the config file was just created and has no providers): offer the ways in. */
export function Onboarding({listenUrl, configPath, width, height, demoNote, onChoose}: OnboardingProps): ReactNode {
	const theme = useTheme();
	const [cursor, setCursor] = useState(0);
	const cursorRef = useRef(0);
	useCommands(LAYER.screen, ['onboarding'], (command, _input, key) => {
		if (command === 'onboarding.move') {
			cursorRef.current = stepCursor(cursorRef.current, key.upArrow ? -1 : 1, CHOICES.length);
			setCursor(cursorRef.current);
			return true;
		}

		const choice = command === 'onboarding.choose' ? CHOICES[cursorRef.current] : undefined;
		if (choice) onChoose(choice.value);
		return choice !== undefined;
	});
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.borderFocus} paddingX={1} overflow="hidden">
			<Text bold color={theme.accent} wrap="truncate-end">
				Welcome to ccr-tui
			</Text>
			<Text wrap="truncate-end">{`Created ${configPath}; it has no providers yet.`}</Text>
			<Text color={theme.muted}>
				{`The proxy already listens on ${listenUrl ?? '(not running)'}; until a route is set it answers every request with a clear "no route configured" error.`}
			</Text>
			<Box height={1} />
			<Text bold>What would you like to do?</Text>
			<ChoiceList items={CHOICES} cursor={cursor} />
			{demoNote ? (
				<Box marginTop={1}>
					<Text color={theme.warn} wrap="truncate-end">
						{demoNote}
					</Text>
				</Box>
			) : null}
		</Box>
	);
}
