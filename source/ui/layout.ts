/**
Pure layout maths for the dashboard, so that panel sizes are decided in one testable place and
the live region never grows taller than the terminal (a frame as tall as the screen makes Ink
clear the whole terminal on every render, which flickers).
*/

/** Side by side from this width; stacked below it. */
const WIDE_MIN_COLUMNS = 100;
/** The routes panel: six scenarios, a title line and the bottom border. */
const ROUTES_PANEL_HEIGHT = 8;
/** Frame, column titles and at least a few requests. */
const MIN_ACTIVITY_HEIGHT = 7;
const MIN_PROVIDERS_HEIGHT = 3;

type Size = {readonly width: number; readonly height: number};

export type DashboardLayout = {
	readonly mode: 'wide' | 'stacked';
	readonly routes: Size;
	readonly providers: Size;
	readonly activity: Size;
};

export type LayoutInput = {
	readonly columns: number;
	/** Lines available for the panels (terminal rows minus header and footer). */
	readonly bodyHeight: number;
	/** Lines the providers panel would like (content plus its two frame lines). */
	readonly providersWanted: number;
};

/**
Wide: routes | providers on top, activity across the whole width below (its columns need room).
Stacked: routes, activity, providers, each full width; activity takes what is left.
*/
export function calculateLayout({columns, bodyHeight, providersWanted}: LayoutInput): DashboardLayout {
	const width = Math.max(20, columns);
	const body = Math.max(0, bodyHeight);
	if (width >= WIDE_MIN_COLUMNS) {
		const routesWidth = Math.max(44, Math.floor(width * 0.45));
		const topWanted = Math.max(ROUTES_PANEL_HEIGHT, providersWanted);
		const topHeight = Math.max(Math.min(topWanted, body - MIN_ACTIVITY_HEIGHT, Math.floor(body * 0.55)), Math.min(ROUTES_PANEL_HEIGHT, body));
		return {
			mode: 'wide',
			routes: {width: routesWidth, height: topHeight},
			providers: {width: width - routesWidth, height: topHeight},
			activity: {width, height: Math.max(0, body - topHeight)},
		};
	}

	const routesHeight = Math.min(ROUTES_PANEL_HEIGHT, body);
	const rest = Math.max(0, body - routesHeight);
	// Activity keeps a few rows; providers get what they ask for from the rest (they compact).
	const providersCap = Math.max(MIN_PROVIDERS_HEIGHT, rest - MIN_ACTIVITY_HEIGHT, Math.floor(rest * 0.4));
	const providersHeight = Math.min(Math.max(MIN_PROVIDERS_HEIGHT, providersWanted), providersCap, rest);
	return {
		mode: 'stacked',
		routes: {width, height: routesHeight},
		activity: {width, height: Math.max(0, rest - providersHeight)},
		providers: {width, height: providersHeight},
	};
}

/** Which activity columns fit in a given inner width (narrow panels drop the least useful first). */
export type ActivityColumns = {
	readonly id: boolean;
	readonly scenario: boolean;
	readonly ttft: boolean;
	readonly input: boolean;
	readonly stop: boolean;
};

/** The activity columns' widths (activity-row.tsx draws them); `provider,model` takes what is left. */
export const ACTIVITY_WIDTH = {pointer: 2, status: 7, id: 8, scenario: 12, time: 7, ttft: 7, input: 7, output: 7, stop: 12} as const;
/** The gap after `provider,model`. */
export const ACTIVITY_TARGET_GAP = 1;
/** Room always kept for `provider,model`. */
const MIN_TARGET_WIDTH = 20;
/** Pointer, status, time, output tokens and the gap: always shown. */
const FIXED_ACTIVITY_WIDTH = ACTIVITY_WIDTH.pointer + ACTIVITY_WIDTH.status + ACTIVITY_WIDTH.time + ACTIVITY_WIDTH.output + ACTIVITY_TARGET_GAP;
/** Optional columns, the most useful first. */
const OPTIONAL_COLUMNS = ['scenario', 'ttft', 'stop', 'input', 'id'] as const;

export function activityColumns(innerWidth: number): ActivityColumns {
	const columns = {id: false, scenario: false, ttft: false, input: false, stop: false};
	let room = innerWidth - FIXED_ACTIVITY_WIDTH - MIN_TARGET_WIDTH;
	for (const name of OPTIONAL_COLUMNS) {
		const width = ACTIVITY_WIDTH[name];
		if (room < width) break;
		columns[name] = true;
		room -= width;
	}

	return columns;
}

/** First visible index of a scrolling list so that `selected` stays in view. */
export function scrollStart(selected: number, total: number, visible: number): number {
	if (visible <= 0 || total <= visible) return 0;
	const clamped = Math.min(Math.max(selected, 0), total - 1);
	return Math.min(Math.max(0, clamped - visible + 1), total - visible);
}
