import {describe, expect, it} from 'vitest';
import type {RequestAttempt} from '../../source/activity/events.js';
import {refusedUrl} from '../fakes/faulty-upstream.js';
import {answer, fail, sequence} from '../fakes/openai-upstream.js';
import {fastTimings, outcome, params, recordFault, recordingSleep, useFaultHarness} from './fault-kit.js';
import type {Harness} from '../helpers/proxy-harness.js';

const start = useFaultHarness();

function attempts(h: Harness): string[] {
	return h.events
		.filter((event): event is RequestAttempt => event.type === 'request:attempt')
		.map(event => `${event.attempt.provider},${event.attempt.model}: ${event.attempt.outcome}`);
}

describe('upstream 5xx', () => {
	it.each([
		[500, 500, 'InternalServerError', 'api_error'],
		[502, 502, 'InternalServerError', 'api_error'],
		[503, 529, 'OverloadedError', 'overloaded_error'],
	])('%i every time: 2 retries with backoff, then %i %s/%s', async (upstreamStatus, status, name, type) => {
		const {sleep, waits} = recordingSleep();
		const h = await start({upstream: fail(upstreamStatus, `upstream says ${upstreamStatus}`), timings: {sleep, random: () => 0.5}});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, name, status, type});
		if (result.ok) return;
		expect(result.message).toContain(`upstream says ${upstreamStatus}`);
		expect(h.upstreamRequests).toHaveLength(3);
		// Backoff: the base delay, then twice it (random 0.5 is the middle of the ±20 % jitter).
		expect(waits).toEqual([fastTimings.retryBaseDelayMs, fastTimings.retryBaseDelayMs! * 2]);
		recordFault(`upstream ${upstreamStatus} (every attempt)`, `${status} \`${type}\` with the upstream message after 2 retries`, result.ms);
	});

	it('a transient 500 is retried and the client gets the answer', async () => {
		const h = await start({upstream: sequence(fail(500), fail(502), answer({text: 'third time lucky'}))});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result.ok && result.value.content[0]).toMatchObject({text: 'third time lucky'});
		expect(attempts(h)).toEqual(['fake,up-model: http 500', 'fake,up-model: http 502', 'fake,up-model: answered']);
		recordFault('500, then 502, then OK', '200 answer (2 retries)', result.ms);
	});

	it('a transient 503 while streaming is retried before the first byte', async () => {
		const h = await start({upstream: sequence(fail(503), answer({text: 'streamed after retry'}))});
		const result = await outcome(() => h.client.messages.stream(params).finalMessage());
		expect(result.ok && result.value.content[0]).toMatchObject({text: 'streamed after retry'});
		recordFault('503 then OK (stream)', '200 stream, complete message', result.ms);
	});

	it('max_retries: 0 on the provider gives the error at once', async () => {
		const h = await start({
			upstream: fail(500),
			config: url => ({
				Providers: [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['up-model'], max_retries: 0}],
				Router: {default: 'fake,up-model'},
			}),
		});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, status: 500});
		expect(h.upstreamRequests).toHaveLength(1);
	});

	it('a 400 from the upstream is not retried', async () => {
		const h = await start({upstream: fail(400, 'bad tool schema')});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, name: 'BadRequestError', status: 400, type: 'invalid_request_error'});
		expect(h.upstreamRequests).toHaveLength(1);
		recordFault('upstream 400', '400 `invalid_request_error`, no retry', result.ok ? 0 : result.ms);
	});
});

describe('connection refused', () => {
	it('retries, then 502 api_error "cannot reach upstream … connection refused"', async () => {
		const dead = await refusedUrl();
		const h = await start({
			config: () => ({Providers: [{name: 'dead', api_base_url: `${dead}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['m']}], Router: {default: 'dead,m'}}),
		});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, name: 'InternalServerError', status: 502, type: 'api_error'});
		if (result.ok) return;
		expect(result.message).toMatch(/cannot reach upstream 127\.0\.0\.1:\d+ \(dead\): connection refused/);
		expect(attempts(h)).toEqual(['dead,m: connection refused', 'dead,m: connection refused', 'dead,m: connection refused']);
		recordFault('connection refused', '502 `api_error` "cannot reach upstream HOST (provider): connection refused" after 2 retries', result.ms);
	});
});

describe('fallback chain', () => {
	function chain(dead: string, fallback: string[]) {
		return (url: string) => ({
			Providers: [
				{name: 'dead', api_base_url: `${dead}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['m'], max_retries: 0},
				{name: 'busy', api_base_url: `${url}/busy/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['m'], max_retries: 0},
				{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['up-model']},
			],
			Router: {default: 'dead,m'},
			fallback: {default: fallback},
		});
	}

	it('refused → 503 → answer: the client gets the answer, the activity says who answered and why the others were skipped', async () => {
		const dead = await refusedUrl();
		const h = await start({
			config: chain(dead, ['busy,m', 'nope,x', 'fake,up-model']),
			upstream: (req, res) => (req.url.startsWith('/busy') ? fail(503, 'overloaded')(req, res) : answer({text: 'from the fallback'})(req, res)),
		});
		const result = await outcome(() => h.client.messages.stream(params).finalMessage());
		expect(result.ok && result.value.content[0]).toMatchObject({text: 'from the fallback'});
		expect(attempts(h)).toEqual([expect.stringMatching(/^nope,x: skipped: fallback/), 'dead,m: connection refused', 'busy,m: http 503', 'fake,up-model: answered']);
		const end = h.events.find(event => event.type === 'request:end');
		expect(end).toMatchObject({provider: 'fake', model: 'up-model'});
		recordFault('fallback: refused → 503 → OK', '200 stream from the 3rd target; activity lists each skip reason', result.ms);
	});

	it('a 400 does not fall back (it would fail everywhere)', async () => {
		const h = await start({
			config: url => ({
				Providers: [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-k-123456789', models: ['up-model', 'other-model']}],
				Router: {default: 'fake,up-model'},
				fallback: {default: ['fake,other-model']},
			}),
			upstream: fail(400, 'invalid'),
		});
		const result = await outcome(() => h.client.messages.create(params));
		expect(result).toMatchObject({ok: false, status: 400});
		expect(h.upstreamRequests).toHaveLength(1);
	});
});
