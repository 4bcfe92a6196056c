import type {Scenario} from '../config/schema.js';
import type {PresetId} from '../providers/presets.js';

/**
Pure state of the dashboard shell: which screen is open (a stack: Esc pops, never past the
dashboard), which panel has focus, what each list has selected, the one-line status message and
the quit guard. Data (config, activity) is not here: it comes from the stores.
*/

export const PANELS = ['routes', 'activity', 'providers'] as const;
export type Panel = (typeof PANELS)[number];

/** Presets the add-provider wizard accepts (contract 6). */
type WizardPreset = PresetId;

export type Screen =
	| {readonly name: 'dashboard'}
	| {readonly name: 'help'}
	| {readonly name: 'detail'; readonly requestId: string}
	| {readonly name: 'usage'}
	| {readonly name: 'picker'; readonly scenario: Scenario}
	| {readonly name: 'wizard'; readonly preset: WizardPreset | undefined}
	| {readonly name: 'onboarding'}
	| {readonly name: 'edit-provider'; readonly index: number}
	| {readonly name: 'delete-provider'; readonly index: number};

export type Flash = {readonly tone: 'ok' | 'warn' | 'error' | 'info'; readonly text: string; readonly id: number};

export type UiState = {
	/** Bottom is always the dashboard. */
	readonly stack: readonly Screen[];
	readonly focus: Panel;
	readonly routeIndex: number;
	/** The activity row the user moved to; undefined follows the newest row. */
	readonly activityId?: string;
	readonly providerIndex: number;
	readonly flash?: Flash;
	/** Set after a first quit press while requests are in flight. */
	readonly quitArmed: boolean;
	readonly quitting: boolean;
};

export type UiAction =
	| {readonly type: 'focus'; readonly panel: Panel}
	| {readonly type: 'focus-step'; readonly delta: 1 | -1}
	| {readonly type: 'select-route'; readonly index: number}
	| {readonly type: 'select-activity'; readonly id: string | undefined}
	| {readonly type: 'select-provider'; readonly index: number}
	| {readonly type: 'open'; readonly screen: Screen}
	| {readonly type: 'back'}
	| {readonly type: 'home'}
	| {readonly type: 'flash'; readonly tone: Flash['tone']; readonly text: string}
	| {readonly type: 'clear-flash'; readonly id: number}
	| {readonly type: 'arm-quit'}
	| {readonly type: 'disarm-quit'}
	| {readonly type: 'quitting'};

const DASHBOARD: Screen = {name: 'dashboard'};

export function initialUiState(options: {readonly onboarding: boolean}): UiState {
	return {
		stack: options.onboarding ? [DASHBOARD, {name: 'onboarding'}] : [DASHBOARD],
		focus: 'routes',
		routeIndex: 0,
		providerIndex: 0,
		quitArmed: false,
		quitting: false,
	};
}

let flashIds = 0;

// Over 60 lines: one case per UI action (a flat switch).
export function uiReducer(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'focus': {
			return {...state, focus: action.panel};
		}

		case 'focus-step': {
			const index = PANELS.indexOf(state.focus);
			const next = PANELS[(index + action.delta + PANELS.length) % PANELS.length] ?? 'routes';
			return {...state, focus: next};
		}

		case 'select-route': {
			return {...state, routeIndex: action.index};
		}

		case 'select-activity': {
			return {...state, activityId: action.id};
		}

		case 'select-provider': {
			return {...state, providerIndex: action.index};
		}

		case 'open': {
			return {...state, stack: [...state.stack, action.screen], quitArmed: false};
		}

		case 'back': {
			return state.stack.length > 1 ? {...state, stack: state.stack.slice(0, -1), quitArmed: false} : {...state, quitArmed: false};
		}

		case 'home': {
			return {...state, stack: [DASHBOARD], quitArmed: false};
		}

		case 'flash': {
			flashIds++;
			return {...state, flash: {tone: action.tone, text: action.text, id: flashIds}};
		}

		case 'clear-flash': {
			return state.flash?.id === action.id ? {...state, flash: undefined} : state;
		}

		case 'arm-quit': {
			return {...state, quitArmed: true};
		}

		case 'disarm-quit': {
			return state.quitArmed ? {...state, quitArmed: false} : state;
		}

		case 'quitting': {
			return {...state, quitting: true, quitArmed: false};
		}

		default: {
			return assertNever(action);
		}
	}
}

export function currentScreen(state: UiState): Screen {
	return state.stack.at(-1) ?? DASHBOARD;
}

function assertNever(value: never): never {
	throw new Error(`unhandled action ${JSON.stringify(value)}`);
}
