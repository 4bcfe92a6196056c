/**
 * The proxy in its own thread, for the dashboard: Ink re-renders the whole screen on every frame
 * (tens of ms of CPU on a small machine), which would otherwise sit in the proxy's event loop and
 * delay every request. Here the proxy keeps an event loop of its own; the dashboard only receives
 * activity events (batched per tick) and tells the proxy to re-read the config after it saved.
 */
import {parentPort, workerData} from 'node:worker_threads';
import type {ActivityEvent} from '../activity/events.js';
import type {ActivityBus} from '../activity/bus.js';
import {ConfigStore} from '../config/store.js';
import {startProxyService} from './service.js';
import type {ToProxyWorker, FromProxyWorker, ProxyWorkerData} from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('proxy/worker.js must run in a worker thread');
const data = workerData as ProxyWorkerData;
const post = (message: FromProxyWorker): void => port.postMessage(message);

const store = new ConfigStore({path: data.configPath});

// One postMessage per bus delivery (once per event-loop turn), not per event: a burst of streams
// produces many small events. The bus delivers after the turn's I/O, so posting never delays an answer.
let queue: ActivityEvent[] = [];
function flush(): void {
	if (queue.length === 0) return;
	const events = queue;
	queue = [];
	post({type: 'events', events});
}

const observe = (bus: ActivityBus) =>
	bus.on(event => {
		if (queue.length === 0) queueMicrotask(flush);
		queue.push(event);
	});

try {
	const service = await startProxyService({store, observe, delivery: 'after-io', host: data.host, port: data.port, warmUp: true, history: true});
	const {proxy} = service;
	post({type: 'listening', url: proxy.url, host: proxy.host, port: proxy.port});
	port.on('message', (message: ToProxyWorker) => {
		if (message.type === 'reload') {
			store.reload();
		} else if (message.type === 'close') {
			void service.close().finally(() => {
				flush();
				post({type: 'closed'});
				port.close();
			});
		}
	});
} catch (error) {
	post({type: 'failed', message: error instanceof Error ? error.message : String(error)});
	port.close();
}
