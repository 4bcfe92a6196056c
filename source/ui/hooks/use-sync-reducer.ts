import {useCallback, useRef, useState} from 'react';

/**
 * A reducer with a synchronous mirror: `dispatch` applies the reducer at once, so a key handler
 * running before React re-renders (fast typing, key repeat, a paste) sees the previous key's effect.
 */
export function useSyncReducer<S, A>(reducer: (state: S, action: A) => S, initial: () => S): [S, (action: A) => void, () => S] {
	const [state, setState] = useState(initial);
	const ref = useRef(state);
	const dispatch = useCallback(
		(action: A) => {
			ref.current = reducer(ref.current, action);
			setState(ref.current);
		},
		[reducer],
	);
	const latest = useCallback(() => ref.current, []);
	return [state, dispatch, latest];
}
