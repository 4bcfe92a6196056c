import {describe, expect, it} from 'vitest';
import {breakStream, headersThenSilence, trickle} from '../fakes/faulty-upstream.js';
import {answer, hang, sequence} from '../fakes/openai-upstream.js';
import type {RequestAttempt} from '../../source/activity/events.js';
import type {Harness} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';
import {HANG_GUARD_MS, outcome, params, rawMessages, recordFault, shortTimeouts, streamOutcome, upstreamAborted, useFaultHarness} from './fault-kit.js';

const faultHarness = useFaultHarness();
// Each test here is about a timeout: the short limits (0.4 s) apply, as the fault table says.
const start: typeof faultHarness = (options = {}) => faultHarness({...options, timings: {...shortTimeouts, ...options.timings}});

function attemptOutcomes(h: Harness): string[] {
	return h.events.filter((event): event is RequestAttempt => event.type === 'request:attempt').map(event => event.attempt.outcome);
}

describe('hang before headers', () => {
	it('stream: first-byte timeout → 504 timeout_error (not retried on the same target), upstream request aborted', async () => {
		const h = await start({upstream: hang()});
		const result = await streamOutcome(h);
		expect(result).toMatchObject({ok: false, status: 504, type: 'timeout_error'});
		if (result.ok) return;
		expect(result.message).toMatch(/no response from 127\.0\.0\.1:\d+ within 0\.4 s/);
		expect(result.ms).toBeGreaterThanOrEqual(390);
		// One attempt, by the proxy's own record: on a busy machine the fake may not even have parsed the
		// request within 0.4 s, so its list can be empty; either way the proxy hung up its connection.
		await waitFor(() => h.events.some(event => event.type === 'request:error'));
		expect(attemptOutcomes(h)).toEqual(['timeout (first byte)']);
		expect(h.upstreamRequests.length).toBeLessThanOrEqual(1);
		if (h.upstreamRequests[0]) await upstreamAborted(h.upstreamRequests[0]);
		await waitFor(() => h.upstream.openSockets() === 0, {timeoutMs: HANG_GUARD_MS, message: 'the proxy kept the upstream connection open'});
		recordFault('hang before headers (stream), first-byte timeout 0.4 s', 'HTTP 504 `timeout_error` "no response from HOST within 0.4 s"', result.ms);
	});

	it('per-provider first_byte_timeout_ms wins over the default', async () => {
		const h = await start({
			upstream: hang(),
			config: url => ({
				Providers: [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['up-model'], first_byte_timeout_ms: 200}],
				Router: {default: 'fake,up-model'},
			}),
		});
		const result = await streamOutcome(h);
		expect(result).toMatchObject({ok: false, status: 504, type: 'timeout_error'});
		expect(result.ok ? '' : result.message).toContain('within 0.2 s');
	});

	it('non-stream: the total limit (API_TIMEOUT_MS) ends it with 504 timeout_error', async () => {
		const h = await start({
			upstream: hang(),
			config: url => ({
				Providers: [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['up-model']}],
				Router: {default: 'fake,up-model'},
				API_TIMEOUT_MS: 500,
			}),
		});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, status: 504, type: 'timeout_error'});
		if (result.ok) return;
		expect(result.message).toMatch(/API_TIMEOUT_MS/);
		expect(result.ms).toBeGreaterThanOrEqual(490);
		if (h.upstreamRequests[0]) await upstreamAborted(h.upstreamRequests[0]);
		await waitFor(() => h.upstream.openSockets() === 0, {timeoutMs: HANG_GUARD_MS, message: 'the proxy kept the upstream connection open'});
		recordFault('hang before headers (non-stream), API_TIMEOUT_MS 0.5 s', 'HTTP 504 `timeout_error` naming API_TIMEOUT_MS', result.ms);
	});

	it('stream: a first-byte timeout moves on to the fallback', async () => {
		// Only the hanging target has the short limit: the fallback must not time out on a busy machine.
		const h = await faultHarness({
			upstream: (req, res) => (req.url.startsWith('/slow') ? hang()(req, res) : answer({text: 'fallback answered'})(req, res)),
			config: url => ({
				Providers: [
					{name: 'slow', api_base_url: `${url}/slow/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['m'], first_byte_timeout_ms: 400},
					{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['up-model']},
				],
				Router: {default: 'slow,m'},
				fallback: {default: ['fake,up-model']},
			}),
		});
		const result = await streamOutcome(h);
		expect(result.ok).toBe(true);
		expect(result.text).toBe('fallback answered');
		recordFault('hang before headers, with a fallback', '200 stream from the fallback after the 0.4 s first-byte timeout', result.ms);
	});
});

describe('stalls after headers', () => {
	it('headers then silence: idle timeout → event: error timeout_error; pings kept the client informed', async () => {
		const h = await start({upstream: headersThenSilence()});
		const started = performance.now();
		const raw = await rawMessages(h, {...params, stream: true});
		const ms = Math.round(performance.now() - started);
		expect(raw.status).toBe(200);
		const names = raw.events.map(event => event.event);
		expect(names[0]).toBe('message_start');
		// Every 0.1 s until the 0.4 s limit; a busy machine may merge timer turns, so at least one.
		expect(names.filter(name => name === 'ping').length).toBeGreaterThanOrEqual(1);
		expect(raw.events.at(-1)).toMatchObject({event: 'error', data: {type: 'error', error: {type: 'timeout_error'}}});
		expect(ms).toBeGreaterThanOrEqual(390);
		await upstreamAborted(h.upstreamRequests[0]!);

		const sdk = await streamOutcome(h);
		expect(sdk).toMatchObject({ok: false, type: 'timeout_error'});
		recordFault('SSE headers then silence, idle timeout 0.4 s', '200 + `message_start`, pings every 0.1 s, then `event: error` `timeout_error`', sdk.ms);
	});

	it('stall mid-stream: partial text reaches the client, then event: error timeout_error', async () => {
		const h = await start({upstream: breakStream({text: 'partial answer that stalls'}, {afterChunks: 3, mode: 'stall'})});
		const result = await streamOutcome(h);
		expect(result).toMatchObject({ok: false, type: 'timeout_error'});
		if (result.ok) return;
		expect(result.text.length).toBeGreaterThan(0);
		expect('partial answer that stalls'.startsWith(result.text)).toBe(true);
		expect(result.message).toMatch(/sent nothing/);
		await upstreamAborted(h.upstreamRequests[0]!);
		recordFault('stall mid-stream (after 2 text chunks), idle 0.4 s', 'text so far, then `event: error` `timeout_error` (SDK throws APIError)', result.ms);
	});

	it('slow trickle (a chunk every 150 ms, idle limit 1 s, about 1.5 s in all) completes normally', async () => {
		// The idle limit is far above the chunk gap, so a busy machine cannot reach it by accident;
		// the whole answer still takes longer than the limit, so the timer must restart with every chunk.
		const h = await start({upstream: trickle({text: 'slow but steady words that keep coming', pieces: 7}, 150), timings: {streamIdleTimeoutMs: 1000}});
		const result = await streamOutcome(h);
		expect(result.ok).toBe(true);
		expect(result.text).toBe('slow but steady words that keep coming');
		expect(result.ms).toBeGreaterThanOrEqual(1000);
		recordFault('slow trickle (chunk / 150 ms, total ≈ 1.5 s > idle 1 s)', 'complete 200 stream, `end_turn`', result.ms);
	});

	it('a stall is not retried (bytes already reached the client) even when retries are left', async () => {
		const h = await start({upstream: sequence(breakStream({text: 'abc def ghi'}, {afterChunks: 2, mode: 'stall'}), answer({text: 'never'}))});
		const result = await streamOutcome(h);
		expect(result.ok).toBe(false);
		expect(h.upstreamRequests).toHaveLength(1);
	});
});
