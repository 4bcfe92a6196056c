/**
 * Preloaded into the measured ccr-tui process (`node --import bench/probe.js dist/cli.js …`) so the
 * benchmark sees inside it without changing the product: event-loop delay histogram, memory, CPU
 * time, and an on-demand CPU profile (node:inspector, so no clean exit is needed to get one).
 * Listens on the unix socket named by CCR_BENCH_PROBE; does nothing without it. Never prints.
 *   GET /stats   → {pid, rss, heapUsed (all threads), heapTotal, mainHeapUsed, external, arrayBuffers, cpu,
 *                   eld: {p50, p99, max, mean} (ms), threads: [{threadId, heapUsed, heapTotal, eld}], proxyEld}
 *   POST /reset  → clears the event-loop histograms (every thread)
 *   POST /profile/start, POST /profile/stop?file=<path>  → writes a .cpuprofile (main thread)
 *   POST /gc     → full garbage collection (every thread), then /stats
 *   POST /heap?file=<path>  → writes a heap snapshot (main thread)
 * Preload modules also run in worker threads (the dashboard runs the proxy in one): there the probe
 * keeps its own histogram and answers the main thread over a BroadcastChannel. `proxyEld` is the
 * proxy's loop: the worker's when there is one, else the main thread's.
 */
import http from 'node:http';
import {Session} from 'node:inspector/promises';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {writeFile} from 'node:fs/promises';
import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';
import {BroadcastChannel, isMainThread, threadId} from 'node:worker_threads';

const socketPath = process.env.CCR_BENCH_PROBE;
if (socketPath) {
	const histogram = monitorEventLoopDelay({resolution: 10});
	histogram.enable();
	const channel = new BroadcastChannel('ccr-bench-probe');
	channel.unref();
	const ms = nanoseconds => Math.round(nanoseconds / 1e4) / 100;
	const eld = () => ({p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean), count: histogram.count});
	// Twice: one full GC can leave objects that only a second pass frees (weak references, finalizers).
	const gc = () => {
		v8.setFlagsFromString('--expose-gc');
		const collect = runInNewContext('gc');
		collect();
		collect();
	};

	if (isMainThread) startServer();
	else {
		channel.onmessage = ({data}) => {
			if (data.type === 'reset') histogram.reset();
			if (data.type === 'gc') gc();
			if (data.type === 'stats' || data.type === 'gc')
				channel.postMessage({type: 'thread', id: data.id, threadId, heapUsed: process.memoryUsage().heapUsed, heapTotal: process.memoryUsage().heapTotal, eld: eld()});
		};
	}

	function startServer() {
		let session;
		let asked = 0;
		/** Ask every worker; collect what arrives within 100 ms. */
		const askThreads = type =>
			new Promise(resolve => {
				const id = ++asked;
				const replies = [];
				channel.onmessage = ({data}) => {
					if (data.type === 'thread' && data.id === id) replies.push({threadId: data.threadId, heapUsed: data.heapUsed, heapTotal: data.heapTotal, eld: data.eld});
				};

				channel.postMessage({type, id});
				setTimeout(() => resolve(replies), 100);
			});

		const stats = async type => {
			const threads = await askThreads(type);
			const memory = process.memoryUsage();
			const main = eld();
			return {
				pid: process.pid,
				rss: memory.rss,
				heapUsed: memory.heapUsed + threads.reduce((sum, thread) => sum + thread.heapUsed, 0),
				// Heap reserved (used or not), main thread and per thread: what RSS is made of, beside malloc.
				heapTotal: memory.heapTotal,
				mainHeapUsed: memory.heapUsed,
				external: memory.external,
				arrayBuffers: memory.arrayBuffers,
				cpu: process.cpuUsage(),
				eld: main,
				threads,
				proxyEld: threads.at(-1)?.eld ?? main,
			};
		};

		const handle = async url => {
			if (url.pathname === '/stats') return stats('stats');
			if (url.pathname === '/reset') {
				histogram.reset();
				channel.postMessage({type: 'reset'});
				return {ok: true};
			}

			if (url.pathname === '/gc') {
				gc();
				return stats('gc');
			}

			if (url.pathname === '/heap') return {file: v8.writeHeapSnapshot(url.searchParams.get('file') ?? undefined)};
			if (url.pathname === '/profile/start') {
				session = new Session();
				session.connect();
				await session.post('Profiler.enable');
				await session.post('Profiler.setSamplingInterval', {interval: Number(url.searchParams.get('interval') ?? 200)});
				await session.post('Profiler.start');
				return {ok: true};
			}

			if (url.pathname === '/profile/stop' && session) {
				const {profile} = await session.post('Profiler.stop');
				session.disconnect();
				session = undefined;
				await writeFile(url.searchParams.get('file'), JSON.stringify(profile));
				return {ok: true};
			}

			return {error: 'unknown'};
		};

		const server = http.createServer((req, res) => {
			handle(new URL(req.url, 'http://probe')).then(
				body => res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(body)),
				error => res.writeHead(500).end(JSON.stringify({error: String(error)})),
			);
		});
		server.listen(socketPath);
		server.unref();
	}
}
