/**
 * Notices that the dashboard's terminal went away (its window closed, an ssh session dropped, tmux
 * `kill-session`). Writes to a hung-up terminal fail with EIO and reads end or fail the same way;
 * an unhandled stream error would end the process at once, cutting every stream in flight. Instead
 * the error is absorbed (nothing more can be shown anyway) and `onLost` runs once, so that the
 * caller can shut down in the same order as `q`.
 */
import type {EventEmitter} from 'node:events';
import fs from 'node:fs';

export type TerminalStreams = {
	readonly stdin: EventEmitter;
	readonly stdout: EventEmitter;
	readonly stderr?: EventEmitter;
};

/** Listen for the terminal's loss; returns a function that stops listening for `end` (errors stay absorbed). */
export function watchTerminal(streams: TerminalStreams, onLost: (reason: string) => void): () => void {
	let lost = false;
	const lose = (reason: string): void => {
		if (lost) return;
		lost = true;
		onLost(reason);
	};

	const onError = (error: NodeJS.ErrnoException): void => lose(error.code ?? error.message);
	// A TTY's input only ends when the terminal hangs up (Ctrl-D in raw mode is just a byte).
	const onEnd = (): void => lose('end of input');
	const outputs = [streams.stdout, streams.stderr].filter((stream): stream is EventEmitter => stream !== undefined);
	// Kept for good: Ink may still write while the shutdown runs, and each failure emits again.
	for (const stream of [streams.stdin, ...outputs]) stream.on('error', onError);
	streams.stdin.on('end', onEnd);
	return () => {
		streams.stdin.off('end', onEnd);
	};
}

/**
 * Call last, once the terminal is known to be gone. At exit Node restores the terminal settings it
 * found at start-up on every stdio descriptor that is still the same terminal, and aborts the
 * process (exit 134) when that fails, as it does with EIO on a hung-up terminal. Putting /dev/null
 * in the terminal's place first makes Node skip the restore, so the exit code stays the one we chose.
 */
export function detachLostTerminal(ttyFds: readonly number[]): void {
	for (const fd of [...ttyFds].sort()) {
		try {
			fs.closeSync(fd);
			// The lowest free descriptor: the one just closed (0–2 are taken in order).
			fs.openSync('/dev/null', 'r+');
		} catch {
			// Nothing better to do at exit.
		}
	}
}
