import fs from 'node:fs';
import path from 'node:path';
import type {ActivityBus} from '../bus.js';
import {onFinishedRequest} from './finished.js';
import {DEFAULT_HISTORY_RETENTION_DAYS} from '../../config/schema.js';
import {HISTORY_FILE_MODE, dayFileName, dayOfFileName, retentionCutoffDay, utcDay} from './files.js';
import {toUsageRecord, type KeyIndexOf} from './record.js';

export type UsageHistoryOptions = {
	/** Folder of the day files (created 0700). */
	readonly dir: string;
	readonly bus: ActivityBus;
	/** Read at each prune, so a config edit applies without a restart. @default 30 */
	readonly retentionDays?: () => number | undefined;
	readonly keyIndexOf?: KeyIndexOf;
	/** Records collected for this long are written in one append. @default 250 */
	readonly batchMs?: number;
	readonly now?: () => number;
};

export type UsageHistory = {
	/** Resolves once every record so far is on disk. */
	flush(): Promise<void>;
	/** Stop listening and write what is queued. */
	close(): Promise<void>;
};

/**
 * Appends one JSON line per finished request to `usage-<UTC day>.jsonl`. The bus already delivers
 * after the answer's bytes went out; records are then batched (one append per `batchMs`), so the
 * hot path pays one object and one array push per request. Day files past retention are deleted
 * when a new day starts. A write failure disables the history (one notice), never the proxy.
 */
// Over 60 lines: a closure over the batch, its timer and the file, which every part shares.
export function createUsageHistory(options: UsageHistoryOptions): UsageHistory {
	const now = options.now ?? Date.now;
	const batchMs = options.batchMs ?? 250;
	let queue: Array<{day: number; line: string}> = [];
	let timer: NodeJS.Timeout | undefined;
	let writing: Promise<void> = Promise.resolve();
	const prepared = new Set<string>();
	let prunedDay = '';
	let failed = false;

	const drain = async (): Promise<void> => {
		const batch = queue;
		queue = [];
		if (failed || batch.length === 0) return;
		try {
			await fs.promises.mkdir(options.dir, {recursive: true, mode: 0o700});
			const today = utcDay(now());
			if (prunedDay !== today) {
				prunedDay = today;
				await pruneHistory(options.dir, retentionCutoffDay(now(), options.retentionDays?.() ?? DEFAULT_HISTORY_RETENTION_DAYS));
			}

			for (const [name, lines] of groupByFile(batch)) {
				const file = path.join(options.dir, name);
				const lead = prepared.has(file) ? '' : await prepareFile(file);
				prepared.add(file);
				await fs.promises.appendFile(file, lead + lines.join(''), {mode: HISTORY_FILE_MODE});
			}
		} catch (error) {
			failed = true;
			const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
			options.bus.emit({type: 'notice', at: now(), level: 'warn', source: 'usage', message: `Usage history disabled: cannot write ${options.dir} (${reason})`});
		}
	};

	const schedule = (): void => {
		timer = undefined;
		writing = writing.then(drain);
	};

	const off = onFinishedRequest(options.bus, request => {
		if (failed) return;
		const record = toUsageRecord(request, options.keyIndexOf);
		queue.push({day: record.at, line: `${JSON.stringify(record)}\n`});
		timer ??= setTimeout(schedule, batchMs).unref();
	});

	const flush = async (): Promise<void> => {
		if (timer) {
			clearTimeout(timer);
			schedule();
		}

		await writing;
	};

	return {
		flush,
		async close() {
			off();
			await flush();
		},
	};
}

function groupByFile(batch: ReadonlyArray<{day: number; line: string}>): Map<string, string[]> {
	const files = new Map<string, string[]>();
	for (const {day, line} of batch) {
		const name = dayFileName(day);
		const lines = files.get(name);
		if (lines) lines.push(line);
		else files.set(name, [line]);
	}

	return files;
}

/**
 * Make an existing day file private, and return a newline when its last line was torn (a crash
 * mid-append): the next record then starts on a line of its own instead of being glued to the torn one.
 */
async function prepareFile(file: string): Promise<string> {
	let handle: fs.promises.FileHandle;
	try {
		handle = await fs.promises.open(file, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
		throw error;
	}

	try {
		const stat = await handle.stat();
		if ((stat.mode & 0o777) !== HISTORY_FILE_MODE) await fs.promises.chmod(file, HISTORY_FILE_MODE);
		if (stat.size === 0) return '';
		const last = Buffer.alloc(1);
		await handle.read(last, 0, 1, stat.size - 1);
		return last[0] === 0x0a ? '' : '\n';
	} finally {
		await handle.close();
	}
}

/** Delete day files older than `cutoffDay` (other files in the folder are left alone). */
async function pruneHistory(dir: string, cutoffDay: string): Promise<string[]> {
	const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
	const removed = names.filter(name => {
		const day = dayOfFileName(name);
		return day !== undefined && day < cutoffDay;
	});
	await Promise.all(removed.map(async name => fs.promises.rm(path.join(dir, name), {force: true})));
	return removed;
}
