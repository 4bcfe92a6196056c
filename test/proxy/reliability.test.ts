/**
 * The one retry loop, key pools, fallbacks, timeouts and cancellation, end to end with short
 * injected delays (no real 60 s waits).
 */
import Anthropic from '@anthropic-ai/sdk';
import {afterEach, describe, expect, it} from 'vitest';
import type {AttemptOutcome, RequestFailed, RequestFinished} from '../../source/activity/events.js';
import {startProxy} from '../../source/proxy/server.js';
import type {ProxyTimings} from '../../source/proxy/timings.js';
import {answer, fail, hang, sequence, startSse, streamChunks, writeChunk, type FakeUpstreamHandler} from '../fakes/openai-upstream.js';
import {startHarness, type Harness, type HarnessOptions} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';

const MODEL = 'claude-test-sonnet';
const base = {model: MODEL, max_tokens: 256, messages: [{role: 'user' as const, content: 'hello'}]};
const fast: Partial<ProxyTimings> = {
	retryBaseDelayMs: 5,
	retryMaxDelayMs: 20,
	firstByteTimeoutMs: 300,
	streamIdleTimeoutMs: 300,
	pingIntervalMs: 40,
	postFinishGraceMs: 100,
	closeGraceMs: 150,
};
/** sse-relay.ts's bound on reading the rest of a finished answer's upstream response. */
const DRAIN_MS = 1000;
let harness: Harness | undefined;

afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

async function start(options: HarnessOptions): Promise<Harness> {
	harness = await startHarness({timings: fast, ...options});
	return harness;
}

function attempts(h: Harness): AttemptOutcome[] {
	return h.events.flatMap(event => (event.type === 'request:attempt' ? [event.attempt] : []));
}

