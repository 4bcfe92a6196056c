import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {maskSecret} from '../../../config/redact.js';
import type {SavePlan} from '../../../providers/save-provider.js';
import type {TestResult} from '../../../providers/connection-test.js';
import type {ProviderEndpoint} from '../../../providers/normalize-url.js';
import {envRefName} from '../../../config/env-refs.js';
import {GLYPHS, useTheme} from '../../theme.js';

/** What will be written, and how the connection test went. Never shows the token. */
export function ConfirmStep(props: {
	readonly plan: SavePlan;
	readonly endpoint: ProviderEndpoint;
	readonly token: string;
	readonly routes: Readonly<Record<string, string>>;
	readonly test?: TestResult;
	readonly saved?: boolean;
}): ReactNode {
	const theme = useTheme();
	const envName = envRefName(props.token);
	const token = props.token.trim() === '' ? '(none)' : envName ? `$${envName} (read from the environment)` : maskSecret(props.token.trim());
	const routes = Object.entries(props.routes);
	const rows: Array<[string, string]> = [
		['Provider', props.plan.name],
		['URL', props.endpoint.chatUrl],
		['Key', token],
		['Models', props.plan.models.join(', ')],
		['Routes', routes.length > 0 ? routes.map(([scenario, model]) => `${scenario} → ${model}`).join(', ') : '(none: pick them later in the routes panel)'],
	];
	return (
		<Box flexDirection="column">
			{props.saved ? <Text color={theme.ok}>{`${GLYPHS.ok} Saved. The next request uses it; no restart needed.`}</Text> : <Text>{`This ${props.plan.reason}:`}</Text>}
			{rows.map(([label, value]) => (
				<Text key={label} wrap="truncate-end">
					<Text color={theme.muted}>{`  ${label.padEnd(9)}`}</Text>
					{value}
				</Text>
			))}
			{props.test && !props.saved ? (
				<Box marginTop={1}>
					<Text color={props.test.status === 'pass' ? theme.ok : props.test.status === 'warn' ? theme.warn : theme.error}>
						{props.test.status === 'pass'
							? `${GLYPHS.ok} Connection test passed.`
							: props.test.status === 'warn'
								? `${GLYPHS.warn} Connection test passed with warnings (see above).`
								: `${GLYPHS.error} Connection test failed: Enter saves anyway, r runs it again.`}
					</Text>
				</Box>
			) : null}
			{!props.test && !props.saved ? (
				<Box marginTop={1}>
					<Text color={theme.muted}>Not tested (--skip-test): r runs the connection test.</Text>
				</Box>
			) : null}
		</Box>
	);
}
