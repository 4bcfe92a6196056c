import {useCallback, useState} from 'react';
import type {Scenario} from '../../config/schema.js';
import {ConfigError, type ConfigStore} from '../../config/store.js';
import type {TestResult} from '../../providers/connection-test.js';
import type {ConnectionTests} from './use-connection-tests.js';
import type {OnboardingChoice} from '../screens/onboarding.js';
import type {UiAction} from '../ui-state.js';

type Dispatch = (action: UiAction) => void;

export type ShellActions = ProviderSaved & {
	readonly saveRoute: (scenario: Scenario, target: string | undefined) => void;
	readonly chooseOnboarding: (choice: OnboardingChoice) => void;
	/** Shown on the onboarding screen after "try the demo" when the demo cannot start from here. */
	readonly demoNote: string | undefined;
	/** Close the screen on top. */
	readonly back: () => void;
};

export type ShellActionOptions = {
	readonly store: ConfigStore;
	readonly onStartDemo: (() => void) | undefined;
	readonly dispatch: Dispatch;
	readonly recordTest: ConnectionTests['record'];
};

/** What the screens do when they are done: save a route, follow an onboarding choice, show a saved provider, go back. */
export function useShellActions({store, onStartDemo, dispatch, recordTest}: ShellActionOptions): ShellActions {
	const saveRoute = useRouteSave(store, dispatch);
	const {demoNote, choose} = useOnboarding(onStartDemo, dispatch);
	const saved = useProviderSaved(store, dispatch, recordTest);
	const back = useCallback(() => dispatch({type: 'back'}), [dispatch]);
	return {...saved, saveRoute, chooseOnboarding: choose, demoNote, back};
}

const DEMO_UNAVAILABLE = 'Demo mode cannot be started from here in this build: quit (q) and run `ccr-tui --demo`.';

/** The route picker's save: back to the dashboard, then say what was saved (or why it was not). */
function useRouteSave(store: ConfigStore, dispatch: Dispatch): (scenario: Scenario, target: string | undefined) => void {
	return useCallback(
		(scenario: Scenario, target: string | undefined) => {
			dispatch({type: 'back'});
			try {
				const {notice} = store.setRoute(scenario, target);
				const saved = `${scenario} → ${target ?? 'unset'} saved; the next request uses it`;
				dispatch(notice ? {type: 'flash', tone: 'warn', text: `${saved} (${notice})`} : {type: 'flash', tone: 'ok', text: saved});
			} catch (error) {
				dispatch({type: 'flash', tone: 'error', text: `${scenario} not changed: ${describeSaveError(error, store.path)}`});
			}
		},
		[store, dispatch],
	);
}

/** The onboarding screen's choices, and the note it shows when the demo cannot start from here. */
function useOnboarding(onStartDemo: (() => void) | undefined, dispatch: Dispatch): {readonly demoNote: string | undefined; readonly choose: (choice: OnboardingChoice) => void} {
	const [demoNote, setDemoNote] = useState<string | undefined>();
	const choose = useCallback(
		(choice: OnboardingChoice) => {
			switch (choice) {
				case 'gemini-balance': {
					dispatch({type: 'open', screen: {name: 'wizard', preset: 'gemini-balance'}});
					break;
				}

				case 'other-provider': {
					dispatch({type: 'open', screen: {name: 'wizard', preset: undefined}});
					break;
				}

				case 'demo': {
					if (onStartDemo) {
						dispatch({type: 'home'});
						onStartDemo();
					} else {
						setDemoNote(DEMO_UNAVAILABLE);
					}

					break;
				}

				case 'skip': {
					dispatch({type: 'back'});
					break;
				}
			}
		},
		[onStartDemo, dispatch],
	);
	return {demoNote, choose};
}

type ProviderSaved = {
	/** The wizard saved a provider (with the result of its own connection test, if it ran one). */
	readonly wizardDone: (providerName: string, test?: Pick<TestResult, 'status' | 'steps'>) => void;
	/** The editor or the delete screen changed the providers. */
	readonly providerChanged: (message: string) => void;
};

/** After a provider screen: back to the dashboard with the providers panel focused, and say what changed. */
function useProviderSaved(store: ConfigStore, dispatch: Dispatch, recordTest: ConnectionTests['record']): ProviderSaved {
	const wizardDone = useCallback(
		(providerName: string, test?: Pick<TestResult, 'status' | 'steps'>) => {
			if (test) recordTest(providerName, test);
			dispatch({type: 'home'});
			const index = store.getSnapshot().config.Providers.findIndex(provider => provider.name === providerName);
			dispatch({type: 'focus', panel: 'providers'});
			if (index >= 0) dispatch({type: 'select-provider', index});
			dispatch({type: 'flash', tone: 'ok', text: `${providerName} saved; its routes are live now`});
		},
		[store, dispatch, recordTest],
	);
	const providerChanged = useCallback(
		(message: string) => {
			dispatch({type: 'home'});
			dispatch({type: 'focus', panel: 'providers'});
			dispatch({type: 'flash', tone: 'ok', text: message});
		},
		[dispatch],
	);
	return {wizardDone, providerChanged};
}

/** The reason a save failed, without repeating the config path the header already shows. */
function describeSaveError(error: unknown, path: string): string {
	const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
	return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}
