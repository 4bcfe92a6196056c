import os from 'node:os';
import path from 'node:path';

/** `~/.claude-code-router`, where Claude Code Router users already keep their config. */
export function defaultConfigDir(home = os.homedir()): string {
	return path.join(home, '.claude-code-router');
}

/** Precedence: `--config`, then `CCR_TUI_CONFIG`, then `~/.claude-code-router/config.json`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	const chosen = flag ?? env['CCR_TUI_CONFIG'];
	if (chosen) return path.resolve(chosen.startsWith('~/') ? path.join(os.homedir(), chosen.slice(2)) : chosen);
	return path.join(defaultConfigDir(), 'config.json');
}

/** Log file next to the config (Claude Code Router's name). */
export function logFilePath(configPath: string): string {
	return path.join(path.dirname(configPath), 'claude-code-router.log');
}
