/**
 * Per-key health of the providers' key pools, folded from the proxy's `key:state` and `key:pool`
 * events: what the providers panel shows. Nothing here reads the proxy; a key no event mentioned yet
 * is `untested`.
 */
import type {KeyPoolReset, KeyStateChanged, KeyTrouble} from './events.js';

export type KeyStatus = {
	readonly index: number;
	readonly label: string;
	readonly state: 'untested' | 'ok' | 'cooling' | 'disabled';
	readonly reason?: KeyTrouble;
	readonly status?: number;
	readonly until?: number;
	/** The last error this key got, kept after it recovers. */
	readonly lastError?: {readonly message: string; readonly status?: number; readonly at: number};
};

/** Provider name → its pool's keys, in pool order. */
export type KeyHealthMap = Readonly<Record<string, readonly KeyStatus[]>>;

/** The map after one event (a new object when something changed). */
export function foldKeyEvent(map: KeyHealthMap, event: KeyStateChanged | KeyPoolReset): KeyHealthMap {
	if (event.type === 'key:pool') {
		return {...map, [event.provider]: event.labels.map((label, index) => ({index, label, state: 'untested' as const}))};
	}

	const keys = [...(map[event.provider] ?? [])];
	const before = keys[event.index]?.label === event.label ? keys[event.index] : undefined;
	const lastError = event.error === undefined ? before?.lastError : {message: event.error, at: event.at, ...(event.status === undefined ? {} : {status: event.status})};
	for (let index = keys.length; index < event.index; index++) keys[index] = {index, label: '', state: 'untested'};
	keys[event.index] = {
		index: event.index,
		label: event.label,
		state: event.state,
		...(event.reason === undefined ? {} : {reason: event.reason}),
		...(event.status === undefined ? {} : {status: event.status}),
		...(event.until === undefined ? {} : {until: event.until}),
		...(lastError ? {lastError} : {}),
	};
	return {...map, [event.provider]: keys};
}

/** Words for a reason: `429 rate limited`, `503 server error`, `401 rejected`. */
export function troubleWords(reason: KeyTrouble | undefined, status: number | undefined): string {
	const words = reason === 'rate-limited' ? 'rate limited' : reason === 'server-error' ? 'server error' : reason === 'rejected' ? 'rejected' : '';
	return [status === undefined ? '' : String(status), words].filter(Boolean).join(' ');
}

/** What a status means for a pooled key; undefined when it says nothing about the key. */
export function troubleOf(status: number): KeyTrouble | undefined {
	if (status === 429) return 'rate-limited';
	if (status === 401 || status === 403) return 'rejected';
	return status >= 500 ? 'server-error' : undefined;
}
