/** The body between the header and the status line: the screen on top of the stack. */
import type {ReactNode} from 'react';
import type {ActivitySnapshot} from '../activity/store.js';
import type {PricingTable} from '../activity/usage/summary.js';
import {listRouteTargets, type Scenario} from '../config/schema.js';
import type {ConfigStore, ConfigSnapshot} from '../config/store.js';
import type {HttpFetch} from '../providers/http.js';
import {claudeHint} from './claude-hint.js';
import {providersPanelWanted, type ProviderView} from './components/providers-panel.js';
import type {ConnectionTester} from './connection-tests.js';
import {selectedRowIndex, type ActivityRows} from './hooks/use-activity-rows.js';
import type {ShellActions} from './hooks/use-shell-actions.js';
import type {UsageLoad, UsageLoader} from './hooks/use-usage.js';
import {calculateLayout} from './layout.js';
import {AddProviderWizard} from './screens/add-provider-wizard.js';
import {Dashboard} from './screens/dashboard.js';
import {HelpOverlay} from './screens/help-overlay.js';
import {Onboarding} from './screens/onboarding.js';
import {ProviderDelete} from './screens/provider-delete.js';
import {ProviderEditor} from './screens/provider-editor.js';
import {RequestDetail} from './screens/request-detail.js';
import {RoutePicker} from './screens/route-picker.js';
import {UsageScreen} from './screens/usage.js';
import type {Screen, UiState} from './ui-state.js';
import {buildUsageView} from './usage-view.js';

/** The app's props the screens read (AppProps has them all). */
type ScreenApp = {
	readonly store: ConfigStore;
	readonly listenUrl?: string;
	readonly env?: Record<string, string | undefined>;
	readonly checkFetch?: HttpFetch;
	readonly loadUsage?: UsageLoader;
	readonly now?: () => number;
};

/** What the shell hands the screens: its stores' data, the body's size and what a screen does when it is done. */
export type ShellView = {
	readonly app: ScreenApp;
	readonly config: ConfigSnapshot;
	readonly snapshot: ActivitySnapshot;
	readonly state: UiState;
	readonly activity: ActivityRows;
	readonly providers: readonly ProviderView[];
	readonly width: number;
	readonly height: number;
	readonly helpOffset: number;
	readonly usage: {readonly data?: UsageLoad; readonly error?: string};
	readonly tester: ConnectionTester;
	readonly actions: ShellActions;
};

export function ScreenBody({screen, view}: {readonly screen: Screen; readonly view: ShellView}): ReactNode {
	const {width, height, actions} = view;
	const {store} = view.app;
	switch (screen.name) {
		case 'dashboard': {
			return <DashboardBody view={view} />;
		}

		case 'help': {
			return <HelpOverlay width={width} height={height} offset={view.helpOffset} />;
		}

		case 'detail': {
			const record = view.activity.rows.find(item => item.id === screen.requestId);
			return <RequestDetail requestId={screen.requestId} record={record} width={width} height={height} />;
		}

		case 'usage': {
			return <UsageBody view={view} />;
		}

		case 'picker': {
			return <PickerBody scenario={screen.scenario} view={view} />;
		}

		case 'wizard': {
			return <AddProviderWizard store={store} preset={screen.preset} env={view.app.env} fetch={view.app.checkFetch} onDone={actions.wizardDone} onCancel={actions.back} />;
		}

		case 'edit-provider': {
			return (
				<ProviderEditor
					store={store}
					index={screen.index}
					env={view.app.env}
					tester={view.tester}
					fetch={view.app.checkFetch}
					height={height}
					onDone={actions.providerChanged}
					onCancel={actions.back}
				/>
			);
		}

		case 'delete-provider': {
			return <ProviderDelete store={store} index={screen.index} onDone={actions.providerChanged} onCancel={actions.back} />;
		}

		case 'onboarding': {
			return (
				<Onboarding listenUrl={view.app.listenUrl} configPath={view.config.path} width={width} height={height} demoNote={actions.demoNote} onChoose={actions.chooseOnboarding} />
			);
		}
	}
}

function DashboardBody({view}: {readonly view: ShellView}): ReactNode {
	const {state, activity, config, providers} = view;
	const {listenUrl} = view.app;
	const providerIndex = Math.min(state.providerIndex, Math.max(0, providers.length - 1));
	return (
		<Dashboard
			layout={calculateLayout({columns: view.width, bodyHeight: view.height, providersWanted: providersPanelWanted(providers, providerIndex)})}
			focus={state.focus}
			router={config.config.Router}
			routeCounts={view.snapshot.routeCounts}
			routeIndex={state.routeIndex}
			rows={activity.rows}
			inFlight={activity.shownInFlight}
			activityIndex={selectedRowIndex(activity.rows, state.activityId)}
			session={activity.session}
			providers={providers}
			providerIndex={providerIndex}
			listenUrl={listenUrl}
			hint={listenUrl ? claudeHint(listenUrl, config.config, config.path) : undefined}
		/>
	);
}

function UsageBody({view}: {readonly view: ShellView}): ReactNode {
	const {usage} = view;
	const {now = Date.now, loadUsage} = view.app;
	const summary = usage.data ? buildUsageView(usage.data.records, now(), view.config.config.pricing as PricingTable | undefined) : undefined;
	const unavailable = loadUsage ? usage.error : 'The usage history is not available here (it is read by the dashboard started with `ccr-tui`).';
	return <UsageScreen view={summary} unavailable={unavailable} warning={usage.data?.warning} width={view.width} height={view.height} />;
}

function PickerBody({scenario, view}: {readonly scenario: Scenario; readonly view: ShellView}): ReactNode {
	const router = view.config.config.Router;
	return (
		<RoutePicker
			scenario={scenario}
			current={router[scenario]?.trim() ? router[scenario] : undefined}
			targets={listRouteTargets(view.config.config)}
			width={view.width}
			height={view.height}
			onSave={target => view.actions.saveRoute(scenario, target)}
		/>
	);
}
