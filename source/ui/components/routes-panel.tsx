import {memo, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import {SCENARIOS, thinkEffortOf, type RouterConfig, type Scenario} from '../../config/schema.js';
import {formatCount} from '../../text/format.js';
import {GLYPHS, useTheme} from '../theme.js';
import {Panel} from './panel.js';

export type RoutesPanelProps = {
	readonly router: RouterConfig;
	readonly counts: Readonly<Record<string, number>>;
	readonly selected: number;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	/** Panel number shown in the title (the key that focuses it). */
	readonly number: number;
};

/** Every scenario with its `provider,model` (or —) and how many requests it took. */
export const RoutesPanel = memo(function RoutesPanel({router, counts, selected, focused, width, height, number}: RoutesPanelProps): ReactNode {
	const theme = useTheme();
	return (
		<Panel title={`${number} Routes`} focused={focused} width={width} height={height}>
			{SCENARIOS.map((scenario, index) => (
				<RouteRow
					key={scenario}
					scenario={scenario}
					label={scenarioLabel(scenario, router, width >= WIDE)}
					target={router[scenario]}
					count={counts[scenario] ?? 0}
					isSelected={index === selected}
					showPointer={focused}
					accent={theme.accent}
					muted={theme.muted}
					labelWidth={width >= WIDE ? 22 : 13}
				/>
			))}
		</Panel>
	);
});

/** From this panel width on, labels spell their rule out. */
const WIDE = 60;

/** The scenario and, where it has one, its rule: `think  effort ≥ xhigh`, `longContext >60k`. */
function scenarioLabel(scenario: Scenario, router: RouterConfig, wide: boolean): string {
	if (scenario === 'think') return wide ? `think  effort ≥ ${thinkEffortOf(router)}` : `think ≥${thinkEffortOf(router)}`;
	if (scenario !== 'longContext' || !wide) return scenario;
	const threshold = router.longContextThreshold;
	return `longContext >${formatCount(threshold)}`;
}

type RouteRowProps = {
	readonly scenario: Scenario;
	readonly label: string;
	readonly target: string | undefined;
	readonly count: number;
	readonly isSelected: boolean;
	readonly showPointer: boolean;
	readonly accent?: string;
	readonly muted?: string;
	readonly labelWidth: number;
};

const RouteRow = memo(function RouteRow({label, target, count, isSelected, showPointer, accent, muted, labelWidth}: RouteRowProps): ReactNode {
	const active = isSelected && showPointer;
	const value = target?.trim() ? target : '—';
	return (
		<Box height={1} flexShrink={0}>
			<Box width={2} flexShrink={0}>
				<Text color={accent}>{active ? GLYPHS.pointer : ' '}</Text>
			</Box>
			<Box width={labelWidth} flexShrink={0}>
				<Text bold={active} color={active ? accent : undefined} wrap="truncate-end">
					{label}
				</Text>
			</Box>
			<Box flexGrow={1} flexShrink={1} flexBasis={0}>
				<Text bold={active} color={value === '—' ? muted : undefined} wrap="truncate-middle">
					{value}
				</Text>
			</Box>
			<Box width={5} flexShrink={0} justifyContent="flex-end">
				<Text color={muted}>{formatCount(count)}</Text>
			</Box>
		</Box>
	);
});
