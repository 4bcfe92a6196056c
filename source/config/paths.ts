import os from 'node:os';
import path from 'node:path';

/**
 * The user's home folder: `HOME` when it is an absolute path, else the system's record for the user.
 * An empty or relative `HOME` (`HOME= ccr-tui`) must never put the config in the current folder.
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
	const fromEnv = process.platform === 'win32' ? os.homedir() : env['HOME'];
	if (fromEnv && path.isAbsolute(fromEnv)) return fromEnv;
	let system: string | undefined;
	try {
		system = os.userInfo().homedir;
	} catch {
		// No passwd entry (some containers).
	}

	if (system && path.isAbsolute(system)) return system;
	throw new Error(
		`cannot tell where your home folder is (HOME is ${fromEnv === undefined ? 'unset' : `"${fromEnv}"`} and the system has none for this user): set HOME, or pass --config <file>`,
	);
}

/** `~/.claude-code-router`, where Claude Code Router users already keep their config. */
function defaultConfigDir(home: string = homeDir()): string {
	return path.join(home, '.claude-code-router');
}

/** Precedence: `--config`, then `CCR_TUI_CONFIG`, then `~/.claude-code-router/config.json`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	const chosen = flag ?? env['CCR_TUI_CONFIG'];
	if (chosen) return path.resolve(chosen.startsWith('~/') ? path.join(homeDir(env), chosen.slice(2)) : chosen);
	return path.join(defaultConfigDir(homeDir(env)), 'config.json');
}

/** Log file next to the config (Claude Code Router's name). */
export function logFilePath(configPath: string): string {
	return path.join(path.dirname(configPath), 'claude-code-router.log');
}
