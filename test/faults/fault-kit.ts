/**
 * Shared pieces of the fault suite: short timings, the request Claude Code would send, a raw SSE
 * reader (to see exactly what the client received) and the fault table (written when
 * FAULT_TABLE=<file> is set, for the closing note).
 */
import fs from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import type {ProxyTimings} from '../../source/proxy/timings.js';
import {afterEach} from 'vitest';
import {startHarness, type Harness, type HarnessOptions} from '../helpers/proxy-harness.js';

/**
 * Real defaults are seconds to minutes; retries, pings and graces run on these in milliseconds. The
 * timeouts stay long: a test that is not about a timeout must never meet one because the machine is
 * busy (the timeout tests set their own short ones with `shortTimeouts`).
 */
export const fastTimings: Partial<ProxyTimings> = {
	connectTimeoutMs: 30_000,
	firstByteTimeoutMs: 30_000,
	streamIdleTimeoutMs: 30_000,
	pingIntervalMs: 100,
	postFinishGraceMs: 100,
	retryBaseDelayMs: 20,
	retryMaxDelayMs: 100,
	closeGraceMs: 100,
	progressIntervalMs: 50,
};

/** For the tests of the timeouts themselves: the limits the fault table quotes (0.4 s). */
export const shortTimeouts: Partial<ProxyTimings> = {connectTimeoutMs: 1000, firstByteTimeoutMs: 400, streamIdleTimeoutMs: 400};

/**
 * The proxy's sleep, replaced: it records each wait it was asked for and returns at once (still
 * rejecting on abort). Tests assert the waits the proxy chose, not how long the machine took.
 */
export function recordingSleep(): {sleep: ProxyTimings['sleep']; waits: number[]} {
	const waits: number[] = [];
	const sleep = (ms: number, signal: AbortSignal) => {
		waits.push(ms);
		return signal.aborted ? Promise.reject(signal.reason) : Promise.resolve();
	};
	return {sleep, waits};
}

/** A sleep that only ends by abort: a request that is not cancelled stays in its backoff forever. */
export function endlessSleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((_resolve, reject) => {
		if (signal.aborted) reject(signal.reason);
		else signal.addEventListener('abort', () => reject(signal.reason), {once: true});
	});
}

/** Resolves with the first text of an SDK stream; rejects when the stream fails or ends without text. */
export function firstText(stream: {on(event: 'text' | 'error' | 'end', listener: (value?: unknown) => void): unknown}): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		stream.on('text', () => resolve());
		stream.on('error', error => reject(error));
		stream.on('end', () => reject(new Error('the stream ended without any text')));
	});
}

/** Not a real Claude model id (no SDK deprecation warnings), routed to `default`. */
const MODEL = 'claude-sonnet-fault-test';

export const params = {
	model: MODEL,
	max_tokens: 256,
	messages: [{role: 'user' as const, content: 'hello'}],
};

/** A fresh client for the same proxy with other credentials. */
export function clientWith(harness: Harness, options: {apiKey?: string | null; authToken?: string | null}): Anthropic {
	return new Anthropic({baseURL: harness.proxyUrl, apiKey: options.apiKey ?? null, authToken: options.authToken ?? null, maxRetries: 0});
}

export type SseEvent = {event: string; data: any};

/** POST /v1/messages with fetch and return status, headers and the parsed SSE events (or JSON). */
export async function rawMessages(
	harness: Harness,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<{status: number; headers: Headers; text: string; events: SseEvent[]; json: any}> {
	const response = await fetch(`${harness.proxyUrl}/v1/messages`, {
		method: 'POST',
		headers: {'content-type': 'application/json', 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01', ...headers},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}

	return {status: response.status, headers: response.headers, text, events: parseSse(text), json};
}

function parseSse(text: string): SseEvent[] {
	const events: SseEvent[] = [];
	for (const frame of text.split(/\r?\n\r?\n/)) {
		const event = /^event: (.*)$/m.exec(frame)?.[1];
		const data = /^data: (.*)$/m.exec(frame)?.[1];
		if (!event) continue;
		let parsed: unknown;
		try {
			parsed = data === undefined ? undefined : JSON.parse(data);
		} catch {
			parsed = data;
		}

		events.push({event, data: parsed});
	}

	return events;
}

/** What an SDK call ended with: the message, or the error class, status and Anthropic error type. */
export async function outcome<T>(
	run: () => Promise<T>,
): Promise<{ok: true; value: T; ms: number} | {ok: false; error: any; name: string; status?: number; type?: string; message: string; ms: number}> {
	const started = performance.now();
	try {
		const value = await run();
		return {ok: true, value, ms: Math.round(performance.now() - started)};
	} catch (error) {
		const ms = Math.round(performance.now() - started);
		const api = error as {status?: number; error?: {error?: {type?: string}; type?: string}; message?: string; constructor: {name: string}};
		return {
			ok: false,
			error,
			name: api.constructor.name,
			status: api.status,
			type: api.error?.error?.type ?? api.error?.type,
			message: String(api.message ?? error),
			ms,
		};
	}
}

/** Consume an SDK stream, collecting text, until it ends or throws. */
export async function streamOutcome(harness: Harness, body: Record<string, unknown> = params) {
	const texts: string[] = [];
	const types: string[] = [];
	const result = await outcome(async () => {
		const stream = harness.client.messages.stream(body as any);
		for await (const event of stream) {
			types.push(event.type);
			if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') texts.push(event.delta.text);
		}

		return stream.finalMessage();
	});
	return {...result, text: texts.join(''), types};
}

/** One row of the closing note's table. */
export function recordFault(fault: string, clientSaw: string, ms: number): void {
	const file = process.env['FAULT_TABLE'];
	if (file) fs.appendFileSync(file, `| ${fault} | ${clientSaw} | ${ms} ms |\n`);
}

/**
 * The upstream request was hung up by the proxy (not ended normally). No time budget: a proxy that
 * never aborts fails through the guard, which only keeps the test from hanging until the suite timeout.
 */
export async function upstreamAborted(request: {closed: Promise<number>; aborted: () => boolean}): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([
		request.closed,
		new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => reject(new Error(`upstream request still open ${HANG_GUARD_MS} ms after the outcome`)), HANG_GUARD_MS);
		}),
	]);
	clearTimeout(timer);
	if (!request.aborted()) throw new Error('the upstream request ended normally instead of being aborted');
}

/** How long a fault test waits for something that must happen before it calls it missing (not a budget). */
export const HANG_GUARD_MS = 10_000;

/** `start()` for a fault test file: a harness with the fast timings, closed after each test. */
export function useFaultHarness(): (options?: HarnessOptions) => Promise<Harness> {
	let harness: Harness | undefined;
	afterEach(async () => {
		await harness?.close();
		harness = undefined;
	});
	return async (options = {}) => {
		harness = await startHarness({...options, timings: {...fastTimings, ...options.timings}});
		return harness;
	};
}