function providers(url: string, extra: Array<Record<string, unknown>> = [], first: Record<string, unknown> = {}) {
	return [{name: 'fake', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-fake-upstream-key-0001', models: ['up-model'], ...first}, ...extra];
}

const byKey =
	(handlers: Record<string, FakeUpstreamHandler>): FakeUpstreamHandler =>
	(req, res) => {
		const key = String(req.headers['authorization']).replace('Bearer ', '');
		return (handlers[key] ?? fail(500, `unexpected key ${key}`))(req, res);
	};

describe('key pools', () => {
	it('a 429 rests the key and the next key answers at once; later requests skip it', async () => {
		const h = await start({
			upstream: byKey({'sk-pool-first-key-1111': fail(429, 'quota exceeded'), 'sk-pool-second-key-2222': answer({text: 'from key two'})}),
			config: url => ({
				Providers: providers(url, [], {api_key: ['sk-pool-first-key-1111', 'sk-pool-second-key-2222']}),
				Router: {default: 'fake,up-model'},
			}),
		});
		const first = await h.client.messages.create(base);
		expect(first.content).toEqual([expect.objectContaining({text: 'from key two'})]);
		expect(attempts(h).map(attempt => [attempt.outcome, attempt.keySuffix])).toEqual([
			['http 429', '••••1111'],
			['answered', '••••2222'],
		]);
		expect(h.events.filter(event => event.type === 'key:state').map(event => event.type === 'key:state' && [event.label, event.state])).toEqual([
			['••••1111', 'cooling'],
			['••••2222', 'ok'],
		]);
		await h.client.messages.create(base);
		await h.client.messages.create(base);
		expect(h.upstreamRequests.map(request => String(request.headers['authorization']).slice(-4))).toEqual(['1111', '2222', '2222', '2222']);
		expect(h.activity.getSnapshot().keys['fake']?.map(key => key.label)).toEqual(['••••1111', '••••2222']);
	});

	it('401 disables a key; when every key is refused the real error surfaces', async () => {
		const h = await start({
			upstream: fail(401, 'invalid api key'),
			config: url => ({Providers: providers(url, [], {api_key: ['sk-bad-key-one-1111', 'sk-bad-key-two-2222']}), Router: {default: 'fake,up-model'}}),
		});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
		expect(error.message).toContain('invalid api key');
		expect(h.upstreamRequests).toHaveLength(2);
		const again = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(again.status).toBe(401);
		expect(again.message).toContain('fix api_key');
		expect(h.upstreamRequests).toHaveLength(2);
	});

	it('a single key is not rested: its 429 is retried (Retry-After honoured) and then surfaced', async () => {
		const h = await start({upstream: fail(429, 'slow down', {'retry-after-ms': '80'})});
		const startedAt = performance.now();
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		const elapsed = performance.now() - startedAt;
		expect(error).toBeInstanceOf(Anthropic.RateLimitError);
		expect(error.message).toContain('slow down');
		expect(error.headers?.get('retry-after-ms')).toBe('80');
		expect(h.upstreamRequests).toHaveLength(3);
		expect(elapsed).toBeGreaterThanOrEqual(160);
		expect(h.events.some(event => event.type === 'key:state' || event.type === 'key:pool')).toBe(false);
	});

	it('an api_key naming an unset $VAR says which variable is missing', async () => {
		const h = await start({config: url => ({Providers: providers(url, [], {api_key: '$CCR_TEST_UNSET_KEY'}), Router: {default: 'fake,up-model'}})});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(401);
		expect(error.message).toContain('$CCR_TEST_UNSET_KEY');
		expect(h.upstreamRequests).toHaveLength(0);
	});
});

describe('retry loop', () => {
	it('retries 5xx twice by default, then answers', async () => {
		const h = await start({upstream: sequence(fail(500), fail(502), answer({text: 'third time'}))});
		const message = await h.client.messages.stream(base).finalMessage();
		expect(message.content).toEqual([expect.objectContaining({text: 'third time'})]);
		expect(attempts(h).map(attempt => attempt.outcome)).toEqual(['http 500', 'http 502', 'answered']);
	});

	it('gives up after the retries with the upstream error', async () => {
		const h = await start({upstream: fail(500, 'still broken')});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(500);
		expect(error.message).toContain('still broken');
		expect(h.upstreamRequests).toHaveLength(3);
		const failed = h.events.find((event): event is RequestFailed => event.type === 'request:error');
		expect(failed).toMatchObject({status: 500, errorType: 'api_error'});
	});

	it('does not retry a 400', async () => {
		const h = await start({upstream: fail(400, 'bad request')});
		await h.client.messages.create(base).catch(() => undefined);
		expect(h.upstreamRequests).toHaveLength(1);
	});

	it('Gemini Balance gets no retries by default (it retries across its own keys)', async () => {
		const h = await start({
			upstream: fail(500),
			config: url => ({Providers: providers(url, [], {profile: 'gemini-balance'}), Router: {default: 'fake,up-model'}}),
		});
		await h.client.messages.create(base).catch(() => undefined);
		expect(h.upstreamRequests).toHaveLength(1);
	});

	it('retries connection refused, then reports it readably', async () => {
		const h = await start({
			config: () => ({
				Providers: [{name: 'down', api_base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-down-0000', models: ['m']}],
				Router: {default: 'down,m'},
			}),
		});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(502);
		expect(error.message).toContain('cannot reach upstream 127.0.0.1:9 (down): connection refused');
		expect(attempts(h).map(attempt => attempt.outcome)).toEqual(['connection refused', 'connection refused', 'connection refused']);
	});
});

describe('fallback chains', () => {
	const withFallback = (url: string) => ({
		Providers: providers(url, [{name: 'backup', api_base_url: `${url}/backup/v1`, api_key: 'sk-backup-key-0002', models: ['backup-model']}], {max_retries: 0}),
		Router: {default: 'fake,up-model'},
		fallback: {default: ['ghost,model', 'backup,backup-model']},
	});
	const primaryFails =
		(failure: FakeUpstreamHandler): FakeUpstreamHandler =>
		(req, res) =>
			req.url.startsWith('/backup') ? answer({text: 'backup answered'})(req, res) : failure(req, res);

	it('a 5xx moves to the next target; the activity says who answered and why others were skipped', async () => {
		const h = await start({upstream: primaryFails(fail(503, 'overloaded')), config: withFallback});
		const message = await h.client.messages.stream(base).finalMessage();
		expect(message.content).toEqual([expect.objectContaining({text: 'backup answered'})]);
		expect(message.model).toBe(MODEL);
		expect(attempts(h).map(attempt => `${attempt.provider}: ${attempt.outcome}`)).toEqual([
			expect.stringMatching(/^ghost: skipped: fallback unknown provider "ghost"/),
			'fake: http 503',
			'backup: answered',
		]);
		const ended = h.events.find((event): event is RequestFinished => event.type === 'request:end');
		expect(ended).toMatchObject({provider: 'backup', model: 'backup-model'});
		expect(h.activity.getSnapshot().recent[0]).toMatchObject({provider: 'backup', model: 'backup-model'});
	});

	it('a first-byte timeout moves on too', async () => {
		const h = await start({upstream: primaryFails(hang()), config: withFallback});
		const startedAt = performance.now();
		const message = await h.client.messages.stream(base).finalMessage();
		expect(message.content).toEqual([expect.objectContaining({text: 'backup answered'})]);
		expect(performance.now() - startedAt).toBeGreaterThanOrEqual(280);
		expect(attempts(h).map(attempt => attempt.outcome)).toContain('timeout (first byte)');
	});

	it('a 400 does not (the request itself is wrong)', async () => {
		const h = await start({upstream: primaryFails(fail(400, 'bad')), config: withFallback});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(400);
		expect(h.upstreamRequests).toHaveLength(1);
	});
});

describe('timeouts', () => {
	it('first byte: no headers in time → 504 timeout_error', async () => {
		const h = await start({upstream: hang(), config: url => ({Providers: providers(url, [], {max_retries: 0}), Router: {default: 'fake,up-model'}})});
		const error = (await h.client.messages
			.stream(base)
			.finalMessage()
			.catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(504);
		expect(error.message).toContain('first_byte_timeout_ms');
		await waitFor(() => h.upstreamRequests[0]?.aborted());
	});

	it('the per-provider first_byte_timeout_ms wins', async () => {
		const h = await start({
			upstream: hang(),
			timings: {...fast, firstByteTimeoutMs: 20_000},
			config: url => ({Providers: providers(url, [], {max_retries: 0, first_byte_timeout_ms: 200}), Router: {default: 'fake,up-model'}}),
		});
		const startedAt = performance.now();
		const error = (await h.client.messages
			.stream(base)
			.finalMessage()
			.catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(504);
		// The limit that fired is the provider's (0.2 s), not the proxy's 20 s.
		expect(error.message).toContain('within 0.2 s (first_byte_timeout_ms)');
		expect(performance.now() - startedAt).toBeGreaterThanOrEqual(195);
	});

	it('API_TIMEOUT_MS bounds the whole wait, retries included', async () => {
		// The proxy's clock moves only when it sleeps: the second wait would end past the deadline, so it is not taken.
		let clock = 1_000_000;
		const waits: number[] = [];
		const sleep = (ms: number, signal: AbortSignal) => {
			waits.push(ms);
			clock += ms;
			return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
		};
		const h = await start({
			upstream: fail(503, 'busy', {'retry-after-ms': '20000'}),
			timings: {...fast, now: () => clock, sleep},
			config: url => ({Providers: providers(url, [], {max_retries: 5}), Router: {default: 'fake,up-model'}, API_TIMEOUT_MS: 30_000}),
		});
		const error = (await h.client.messages.create(base).catch((error_: unknown) => error_)) as InstanceType<typeof Anthropic.APIError>;
		expect(error.status).toBe(529);
		expect(waits).toStrictEqual([20_000]);
		expect(h.upstreamRequests).toHaveLength(2);
	});

	it('stream idle: a stall mid-stream ends in event: error timeout_error, pings kept flowing', async () => {
		const h = await start({
			upstream: (req, res) => {
				startSse(res);
				for (const chunk of streamChunks(req, {text: 'partial answer', pieces: 2}).slice(0, 3)) writeChunk(res, chunk);
			},
		});
		const response = await fetch(`${h.proxyUrl}/v1/messages`, {method: 'POST', body: JSON.stringify({...base, stream: true})});
		const text = await response.text();
		expect(text).toContain('"text":"partial');
		expect(text.match(/event: ping/g)?.length).toBeGreaterThan(2);
		expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"the upstream sent nothing for/);
		expect(text).not.toContain('message_stop');
		// Activity is delivered just after the bytes are written (the bus defers observers).
		const failed = await waitFor(() => h.events.find((event): event is RequestFailed => event.type === 'request:error'));
		expect(failed).toMatchObject({errorType: 'timeout_error'});
		await waitFor(() => h.upstreamRequests[0]?.aborted());
	});

	it('after finish_reason without usage or [DONE], the answer completes after the grace period', async () => {
		const h = await start({
			upstream: (req, res) => {
				startSse(res);
				const chunks = streamChunks(req, {text: 'done soon'});
				for (const chunk of chunks.slice(0, -1)) writeChunk(res, chunk);
				// Keep-alive comments only from here on (DeepSeek does this).
				const timer = setInterval(() => res.write(': keep-alive\n\n'), 20);
				res.on('close', () => clearInterval(timer));
			},
		});
		const message = await h.client.messages.stream(base).finalMessage();
		expect(message.content).toEqual([expect.objectContaining({text: 'done soon'})]);
		expect(message.stop_reason).toBe('end_turn');
		await waitFor(() => h.upstreamRequests[0]?.aborted());
	});

	it('a drop mid-stream ends in event: error, text so far delivered', async () => {
		const h = await start({
			upstream: (req, res) => {
				startSse(res);
				for (const chunk of streamChunks(req, {text: 'cut off here', pieces: 3}).slice(0, 3)) writeChunk(res, chunk);
				setTimeout(() => res.destroy(), 20);
			},
		});
		const stream = h.client.messages.stream(base);
		let seen = '';
		stream.on('text', text => {
			seen += text;
		});
		const error = (await stream.finalMessage().catch((error_: unknown) => error_)) as Error;
		expect(error).toBeInstanceOf(Anthropic.APIError);
		expect(seen.length).toBeGreaterThan(0);
		expect(await waitFor(() => h.events.find((event): event is RequestFailed => event.type === 'request:error'))).toMatchObject({errorType: 'api_error'});
	});
});

describe('cancellation and shutdown', () => {
	// How fast the hang-up reaches the upstream is measured in bench/ (hang-up median), not asserted here.
	it('a client abort aborts the upstream, with nothing left in flight', async () => {
		const h = await start({upstream: answer({text: 'a long answer '.repeat(40), pieces: 40, chunkDelayMs: 20})});
		for (let round = 0; round < 3; round++) {
			const controller = new AbortController();
			const response = await fetch(`${h.proxyUrl}/v1/messages`, {
				method: 'POST',
				body: JSON.stringify({...base, stream: true}),
				signal: controller.signal,
			});
			const reader = response.body!.getReader();
			await reader.read();
			await waitFor(() => h.upstreamRequests.length === round + 1);
			controller.abort();
			await h.upstreamRequests[round]!.closed;
			expect(h.upstreamRequests[round]!.aborted()).toBe(true);
			await waitFor(() => h.proxy.inFlight() === 0);
		}

		const cancelled = h.events.filter((event): event is RequestFailed => event.type === 'request:error' && event.errorType === 'cancelled');
		expect(cancelled).toHaveLength(3);
	});

	it('a client abort while waiting for upstream headers aborts the upstream too', async () => {
		const h = await start({upstream: hang(), timings: {...fast, firstByteTimeoutMs: 10_000}});
		const controller = new AbortController();
		const pending = fetch(`${h.proxyUrl}/v1/messages`, {method: 'POST', body: JSON.stringify({...base, stream: true}), signal: controller.signal}).catch(() => undefined);
		await waitFor(() => h.upstreamRequests.length === 1);
		controller.abort();
		await pending;
		await h.upstreamRequests[0]!.closed;
		expect(h.upstreamRequests[0]!.aborted()).toBe(true);
		await waitFor(() => h.proxy.inFlight() === 0);
	});

	it('close() lets a stream finish within the grace period, then ends the rest with an error event', async () => {
		const h = await start({upstream: answer({text: 'slow words '.repeat(50), pieces: 50, chunkDelayMs: 30})});
		const response = await fetch(`${h.proxyUrl}/v1/messages`, {method: 'POST', body: JSON.stringify({...base, stream: true})});
		await waitFor(() => h.proxy.inFlight() === 1);
		const closing = h.proxy.close();
		const text = await response.text();
		await closing;
		expect(text).toContain('event: message_start');
		expect(text.slice(-300), JSON.stringify(h.events.filter(event => event.type !== 'request:progress').slice(-3))).toMatch(
			/event: error\ndata: .*"overloaded_error".*shutting down/,
		);
		expect(h.proxy.inFlight()).toBe(0);
		expect(h.upstreamRequests[0]!.aborted()).toBe(true);
	});

	it('close() with nothing in flight does not wait for the grace, even with keep-alive clients', async () => {
		// A grace longer than the test's own time-out: close() waiting for it would fail the test.
		const h = await start({upstream: answer({text: 'x'}), timings: {...fast, closeGraceMs: 120_000}});
		await h.client.messages.create(base);
		await h.proxy.close();
		expect(h.proxy.inFlight()).toBe(0);
	});

	it('a busy port is a readable error naming the port and --port', async () => {
		const h = await start({});
		const port = Number(new URL(h.proxyUrl).port);
		await expect(startProxy({store: h.store, bus: h.bus, host: '127.0.0.1', port})).rejects.toThrow(new RegExp(`port ${port} is in use.*--port`));
	});

	it('the upstream keeps its connection alive between requests', async () => {
		const h = await start({upstream: answer({text: 'x'})});
		for (let index = 0; index < 4; index++) await h.client.messages.create(base);
		expect(h.upstream.openSockets()).toBe(1);
		expect(new Set(h.upstreamRequests.map(request => request.headers['connection']))).toEqual(new Set(['keep-alive']));
	});
});

describe('upstream connections', () => {
	it('are reused when the response ends a moment after [DONE] (no abort of a complete answer)', async () => {
		const h = await start({
			upstream: (req, res) => {
				startSse(res);
				for (const chunk of streamChunks(req, {text: 'kept alive'})) writeChunk(res, chunk);
				res.write('data: [DONE]\n\n');
				// Real servers often send the chunked terminator in a later packet.
				setTimeout(() => res.end(), 30);
			},
		});
		for (let i = 0; i < 3; i++) {
			const message = await h.client.messages.stream(base).finalMessage();
			expect(message.content).toEqual([expect.objectContaining({text: 'kept alive'})]);
			// The client has its answer; the proxy reads the upstream's last bytes, then the socket is free.
			await h.upstreamRequests[i]!.closed;
		}

		// Aborting a complete answer closed its socket: one new connection (TCP + TLS upstream) per request.
		expect(h.upstreamRequests.map(request => request.aborted())).toEqual([false, false, false]);
		// 1, or 2 when a request is dispatched just before undici has seen the previous response end.
		expect(h.upstream.connections()).toBeLessThanOrEqual(2);
	});

	it('an upstream that never ends after [DONE] is cut after a bounded drain, the client already answered', async () => {
		const h = await start({
			upstream: (req, res) => {
				startSse(res);
				for (const chunk of streamChunks(req, {text: 'then silence'})) writeChunk(res, chunk);
				res.write('data: [DONE]\n\n');
			},
			// A grace longer than the drain: the upstream is cut by the drain bound alone.
			timings: {...fast, postFinishGraceMs: 30_000},
		});
		const order: string[] = [];
		const startedAt = performance.now();
		const answering = h.client.messages.stream(base).finalMessage();
		const upstream = await waitFor(() => h.upstreamRequests[0]);
		const closed = upstream.closed.then(at => {
			order.push('upstream cut');
			return at;
		});
		const message = await answering;
		order.push('client answered');
		expect(message.stop_reason).toBe('end_turn');
		const closedAt = await closed;
		// The drain runs after the answer: the client never waits for it.
		expect(order).toStrictEqual(['client answered', 'upstream cut']);
		expect(upstream.aborted()).toBe(true);
		expect(closedAt - startedAt).toBeGreaterThanOrEqual(DRAIN_MS - 5);
	});
});
