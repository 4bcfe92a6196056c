import {useCallback} from 'react';
import {useApp} from 'ink';
import type {UiAction, UiState} from '../ui-state.js';

export type QuitOptions = {
	/** Exact in-flight count from the proxy. */
	readonly inFlight: (() => number) | undefined;
	/** The activity snapshot's in-flight count, used without `inFlight`. */
	readonly inFlightCount: number;
	/** Runs before the UI exits. */
	readonly onQuit: (() => Promise<void> | void) | undefined;
	readonly latest: () => UiState;
	readonly dispatch: (action: UiAction) => void;
};

/**
 * The quit command: with requests in flight the first press only arms the guard (the status line
 * warns) and a second one quits; quitting runs `onQuit`, then exits Ink even when it fails.
 */
export function useQuit({inFlight, inFlightCount, onQuit, latest, dispatch}: QuitOptions): () => void {
	const {exit} = useApp();
	return useCallback(() => {
		const live = inFlight?.() ?? inFlightCount;
		if (latest().quitting) return;
		if (live > 0 && !latest().quitArmed) {
			dispatch({type: 'arm-quit'});
			return;
		}

		dispatch({type: 'quitting'});
		void (async () => {
			try {
				await onQuit?.();
			} finally {
				exit();
			}
		})();
	}, [inFlight, inFlightCount, onQuit, latest, dispatch, exit]);
}
