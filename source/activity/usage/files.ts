/** Where the usage history lives and how its day files are named (one owner for both writer and reader). */
import path from 'node:path';

export const HISTORY_FILE_MODE = 0o600;
const DAY_FILE = /^usage-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;

/** `~/.claude-code-router/usage/` beside the config. */
export function usageDir(configPath: string): string {
	return path.join(path.dirname(configPath), 'usage');
}

/** UTC day of an epoch-ms time, `2026-12-02`. */
export function utcDay(at: number): string {
	return new Date(at).toISOString().slice(0, 10);
}

export function dayFileName(at: number): string {
	return `usage-${utcDay(at)}.jsonl`;
}

/** The UTC day in a history file's name, or undefined for any other file. */
export function dayOfFileName(name: string): string | undefined {
	return DAY_FILE.exec(name)?.[1];
}

/** Files older than this UTC day are past retention. */
export function retentionCutoffDay(now: number, retentionDays: number): string {
	return utcDay(now - Math.max(1, retentionDays) * DAY_MS);
}

/** Whether a day file can hold records at or after `since` (a record lands in its own UTC day). */
export function dayFileMayHold(day: string, since: number): boolean {
	return day >= utcDay(since);
}
