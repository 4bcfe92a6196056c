/**
 * The "point Claude Code here" line for a dashboard with no requests yet. It must work when typed
 * as written: with an APIKEY, Claude Code has to send it, and the screen never shows secrets, so
 * the line lets `ccr-tui env` (which reads the config) set the token instead of spelling it out.
 */
import {resolveConfigPath} from '../config/paths.js';
import {DEFAULT_PORT, type Config} from '../config/schema.js';

export function claudeHint(listenUrl: string, config: Pick<Config, 'APIKEY' | 'PORT'>, configPath: string): string {
	if (!config.APIKEY?.trim()) return `ANTHROPIC_BASE_URL=${listenUrl} claude  (or: ccr-tui code)`;
	const flags: string[] = [];
	if (configPath !== resolveConfigPath(undefined)) flags.push(`--config ${shellWord(configPath)}`);
	const port = new URL(listenUrl).port;
	if (port && Number(port) !== (config.PORT ?? DEFAULT_PORT)) flags.push(`--port ${port}`);
	const ccr = ['ccr-tui', ...flags].join(' ');
	return `eval "$(${ccr} env)" && claude  (sets ANTHROPIC_AUTH_TOKEN to the APIKEY; or: ${ccr} code)`;
}

function shellWord(text: string): string {
	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", String.raw`'\''`)}'`;
}
