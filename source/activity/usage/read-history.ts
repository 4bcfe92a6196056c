import fs from 'node:fs';
import path from 'node:path';
import {dayFileMayHold, dayOfFileName, usageDir} from './files.js';
import {parseUsageLine, type UsageRecord} from './record.js';

export type HistoryRead = {
	/** Oldest first. */
	readonly records: UsageRecord[];
	/** Lines that are not records: a torn last line after a crash, or something foreign. */
	readonly skipped: number;
	/** Files that held a skipped line (for the one warning). */
	readonly skippedIn: readonly string[];
};

/**
 * Every record from `since` (epoch ms) on. Only the day files that can hold such records are read;
 * unreadable lines are counted, never fatal. A folder that does not exist yet is an empty history.
 */
export function readUsageHistory(dir: string, since = 0): HistoryRead {
	const records: UsageRecord[] = [];
	const skipped = visitUsageHistory(dir, since, record => records.push(record));
	return {records, ...skipped};
}

/** The same, one record at a time (nothing kept): for summaries of many records. */
export function visitUsageHistory(dir: string, since: number, visit: (record: UsageRecord) => void): Omit<HistoryRead, 'records'> {
	let names: string[];
	try {
		names = fs.readdirSync(dir);
	} catch {
		return {skipped: 0, skippedIn: []};
	}

	const days = names
		.map(name => ({name, day: dayOfFileName(name)}))
		.filter((entry): entry is {name: string; day: string} => entry.day !== undefined && dayFileMayHold(entry.day, since))
		.sort((a, b) => (a.day < b.day ? -1 : 1));
	let skipped = 0;
	const skippedIn: string[] = [];
	for (const {name} of days) {
		const file = path.join(dir, name);
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			continue;
		}

		const before = skipped;
		for (let start = 0; start < text.length; ) {
			const end = text.indexOf('\n', start);
			const stop = end === -1 ? text.length : end;
			if (stop > start) {
				const record = parseUsageLine(text.slice(start, stop));
				if (!record) skipped++;
				else if (record.at >= since) visit(record);
			}

			start = stop + 1;
		}

		if (skipped > before) skippedIn.push(file);
	}

	return {skipped, skippedIn};
}

/** The one warning about skipped lines, or undefined when every line was a record. */
export function skippedLinesWarning(read: Omit<HistoryRead, 'records'>): string | undefined {
	if (read.skipped === 0) return undefined;
	const where = read.skippedIn.length === 1 ? read.skippedIn[0] : `${read.skippedIn.length} files`;
	return `skipped ${read.skipped} unreadable line${read.skipped === 1 ? '' : 's'} in ${where} (a torn last line after a crash, or not a ccr-tui record)`;
}

/** The dashboard's Usage screen: the last `days` days (plus one, for time zones) of the history beside `configPath`. */
export function usageLoader(configPath: string, days = 7): () => {records: UsageRecord[]; warning?: string} {
	return () => {
		const read = readUsageHistory(usageDir(configPath), Date.now() - (days + 1) * 86_400_000);
		const warning = skippedLinesWarning(read);
		return warning ? {records: read.records, warning} : {records: read.records};
	};
}
