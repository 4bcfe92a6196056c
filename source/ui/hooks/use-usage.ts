import {useEffect, useState} from 'react';
import type {UsageRecord} from '../../activity/usage/record.js';

/** What the composition root hands the UI: the last 7 days of the history, read on demand. */
export type UsageLoad = {readonly records: readonly UsageRecord[]; readonly warning?: string};
export type UsageLoader = () => UsageLoad;

const REFRESH_MS = 5000;

/**
 * The history while the Usage screen is open: read right after it opens (the first frame shows
 * "reading"), then every few seconds so requests that just finished appear. Nothing is read while
 * the screen is closed.
 */
export function useUsage(load: UsageLoader | undefined, open: boolean): {data?: UsageLoad; error?: string} {
	const [state, setState] = useState<{data?: UsageLoad; error?: string}>({});
	useEffect(() => {
		if (!open || !load) return;
		const read = (): void => {
			try {
				setState({data: load()});
			} catch (error) {
				setState({error: `Cannot read the usage history: ${error instanceof Error ? error.message : String(error)}`});
			}
		};

		const first = setTimeout(read, 0);
		const timer = setInterval(read, REFRESH_MS);
		return () => {
			clearTimeout(first);
			clearInterval(timer);
		};
	}, [load, open]);
	return state;
}
