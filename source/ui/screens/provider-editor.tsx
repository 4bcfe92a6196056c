/**
 * Edit or delete a provider from the providers panel. Edit: URL (re-normalised on Enter), the key
 * pool (add, remove, reorder; `$ENV` references stay references; every key masked) and the models;
 * `s` shows the diff and asks what to do with routes that point at a removed model, Enter saves.
 * Delete: the same diff and route question. Saving goes through providers/save-provider (the same
 * `providerFromDraft()` as the wizards).
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {RawConfig} from '../../config/schema.js';
import type {ConfigStore} from '../../config/store.js';
import {normalizeUrl} from '../../providers/normalize-url.js';
import {isPresetId, type PresetId} from '../../providers/presets.js';
import {describeDiff, keyLabel, keyList, type RouteFix, type RouteImpact} from '../../providers/provider-diff.js';
import {targetForProvider} from '../../providers/provider-target.js';
import {deleteProvider, previewProviderDelete, previewProviderSave, saveProvider} from '../../providers/save-provider.js';
import {useSyncReducer} from '../hooks/use-sync-reducer.js';
import {LAYER, useCommands} from '../input/dispatcher.js';
import {editText} from '../input/text-edit.js';
import {type CommandId, footerHints, type KeyContext} from '../keymap.js';
import {useTheme} from '../theme.js';

type Row =
	| {readonly kind: 'url'}
	| {readonly kind: 'key'; readonly index: number}
	| {readonly kind: 'add-key'}
	| {readonly kind: 'model'; readonly index: number}
	| {readonly kind: 'add-model'};

type EditorState = {
	readonly url: string;
	readonly keys: readonly string[];
	readonly models: readonly string[];
	readonly cursor: number;
	/** The row being typed in, with its text. */
	readonly typing?: {readonly value: string; readonly cursor?: number};
	readonly phase: 'edit' | 'confirm';
	readonly fix: number;
	readonly error?: string;
};

function rowsOf(state: Pick<EditorState, 'keys' | 'models'>): Row[] {
	return [
		{kind: 'url'},
		...state.keys.map((_key, index) => ({kind: 'key' as const, index})),
		{kind: 'add-key'},
		...state.models.map((_model, index) => ({kind: 'model' as const, index})),
		{kind: 'add-model'},
	];
}

function move<T>(list: readonly T[], from: number, delta: number): T[] {
	const to = from + delta;
	if (to < 0 || to >= list.length) return [...list];
	const next = [...list];
	[next[from], next[to]] = [next[to]!, next[from]!];
	return next;
}

/** The answers to the route question, for routes pointing at something removed. */
function fixChoices(impact: RouteImpact, replacement: string | undefined): RouteFix[] {
	if (impact.routes.length === 0) return [{kind: 'keep'}];
	return [...(replacement ? [{kind: 'repoint' as const, target: replacement}] : []), {kind: 'clear'}, {kind: 'keep'}];
}

function describeFix(fix: RouteFix, impact: RouteImpact): string {
	const routes = impact.routes.join(', ');
	if (fix.kind === 'repoint') return `point ${routes} at ${fix.target}`;
	if (fix.kind === 'clear') return `clear ${routes} (unset)`;
	return `keep ${routes} as they are (they will fail)`;
}

type Action = {readonly type: 'set'; readonly patch: Partial<EditorState>};
const reducer = (state: EditorState, action: Action): EditorState => ({...state, ...action.patch});

export type ProviderEditorProps = {
	readonly store: ConfigStore;
	readonly index: number;
	readonly onDone: (message: string) => void;
	readonly onCancel: () => void;
};

function rawProvider(store: ConfigStore, index: number): RawConfig | undefined {
	const raw = store.getSnapshot().raw;
	const list = (Array.isArray(raw['Providers']) ? raw['Providers'] : raw['providers']) as RawConfig[] | undefined;
	return list?.[index];
}

