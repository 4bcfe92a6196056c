import {Box, Text} from 'ink';
import {type ReactNode, useMemo, useRef, useState} from 'react';
import type {Scenario} from '../../config/schema.js';
import {ChoiceList, stepCursor, windowStart} from '../components/choice-list.js';
import {LAYER, useCommands} from '../input/dispatcher.js';
import {useTheme} from '../theme.js';

export type RoutePickerProps = {
	readonly scenario: Scenario;
	/** The route's current `provider,model`, if any. */
	readonly current?: string;
	/** Every `provider,model` the config offers. */
	readonly targets: readonly string[];
	readonly width: number;
	readonly height: number;
	/** Called with the chosen target, or undefined to clear the route. */
	readonly onSave: (target: string | undefined) => void;
};

/** The value of the "clear route" entry (not a valid target, so it cannot collide). */
const CLEAR_ROUTE = '';

type PickerItem = {readonly key: string; readonly label: string; readonly value: string};

function pickerItems(targets: readonly string[], current: string | undefined): PickerItem[] {
	const items: PickerItem[] = targets.map(target => ({key: target, label: target === current ? `${target}  (current)` : target, value: target}));
	if (current && !targets.includes(current)) {
		items.unshift({key: current, label: `${current}  (current; not in its provider's model list)`, value: current});
	}

	items.push({key: '(clear)', label: current ? '— clear this route (unset)' : '— leave unset  (current)', value: CLEAR_ROUTE});
	return items;
}

/** Lines around the list: frame (2), title, current value, blank. */
const CHROME_LINES = 5;

/** Pick a `provider,model` for one route; the cursor starts on the current one. */
export function RoutePicker({scenario, current, targets, width, height, onSave}: RoutePickerProps): ReactNode {
	const theme = useTheme();
	const items = useMemo(() => pickerItems(targets, current), [targets, current]);
	const limit = Math.max(1, height - CHROME_LINES);
	const [cursor, setCursor] = useState(() =>
		Math.max(
			0,
			items.findIndex(item => item.value === (current ?? CLEAR_ROUTE)),
		),
	);
	// Read at key time: two keys before a re-render must both count.
	const cursorRef = useRef(cursor);
	const move = (next: number) => {
		cursorRef.current = next;
		setCursor(next);
	};

	useCommands(LAYER.screen, ['picker'], (command, input, key) => {
		const at = Math.min(cursorRef.current, items.length - 1);
		if (command === 'picker.move') {
			move(stepCursor(at, key.upArrow || input === 'k' ? -1 : 1, items.length));
			return true;
		}

		const quick = command === 'picker.quickPick' ? items[windowStart(at, items.length, limit) + Number(input) - 1] : undefined;
		const chosen = command === 'picker.save' ? items[at] : quick;
		if (chosen) onSave(chosen.value === CLEAR_ROUTE ? undefined : chosen.value);
		return chosen !== undefined;
	});
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={theme.borderFocus} paddingX={1} overflow="hidden">
			<Box height={1}>
				<Text bold color={theme.accent} wrap="truncate-end">{`Route ${scenario}: choose provider,model`}</Text>
			</Box>
			<Box height={1}>
				<Text color={theme.muted} wrap="truncate-end">{`now: ${current ?? '— (unset)'}  ·  saved at once; the next request uses it`}</Text>
			</Box>
			<Box height={1} />
			{targets.length === 0 ? (
				<Box height={1}>
					<Text color={theme.warn} wrap="truncate-end">
						No provider models in the config yet: press esc, then g or a to add a provider.
					</Text>
				</Box>
			) : null}
			<ChoiceList items={items} cursor={Math.min(cursor, items.length - 1)} limit={limit} />
		</Box>
	);
}
