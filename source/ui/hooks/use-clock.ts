import {createContext, createElement, useContext, useEffect, useState, type ReactNode} from 'react';

/**
One clock for the whole UI: uptime, elapsed times and every spinner read it, so N in-flight rows
cost one timer and one render per tick instead of N spinner intervals. It ticks fast only while
something is live.
*/
const ClockContext = createContext<number>(0);

const FAST_TICK_MS = 250;
const SLOW_TICK_MS = 1000;

/** `now` is injected by tests (cool-down times, elapsed times); the real clock otherwise. */
export function ClockProvider({fast, now: read = Date.now, children}: {readonly fast: boolean; readonly now?: () => number; readonly children: ReactNode}): ReactNode {
	const [now, setNow] = useState(read);
	useEffect(() => {
		setNow(read());
		const timer = setInterval(() => setNow(read()), fast ? FAST_TICK_MS : SLOW_TICK_MS);
		return () => clearInterval(timer);
	}, [fast, read]);
	return createElement(ClockContext.Provider, {value: now}, children);
}

export function useNow(): number {
	return useContext(ClockContext);
}
