/**
 * A lock file beside the config (`config.json.lock`, created exclusively) so that saves from several
 * ccr-tui processes (two dashboards, a dashboard and `add-gemini-balance`) run one after another,
 * each on the content the previous one wrote. A lock left by a killed process is taken over when
 * its process is gone or it is older than STALE_MS.
 */
import fs from 'node:fs';

const STALE_MS = 30_000;
const POLL_MS = 10;

export class LockTimeoutError extends Error {
	readonly lockPath: string;
	constructor(lockPath: string, holder: string) {
		super(`another program (${holder}) is saving the config and still holds ${lockPath}; try again, or delete that file if no ccr-tui is running`);
		this.name = 'LockTimeoutError';
		this.lockPath = lockPath;
	}
}

/** Blocks (saves are short and synchronous) until the lock is ours or `timeoutMs` passed. */
export function acquireLock(lockPath: string, timeoutMs = 10_000, now: () => number = Date.now): () => void {
	const deadline = now() + timeoutMs;
	for (;;) {
		try {
			const fd = fs.openSync(lockPath, 'wx', 0o600);
			fs.writeSync(fd, `${process.pid}\n`);
			fs.closeSync(fd);
			return () => fs.rmSync(lockPath, {force: true});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}

		const holder = readHolder(lockPath);
		if (holder && isStale(holder, now())) {
			// Rename first so that two processes taking over the same stale lock cannot both win.
			const aside = `${lockPath}.${process.pid}.stale`;
			try {
				fs.renameSync(lockPath, aside);
				fs.rmSync(aside, {force: true});
			} catch {
				// Someone else took it over first.
			}

			continue;
		}

		if (now() >= deadline) throw new LockTimeoutError(lockPath, holder ? `pid ${holder.pid}` : 'unknown');
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
	}
}

type Holder = {readonly pid: number; readonly mtimeMs: number};

function readHolder(lockPath: string): Holder | undefined {
	try {
		const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
		return {pid, mtimeMs: fs.statSync(lockPath).mtimeMs};
	} catch {
		return undefined;
	}
}

function isStale(holder: Holder, nowMs: number): boolean {
	if (nowMs - holder.mtimeMs > STALE_MS) return true;
	// Written but not yet filled in: give its owner a moment.
	if (!Number.isInteger(holder.pid) || holder.pid <= 0) return nowMs - holder.mtimeMs > 1000;
	if (holder.pid === process.pid) return false;
	try {
		process.kill(holder.pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}
