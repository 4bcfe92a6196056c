/** Small pure formatters of the panels (durations and counts: text/format.ts). */

/** Host (and port) of a URL; the URL itself when it does not parse. Never the path or query. */
export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/** Last characters of an id: enough to tell rows apart. */
export function shortId(id: string, length = 6): string {
	return id.length <= length ? id : id.slice(-length);
}

/**
 * The short Claude Code session tag a row shows (`·f9a4ad`): the first 6 letters/digits of the
 * session id (a UUID's start), so the requests of one `claude` window read as one group.
 */
export function sessionTag(sessionId: string | undefined): string {
	const tag = sessionId?.replace(/[^0-9A-Za-z]/g, '').slice(0, 6);
	return tag ? `·${tag}` : '';
}

/** The provider,model cell of an activity row, with the session tag when the request had one. */
export function rowTarget(record: {readonly provider: string; readonly model: string; readonly sessionId?: string}): string {
	const tag = sessionTag(record.sessionId);
	return tag ? `${record.provider},${record.model} ${tag}` : `${record.provider},${record.model}`;
}

/** `~/…` for paths under the home directory (shorter header). */
export function tildePath(path: string, home: string | undefined): string {
	if (home && home !== '/' && path.startsWith(`${home}/`)) return `~${path.slice(home.length)}`;
	return path;
}

/** `HH:MM:SS` in local time (cool-down ends, last errors). */
export function formatClockTime(at: number): string {
	return new Date(at).toTimeString().slice(0, 8);
}
