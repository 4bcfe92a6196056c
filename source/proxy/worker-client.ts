import {Worker} from 'node:worker_threads';
import type {ActivityBus} from '../activity/bus.js';
import type {ConfigStore} from '../config/store.js';
import type {FromProxyWorker, ProxyWorkerData, ToProxyWorker} from './worker-protocol.js';

export type ProxyThread = {
	readonly url: string;
	readonly host: string;
	readonly port: number;
	/** Stop accepting, let in-flight answers end cleanly, then stop the thread. */
	close(): Promise<void>;
};

/**
 * Start the proxy in a worker thread (see worker.ts for why). Its activity events are re-emitted on
 * `bus`; every change of `store` (a save from the dashboard, a hand edit) makes the proxy re-read
 * the file before its next request.
 */
// Over 60 lines: the proxy thread’s message protocol in one place.
export async function startProxyThread(options: {store: ConfigStore; bus: ActivityBus; host?: string; port?: number}): Promise<ProxyThread> {
	const data: ProxyWorkerData = {configPath: options.store.path, host: options.host, port: options.port};
	const worker = new Worker(new URL('worker.js', import.meta.url), {workerData: data});
	const send = (message: ToProxyWorker): void => worker.postMessage(message);

	let closed: Promise<void> | undefined;
	let onClosed: () => void = () => {};
	const exited = new Promise<void>(resolve => worker.once('exit', () => resolve()));

	const listening = new Promise<{url: string; host: string; port: number}>((resolve, reject) => {
		worker.on('message', (message: FromProxyWorker) => {
			switch (message.type) {
				case 'events': {
					for (const event of message.events) options.bus.emit(event);
					break;
				}

				case 'listening': {
					resolve(message);
					break;
				}

				case 'failed': {
					reject(new Error(message.message));
					break;
				}

				case 'closed': {
					onClosed();
					break;
				}
			}
		});
		worker.once('error', reject);
		worker.once('exit', code => reject(new Error(`the proxy thread stopped before listening (exit code ${code})`)));
	});

	let address: {url: string; host: string; port: number};
	try {
		address = await listening;
	} catch (error) {
		await worker.terminate();
		throw error;
	}

	worker.on('error', error => {
		// Not expected; without this the dashboard would show a proxy that silently stopped answering.
		options.bus.emit({type: 'notice', at: Date.now(), level: 'error', source: 'proxy', message: `the proxy thread failed: ${error.message}`});
	});
	const unsubscribe = options.store.subscribe(() => send({type: 'reload'}));
	return {
		...address,
		close() {
			closed ??= (async () => {
				unsubscribe();
				const done = new Promise<void>(resolve => {
					onClosed = resolve;
				});
				send({type: 'close'});
				// The thread ends itself once the server is closed; never wait forever on it.
				const timeout = new Promise<void>(resolve => setTimeout(resolve, 10_000).unref());
				await Promise.race([Promise.all([done, exited]), timeout]);
				await worker.terminate();
			})();
			return closed;
		},
	};
}
