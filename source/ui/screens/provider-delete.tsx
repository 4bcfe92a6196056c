/**
 * Delete a provider from the providers panel, with the editor's diff and route question; fallback
 * entries to the provider are always removed. When the file's formatting could not be kept, the
 * screen says so before going back.
 */
import {Box, Text} from 'ink';
import {type ReactNode, useState} from 'react';
import type {ConfigStore} from '../../config/store.js';
import {describeDiff} from '../../providers/provider-diff.js';
import {deleteProvider, previewProviderDelete} from '../../providers/save-provider.js';
import {useSyncReducer} from '../hooks/use-sync-reducer.js';
import {LAYER, useCommands} from '../input/dispatcher.js';
import {footerHints, type KeyContext} from '../keymap.js';
import {useTheme} from '../theme.js';
import {ChangeReview, describeFix, fixAt, fixChoices, SavedView} from './editor/route-question.js';

export type ProviderDeleteProps = {readonly store: ConfigStore; readonly index: number; readonly onDone: (message: string) => void; readonly onCancel: () => void};

type DeleteState = {readonly fix: number; readonly saved?: {readonly message: string; readonly notice: string}};
const CONTEXTS: KeyContext[] = ['global', 'form', 'route-question'];
const reducer = (state: DeleteState, patch: Partial<DeleteState>): DeleteState => ({...state, ...patch});

export function ProviderDelete({store, index, onDone, onCancel}: ProviderDeleteProps): ReactNode {
	const theme = useTheme();
	// As the screen opened: after the delete the provider is gone, and the screen still says what happened.
	const [{shown, name, choices}] = useState(() => deletion(store, index));
	const [state, dispatch, latest] = useSyncReducer(reducer, (): DeleteState => ({fix: 0}));
	const remove = () => {
		const fix = fixAt(choices, latest().fix);
		try {
			const {notice} = deleteProvider(store, index, fix);
			const message = `${name} deleted${shown && shown.impact.routes.length > 0 ? `; ${describeFix(fix, shown.impact)}` : ''}`;
			if (notice) dispatch({saved: {message, notice}});
			else onDone(message);
		} catch (error) {
			onDone(`${name} not deleted: ${error instanceof Error ? error.message : String(error)}`);
		}
	};

	useCommands(LAYER.screen, CONTEXTS, command => {
		const saved = latest().saved;
		if (saved) {
			if (command !== 'form.submit' && command !== 'form.back') return false;
			onDone(`${saved.message}; ${saved.notice}`);
		} else if (command === 'form.back') onCancel();
		else if (command === 'route.choiceNext' || command === 'route.choicePrevious') dispatch({fix: latest().fix + (command === 'route.choiceNext' ? 1 : -1)});
		else if (command === 'form.submit') remove();
		else return false;
		return true;
	});
	if (!shown) return <Text color={theme.error}>That provider is no longer in the config.</Text>;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.borderFocus} paddingX={1}>
			<Text bold color={theme.accent}>{`Delete provider ${name}?`}</Text>
			{state.saved ? (
				<SavedView message={state.saved.message} notice={state.saved.notice} />
			) : (
				<ChangeReview lines={describeDiff(shown.diff, shown.impact)} impact={shown.impact} fix={fixAt(choices, state.fix)} removed={name} />
			)}
			<Text color={theme.muted} wrap="truncate-end">
				{footerHints(CONTEXTS, state.saved ? {'form.submit': 'back to the dashboard'} : {'form.submit': 'delete', 'form.back': 'cancel'})
					.map(hint => `${hint.label} ${hint.hint}`)
					.join(' · ')}
			</Text>
		</Box>
	);
}

function deletion(store: ConfigStore, index: number) {
	const snapshot = store.getSnapshot();
	const shown = previewProviderDelete(snapshot, index);
	const other = snapshot.config.Providers.find((provider, at) => at !== index && provider.models.length > 0);
	const choices = shown ? fixChoices(shown.impact, other ? `${other.name},${other.models[0]}` : undefined) : [];
	return {shown, name: snapshot.config.Providers[index]?.name ?? '', choices};
}
