/**
 * The diff of a provider save or delete and the route question ("routes pointing at a removed
 * model: repoint, clear or keep"), shared by the editor, the delete screen and the wizards' confirm
 * step. The answers are `RouteFix`es for providers/save-provider.
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {RouteFix, RouteImpact} from '../../../providers/provider-diff.js';
import {GLYPHS, useTheme} from '../../theme.js';

/** The answers to the route question, for routes pointing at something removed. */
export function fixChoices(impact: RouteImpact, replacement: string | undefined): RouteFix[] {
	if (impact.routes.length === 0) return [{kind: 'keep'}];
	return [...(replacement ? [{kind: 'repoint' as const, target: replacement}] : []), {kind: 'clear'}, {kind: 'keep'}];
}

/** The answer at `index`, whatever its sign or size (←/→ wrap around). */
export function fixAt(choices: readonly RouteFix[], index: number): RouteFix {
	const count = Math.max(1, choices.length);
	return choices[((index % count) + count) % count] ?? {kind: 'keep'};
}

export function describeFix(fix: RouteFix, impact: RouteImpact): string {
	const routes = impact.routes.join(', ');
	if (fix.kind === 'repoint') return `point ${routes} at ${fix.target}`;
	if (fix.kind === 'clear') return `clear ${routes} (unset)`;
	return `keep ${routes} as they are (they will fail)`;
}

export type ChangeReviewProps = {
	readonly title?: string;
	readonly lines: readonly string[];
	readonly impact: RouteImpact;
	readonly fix: RouteFix;
	/** What the routes point at: "removed models" or the provider's name. */
	readonly removed: string;
};

/** The diff lines, then the question when routes are affected. */
export function ChangeReview({title, lines, impact, fix, removed}: ChangeReviewProps): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column" marginY={1}>
			{title ? <Text>{title}</Text> : null}
			{lines.map(line => (
				<Text key={line} wrap="truncate-end">{`  ${line}`}</Text>
			))}
			{impact.routes.length > 0 ? <Text color={theme.warn} wrap="truncate-end">{`Routes pointing at ${removed}: ◀ ${describeFix(fix, impact)} ▶`}</Text> : null}
		</Box>
	);
}

/** After a save: what changed, and the store's notice when the file's formatting could not be kept. */
export function SavedView({message, notice}: {readonly message: string; readonly notice?: string}): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column" marginY={1}>
			<Text color={theme.ok} wrap="wrap">{`${GLYPHS.ok} ${message}`}</Text>
			{notice ? <Text color={theme.warn} wrap="wrap">{`${GLYPHS.warn} ${notice}`}</Text> : null}
		</Box>
	);
}
