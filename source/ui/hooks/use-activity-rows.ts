import {useMemo, useState} from 'react';
import type {ActivitySnapshot, RequestRecord} from '../../activity/store.js';

export type ActivityRows = {
	/** In-flight then recent requests, only those of one Claude Code session while a filter is set. */
	readonly rows: readonly RequestRecord[];
	/** The session the rows are filtered to. */
	readonly session: string | undefined;
	readonly setSession: (sessionId: string | undefined) => void;
	/** In-flight requests among the rows shown. */
	readonly shownInFlight: number;
};

/** The activity panel's rows and its session filter. */
export function useActivityRows(snapshot: ActivitySnapshot): ActivityRows {
	const [session, setSession] = useState<string | undefined>();
	const rows = useMemo(() => sessionRows([...snapshot.inFlight, ...snapshot.recent], session), [snapshot.inFlight, snapshot.recent, session]);
	const shownInFlight = session === undefined ? snapshot.inFlight.length : rows.filter(record => record.state === 'in-flight').length;
	return {rows, session, setSession, shownInFlight};
}

/** The row the user moved to (`activityId`), or the newest (0) when it follows the newest or the row is gone. */
export function selectedRowIndex(rows: readonly RequestRecord[], activityId: string | undefined): number {
	return Math.max(0, activityId === undefined ? 0 : rows.findIndex(record => record.id === activityId));
}

function sessionRows(rows: readonly RequestRecord[], sessionId: string | undefined): readonly RequestRecord[] {
	return sessionId === undefined ? rows : rows.filter(record => record.sessionId === sessionId);
}
