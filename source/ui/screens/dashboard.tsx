import type {ReactNode} from 'react';
import {Box} from 'ink';
import type {RequestRecord} from '../../activity/store.js';
import type {RouterConfig} from '../../config/schema.js';
import {ActivityPanel} from '../components/activity-panel.js';
import {ProvidersPanel, type ProviderView} from '../components/providers-panel.js';
import {RoutesPanel} from '../components/routes-panel.js';
import type {DashboardLayout} from '../layout.js';
import type {Panel} from '../ui-state.js';

export type DashboardProps = {
	readonly layout: DashboardLayout;
	readonly focus: Panel;
	readonly router: RouterConfig;
	readonly routeCounts: Readonly<Record<string, number>>;
	readonly routeIndex: number;
	readonly rows: readonly RequestRecord[];
	readonly inFlight: number;
	readonly activityIndex: number;
	/** The Claude Code session the activity rows are filtered to. */
	readonly session?: string;
	readonly providers: readonly ProviderView[];
	readonly providerIndex: number;
	readonly listenUrl?: string;
	readonly hint?: string;
};

/** The three panels: side by side when wide, stacked when narrow (see layout.ts). */
export function Dashboard(props: DashboardProps): ReactNode {
	const {layout, focus} = props;
	const routes = (
		<RoutesPanel
			number={1}
			router={props.router}
			counts={props.routeCounts}
			selected={props.routeIndex}
			focused={focus === 'routes'}
			width={layout.routes.width}
			height={layout.routes.height}
		/>
	);
	const activity = (
		<ActivityPanel
			number={2}
			rows={props.rows}
			inFlight={props.inFlight}
			session={props.session}
			selectedIndex={props.activityIndex}
			focused={focus === 'activity'}
			width={layout.activity.width}
			height={layout.activity.height}
			listenUrl={props.listenUrl}
			hint={props.hint}
		/>
	);
	const providers = (
		<ProvidersPanel
			number={3}
			providers={props.providers}
			selected={props.providerIndex}
			focused={focus === 'providers'}
			width={layout.providers.width}
			height={layout.providers.height}
		/>
	);
	if (layout.mode === 'wide') {
		return (
			<Box flexDirection="column" flexShrink={0}>
				<Box flexDirection="row" flexShrink={0}>
					{routes}
					{providers}
				</Box>
				{activity}
			</Box>
		);
	}

	return (
		<Box flexDirection="column" flexShrink={0}>
			{routes}
			{activity}
			{providers}
		</Box>
	);
}
