/**
 * Load-generator side of the benchmark: one node:http client request with hrtime stamps, closed
 * loops at a fixed concurrency, and the statistics (median of round medians, IQR, percentiles).
 * Runs in the runner process, never inside a measured server.
 */
import http from 'node:http';

const DELTA = Buffer.from('"delta"');
const NL = 0x0a;
const REQUEST_TIMEOUT_MS = 30_000;

const ms = (from, to) => Number(to - from) / 1e6;

/**
 * POST `body` to a target and time it. Resolves {status, first, delta, total, events, bytes}:
 * first = first body byte (first SSE event), delta = first byte run containing `"delta"` (the first
 * token: an OpenAI chunk or an Anthropic content_block_delta), total = end of body; all in ms.
 * events = SSE events (blank-line terminated) when `countEvents`.
 */
export function send(target, body, {countEvents = false} = {}) {
	return new Promise((resolve, reject) => {
		const t0 = process.hrtime.bigint();
		const req = http.request(
			{
				agent: target.agent,
				host: '127.0.0.1',
				port: target.port,
				method: 'POST',
				path: target.path,
				headers: {...target.headers, 'content-length': body.length},
			},
			res => {
				let first = 0n;
				let delta = 0n;
				let events = 0;
				let bytes = 0;
				let previousNl = false;
				res.on('data', chunk => {
					const now = process.hrtime.bigint();
					if (first === 0n) first = now;
					if (delta === 0n && chunk.indexOf(DELTA) >= 0) delta = now;
					bytes += chunk.length;
					if (countEvents) {
						// Count "\n\n" (event terminators), also when split across two reads.
						let at = chunk.indexOf(NL);
						if (at === 0 && previousNl) events++;
						while (at >= 0) {
							if (at > 0 && chunk[at - 1] === NL) events++;
							at = chunk.indexOf(NL, at + 1);
						}

						previousNl = chunk[chunk.length - 1] === NL;
					}
				});
				res.on('end', () => {
					const end = process.hrtime.bigint();
					resolve({
						status: res.statusCode,
						first: first ? ms(t0, first) : ms(t0, end),
						delta: delta ? ms(t0, delta) : undefined,
						total: ms(t0, end),
						events,
						bytes,
					});
				});
				res.on('error', reject);
			},
		);
		req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms (${target.name})`)));
		req.on('error', reject);
		req.end(body);
	});
}

/** Like send, but the answer body is returned (for sanity checks). */
export function fetchText(target, body) {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{agent: target.agent, host: '127.0.0.1', port: target.port, method: 'POST', path: target.path, headers: {...target.headers, 'content-length': body.length}},
			res => {
				const parts = [];
				res.on('data', chunk => parts.push(chunk));
				res.on('end', () => resolve({status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString('utf8')}));
				res.on('error', reject);
			},
		);
		req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end(body);
	});
}

/**
 * Closed loop: `concurrency` workers send back to back until `durationMs` has passed (or `count`
 * requests were started); in-flight requests finish, so elapsed covers whole requests only.
 * `body` may be a function of the request's sequence number (to mix request kinds).
 */
export async function closedLoop(target, body, {concurrency, durationMs, count, countEvents = false, onResult}) {
	const started = performance.now();
	const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : started + durationMs;
	let issued = 0;
	let completed = 0;
	let events = 0;
	let errors = 0;
	const latencies = [];
	const worker = async () => {
		while (performance.now() < deadline && (count === undefined || issued < count)) {
			const payload = typeof body === 'function' ? body(issued) : body;
			issued++;
			try {
				const result = await send(target, payload, {countEvents});
				if (result.status !== 200) errors++;
				completed++;
				events += result.events;
				latencies.push(result.total);
				onResult?.(result, completed);
			} catch {
				errors++;
			}
		}
	};

	await Promise.all(Array.from({length: concurrency}, worker));
	const elapsed = performance.now() - started;
	return {completed, errors, events, elapsedMs: elapsed, reqPerSec: completed / (elapsed / 1000), eventsPerSec: events / (elapsed / 1000), latencies};
}

export function sorted(values) {
	return [...values].sort((a, b) => a - b);
}

/** Linear-interpolated percentile of unsorted values. */
export function percentile(values, p) {
	if (values.length === 0) return Number.NaN;
	const s = sorted(values);
	const rank = (p / 100) * (s.length - 1);
	const low = Math.floor(rank);
	const high = Math.ceil(rank);
	return s[low] + (s[high] - s[low]) * (rank - low);
}

export const median = values => percentile(values, 50);

/** Least-squares slope of y over x. */
export function slope(points) {
	const n = points.length;
	if (n < 2) return 0;
	const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
	const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
	let num = 0;
	let den = 0;
	for (const [x, y] of points) {
		num += (x - mx) * (y - my);
		den += (x - mx) ** 2;
	}

	return den === 0 ? 0 : num / den;
}
