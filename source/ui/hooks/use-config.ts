import {useSyncExternalStore} from 'react';
import type {ConfigSnapshot, ConfigStore} from '../../config/store.js';

/** The current config snapshot; re-renders when the store publishes a new one. */
export function useConfig(store: ConfigStore): ConfigSnapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