// Over 60 lines: the editor form: fields, focus and save in one component.
export function ProviderEditor({store, index, onDone, onCancel}: ProviderEditorProps): ReactNode {
	const theme = useTheme();
	const provider = store.getSnapshot().config.Providers[index];
	const raw = rawProvider(store, index);
	const [state, dispatch, latest] = useSyncReducer(reducer, () => ({
		url: provider?.api_base_url ?? '',
		keys: keyList(raw?.['api_key']),
		models: [...(provider?.models ?? [])],
		cursor: 0,
		phase: 'edit' as const,
		fix: 0,
	}));
	const set = (patch: Partial<EditorState>) => dispatch({type: 'set', patch});
	const draftOf = (current: EditorState) => {
		const kind = provider ? targetForProvider(provider).endpoint.kind : 'openai-compatible';
		const normalized = normalizeUrl(current.url, {kind});
		if (!normalized.ok || !provider) return undefined;
		const preset: PresetId = isPresetId(raw?.['profile']) ? (raw?.['profile'] as PresetId) : kind === 'gemini-balance' ? 'gemini-balance' : 'custom';
		// A full `…/chat/completions` URL is kept as written (the proxy posts exactly there).
		const chatUrl = /\/chat\/completions\/?$/.test(current.url.trim()) ? current.url.trim() : normalized.endpoint.chatUrl;
		return {preset, endpoint: {...normalized.endpoint, chatUrl}, keys: current.keys, models: current.models, routes: {}, name: provider.name, profile: provider.profile};
	};
	const preview = (current: EditorState) => {
		const draft = draftOf(current);
		return draft ? previewProviderSave(store.getSnapshot(), draft, index) : undefined;
	};

	const contexts = (): KeyContext[] => {
		const current = latest();
		if (current.phase === 'confirm') return ['global', 'form', 'route-question'];
		return current.typing ? ['global', 'form', 'text'] : ['global', 'form', 'choice', 'editor'];
	};

	useCommands(LAYER.screen, contexts, (command, input) => handle(command, input));
	function handle(command: CommandId, input = ''): boolean {
		const current = latest();
		if (current.phase === 'confirm') return confirmCommand(current, command);
		if (current.typing) return typingCommand(current, command, input);
		return rowCommand(current, command);
	}

	function confirmCommand(current: EditorState, command: CommandId): boolean {
		const shown = preview(current);
		if (!shown) return false;
		const choices = fixChoices(shown.impact, current.models[0] ? `${provider?.name},${current.models[0]}` : undefined);
		if (command === 'route.choiceNext' || command === 'route.choicePrevious') {
			set({fix: (current.fix + (command === 'route.choiceNext' ? 1 : choices.length - 1)) % choices.length});
			return true;
		}

		if (command === 'form.back') {
			set({phase: 'edit'});
			return true;
		}

		if (command !== 'form.submit') return false;
		try {
			const draft = draftOf(current)!;
			saveProvider(store, draft, {editIndex: index, routeFix: choices[current.fix] ?? {kind: 'keep'}});
			onDone(`${provider?.name ?? 'provider'} saved: ${describeDiff(shown.diff, shown.impact).join('; ')}`);
		} catch (error) {
			set({phase: 'edit', error: `Not saved: ${error instanceof Error ? error.message : String(error)}`});
		}

		return true;
	}

	function typingCommand(current: EditorState, command: CommandId, input: string): boolean {
		const typing = current.typing!;
		if (command === 'form.back') {
			set({typing: undefined});
			return true;
		}

		if (command === 'form.submit') {
			commitTyping(current, typing.value.trim());
			return true;
		}

		const edited = editText(typing, command, input);
		if (edited) set({typing: edited, error: undefined});
		return edited !== undefined;
	}

	function commitTyping(current: EditorState, value: string): void {
		const row = rowsOf(current)[current.cursor];
		if (row?.kind === 'url') {
			const kind = provider ? targetForProvider(provider).endpoint.kind : 'openai-compatible';
			const normalized = normalizeUrl(value, {kind});
			if (!normalized.ok) {
				set({error: `${normalized.error}${normalized.hint ? ` ${normalized.hint}` : ''}`});
				return;
			}

			set({url: value, typing: undefined, error: normalized.notes.length > 0 ? `URL: ${normalized.notes.join('; ')}` : undefined});
			return;
		}

		if (value === '') return set({typing: undefined});
		if (row?.kind === 'add-key' || row?.kind === 'key') {
			const keys = row.kind === 'key' ? current.keys.map((key, at) => (at === row.index ? value : key)) : [...current.keys, value];
			set({keys: [...new Set(keys)], typing: undefined});
		} else if (row?.kind === 'add-model' || row?.kind === 'model') {
			const models = row.kind === 'model' ? current.models.map((model, at) => (at === row.index ? value : model)) : [...current.models, ...value.split(/[\s,]+/).filter(Boolean)];
			set({models: [...new Set(models)], typing: undefined});
		}
	}

	function rowCommand(current: EditorState, command: CommandId): boolean {
		const rows = rowsOf(current);
		const row = rows[current.cursor];
		switch (command) {
			case 'choice.up':
			case 'choice.down':
				set({cursor: (current.cursor + (command === 'choice.down' ? 1 : rows.length - 1)) % rows.length});
				return true;
			case 'form.back':
				onCancel();
				return true;
			case 'form.submit':
				// A key is never shown in clear: editing one starts empty (type its replacement).
				set({typing: {value: row?.kind === 'url' ? current.url : row?.kind === 'model' ? (current.models[row.index] ?? '') : ''}, error: undefined});
				return true;
			case 'editor.remove':
				if (row?.kind === 'key') set({keys: current.keys.filter((_key, at) => at !== row.index)});
				else if (row?.kind === 'model') set({models: current.models.filter((_model, at) => at !== row.index)});
				return row?.kind === 'key' || row?.kind === 'model';
			case 'editor.moveUp':
			case 'editor.moveDown':
				return reorder(current, row, command === 'editor.moveUp' ? -1 : 1);
			case 'editor.save':
				set(preview(current) ? {phase: 'confirm', fix: 0, error: undefined} : {error: 'Fix the URL first.'});
				return true;
			default:
				return false;
		}
	}

	function reorder(current: EditorState, row: Row | undefined, delta: number): boolean {
		if (row?.kind === 'key')
			set({keys: move(current.keys, row.index, delta), cursor: current.cursor + (row.index + delta >= 0 && row.index + delta < current.keys.length ? delta : 0)});
		else if (row?.kind === 'model')
			set({models: move(current.models, row.index, delta), cursor: current.cursor + (row.index + delta >= 0 && row.index + delta < current.models.length ? delta : 0)});
		return row?.kind === 'key' || row?.kind === 'model';
	}

	if (!provider) return <Text color={theme.error}>That provider is no longer in the config.</Text>;
	const rows = rowsOf(state);
	const shown = state.phase === 'confirm' ? preview(state) : undefined;
	const choices = shown ? fixChoices(shown.impact, state.models[0] ? `${provider.name},${state.models[0]}` : undefined) : [];
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.borderFocus} paddingX={1}>
			<Text bold color={theme.accent}>{`Edit provider ${provider.name}`}</Text>
			{state.phase === 'confirm' && shown ? (
				<ConfirmView
					lines={describeDiff(shown.diff, shown.impact)}
					question={shown.impact.routes.length > 0 ? describeFix(choices[state.fix] ?? {kind: 'keep'}, shown.impact) : undefined}
				/>
			) : (
				rows.map((row, at) => <RowLine key={`${row.kind}-${'index' in row ? row.index : ''}`} row={row} state={state} selected={at === state.cursor} />)
			)}
			{state.error ? <Text color={theme.warn}>{state.error}</Text> : null}
			<Text color={theme.muted} wrap="truncate-end">
				{footerHints(contexts())
					.map(hint => `${hint.label} ${hint.hint}`)
					.join(' · ')}
			</Text>
		</Box>
	);
}

