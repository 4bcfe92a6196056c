import type {z} from 'zod';
import {showUnsafeCharacters} from '../activity/sanitize.js';

/** A problem with the config file, in words a user can act on. */
export type ConfigIssue = {
	/** The file. */
	readonly path: string;
	/** Dotted key such as `Providers[0].api_base_url` ('' for the whole file). */
	readonly key: string;
	/** What is wrong with it. */
	readonly problem: string;
	/** One line: path, key and problem. */
	readonly message: string;
};

export class ConfigError extends Error {
	readonly issue: ConfigIssue;
	constructor(issue: ConfigIssue) {
		super(issue.message);
		this.name = 'ConfigError';
		this.issue = issue;
	}
}

/** A key path such as `Providers[0].headers.X-Id`; a control character in a key is shown as `<U+001B>`, never printed. */
function formatKey(segments: ReadonlyArray<PropertyKey>): string {
	let key = '';
	for (const segment of segments) {
		if (typeof segment === 'number') key += `[${segment}]`;
		else key += key ? `.${showUnsafeCharacters(String(segment))}` : showUnsafeCharacters(String(segment));
	}

	return key;
}

export function describeZodError(path: string, error: z.ZodError, raw: unknown): ConfigIssue {
	const first = error.issues[0];
	const key = first ? formatKey(first.path) : '';
	let problem = first?.message ?? 'invalid value';
	// A record key that failed its own check: zod says only "Invalid key in record"; its reason is inside.
	if (first?.code === 'invalid_key' && first.issues[0]) problem = `key ${first.issues[0].message}`;
	// zod's default wording for missing keys is terse; say what to do.
	if (first?.code === 'invalid_type' && valueAt(raw, first.path) === undefined) problem = 'is required but missing';
	const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
	return {path, key, problem, message: `${path}: ${key || '(top level)'}: ${problem}${more}`};
}

export function describeSyntaxError(path: string, error: unknown): ConfigIssue {
	const detail = error as {lineNumber?: number; columnNumber?: number; message?: string};
	const where = detail.lineNumber ? ` at line ${detail.lineNumber}, column ${detail.columnNumber ?? 1}` : '';
	// JSON5 quotes the offending character; a C1 or bidi control would reach the terminal raw.
	const reason = showUnsafeCharacters((detail.message ?? 'syntax error').replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, ''));
	const problem = `not valid JSON/JSON5${where}: ${reason}`;
	return {path, key: '', problem, message: `${path}: ${problem}`};
}

function valueAt(root: unknown, segments: ReadonlyArray<PropertyKey>): unknown {
	let value: unknown = root;
	for (const segment of segments) {
		if (!value || typeof value !== 'object') return undefined;
		value = (value as Record<PropertyKey, unknown>)[segment];
	}

	return value;
}
