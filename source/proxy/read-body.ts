import type {IncomingMessage} from 'node:http';
import {SlabText} from './json-text.js';

/** Anthropic's own Messages limit; long Claude Code sessions with images get close to it. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

type ReadResult = {ok: true; text: string} | {ok: false; size: number};

/** Bodies up to this are decoded once, at their end; larger ones a slab at a time as they arrive (json-text.ts). */
const SLAB_BYTES = 2 * 1024 * 1024;

/**
 * Read a JSON request body as text for JSON.parse (see json-text.ts), refusing more than `limit`
 * bytes without buffering them; the caller yields a turn before parsing a large one (yield-turn.ts).
 */
export async function readBodyText(request: Request, limit: number): Promise<ReadResult> {
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > limit) return {ok: false, size: declared};
	// Served by node:http (srvx), the IncomingMessage is read directly: `request.body` would wrap it
	// in a WHATWG stream (Readable.toWeb), which cost ~0.35 ms of a 10 KB request (bench/profile.js).
	const node = (request as {runtime?: {node?: {req?: IncomingMessage}}}).runtime?.node?.req;
	if (node && !node.readableDidRead && !node.readableEnded) return readIncoming(node, limit);
	if (!request.body) return {ok: true, text: ''};
	const reader = request.body.getReader();
	const body = new SlabText(SLAB_BYTES);
	let size = 0;
	for (;;) {
		const {done, value} = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => {});
			return {ok: false, size};
		}

		body.write(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
	}

	return {ok: true, text: body.end()};
}

function readIncoming(message: IncomingMessage, limit: number): Promise<ReadResult> {
	return new Promise((resolve, reject) => {
		const body = new SlabText(SLAB_BYTES);
		let size = 0;
		const cleanup = () => {
			message.off('data', onData);
			message.off('end', onEnd);
			message.off('error', onError);
			message.off('close', onClose);
		};

		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				cleanup();
				// Discard the rest: the 413 answer still reaches the client.
				message.resume();
				resolve({ok: false, size});
				return;
			}

			body.write(chunk);
		};

		const onEnd = () => {
			cleanup();
			resolve({ok: true, text: body.end()});
		};

		const onError = (error: Error) => {
			cleanup();
			reject(error);
		};

		const onClose = () => {
			cleanup();
			reject(new Error('the client disconnected while sending the body'));
		};

		message.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
	});
}