function ConfirmView({lines, question}: {readonly lines: readonly string[]; readonly question?: string}): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column" marginY={1}>
			<Text>Save these changes?</Text>
			{lines.map(line => (
				<Text key={line}>{`  ${line}`}</Text>
			))}
			{question ? <Text color={theme.warn}>{`Routes pointing at removed models: ◀ ${question} ▶`}</Text> : null}
			<Text color={theme.muted}>enter save · esc back to editing</Text>
		</Box>
	);
}

function RowLine({row, state, selected}: {readonly row: Row; readonly state: EditorState; readonly selected: boolean}): ReactNode {
	const theme = useTheme();
	const typing = selected ? state.typing : undefined;
	const value = (() => {
		if (typing) return `${typing.value}▏`;
		switch (row.kind) {
			case 'url':
				return state.url;
			case 'key':
				return keyLabel(state.keys[row.index] ?? '');
			case 'model':
				return state.models[row.index] ?? '';
			case 'add-key':
				return '+ add a key ($ENV reference or the key)';
			case 'add-model':
				return '+ add models (ids, comma-separated)';
		}
	})();
	const label = row.kind === 'url' ? 'URL   ' : row.kind === 'key' ? `Key ${row.index + 1} ` : row.kind === 'model' ? 'Model ' : '      ';
	return (
		<Text color={selected ? theme.accent : undefined} bold={selected} wrap="truncate-end">
			{`${selected ? '›' : ' '} ${label} ${value}`}
		</Text>
	);
}

