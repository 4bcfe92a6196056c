/**
 * Claude Code's settings files, as `ccr-tui doctor` sees them: `env.ANTHROPIC_BASE_URL` (and the
 * token that goes with it) or an `apiKeyHelper` pointing at a proxy that no longer answers — what
 * other routers leave behind. The fix removes exactly those entries, after a timestamped backup.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type SettingsFile = {readonly path: string; readonly label: string};

/** The user's settings, then this folder's project settings (shared and local). */
export function claudeSettingsFiles(env: NodeJS.ProcessEnv, cwd: string): SettingsFile[] {
	const home = env['HOME'] ?? env['USERPROFILE'] ?? os.homedir();
	const dir = env['CLAUDE_CONFIG_DIR'] ?? path.join(home, '.claude');
	const user = path.join(dir, 'settings.json');
	const tilde = (file: string): string => (file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file);
	const project = [path.join(cwd, '.claude', 'settings.json'), path.join(cwd, '.claude', 'settings.local.json')].filter(file => file !== user);
	return [user, ...project].map(file => ({path: file, label: tilde(file)}));
}

/** Entries that point Claude Code somewhere; a URL found in an `apiKeyHelper` command line counts. */
export type PointingEntry = {readonly key: 'env.ANTHROPIC_BASE_URL' | 'apiKeyHelper'; readonly url: string};

export type ReadSettings = {kind: 'missing'} | {kind: 'invalid'; message: string} | {kind: 'ok'; settings: Record<string, unknown>; pointing: PointingEntry[]};

export function readClaudeSettings(file: string): ReadSettings {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return {kind: 'missing'};
	}

	let settings: unknown;
	try {
		settings = JSON.parse(text);
	} catch (error) {
		return {kind: 'invalid', message: error instanceof Error ? error.message : String(error)};
	}

	if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return {kind: 'invalid', message: 'not a JSON object'};
	const record = settings as Record<string, unknown>;
	const pointing: PointingEntry[] = [];
	const env = record['env'];
	const baseUrl = typeof env === 'object' && env !== null ? (env as Record<string, unknown>)['ANTHROPIC_BASE_URL'] : undefined;
	if (typeof baseUrl === 'string' && baseUrl.trim()) pointing.push({key: 'env.ANTHROPIC_BASE_URL', url: baseUrl.trim()});
	const helper = record['apiKeyHelper'];
	if (typeof helper === 'string') {
		const url = /https?:\/\/[^\s'"`;|&)]+/.exec(helper)?.[0];
		if (url) pointing.push({key: 'apiKeyHelper', url});
	}

	return {kind: 'ok', settings: record, pointing};
}

/** Whether anything answers HTTP at the URL's origin (any status counts: a proxy that is there). */
export async function answers(url: string, timeoutMs: number): Promise<boolean> {
	let origin: string;
	try {
		origin = new URL(url).origin;
	} catch {
		return false;
	}

	try {
		const response = await fetch(origin, {method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs)});
		await response.body?.cancel();
		return true;
	} catch {
		return false;
	}
}

/**
 * Remove the dead entries: `env.ANTHROPIC_BASE_URL` takes `env.ANTHROPIC_AUTH_TOKEN` with it (that
 * token was for the gone proxy; left alone it would be sent to Anthropic). The file is copied to
 * `<file>.ccr-tui-backup-<time>` first and replaced atomically with the same mode. Returns what changed.
 */
export function removeEntries(file: string, keys: ReadonlyArray<PointingEntry['key']>, now = new Date()): {backup: string; removed: string[]} {
	const original = fs.readFileSync(file, 'utf8');
	const settings = JSON.parse(original) as Record<string, unknown>;
	const removed: string[] = [];
	if (keys.includes('env.ANTHROPIC_BASE_URL')) {
		const env = {...(settings['env'] as Record<string, unknown>)};
		for (const name of ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN']) {
			if (name in env) {
				delete env[name];
				removed.push(`env.${name}`);
			}
		}

		if (Object.keys(env).length === 0) delete settings['env'];
		else settings['env'] = env;
	}

	if (keys.includes('apiKeyHelper') && 'apiKeyHelper' in settings) {
		delete settings['apiKeyHelper'];
		removed.push('apiKeyHelper');
	}

	const stamp = now.toISOString().replace(/[:.]/g, '-');
	const backup = `${file}.ccr-tui-backup-${stamp}`;
	const mode = fs.statSync(file).mode & 0o777;
	fs.copyFileSync(file, backup, fs.constants.COPYFILE_EXCL);
	fs.chmodSync(backup, mode);
	const indent = /^\{\n(\s+)"/.exec(original)?.[1] ?? '  ';
	const temp = `${file}.ccr-tui-${process.pid}.tmp`;
	fs.writeFileSync(temp, `${JSON.stringify(settings, undefined, indent.includes('\t') ? '\t' : indent.length)}\n`, {mode});
	fs.renameSync(temp, file);
	return {backup, removed};
}
