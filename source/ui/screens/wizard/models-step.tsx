import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import {SUFFIX_NOTES, type ModelSuffix} from '../../../providers/gemini-balance.js';
import type {DiscoveredModel} from '../../../providers/model-list.js';
import {GLYPHS, useTheme} from '../../theme.js';

const WINDOW = 10;
const TAGS: Record<ModelSuffix, string> = {search: 'web search', image: 'image output', 'non-thinking': 'no thinking'};

/** Multi-select of discovered models, filtered by typing, with the suffix variants explained. */
export function ModelsStep(props: {
	readonly models: readonly DiscoveredModel[];
	readonly visible: readonly DiscoveredModel[];
	readonly cursor: number;
	readonly selected: readonly string[];
	readonly filter: string;
	readonly gemini: boolean;
}): ReactNode {
	const theme = useTheme();
	const start = Math.max(0, Math.min(props.cursor - Math.floor(WINDOW / 2), props.visible.length - WINDOW));
	const shown = props.visible.slice(start, start + WINDOW);
	const suffixes = [...new Set(props.models.map(model => model.suffix).filter((suffix): suffix is ModelSuffix => suffix !== undefined))];
	return (
		<Box flexDirection="column">
			<Text>
				{`Choose the ${props.gemini ? 'chat ' : ''}models to add `}
				<Text color={theme.muted}>{`(${props.selected.length} ticked of ${props.models.length})`}</Text>
			</Text>
			<Text color={theme.muted}>{`Filter: ${props.filter || '(type to filter)'}`}</Text>
			{shown.length === 0 ? <Text color={theme.warn}>{`No model matches "${props.filter}".`}</Text> : null}
			{start > 0 ? <Text color={theme.muted}>{`  ↑ ${start} more`}</Text> : null}
			{shown.map((model, index) => {
				const active = start + index === props.cursor;
				const ticked = props.selected.includes(model.id);
				return (
					<Text key={model.id} wrap="truncate-end">
						<Text color={active ? theme.accent : undefined}>{active ? `${GLYPHS.pointer} ` : '  '}</Text>
						<Text color={ticked ? theme.ok : undefined}>{ticked ? '[x] ' : '[ ] '}</Text>
						<Text bold={active}>{model.id}</Text>
						{model.suffix ? <Text color={theme.muted}>{`  ${TAGS[model.suffix]}`}</Text> : null}
					</Text>
				);
			})}
			{start + WINDOW < props.visible.length ? <Text color={theme.muted}>{`  ↓ ${props.visible.length - start - WINDOW} more`}</Text> : null}
			{suffixes.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					{suffixes.map(suffix => (
						<Text key={suffix} color={theme.muted} wrap="wrap">
							{`-${suffix}: ${SUFFIX_NOTES[suffix]}`}
						</Text>
					))}
				</Box>
			) : null}
		</Box>
	);
}