const chooseFix = (_current: {fix: number}, next: number) => ({fix: next});

export type ProviderDeleteProps = {readonly store: ConfigStore; readonly index: number; readonly onDone: (message: string) => void; readonly onCancel: () => void};

/** Delete with the same diff and route question; fallback entries to the provider are always removed. */
export function ProviderDelete({store, index, onDone, onCancel}: ProviderDeleteProps): ReactNode {
	const theme = useTheme();
	const snapshot = store.getSnapshot();
	const shown = previewProviderDelete(snapshot, index);
	const name = snapshot.config.Providers[index]?.name ?? '';
	const other = snapshot.config.Providers.find((_provider, at) => at !== index && _provider.models.length > 0);
	const choices = shown ? fixChoices(shown.impact, other ? `${other.name},${other.models[0]}` : undefined) : [];
	const [state, dispatch, latest] = useSyncReducer(chooseFix, () => ({fix: 0}));
	useCommands(LAYER.screen, ['global', 'form', 'route-question'], command => {
		if (command === 'form.back') onCancel();
		else if (command === 'route.choiceNext') dispatch((latest().fix + 1) % Math.max(1, choices.length));
		else if (command === 'route.choicePrevious') dispatch((latest().fix + choices.length - 1) % Math.max(1, choices.length));
		else if (command === 'form.submit') {
			try {
				deleteProvider(store, index, choices[latest().fix] ?? {kind: 'keep'});
				onDone(`${name} deleted${shown && shown.impact.routes.length > 0 ? `; ${describeFix(choices[latest().fix] ?? {kind: 'keep'}, shown.impact)}` : ''}`);
			} catch (error) {
				onDone(`${name} not deleted: ${error instanceof Error ? error.message : String(error)}`);
			}
		} else return false;
		return true;
	});
	if (!shown) return <Text color={theme.error}>That provider is no longer in the config.</Text>;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.borderFocus} paddingX={1}>
			<Text bold color={theme.accent}>{`Delete provider ${name}?`}</Text>
			{describeDiff(shown.diff, shown.impact).map(line => (
				<Text key={line}>{`  ${line}`}</Text>
			))}
			{shown.impact.routes.length > 0 ? (
				<Text color={theme.warn}>{`Routes pointing at ${name}: ◀ ${describeFix(choices[state.fix] ?? {kind: 'keep'}, shown.impact)} ▶`}</Text>
			) : null}
			<Text color={theme.muted}>enter delete · ←→ routes · esc cancel</Text>
		</Box>
	);
}
