import type {ActivityEvent} from '../activity/events.js';

/** What the dashboard hands the proxy thread at start. */
export type ProxyWorkerData = {
	readonly configPath: string;
	readonly host?: string;
	readonly port?: number;
};

export type ToProxyWorker = {readonly type: 'reload'} | {readonly type: 'close'};

export type FromProxyWorker =
	| {readonly type: 'listening'; readonly url: string; readonly host: string; readonly port: number}
	| {readonly type: 'failed'; readonly message: string}
	| {readonly type: 'events'; readonly events: readonly ActivityEvent[]}
	| {readonly type: 'closed'};
