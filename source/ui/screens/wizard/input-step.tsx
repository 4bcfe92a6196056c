import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {useTheme} from '../../theme.js';

/**
 * A labelled one-line input, display only: the wizard's reducer does the editing (every printable
 * key, q and ? included, is text here), so no keystroke is applied to a stale value.
 */
export function InputStep(props: {
	readonly label: string;
	readonly value: string;
	/** Position of the cursor; undefined = at the end. */
	readonly cursor?: number;
	readonly placeholder?: string;
	/** Mask the value (tokens); `$ENV` references stay readable. */
	readonly secret?: boolean;
	readonly children?: ReactNode;
}): ReactNode {
	const theme = useTheme();
	const masked = props.secret && !props.value.trim().startsWith('$');
	const shown = masked ? '•'.repeat(props.value.length) : props.value;
	const cursor = Math.min(props.cursor ?? shown.length, shown.length);
	return (
		<Box flexDirection="column">
			<Text>{props.label}</Text>
			<Text wrap="truncate-start">
				<Text color={theme.accent}>{'› '}</Text>
				{shown === '' && props.placeholder ? (
					<>
						<Text inverse>{props.placeholder[0]}</Text>
						<Text color={theme.muted}>{props.placeholder.slice(1)}</Text>
					</>
				) : (
					<>
						{shown.slice(0, cursor)}
						<Text inverse>{shown[cursor] ?? ' '}</Text>
						{shown.slice(cursor + 1)}
					</>
				)}
			</Text>
			{props.children}
		</Box>
	);
}
