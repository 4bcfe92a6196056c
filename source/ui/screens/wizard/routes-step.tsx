import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import type {RouteChoice} from '../../../providers/wizard-state.js';
import {GLYPHS, useTheme} from '../../theme.js';

const MEANING: Record<RouteChoice['scenario'], string> = {
	default: 'everything not matched below',
	background: 'small/haiku requests',
	think: 'requests with thinking',
	longContext: 'long prompts (above the threshold)',
	webSearch: 'requests using web search',
	image: 'requests with images',
};

/** Which routes point at the new provider, and with which model. */
export function RoutesStep(props: {
	readonly routes: readonly RouteChoice[];
	readonly cursor: number;
	readonly candidates: (route: RouteChoice) => readonly string[];
	readonly name: string;
}): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text>{`Route requests to ${props.name}:`}</Text>
			{props.routes.map((route, index) => {
				const active = index === props.cursor;
				const options = props.candidates(route);
				const model = route.enabled ? route.model : undefined;
				return (
					<Text key={route.scenario} wrap="truncate-end">
						<Text color={active ? theme.accent : undefined}>{active ? `${GLYPHS.pointer} ` : '  '}</Text>
						<Text color={route.enabled ? theme.ok : undefined}>{route.enabled ? '[x] ' : '[ ] '}</Text>
						<Text bold={active}>{route.scenario.padEnd(12)}</Text>
						{model ? <Text>{`${active && options.length > 1 ? '‹ ' : ''}${model}${active && options.length > 1 ? ' ›' : ''}`}</Text> : null}
						{!model && options.length === 0 ? <Text color={theme.muted}>{route.scenario === 'webSearch' ? 'no -search model available' : 'no model'}</Text> : null}
						{!model && options.length > 0 ? <Text color={theme.muted}>{MEANING[route.scenario]}</Text> : null}
					</Text>
				);
			})}
		</Box>
	);
}
