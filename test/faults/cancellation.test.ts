import http from 'node:http';
import {describe, expect, it} from 'vitest';
import {trickle} from '../fakes/faulty-upstream.js';
import {fail, hang} from '../fakes/openai-upstream.js';
import type {Harness} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';
import {endlessSleep, firstText, HANG_GUARD_MS, outcome, params, recordFault, upstreamAborted, useFaultHarness} from './fault-kit.js';

const start = useFaultHarness();

/**
 * Claude Code is another process: its own abort bookkeeping is not ours to measure. A raw HTTP
 * client hangs up (socket destroyed) once the upstream got the request, or after the first bytes
 * of the answer; returns ms from the hang-up until the fake upstream saw its request aborted.
 */
async function hangUp(h: Harness, body: Record<string, unknown>, when: 'upstream-received' | 'first-bytes'): Promise<number> {
	const url = new URL(`${h.proxyUrl}/v1/messages`);
	const before = h.upstreamRequests.length;
	return new Promise<number>((resolve, reject) => {
		const request = http.request({host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: {'content-type': 'application/json', 'x-api-key': 'test-key'}});
		request.on('error', () => {});
		const cut = async () => {
			const upstream = await waitFor(() => h.upstreamRequests[before]);
			const cutAt = performance.now();
			request.destroy();
			await upstreamAborted(upstream);
			resolve((await upstream.closed) - cutAt);
		};
		// Any failure on the way (no upstream request, never aborted) rejects: the test fails, it does not hang.
		const cutOrFail = () => void cut().catch(reject);

		if (when === 'first-bytes') request.on('response', response => response.once('data', cutOrFail));
		request.end(JSON.stringify(body));
		if (when === 'upstream-received') cutOrFail();
	});
}

/** Abort, then measure until the fake upstream saw its request hung up (recorded, not asserted). */
async function abortAndMeasure(h: Harness, abort: () => void): Promise<number> {
	const request = h.upstreamRequests.at(-1)!;
	const abortedAt = performance.now();
	abort();
	await upstreamAborted(request);
	return (await request.closed) - abortedAt;
}

async function expectNothingLeft(h: Harness): Promise<void> {
	await waitFor(() => h.proxy.inFlight() === 0, {timeoutMs: HANG_GUARD_MS, message: 'request still in flight after abort'});
	await waitFor(() => h.upstream.openSockets() === 0, {timeoutMs: HANG_GUARD_MS, message: 'upstream socket left open after abort'});
	const error = await waitFor(() => h.events.find(event => event.type === 'request:error'));
	expect(error).toMatchObject({status: 499, errorType: 'cancelled'});
}

