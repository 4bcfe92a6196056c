import {useSyncExternalStore} from 'react';
import type {ActivitySnapshot, ActivityStore} from '../../activity/store.js';

/** The activity snapshot; the store notifies at most ~10 times a second, so this is the render budget. */
export function useActivity(activity: ActivityStore): ActivitySnapshot {
	return useSyncExternalStore(activity.subscribe, activity.getSnapshot);
}
