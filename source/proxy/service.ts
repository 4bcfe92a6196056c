/**
 * The proxy as a service: config store, activity bus, log file (when the config says LOG), the
 * server, and their clean-up in the right order. `ccr-tui start`, the dashboard's proxy thread and
 * `ccr-tui code` all run it; each opens the store itself, since each reports a broken config its
 * own way, and hands it over here.
 */
import {ActivityBus} from '../activity/bus.js';
import {createLogFile} from '../activity/log-file.js';
import {logFilePath} from '../config/paths.js';
import {createRedactor} from '../config/redact.js';
import type {ConfigStore} from '../config/store.js';
import {type ProxyServer, type StartProxyOptions, startProxy} from './server.js';

export type ProxyServiceOptions = Omit<StartProxyOptions, 'bus'> & {
	/** `after-io` batches the bus's deliveries after each turn's I/O (the headless log and the proxy thread). */
	readonly delivery?: 'after-io';
	/** Observers to attach before the first request can arrive; the function it returns detaches them. */
	readonly observe?: (bus: ActivityBus) => () => void;
};

export type ProxyService = {
	readonly bus: ActivityBus;
	readonly proxy: ProxyServer;
	/** Stops the server (in-flight answers end first), then the observers, the log file and the store. */
	close(): Promise<void>;
};

/** Starts the service; when the server cannot start, what was opened is closed (the store too) and the error thrown. */
export async function startProxyService(options: ProxyServiceOptions): Promise<ProxyService> {
	const {store, delivery, observe, ...listen} = options;
	const bus = new ActivityBus(delivery ? {delivery} : {});
	const unobserve = observe?.(bus);
	const logFile = openLogFile(store, bus);
	const release = async () => {
		bus.flush();
		unobserve?.();
		await logFile?.close();
		store.close();
	};

	let proxy: ProxyServer;
	try {
		proxy = await startProxy({...listen, store, bus});
	} catch (error) {
		await release();
		throw error;
	}

	return {
		bus,
		proxy,
		async close() {
			await proxy.close();
			await release();
		},
	};
}

/** The request log beside the config, redacted with the config's keys as they are at each line. */
function openLogFile(store: ConfigStore, bus: ActivityBus) {
	const snapshot = store.getSnapshot();
	if (snapshot.config.LOG !== true) return undefined;
	return createLogFile({
		path: logFilePath(snapshot.path),
		bus,
		redact: text => createRedactor(store.getSnapshot().config)(text),
		level: () => store.getSnapshot().config.LOG_LEVEL,
	});
}