describe('client abort', () => {
	it('SDK abort mid-stream: APIUserAbortError, upstream request aborted, nothing left in flight', async () => {
		const h = await start({upstream: trickle({text: 'a long answer that keeps coming and coming', pieces: 40}, 100)});
		const controller = new AbortController();
		const stream = h.client.messages.stream(params, {signal: controller.signal});
		const text = firstText(stream);
		const done = outcome(() => stream.finalMessage());
		await text;
		const ms = await abortAndMeasure(h, () => controller.abort());
		expect(await done).toMatchObject({ok: false, name: 'APIUserAbortError'});
		await expectNothingLeft(h);
		recordFault('client abort mid-stream (Esc in Claude Code)', 'SDK `APIUserAbortError`; upstream request aborted', Math.round(ms));
	});

	it('SDK abort before upstream headers (stream): upstream request aborted', async () => {
		const h = await start({upstream: hang(), timings: {firstByteTimeoutMs: 10_000}});
		const controller = new AbortController();
		const done = outcome(() => h.client.messages.stream(params, {signal: controller.signal}).finalMessage());
		await waitFor(() => h.upstreamRequests.length === 1);
		const ms = await abortAndMeasure(h, () => controller.abort());
		expect(await done).toMatchObject({ok: false, name: 'APIUserAbortError'});
		await expectNothingLeft(h);
		recordFault('client abort before upstream headers (stream)', 'SDK `APIUserAbortError`; upstream request aborted', Math.round(ms));
	});

	it('SDK abort before upstream headers (non-stream): upstream request aborted', async () => {
		const h = await start({upstream: hang()});
		const controller = new AbortController();
		const done = outcome(() => h.client.messages.create(params, {signal: controller.signal}));
		await waitFor(() => h.upstreamRequests.length === 1);
		const ms = await abortAndMeasure(h, () => controller.abort());
		expect(await done).toMatchObject({ok: false, name: 'APIUserAbortError'});
		await expectNothingLeft(h);
		recordFault('client abort before upstream headers (non-stream)', 'SDK `APIUserAbortError`; upstream request aborted', Math.round(ms));
	});

	it('during the retry backoff: no further upstream attempt, the request ends at once', async () => {
		// The backoff never ends by itself: only the client's abort can end this request.
		const h = await start({upstream: fail(500), timings: {sleep: endlessSleep}});
		const controller = new AbortController();
		const done = outcome(() => h.client.messages.create(params, {signal: controller.signal}));
		await waitFor(() => h.events.some(event => event.type === 'request:attempt'));
		const abortedAt = performance.now();
		controller.abort();
		expect(await done).toMatchObject({ok: false, name: 'APIUserAbortError'});
		await waitFor(() => h.proxy.inFlight() === 0, {timeoutMs: HANG_GUARD_MS, message: 'the abort did not end the backoff'});
		const ms = Math.round(performance.now() - abortedAt);
		expect(h.upstreamRequests).toHaveLength(1);
		recordFault('client abort during retry backoff (5 s)', 'SDK `APIUserAbortError`; no further upstream attempt', ms);
	});

	// How fast (the 50 ms median the fault table shows) is a budget, not a correctness rule: it is recorded,
	// not asserted. What must hold every time: the hang-up aborts the upstream request (hangUp rejects otherwise).
	it('hang-up from the socket (5 times each: mid-stream, before headers stream / non-stream): the upstream request is aborted', async () => {
		const h = await start({upstream: trickle({text: 'a long answer that keeps coming and coming', pieces: 40}, 400), timings: {firstByteTimeoutMs: 10_000}});
		const measure = async (label: string, body: Record<string, unknown>, when: 'upstream-received' | 'first-bytes') => {
			const times: number[] = [];
			for (let index = 0; index < 5; index++) times.push(await hangUp(h, body, when));
			const sorted = [...times].sort((a, b) => a - b);
			const median = sorted[2]!;
			recordFault(`client hang-up ${label} (raw socket closed, 5 runs)`, `upstream request aborted (median shown; max ${sorted[4]!.toFixed(1)} ms)`, Math.round(median * 10) / 10);
		};

		await measure('mid-stream', {...params, stream: true}, 'first-bytes');
		h.upstream.setHandler(hang());
		await measure('before upstream headers, stream', {...params, stream: true}, 'upstream-received');
		await measure('before upstream headers, non-stream', params, 'upstream-received');
		await waitFor(() => h.proxy.inFlight() === 0, {timeoutMs: HANG_GUARD_MS});
	});

	it('leaves no timers behind once everything is closed', async () => {
		const timers = () => process.getActiveResourcesInfo().filter(name => name === 'Timeout').length;
		const before = timers();
		const h = await start({upstream: trickle({text: 'x y z w v u', pieces: 6}, 50)});
		for (let index = 0; index < 3; index++) {
			const controller = new AbortController();
			const stream = h.client.messages.stream(params, {signal: controller.signal});
			const done = outcome(() => stream.finalMessage());
			await firstText(stream);
			controller.abort();
			await done;
		}

		await h.client.messages.stream(params).finalMessage();
		await h.close(); // idempotent: the afterEach close is then a no-op
		await waitFor(() => timers() <= before, {timeoutMs: HANG_GUARD_MS, message: `timers left: ${timers()} > ${before}`});
	});
});
