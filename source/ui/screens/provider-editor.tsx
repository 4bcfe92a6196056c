/**
 * Edit a provider from the providers panel: URL (re-normalised, and re-tested when it changes), the
 * key pool (add, remove, reorder; `$ENV` references stay references; every key masked), profile,
 * headers (secret values masked) and models (add, remove, `f` fetches the server's list). `t` tests
 * the provider exactly as it would be saved; `s` shows the diff and asks what to do with routes that
 * point at a removed model, Enter saves. Saving goes through providers/save-provider (the wizards'
 * `providerFromDraft()`); when the file's formatting could not be kept the editor says so.
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {Env} from '../../config/env-refs.js';
import type {ProviderConfig, RawConfig} from '../../config/schema.js';
import type {ConfigStore} from '../../config/store.js';
import {runConnectionTest} from '../../providers/connection-test.js';
import type {HttpFetch} from '../../providers/http.js';
import {normalizeUrl} from '../../providers/normalize-url.js';
import {describeDiff} from '../../providers/provider-diff.js';
import {testableProvider} from '../../providers/provider-draft.js';
import {targetForProvider} from '../../providers/provider-target.js';
import {previewProviderSave, saveProvider} from '../../providers/save-provider.js';
import type {ConnectionTester} from '../connection-tests.js';
import {useSyncReducer} from '../hooks/use-sync-reducer.js';
import {LAYER, useCommands} from '../input/dispatcher.js';
import {type CommandId, footerHints} from '../keymap.js';
import {useTheme} from '../theme.js';
import {type EditorEffect, editorCommand, editorContexts, type UrlCheck} from './editor/editor-commands.js';
import {EditorRows} from './editor/editor-rows.js';
import {draftOf, type EditorState, initialEditorState} from './editor/editor-state.js';
import {ChangeReview, fixAt, fixChoices, SavedView} from './editor/route-question.js';
import {useEditorChecks} from './editor/use-editor-checks.js';
import {TestStepLines} from './wizard/test-step-lines.js';

export type ProviderEditorProps = {
	readonly store: ConfigStore;
	readonly index: number;
	readonly onDone: (message: string) => void;
	readonly onCancel: () => void;
	/** For `$VAR` references in keys and headers. @default process.env */
	readonly env?: Env;
	/** The dashboard's connection test (the proxy's transport). @default runConnectionTest over `fetch` */
	readonly tester?: ConnectionTester;
	/** The network path of the model-list fetch: the proxy's own dispatcher. */
	readonly fetch?: HttpFetch;
	/** Lines the screen may use. @default 30 */
	readonly height?: number;
	readonly timeoutMs?: number;
};

/** Enter and Esc say what they do in each phase (keys from the keymap table). */
const HINT_WORDS: Readonly<Record<EditorState['phase'], Partial<Record<CommandId, string>>>> = {
	edit: {'form.submit': 'edit', 'form.back': 'cancel'},
	confirm: {'form.submit': 'save', 'form.back': 'back to editing'},
	saved: {'form.submit': 'back to the dashboard'},
};

const TYPING_WORDS: Partial<Record<CommandId, string>> = {'form.submit': 'done', 'form.back': 'leave the field'};

type Action = {readonly type: 'set'; readonly patch: Partial<EditorState>};
const reducer = (state: EditorState, action: Action): EditorState => ({...state, ...action.patch});

function rawProvider(store: ConfigStore, index: number): RawConfig | undefined {
	const raw = store.getSnapshot().raw;
	const list = Array.isArray(raw['Providers']) ? raw['Providers'] : raw['providers'];
	const entry: unknown = Array.isArray(list) ? list[index] : undefined;
	return entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as RawConfig) : undefined;
}

export function ProviderEditor(props: ProviderEditorProps): ReactNode {
	const theme = useTheme();
	const {store, index} = props;
	const provider = store.getSnapshot().config.Providers[index];
	const raw = rawProvider(store, index);
	const [state, dispatch, latest] = useSyncReducer(reducer, () => initialEditorState(provider, raw));
	const set = (patch: Partial<EditorState>) => dispatch({type: 'set', patch});
	const tools = editorTools(props, provider, raw);
	useEditorChecks(state.check, {...tools.checks, set, latest});
	useCommands(
		LAYER.screen,
		() => editorContexts(latest()),
		(command, input) => {
			const outcome = editorCommand(latest(), command, input, tools.checkUrl);
			if (!outcome) return false;
			if (outcome.patch) set(outcome.patch);
			if (outcome.effect) tools.effect(outcome.effect, latest(), set);
			return true;
		},
	);

	if (!provider) return <Text color={theme.error}>That provider is no longer in the config.</Text>;
	const testLines = state.test ? state.test.steps.length + 1 : 0;
	const messageLines = (state.error ? 1 : 0) + (state.note ? 1 : 0);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.borderFocus} paddingX={1}>
			<Text bold color={theme.accent}>{`Edit provider ${provider.name}`}</Text>
			<EditorBody state={state} tools={tools} room={(props.height ?? 30) - 6 - testLines - messageLines} />
			{state.phase === 'edit' && state.test ? <TestView test={state.test} /> : null}
			{state.note && state.phase === 'edit' ? (
				<Text color={theme.muted} wrap="truncate-end">
					{state.note}
				</Text>
			) : null}
			{state.error ? (
				<Text color={theme.warn} wrap="truncate-end">
					{state.error}
				</Text>
			) : null}
			<Text color={theme.muted} wrap="truncate-end">
				{footerHints(editorContexts(state), state.typing ? TYPING_WORDS : HINT_WORDS[state.phase])
					.map(hint => `${hint.label} ${hint.hint}`)
					.join(' · ')}
			</Text>
		</Box>
	);
}

