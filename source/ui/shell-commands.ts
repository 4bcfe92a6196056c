/**
 * What the shell's own commands do (the dashboard's panels and lists, opening screens, help
 * scrolling): one handler per keymap command, built every render from that render's data. Each
 * reads the UI state through `latest()`, not the render's: keys can arrive faster than renders.
 */
import type {Key} from 'ink';
import type {Dispatch, SetStateAction} from 'react';
import type {RequestRecord} from '../activity/store.js';
import {SCENARIOS} from '../config/schema.js';
import type {ProviderConfig} from '../config/schema.js';
import type {ProviderView} from './components/providers-panel.js';
import {selectedRowIndex, type ActivityRows} from './hooks/use-activity-rows.js';
import type {CommandId} from './keymap.js';
import {helpMaxOffset} from './screens/help-overlay.js';
import type {UiAction, UiState} from './ui-state.js';

export type ShellHandlers = Partial<Record<CommandId, (input: string, key: Key) => void>>;

export type ShellCommandContext = {
	readonly dispatch: (action: UiAction) => void;
	readonly latest: () => UiState;
	readonly quit: () => void;
	readonly activity: ActivityRows;
	readonly providers: readonly ProviderView[];
	readonly startTest: (provider: ProviderConfig) => void;
	readonly setHelpOffset: Dispatch<SetStateAction<number>>;
	/** The body's size, which bounds the help's scrolling. */
	readonly columns: number;
	readonly bodyHeight: number;
};

export function shellHandlers(context: ShellCommandContext): ShellHandlers {
	return {...appHandlers(context), ...panelHandlers(context), ...activityHandlers(context), ...providerHandlers(context), ...screenHandlers(context)};
}

function appHandlers({dispatch, quit, setHelpOffset, columns, bodyHeight}: ShellCommandContext): ShellHandlers {
	return {
		'app.help'() {
			setHelpOffset(0);
			dispatch({type: 'open', screen: {name: 'help'}});
		},
		'app.quit': quit,
		'app.interrupt': quit,
		'help.close': () => dispatch({type: 'back'}),
		'help.scroll'(_input, key) {
			const down = key.downArrow || _input === 'j';
			setHelpOffset(offset => Math.min(Math.max(0, offset + (down ? 1 : -1)), helpMaxOffset(columns, bodyHeight)));
		},
	};
}

function panelHandlers(context: ShellCommandContext): ShellHandlers {
	const {dispatch, latest} = context;
	return {
		'panel.next': () => dispatch({type: 'focus-step', delta: 1}),
		'panel.previous': () => dispatch({type: 'focus-step', delta: -1}),
		'panel.routes': () => dispatch({type: 'focus', panel: 'routes'}),
		'panel.activity': () => dispatch({type: 'focus', panel: 'activity'}),
		'panel.providers': () => dispatch({type: 'focus', panel: 'providers'}),
		'list.up': () => moveSelection(context, -1),
		'list.down': () => moveSelection(context, 1),
		'route.edit'() {
			const scenario = SCENARIOS[latest().routeIndex];
			if (scenario) dispatch({type: 'open', screen: {name: 'picker', scenario}});
		},
	};
}

/** Up or down in the focused panel's list, stopping at either end. */
function moveSelection({dispatch, latest, activity, providers}: ShellCommandContext, delta: 1 | -1): void {
	const current = latest();
	if (current.focus === 'routes') {
		dispatch({type: 'select-route', index: clamp(current.routeIndex + delta, SCENARIOS.length)});
	} else if (current.focus === 'activity') {
		const {rows} = activity;
		const next = clamp(selectedRowIndex(rows, current.activityId) + delta, rows.length);
		dispatch({type: 'select-activity', id: next === 0 ? undefined : rows[next]?.id});
	} else {
		dispatch({type: 'select-provider', index: clamp(Math.min(current.providerIndex, providers.length - 1) + delta, providers.length)});
	}
}

function activityHandlers({dispatch, latest, activity}: ShellCommandContext): ShellHandlers {
	const selected = (): RequestRecord | undefined => activity.rows[selectedRowIndex(activity.rows, latest().activityId)];
	return {
		'activity.session'() {
			if (activity.session !== undefined) {
				activity.setSession(undefined);
				return;
			}

			const sessionId = selected()?.sessionId;
			if (sessionId) activity.setSession(sessionId);
			else dispatch({type: 'flash', tone: 'info', text: 'This request carries no Claude Code session id'});
		},
		'request.open'() {
			const record = selected();
			if (record) dispatch({type: 'open', screen: {name: 'detail', requestId: record.id}});
		},
	};
}

function providerHandlers({dispatch, latest, providers, startTest}: ShellCommandContext): ShellHandlers {
	const selectedIndex = () => Math.min(latest().providerIndex, providers.length - 1);
	return {
		'provider.test'() {
			const view = providers[selectedIndex()];
			if (view) startTest(view.provider);
			else dispatch({type: 'flash', tone: 'info', text: 'No provider to test yet: press g or a to add one'});
		},
		'provider.edit'() {
			const index = selectedIndex();
			if (index >= 0) dispatch({type: 'open', screen: {name: 'edit-provider', index}});
		},
		'provider.delete'() {
			const index = selectedIndex();
			if (index >= 0) dispatch({type: 'open', screen: {name: 'delete-provider', index}});
		},
		'provider.addGeminiBalance': () => dispatch({type: 'open', screen: {name: 'wizard', preset: 'gemini-balance'}}),
		'provider.add': () => dispatch({type: 'open', screen: {name: 'wizard', preset: undefined}}),
	};
}

function screenHandlers({dispatch}: ShellCommandContext): ShellHandlers {
	return {
		'usage.open': () => dispatch({type: 'open', screen: {name: 'usage'}}),
		'picker.cancel': () => dispatch({type: 'back'}),
		'view.back': () => dispatch({type: 'back'}),
		'onboarding.skip': () => dispatch({type: 'back'}),
	};
}

function clamp(index: number, length: number): number {
	return Math.min(Math.max(0, index), Math.max(0, length - 1));
}
