import type {RequestRecord} from '../activity/store.js';
import {useCallback, useEffect, useMemo, useState, type ReactNode} from 'react';
import {Box, useApp, type Key} from 'ink';
import type {ActivityStore} from '../activity/store.js';
import {ConfigError, type ConfigStore} from '../config/store.js';
import {listRouteTargets, SCENARIOS, type Scenario} from '../config/schema.js';
import {runConnectionTest, type TestResult} from '../providers/connection-test.js';
import type {HttpFetch} from '../providers/http.js';
import {Footer} from './components/footer.js';
import {Header} from './components/header.js';
import {providersPanelWanted, type ProviderView} from './components/providers-panel.js';
import {StatusLine} from './components/status-line.js';
import type {ConnectionTester} from './connection-tests.js';
import {useActivity} from './hooks/use-activity.js';
import {ClockProvider} from './hooks/use-clock.js';
import {useConfig} from './hooks/use-config.js';
import {useConnectionTests} from './hooks/use-connection-tests.js';
import {useSyncReducer} from './hooks/use-sync-reducer.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {useUsage, type UsageLoader} from './hooks/use-usage.js';
import {InputDispatcher, LAYER, useCommands} from './input/dispatcher.js';
import type {CommandId, KeyContext} from './keymap.js';
import {calculateLayout} from './layout.js';
import {Dashboard} from './screens/dashboard.js';
import {HelpOverlay, helpMaxOffset} from './screens/help-overlay.js';
import {Onboarding, type OnboardingChoice} from './screens/onboarding.js';
import {ProviderDelete} from './screens/provider-delete.js';
import {ProviderEditor} from './screens/provider-editor.js';
import {RequestDetail} from './screens/request-detail.js';
import {RoutePicker} from './screens/route-picker.js';
import {UsageScreen} from './screens/usage.js';
import {buildUsageView} from './usage-view.js';
import type {PricingTable} from '../activity/usage/summary.js';
import {AddProviderWizard} from './screens/add-provider-wizard.js';
import {createTheme, ThemeContext} from './theme.js';
import {currentScreen, initialUiState, uiReducer, type Panel, type Screen, type UiState} from './ui-state.js';
import {claudeHint} from './claude-hint.js';

export type AppProps = {
	readonly store: ConfigStore;
	readonly activity: ActivityStore;
	/** Where the proxy listens (undefined: not running). */
	readonly listenUrl?: string;
	/** Exact in-flight count from the proxy; the activity snapshot's count is used otherwise. */
	readonly inFlight?: () => number;
	/** Runs before the UI exits: close the proxy here (in-flight streams end cleanly). */
	readonly onQuit?: () => Promise<void> | void;
	/** The onboarding screen's "try the demo"; without it the choice explains how to run the demo. */
	readonly onStartDemo?: () => void;
	/** @default runConnectionTest over `checkFetch` */
	readonly connectionTester?: ConnectionTester;
	/** The network path of tests and wizard checks: the proxy's own dispatcher (cli.tsx). @default global fetch */
	readonly checkFetch?: HttpFetch;
	/** For NO_COLOR. @default process.env */
	readonly env?: Record<string, string | undefined>;
	/** Process start, for the uptime. @default when the App mounts */
	readonly startedAt?: number;
	/** Reads the last 7 days of the usage history (cli.tsx); without it the Usage screen says it is unavailable. */
	readonly loadUsage?: UsageLoader;
	/** "Now" for the UI clock (key cool-downs, elapsed times) and the Usage screen's days. @default Date.now */
	readonly now?: () => number;
};

/** Flash messages stay this long unless replaced. */
const FLASH_MS = 8000;
const DEMO_UNAVAILABLE = 'Demo mode cannot be started from here in this build: quit (q) and run `ccr-tui --demo`.';

/** The dashboard shell: stores in, screens out. Every key goes through the keymap table and the one dispatcher. */
export function App(props: AppProps): ReactNode {
	return (
		<InputDispatcher>
			<AppShell {...props} />
		</InputDispatcher>
	);
}