type EditorTools = ReturnType<typeof editorTools>;

function EditorBody({state, tools, room}: {readonly state: EditorState; readonly tools: EditorTools; readonly room: number}): ReactNode {
	if (state.phase === 'saved' && state.saved) return <SavedView message={state.saved.message} notice={state.saved.notice} />;
	const shown = state.phase === 'confirm' ? tools.review(state) : undefined;
	if (!shown) return <EditorRows state={state} room={room} />;
	return (
		<ChangeReview
			title="Save these changes?"
			lines={describeDiff(shown.preview.diff, shown.preview.impact)}
			impact={shown.preview.impact}
			fix={fixAt(shown.choices, state.fix)}
			removed="removed models"
		/>
	);
}

function TestView({test}: {readonly test: NonNullable<EditorState['test']>}): ReactNode {
	const theme = useTheme();
	const word = test.status === 'running' ? 'running…' : test.status === 'pass' ? 'passed' : test.status === 'warn' ? 'passed with warnings' : 'failed';
	return (
		<Box flexDirection="column">
			<Text color={theme.muted}>{`Connection test of the provider as it would be saved: ${word}`}</Text>
			<TestStepLines steps={test.steps} />
		</Box>
	);
}

/** Everything the editor does with the store, the URL rules and the network, bound to one provider. */
function editorTools(props: ProviderEditorProps, provider: ProviderConfig | undefined, raw: RawConfig | undefined) {
	const {store, index} = props;
	const env = props.env ?? process.env;
	const kind = provider ? targetForProvider(provider).endpoint.kind : 'openai-compatible';
	const preview = (state: EditorState) => {
		const draft = provider ? draftOf(state, provider, raw) : undefined;
		return draft ? {draft, preview: previewProviderSave(store.getSnapshot(), draft, index)} : undefined;
	};

	const review = (state: EditorState) => {
		const found = preview(state);
		if (!found) return undefined;
		const first = state.models[0];
		return {...found, choices: fixChoices(found.preview.impact, first && provider ? `${provider.name},${first}` : undefined)};
	};

	const checkUrl: UrlCheck = value => {
		const normalized = normalizeUrl(value, {kind});
		return normalized.ok ? {notes: normalized.notes} : {error: `${normalized.error}${normalized.hint ? ` ${normalized.hint}` : ''}`};
	};

	const build = (state: EditorState): ProviderConfig | string => {
		const found = preview(state);
		if (!found) return 'Fix the URL first.';
		try {
			return testableProvider(found.preview.provider, env);
		} catch (error) {
			return `The provider would be invalid: ${error instanceof Error ? error.message : String(error)}`;
		}
	};

	const tester: ConnectionTester = props.tester ?? (async (target, options) => runConnectionTest(target, {...options, fetch: props.fetch}));
	return {review, checkUrl, effect: editorEffect(props, review), checks: {tester, fetch: props.fetch, timeoutMs: props.timeoutMs, build}};
}

type Review = (state: EditorState) => ReturnType<EditorTools['review']>;

/** Leave, review, save (showing the store's notice when the formatting could not be kept). */
function editorEffect(props: ProviderEditorProps, review: Review) {
	return (effect: EditorEffect, state: EditorState, set: (patch: Partial<EditorState>) => void): void => {
		if (effect === 'cancel') return props.onCancel();
		if (effect === 'done') return props.onDone(state.saved ? [state.saved.message, state.saved.notice].filter(Boolean).join('; ') : '');
		const found = review(state);
		if (!found) return set({error: 'Fix the URL first.'});
		if (effect === 'review') return set({phase: 'confirm', fix: 0, asksRoutes: found.preview.impact.routes.length > 0, error: undefined});
		try {
			const result = saveProvider(props.store, found.draft, {editIndex: props.index, routeFix: fixAt(found.choices, state.fix)});
			const message = `${result.plan.name} saved: ${describeDiff(found.preview.diff, found.preview.impact).join('; ')}`;
			if (result.notice) set({phase: 'saved', saved: {message, notice: result.notice}, error: undefined});
			else props.onDone(message);
		} catch (error) {
			set({phase: 'edit', error: `Not saved: ${error instanceof Error ? error.message : String(error)}`});
		}
	};
}
