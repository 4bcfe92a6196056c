/**
 * The relay on its own, with an upstream body and a client response we control: back-pressure and
 * the end of a complete answer. (End-to-end behaviour is in reliability.test.ts and faults/.)
 */
import type {ServerResponse} from 'node:http';
import {Readable, Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {PassthroughSource} from '../../source/proxy/dialects/anthropic/stream.js';
import {relaySse, type RelayOptions, type RelayOutcome} from '../../source/proxy/sse-relay.js';
import {resolveTimings} from '../../source/proxy/timings.js';
import {waitFor} from '../helpers/wait-for.js';

const frame = `event: content_block_delta\ndata: ${JSON.stringify({type: 'content_block_delta', index: 0, delta: {type: 'text_delta', text: 'x'.repeat(1000)}})}\n\n`;

/** An upstream that has `frames` events to give and counts how many were read. */
function upstream(frames: number) {
	let sent = 0;
	const body = new Readable({
		read() {
			if (sent === frames) {
				this.push('event: message_stop\ndata: {"type":"message_stop"}\n\n');
				this.push(null);
				return;
			}

			sent++;
			this.push(frame);
		},
	});
	return {body, sent: () => sent};
}

/** A client response that accepts bytes only when told to (small buffer: writableNeedDrain comes early). */
function slowClient() {
	const received: string[] = [];
	let release: (() => void) | undefined;
	let reading = false;
	const response = new Writable({
		highWaterMark: 16 * 1024,
		write(chunk: Buffer, _encoding, callback) {
			received.push(chunk.toString('utf8'));
			if (reading) callback();
			else release = callback;
		},
	});
	return {
		response: response as unknown as ServerResponse,
		text: () => received.join(''),
		read() {
			reading = true;
			release?.();
		},
	};
}

function relay(body: Readable, outcomes: RelayOutcome[], idleMs = 60_000) {
	const controller = new AbortController();
	const options: RelayOptions = {
		source: new PassthroughSource(),
		body: body as unknown as RelayOptions['body'],
		// As with undici: aborting the request ends its body with an error.
		abort(reason) {
			controller.abort(reason);
			body.destroy(new Error('aborted'));
		},
		upstreamSignal: controller.signal,
		timings: resolveTimings({streamIdleTimeoutMs: idleMs, pingIntervalMs: 60_000}),
		onFirstToken() {},
		onProgress() {},
		onEnd: outcome => outcomes.push(outcome),
	};
	return {pipe: relaySse(options), controller};
}

describe('relaySse', () => {
	it('stops reading the upstream while the client does not read, then delivers every event', async () => {
		const source = upstream(2000);
		const client = slowClient();
		const outcomes: RelayOutcome[] = [];
		relay(source.body, outcomes).pipe.pipe(client.response);
		// The relay reads until the client's buffer is full, then waits.
		await new Promise(resolve => setTimeout(resolve, 100));
		const readWhileStalled = source.sent();
		await new Promise(resolve => setTimeout(resolve, 100));
		expect(source.sent()).toBe(readWhileStalled);
		expect(readWhileStalled).toBeLessThan(200);
		client.read();
		await waitFor(() => outcomes.length > 0);
		expect(outcomes[0]).toMatchObject({kind: 'done'});
		expect(client.text().split('"type":"content_block_delta"').length - 1).toBe(2000);
		expect(client.text().endsWith('data: {"type":"message_stop"}\n\n')).toBe(true);
	});

	it('a client slower than the idle limit is not taken for a silent upstream', async () => {
		const source = upstream(2000);
		const client = slowClient();
		const outcomes: RelayOutcome[] = [];
		relay(source.body, outcomes, 100).pipe.pipe(client.response);
		await new Promise(resolve => setTimeout(resolve, 350));
		expect(outcomes).toEqual([]);
		client.read();
		await waitFor(() => outcomes.length > 0);
		expect(outcomes[0]).toMatchObject({kind: 'done'});
	});

	it('a complete answer ends the response without aborting the upstream', async () => {
		const source = upstream(3);
		const client = slowClient();
		client.read();
		const outcomes: RelayOutcome[] = [];
		const {pipe, controller} = relay(source.body, outcomes);
		pipe.pipe(client.response);
		await waitFor(() => outcomes.length > 0);
		await waitFor(() => client.response.writableFinished);
		expect(controller.signal.aborted).toBe(false);
	});

	it('a client gone before the body was piped cancels the answer and aborts the upstream', async () => {
		const source = upstream(10_000);
		const outcomes: RelayOutcome[] = [];
		const {pipe, controller} = relay(source.body, outcomes);
		pipe.destroy();
		expect(outcomes).toEqual([expect.objectContaining({kind: 'cancelled'})]);
		expect(controller.signal.aborted).toBe(true);
	});
});
