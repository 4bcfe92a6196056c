/**
 * Preloaded into the measured ccr-tui process (`node --import bench/probe.js dist/cli.js …`) so the
 * benchmark sees inside it without changing the product: event-loop delay histogram, memory, CPU
 * time, and an on-demand CPU profile (node:inspector, so no clean exit is needed to get one).
 * Listens on the unix socket named by CCR_BENCH_PROBE; does nothing without it. Never prints.
 *   GET /stats   → {pid, rss, heapUsed, external, arrayBuffers, cpu, eld: {p50, p99, max, mean} (ms)}
 *   POST /reset  → clears the event-loop histogram
 *   POST /profile/start, POST /profile/stop?file=<path>  → writes a .cpuprofile
 *   POST /gc     → full garbage collection, then /stats (retained memory, not GC laziness)
 *   POST /heap?file=<path>  → writes a heap snapshot
 */
import http from 'node:http';
import {Session} from 'node:inspector/promises';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {writeFile} from 'node:fs/promises';
import v8 from 'node:v8';
import {runInNewContext} from 'node:vm';

const socketPath = process.env.CCR_BENCH_PROBE;
if (socketPath) {
	const histogram = monitorEventLoopDelay({resolution: 10});
	histogram.enable();
	let session;
	const ms = nanoseconds => Math.round(nanoseconds / 1e4) / 100;
	const stats = () => {
		const memory = process.memoryUsage();
		return {
			pid: process.pid,
			rss: memory.rss,
			heapUsed: memory.heapUsed,
			external: memory.external,
			arrayBuffers: memory.arrayBuffers,
			cpu: process.cpuUsage(),
			eld: {p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean), count: histogram.count},
		};
	};

	const handle = async (req, url) => {
		if (url.pathname === '/stats') return stats();
		if (url.pathname === '/reset') {
			histogram.reset();
			return {ok: true};
		}

		if (url.pathname === '/gc') {
			v8.setFlagsFromString('--expose-gc');
			runInNewContext('gc')();
			return stats();
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
		handle(req, new URL(req.url, 'http://probe')).then(
			body => res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(body)),
			error => res.writeHead(500).end(JSON.stringify({error: String(error)})),
		);
	});
	server.listen(socketPath);
	server.unref();
}
