import {useCallback, useMemo, useState, type ReactNode} from 'react';
import {Box} from 'ink';
import type {ActivitySnapshot, ActivityStore} from '../activity/store.js';
import type {ConfigSnapshot, ConfigStore} from '../config/store.js';
import {runConnectionTest} from '../providers/connection-test.js';
import type {HttpFetch} from '../providers/http.js';
import {Footer} from './components/footer.js';
import {Header} from './components/header.js';
import {StatusLine} from './components/status-line.js';
import type {ConnectionTester} from './connection-tests.js';
import {useActivity} from './hooks/use-activity.js';
import {useActivityRows} from './hooks/use-activity-rows.js';
import {ClockProvider} from './hooks/use-clock.js';
import {useConfig} from './hooks/use-config.js';
import {useConnectionTests} from './hooks/use-connection-tests.js';
import {useFlashExpiry} from './hooks/use-flash-expiry.js';
import {useProviderViews} from './hooks/use-provider-views.js';
import {useQuit} from './hooks/use-quit.js';
import {useShellActions} from './hooks/use-shell-actions.js';
import {useSyncReducer} from './hooks/use-sync-reducer.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {useUsage, type UsageLoader} from './hooks/use-usage.js';
import {InputDispatcher, LAYER, useCommands} from './input/dispatcher.js';
import type {KeyContext} from './keymap.js';
import {ScreenBody} from './screen-body.js';
import {shellHandlers, type ShellHandlers} from './shell-commands.js';
import {createTheme, ThemeContext} from './theme.js';
import {currentScreen, initialUiState, uiReducer, type Panel, type Screen, type UiAction, type UiState} from './ui-state.js';

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

/** The dashboard shell: stores in, screens out. Every key goes through the keymap table and the one dispatcher. */
export function App(props: AppProps): ReactNode {
	return (
		<InputDispatcher>
			<AppShell {...props} />
		</InputDispatcher>
	);
}

/** The screen stack: the UI state, the data every screen shares, and the shell's key layer. */
function AppShell(props: AppProps): ReactNode {
	const {store} = props;
	const config = useConfig(store);
	const snapshot = useActivity(props.activity);
	const size = useTerminalSize();
	const [state, dispatch, latest] = useSyncReducer(uiReducer, () => initialUiState({onboarding: config.created && config.config.Providers.length === 0}));
	const [helpOffset, setHelpOffset] = useState(0);
	const tester = useTester(props.connectionTester, props.checkFetch);
	const tests = useConnectionTests(tester);
	const screen = currentScreen(state);
	const usage = useUsage(props.loadUsage, screen.name === 'usage');
	const activity = useActivityRows(snapshot);
	const providers = useProviderViews(config, snapshot.keys, tests.states);
	const showStatus = Boolean(state.flash) || state.quitArmed || state.quitting;
	const height = bodyHeight(size.rows, config, showStatus);
	useFlashExpiry(state.flash, dispatch);
	const quit = useQuit({inFlight: props.inFlight, inFlightCount: snapshot.inFlight.length, onQuit: props.onQuit, latest, dispatch});
	const actions = useShellActions({store, onStartDemo: props.onStartDemo, dispatch, recordTest: tests.record});
	useShellLayer(latest, dispatch, shellHandlers({dispatch, latest, quit, activity, providers, startTest: tests.start, setHelpOffset, columns: size.columns, bodyHeight: height}));
	const live = snapshot.inFlight.length > 0 || tests.running || state.quitting;
	return (
		<ShellFrame app={props} config={config} snapshot={snapshot} state={state} width={size.columns} showStatus={showStatus} live={live}>
			<ScreenBody screen={screen} view={{app: props, config, snapshot, state, activity, providers, width: size.columns, height, helpOffset, usage, tester, actions}} />
		</ShellFrame>
	);
}

/** The connection tester of the providers panel and the editor: the app's, or the real test over the app's network path. */
function useTester(given: ConnectionTester | undefined, checkFetch: HttpFetch | undefined): ConnectionTester {
	const defaultTester = useCallback<ConnectionTester>(async (provider, options) => runConnectionTest(provider, {...options, fetch: checkFetch}), [checkFetch]);
	return given ?? defaultTester;
}

/** The body's height: the terminal's, less the header (with its config issue line), the footer and the status line. */
function bodyHeight(rows: number, config: ConfigSnapshot, showStatus: boolean): number {
	const headerLines = 2 + (config.issue ? 1 : 0);
	const footerLines = 1 + (showStatus ? 1 : 0);
	// One line short of the terminal: a full-height frame makes Ink clear the screen on every render.
	return Math.max(3, rows - 1 - headerLines - footerLines);
}

/** The shell's layer, below every screen's: a key a screen consumed never reaches it. */
function useShellLayer(latest: () => UiState, dispatch: (action: UiAction) => void, handlers: ShellHandlers): void {
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
}

type ShellFrameProps = {
	readonly app: AppProps;
	readonly config: ConfigSnapshot;
	readonly snapshot: ActivitySnapshot;
	readonly state: UiState;
	readonly width: number;
	readonly showStatus: boolean;
	/** Something is moving (requests, tests, quitting): the clock ticks fast. */
	readonly live: boolean;
	readonly children: ReactNode;
};

/** Theme and clock around the header, the screen's body, the status line and the key hints. */
function ShellFrame({app, config, snapshot, state, width, showStatus, live, children}: ShellFrameProps): ReactNode {
	const theme = useMemo(() => createTheme(app.env ?? process.env), [app.env]);
	const [startedAt] = useState(() => app.startedAt ?? Date.now());
	const screen = currentScreen(state);
	const inFlightCount = snapshot.inFlight.length;
	return (
		<ThemeContext.Provider value={theme}>
			<ClockProvider fast={live} now={app.now}>
				<Box flexDirection="column" width={width}>
					<Header
						listenUrl={app.listenUrl}
						apiKeySet={Boolean(config.config.APIKEY)}
						configPath={config.path}
						startedAt={startedAt}
						totals={snapshot.totals}
						inFlight={inFlightCount}
						issue={config.issue}
					/>
					{children}
					{showStatus ? (
						<StatusLine flash={state.flash} quitWarning={state.quitArmed ? Math.max(inFlightCount, app.inFlight?.() ?? 0) : undefined} quitting={state.quitting} />
					) : null}
					{screen.name === 'wizard' ? null : <Footer contexts={contextsFor(screen, state.focus)} />}
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