// Over 60 lines: the screen stack with its state, hooks and key dispatch, which every screen shares.
function AppShell(props: AppProps): ReactNode {
	const {store, activity} = props;
	const {exit} = useApp();
	const config = useConfig(store);
	const snapshot = useActivity(activity);
	const size = useTerminalSize();
	const theme = useMemo(() => createTheme(props.env ?? process.env), [props.env]);
	const [startedAt] = useState(() => props.startedAt ?? Date.now());
	const [state, dispatch, latest] = useSyncReducer(uiReducer, () => initialUiState({onboarding: config.created && config.config.Providers.length === 0}));
	const [helpOffset, setHelpOffset] = useState(0);
	const [demoNote, setDemoNote] = useState<string | undefined>();
	const defaultTester = useCallback<ConnectionTester>(async (provider, options) => runConnectionTest(provider, {...options, fetch: props.checkFetch}), [props.checkFetch]);
	const tests = useConnectionTests(props.connectionTester ?? defaultTester);
	const screen = currentScreen(state);
	const usage = useUsage(props.loadUsage, screen.name === 'usage');

	// ---- derived data ----
	const router = config.config.Router;
	const [sessionFilter, setSessionFilter] = useState<string | undefined>();
	const rows = useMemo(() => sessionRows([...snapshot.inFlight, ...snapshot.recent], sessionFilter), [snapshot.inFlight, snapshot.recent, sessionFilter]);
	const found = state.activityId === undefined ? 0 : rows.findIndex(record => record.id === state.activityId);
	const activityIndex = Math.max(0, found);
	const rawProviders = useMemo(() => {
		const raw = config.raw['Providers'] ?? config.raw['providers'];
		return Array.isArray(raw) ? (raw as unknown[]) : [];
	}, [config.raw]);
	const providers: ProviderView[] = useMemo(
		() =>
			config.config.Providers.map((provider, index) => ({
				provider,
				rawKey: (rawProviders[index] as {api_key?: unknown} | undefined)?.api_key,
				keys: snapshot.keys[provider.name],
				test: tests.states[provider.name],
			})),
		[config.config.Providers, rawProviders, snapshot.keys, tests.states],
	);
	const providerIndex = Math.min(state.providerIndex, Math.max(0, providers.length - 1));
	const inFlightCount = snapshot.inFlight.length;
	const shownInFlight = sessionFilter === undefined ? inFlightCount : rows.filter(record => record.state === 'in-flight').length;

	// ---- layout ----
	const headerLines = 2 + (config.issue ? 1 : 0);
	const showStatus = Boolean(state.flash) || state.quitArmed || state.quitting;
	const footerLines = 1 + (showStatus ? 1 : 0);
	// One line short of the terminal: a full-height frame makes Ink clear the screen on every render.
	const bodyHeight = Math.max(3, size.rows - 1 - headerLines - footerLines);
	const layout = calculateLayout({columns: size.columns, bodyHeight, providersWanted: providersPanelWanted(providers, providerIndex)});

	// ---- effects ----
	useEffect(() => {
		if (!state.flash) return;
		const {id} = state.flash;
		const timer = setTimeout(() => dispatch({type: 'clear-flash', id}), FLASH_MS);
		return () => clearTimeout(timer);
	}, [state.flash]);

	// ---- actions ----
	const quit = useCallback(() => {
		const live = props.inFlight?.() ?? inFlightCount;
		if (latest().quitting) return;
		if (live > 0 && !latest().quitArmed) {
			dispatch({type: 'arm-quit'});
			return;
		}

		dispatch({type: 'quitting'});
		void (async () => {
			try {
				await props.onQuit?.();
			} finally {
				exit();
			}
		})();
	}, [props, inFlightCount, latest, dispatch, exit]);

	const saveRoute = useCallback(
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

	// Handlers read the latest UI state (not the render's): keys can arrive faster than renders.
	const selectedRecordIndex = useCallback(
		(current: UiState) => Math.max(0, current.activityId === undefined ? 0 : rows.findIndex(record => record.id === current.activityId)),
		[rows],
	);
	const moveList = useCallback(
		(delta: 1 | -1) => {
			const current = latest();
			if (current.focus === 'routes') {
				dispatch({type: 'select-route', index: clamp(current.routeIndex + delta, SCENARIOS.length)});
			} else if (current.focus === 'activity') {
				const next = clamp(selectedRecordIndex(current) + delta, rows.length);
				dispatch({type: 'select-activity', id: next === 0 ? undefined : rows[next]?.id});
			} else {
				dispatch({type: 'select-provider', index: clamp(Math.min(current.providerIndex, providers.length - 1) + delta, providers.length)});
			}
		},
		[latest, dispatch, rows, providers.length, selectedRecordIndex],
	);

	const chooseOnboarding = useCallback(
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
					if (props.onStartDemo) {
						dispatch({type: 'home'});
						props.onStartDemo();
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
		[props, dispatch],
	);

	const recordTest = tests.record;
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

	const handlers: Partial<Record<CommandId, (input: string, key: Key) => void>> = {
		'app.help'() {
			setHelpOffset(0);
			dispatch({type: 'open', screen: {name: 'help'}});
		},
		'app.quit': quit,
		'app.interrupt': quit,
		'panel.next': () => dispatch({type: 'focus-step', delta: 1}),
		'panel.previous': () => dispatch({type: 'focus-step', delta: -1}),
		'panel.routes': () => dispatch({type: 'focus', panel: 'routes'}),
		'panel.activity': () => dispatch({type: 'focus', panel: 'activity'}),
		'panel.providers': () => dispatch({type: 'focus', panel: 'providers'}),
		'list.up': () => moveList(-1),
		'list.down': () => moveList(1),
		'route.edit'() {
			const scenario = SCENARIOS[latest().routeIndex];
			if (scenario) dispatch({type: 'open', screen: {name: 'picker', scenario}});
		},
		'activity.session'() {
			if (sessionFilter !== undefined) {
				setSessionFilter(undefined);
				return;
			}

			const sessionId = rows[selectedRecordIndex(latest())]?.sessionId;
			if (sessionId) setSessionFilter(sessionId);
			else dispatch({type: 'flash', tone: 'info', text: 'This request carries no Claude Code session id'});
		},
		'request.open'() {
			const record = rows[selectedRecordIndex(latest())];
			if (record) dispatch({type: 'open', screen: {name: 'detail', requestId: record.id}});
		},
		'provider.test'() {
			const view = providers[Math.min(latest().providerIndex, providers.length - 1)];
			if (view) tests.start(view.provider);
			else dispatch({type: 'flash', tone: 'info', text: 'No provider to test yet: press g or a to add one'});
		},
		'provider.edit'() {
			const index = Math.min(latest().providerIndex, providers.length - 1);
			if (index >= 0) dispatch({type: 'open', screen: {name: 'edit-provider', index}});
		},
		'provider.delete'() {
			const index = Math.min(latest().providerIndex, providers.length - 1);
			if (index >= 0) dispatch({type: 'open', screen: {name: 'delete-provider', index}});
		},
		'provider.addGeminiBalance': () => dispatch({type: 'open', screen: {name: 'wizard', preset: 'gemini-balance'}}),
		'provider.add': () => dispatch({type: 'open', screen: {name: 'wizard', preset: undefined}}),
		'usage.open': () => dispatch({type: 'open', screen: {name: 'usage'}}),
		'picker.cancel': () => dispatch({type: 'back'}),
		'view.back': () => dispatch({type: 'back'}),
		'help.close': () => dispatch({type: 'back'}),
		'help.scroll'(_input, key) {
			const down = key.downArrow || _input === 'j';
			setHelpOffset(offset => Math.min(Math.max(0, offset + (down ? 1 : -1)), helpMaxOffset(size.columns, bodyHeight)));
		},
		'onboarding.skip': () => dispatch({type: 'back'}),
	};

	const contexts = contextsFor(screen, state.focus);
	// The shell's layer, below every screen's: a key a screen consumed never reaches it.
	useCommands(
		LAYER.app,
		() => contextsFor(currentScreen(latest()), latest().focus),
		(command, input, key) => {
			const current = latest();
			if (current.quitting) return true;
			if (current.quitArmed && command !== 'app.quit' && command !== 'app.interrupt') dispatch({type: 'disarm-quit'});
			const handler = handlers[command];
			handler?.(input, key);
			return handler !== undefined;
		},
	);

	// ---- render ----
	let body: ReactNode;
	switch (screen.name) {
		case 'dashboard': {
			body = (
				<Dashboard
					layout={layout}
					focus={state.focus}
					router={router}
					routeCounts={snapshot.routeCounts}
					routeIndex={state.routeIndex}
					rows={rows}
					inFlight={shownInFlight}
					activityIndex={activityIndex}
					session={sessionFilter}
					providers={providers}
					providerIndex={providerIndex}
					listenUrl={props.listenUrl}
					hint={props.listenUrl ? claudeHint(props.listenUrl, config.config, config.path) : undefined}
				/>
			);
			break;
		}

		case 'help': {
			body = <HelpOverlay width={size.columns} height={bodyHeight} offset={helpOffset} />;
			break;
		}

		case 'detail': {
			const record = rows.find(item => item.id === screen.requestId);
			body = <RequestDetail requestId={screen.requestId} record={record} width={size.columns} height={bodyHeight} />;
			break;
		}

		case 'usage': {
			const view = usage.data ? buildUsageView(usage.data.records, (props.now ?? Date.now)(), config.config.pricing as PricingTable | undefined) : undefined;
			const unavailable = props.loadUsage ? usage.error : 'The usage history is not available here (it is read by the dashboard started with `ccr-tui`).';
			body = <UsageScreen view={view} unavailable={unavailable} warning={usage.data?.warning} width={size.columns} height={bodyHeight} />;
			break;
		}

		case 'picker': {
			body = (
				<RoutePicker
					scenario={screen.scenario}
					current={router[screen.scenario]?.trim() ? router[screen.scenario] : undefined}
					targets={listRouteTargets(config.config)}
					width={size.columns}
					height={bodyHeight}
					onSave={target => saveRoute(screen.scenario, target)}
				/>
			);
			break;
		}

		case 'wizard': {
			body = <AddProviderWizard store={store} preset={screen.preset} env={props.env} fetch={props.checkFetch} onDone={wizardDone} onCancel={() => dispatch({type: 'back'})} />;
			break;
		}

		case 'edit-provider': {
			body = (
				<ProviderEditor
					store={store}
					index={screen.index}
					env={props.env}
					tester={props.connectionTester ?? defaultTester}
					fetch={props.checkFetch}
					height={bodyHeight}
					onDone={providerChanged}
					onCancel={() => dispatch({type: 'back'})}
				/>
			);
			break;
		}

		case 'delete-provider': {
			body = <ProviderDelete store={store} index={screen.index} onDone={providerChanged} onCancel={() => dispatch({type: 'back'})} />;
			break;
		}

		case 'onboarding': {
			body = <Onboarding listenUrl={props.listenUrl} configPath={config.path} width={size.columns} height={bodyHeight} demoNote={demoNote} onChoose={chooseOnboarding} />;
			break;
		}
	}

	const live = inFlightCount > 0 || tests.running || state.quitting;
	return (
		<ThemeContext.Provider value={theme}>
			<ClockProvider fast={live} now={props.now}>
				<Box flexDirection="column" width={size.columns}>
					<Header
						listenUrl={props.listenUrl}
						apiKeySet={Boolean(config.config.APIKEY)}
						configPath={config.path}
						startedAt={startedAt}
						totals={snapshot.totals}
						inFlight={inFlightCount}
						issue={config.issue}
					/>
					{body}
					{showStatus ? (
						<StatusLine flash={state.flash} quitWarning={state.quitArmed ? Math.max(inFlightCount, props.inFlight?.() ?? 0) : undefined} quitting={state.quitting} />
					) : null}
					{screen.name === 'wizard' ? null : <Footer contexts={contexts} />}
				</Box>
			</ClockProvider>
		</ThemeContext.Provider>
	);
}

/** Which keymap contexts are live on a screen. */
export function contextsFor(screen: Screen, focus: Panel): KeyContext[] {
	switch (screen.name) {
		case 'dashboard': {
			return ['global', 'dashboard', focus];
		}

		case 'wizard':
		case 'edit-provider':
		case 'delete-provider': {
			return ['global'];
		}

		default: {
			return ['global', screen.name];
		}
	}
}

function clamp(index: number, length: number): number {
	return Math.min(Math.max(0, index), Math.max(0, length - 1));
}

/** The reason a save failed, without repeating the config path the header already shows. */
function describeSaveError(error: unknown, path: string): string {
	const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
	return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}

/** The activity rows, only those of one Claude Code session when a filter is set. */
function sessionRows(rows: readonly RequestRecord[], sessionId: string | undefined): readonly RequestRecord[] {
	return sessionId === undefined ? rows : rows.filter(record => record.sessionId === sessionId);
}
