import {sanitizeTerminalText} from './sanitize.js';
import fs from 'node:fs';
import path from 'node:path';
import type {ActivityBus} from './bus.js';
import type {ActivityEvent} from './events.js';
import {onRequestEnd, type EndedRequest} from './usage/finished.js';

/** Claude Code Router's level names; `info` (default) logs request metadata, `debug`/`trace` add bodies. */
type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export type {RequestDebug} from './events.js';

export type LogFileOptions = {
	readonly path: string;
	readonly bus: ActivityBus;
	/** Applied to every line just before it is written. Pass one that follows config changes. */
	readonly redact: (text: string) => string;
	/** A value, or a getter read per event (so `LOG_LEVEL` edits apply live). @default 'info' */
	readonly level?: LogLevel | (() => LogLevel | undefined);
	/** Rotate when the current file would exceed this. @default 10 MiB */
	readonly maxBytes?: number;
	/** Files kept including the current one (`x.log`, `x.log.1`, …). @default 3 */
	readonly files?: number;
	/** Longest body written at debug level. @default 64 KiB */
	readonly maxBodyChars?: number;
};

export type LogFile = {
	/** Resolves once everything queued so far is on disk. */
	flush(): Promise<void>;
	/** Stop listening, write what is queued, close the file. */
	close(): Promise<void>;
};

const FILE_MODE = 0o600;
const rank: Record<LogLevel, number> = {fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5};

/**
 * Appends one JSON line per finished or failed request, notice and key-health change to the log file
 * (metadata only; bodies only at debug level). Writes are batched off the bus's synchronous emit path,
 * files are created 0600 and rotated by size. A write failure disables the log rather than the proxy.
 */
// Over 60 lines: a closure owning the file handle, its write queue and the bus subscription, which every part shares.
export function createLogFile(options: LogFileOptions): LogFile {
	const file = options.path;
	const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
	const files = Math.max(1, options.files ?? 3);
	const maxBodyChars = options.maxBodyChars ?? 64 * 1024;
	const levelOf = (): LogLevel => (typeof options.level === 'function' ? options.level() : options.level) ?? 'info';

	let queue: string[] = [];
	let writing: Promise<void> = Promise.resolve();
	let scheduled = false;
	let size = -1;
	let failed = false;
	let closed = false;

	const enqueue = (record: Record<string, unknown>): void => {
		if (failed || closed) return;
		// JSON escapes C0 controls but not C1 or bidi controls: `cat` or `tail -f` of the file must be safe too.
		queue.push(`${sanitizeTerminalText(options.redact(JSON.stringify(record)))}\n`);
		if (scheduled) return;
		scheduled = true;
		setImmediate(() => {
			scheduled = false;
			writing = writing.then(drain);
		});
	};

	const drain = async (): Promise<void> => {
		if (failed) queue = [];
		if (queue.length === 0) return;
		const text = queue.join('');
		queue = [];
		try {
			if (size < 0) size = await prepare(file);
			const bytes = Buffer.byteLength(text);
			if (size > 0 && size + bytes > maxBytes) {
				await rotate(file, files);
				size = 0;
			}

			await fs.promises.appendFile(file, text, {mode: FILE_MODE});
			size += bytes;
		} catch (error) {
			failed = true;
			const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
			// Tell the user once; the event is not written back to this (now disabled) log.
			options.bus.emit({type: 'notice', at: Date.now(), level: 'warn', source: 'log', message: options.redact(`Request log disabled: cannot write ${file} (${reason})`)});
		}
	};

	const onEvent = (event: ActivityEvent): void => {
		const level = rank[levelOf()] ?? rank.info;
		switch (event.type) {
			case 'notice': {
				if (event.source === 'log') break;
				if (rank[event.level] > level) break;
				enqueue({time: new Date(event.at).toISOString(), level: event.level, event: 'notice', source: event.source, message: event.message});
				break;
			}

			case 'key:state': {
				if (level < rank.warn) break;
				const {type: _type, at, ...key} = event;
				enqueue({time: new Date(at).toISOString(), level: event.state === 'ok' ? 'info' : 'warn', event: 'key', ...key});
				break;
			}

			case 'key:pool': {
				break; // a rebuilt pool says nothing the next key event does not
			}

			case 'request:debug': {
				if (level < rank.debug) break;
				const body = event.body.length > maxBodyChars ? `${event.body.slice(0, maxBodyChars)}… [${event.body.length - maxBodyChars} more chars]` : event.body;
				enqueue({time: new Date(event.at).toISOString(), level: 'debug', event: event.direction, id: event.id, body});
				break;
			}

			default: {
				// first-token and progress are too chatty for a file.
				break;
			}
		}
	};

	const onRequest = ({start, attempts, end: event}: EndedRequest): void => {
		const level = rank[levelOf()] ?? rank.info;
		const failedRequest = event.type === 'request:error';
		if (level < rank.info && !(failedRequest && level >= rank.error)) return;
		enqueue({
			time: new Date(event.at).toISOString(),
			level: failedRequest ? 'error' : 'info',
			event: failedRequest ? 'request failed' : 'request',
			id: event.id,
			...(start && {
				scenario: start.scenario,
				reason: start.reason,
				requestedModel: start.requestedModel,
				stream: start.stream,
				upstreamHost: start.upstreamHost,
				inputTokensEstimate: start.inputTokens,
				...(start.sessionId && {sessionId: start.sessionId}),
			}),
			provider: (event.type === 'request:end' ? event.provider : undefined) ?? start?.provider,
			model: (event.type === 'request:end' ? event.model : undefined) ?? start?.model,
			status: event.status,
			durationMs: event.durationMs,
			...(event.type === 'request:end' ? {stopReason: event.stopReason, usage: event.usage} : {errorType: event.errorType, message: event.message, usage: event.usage}),
			...(attempts.length > 0 && {attempts}),
		});
	};

	const offEvents = options.bus.on(onEvent);
	const offRequests = onRequestEnd(options.bus, onRequest);
	const off = (): void => {
		offEvents();
		offRequests();
	};

	const flush = async (): Promise<void> => {
		// Queued lines are drained by the scheduled callback; wait for it, then for the write chain.
		while (scheduled || queue.length > 0) {
			if (!scheduled) writing = writing.then(drain);
			await new Promise(resolve => setImmediate(resolve));
			await writing;
		}

		await writing;
	};

	return {
		flush,
		async close() {
			off();
			await flush();
			closed = true;
		},
	};
}

/** Create the folder (0700) and make an existing file private; returns its size. */
async function prepare(file: string): Promise<number> {
	await fs.promises.mkdir(path.dirname(file), {recursive: true, mode: 0o700});
	try {
		const stat = await fs.promises.stat(file);
		if (stat.isFile() && (stat.mode & 0o777) !== FILE_MODE) await fs.promises.chmod(file, FILE_MODE);
		return stat.size;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
		throw error;
	}
}

/** `x.log` → `x.log.1` → … → `x.log.<files-1>`; the oldest falls off. */
async function rotate(file: string, files: number): Promise<void> {
	if (files <= 1) {
		await fs.promises.rm(file, {force: true});
		return;
	}

	await fs.promises.rm(`${file}.${files - 1}`, {force: true});
	for (let index = files - 2; index >= 1; index--) {
		await fs.promises.rename(`${file}.${index}`, `${file}.${index + 1}`).catch(ignoreMissing);
	}

	await fs.promises.rename(file, `${file}.1`).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
	if (error.code !== 'ENOENT') throw error;
}
