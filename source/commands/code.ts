/**
 * `ccr-tui code [args…]`: run Claude Code through ccr-tui. Uses the ccr-tui already listening on
 * the configured port when there is one; otherwise runs a private headless proxy in this process
 * for exactly as long as `claude` runs. Every argument goes to `claude` untouched.
 */
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ConfigStore} from '../config/store.js';
import {type ProxyService, startProxyService} from '../proxy/service.js';
import {fileURLToPath} from 'node:url';
import {applyClaudeEnv, buildClaudeEnv, clientBaseUrl, resolveListen, statusLineSetting, type ListenAddress} from './claude-env.js';
import {readConfig} from './read-config.js';

export const INSTALL_COMMAND = 'npm install -g @anthropic-ai/claude-code';
const EXIT_NOT_FOUND = 127;
const EXIT_NOT_EXECUTABLE = 126;
const HEALTH_TIMEOUT_MS = 1000;

export type CodeOptions = {
	/** Arguments for claude, exactly as typed after `code`. */
	args?: string[];
	config?: string;
	port?: number;
	host?: string;
	/** The user's environment (PATH, HOME, CLAUDE_PATH …), passed on to claude. @default process.env */
	env?: NodeJS.ProcessEnv;
	stderr?: (text: string) => void;
	/** The `ccr-tui` entry the status line runs. @default dist/cli.js next to this file */
	cliPath?: string;
};

function noConfigYet(configPath: string): string {
	return (
		`ccr-tui code: no config yet at ${configPath}, so there is no model to route to.\n` +
		'Add a provider first: run `ccr-tui` (the dashboard walks you through it) or `ccr-tui add-gemini-balance`.\n' +
		'Just looking? Run `ccr-tui --demo` in another terminal, then `ccr-tui code` uses its simulated model.\n'
	);
}

export async function runCode(options: CodeOptions = {}): Promise<number> {
	const stderr = options.stderr ?? (text => process.stderr.write(text));
	const env = options.env ?? process.env;
	const args = options.args ?? [];

	const read = readConfig(options.config, env);
	if (!read.ok) {
		stderr(`ccr-tui code: ${read.issue.message}\nFix the config file (or pass another with --config), then run this again.\n`);
		return 1;
	}

	const claude = findClaude(read.raw['CLAUDE_PATH'], env);
	if (claude.problem !== undefined) {
		stderr(claude.problem);
		return EXIT_NOT_FOUND;
	}

	const listen = resolveListen(read.config, options);
	const found = listen.port === 0 ? 'none' : await probeHealth(clientBaseUrl(listen));

	let target: ListenAddress = listen;
	let stopProxy: (() => Promise<void>) | undefined;
	if (found === 'ccr-tui') {
		stderr(`ccr-tui code: using the ccr-tui running on ${clientBaseUrl(listen)}\n`);
	} else {
		if (!read.exists) {
			stderr(noConfigYet(read.path));
			return 1;
		}

		// A private proxy only this claude uses: loopback, and a free port unless one was asked for,
		// so it never blocks the dashboard or another session from taking the configured port.
		const port = options.port !== undefined && found === 'none' ? options.port : 0;
		// Nothing may be printed while claude owns the terminal: the log file (LOG: true) is the record.
		let service: ProxyService;
		try {
			service = await startProxyService({store: new ConfigStore({path: read.path, env}), host: '127.0.0.1', port, env, history: true});
		} catch (error) {
			stderr(`ccr-tui code: could not start the proxy: ${error instanceof Error ? error.message : String(error)}\n`);
			return 1;
		}

		const {proxy} = service;
		target = {host: '127.0.0.1', port: proxy.port};
		stopProxy = () => service.close();
		const why = found === 'other' ? `port ${listen.port} is used by another program` : `no ccr-tui is running on ${clientBaseUrl(listen)}`;
		stderr(`ccr-tui code: ${why}; started a private proxy on ${proxy.url} for this session\n`);
		if (!read.config.Router.default) {
			stderr('ccr-tui code: warning: the config has no default route, so most requests will fail; pick one in the dashboard (`ccr-tui`)\n');
		}
	}

	try {
		const settings = statusLineArgs(args, env, options.cliPath ?? fileURLToPath(new URL('../cli.js', import.meta.url)));
		return await runClaude(claude.path, [...settings, ...args], applyClaudeEnv(env, buildClaudeEnv(read.config, target, env)), stderr);
	} finally {
		await stopProxy?.();
	}
}

/**
 * `--settings <json>` that shows `ccr-tui statusline` in the session's status line: Claude Code
 * merges command-line settings over the user's for this run only, so no file is written. Left out
 * when the user passes `--settings` (theirs wins, as typed) or already has a `statusLine` in
 * ~/.claude/settings.json (their own line stays).
 */
function statusLineArgs(args: readonly string[], env: NodeJS.ProcessEnv, cliPath: string): string[] {
	if (args.some(arg => arg === '--settings' || arg.startsWith('--settings='))) return [];
	if (userHasStatusLine(env)) return [];
	const command = [process.execPath, cliPath].map(shellWord).join(' ');
	return ['--settings', JSON.stringify({statusLine: statusLineSetting(`${command} statusline`)})];
}

function userHasStatusLine(env: NodeJS.ProcessEnv): boolean {
	const home = env['HOME'] ?? env['USERPROFILE'] ?? os.homedir();
	const dir = env['CLAUDE_CONFIG_DIR'] ?? path.join(home, '.claude');
	try {
		const settings = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as {statusLine?: unknown};
		return settings.statusLine !== undefined && settings.statusLine !== null;
	} catch {
		return false;
	}
}

/** A path as one word of a shell command line (Claude Code runs the status line through a shell). */
function shellWord(value: string): string {
	if (/^[\w@%+=:,./-]+$/.test(value)) return value;
	return process.platform === 'win32' ? `"${value}"` : `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * commander drops a `--` that directly follows `code` (it ends its own option parsing); claude must
 * still get it. The parsed arguments are always the tail of the raw argv, so look just before them.
 */
export function restoreDoubleDash(rawArgs: readonly string[], parsed: string[]): string[] {
	return rawArgs[rawArgs.length - parsed.length - 1] === '--' ? ['--', ...parsed] : parsed;
}

/**
 * Whether something answers `GET /health` and whether it is ccr-tui (by its health body), so
 * `code` never sends Claude Code to an unrelated server that happens to use the port.
 */
export async function probeHealth(baseUrl: string, timeoutMs = HEALTH_TIMEOUT_MS): Promise<'ccr-tui' | 'other' | 'none'> {
	let response: Response;
	try {
		response = await fetch(`${baseUrl}/health`, {signal: AbortSignal.timeout(timeoutMs), redirect: 'manual'});
	} catch {
		return 'none';
	}

	try {
		const body = (await response.json()) as {service?: unknown};
		return response.ok && body.service === 'ccr-tui' ? 'ccr-tui' : 'other';
	} catch {
		return 'other';
	}
}

/**
 * `CLAUDE_PATH` from the config, then from the environment, then `claude` on PATH, then the places
 * Claude Code's own installers use that are often not on PATH (the local install is only a shell alias).
 */
export function findClaude(configured: unknown, env: NodeJS.ProcessEnv): {path: string; problem?: undefined} | {path?: undefined; problem: string} {
	const home = env['HOME'] ?? env['USERPROFILE'] ?? os.homedir();
	const explicit = typeof configured === 'string' && configured.trim() ? configured.trim() : env['CLAUDE_PATH']?.trim();
	if (explicit) {
		const expanded = explicit.startsWith('~/') ? path.join(home, explicit.slice(2)) : explicit;
		const found = findExecutable(expanded, env);
		if (found) return {path: found};
		return {
			problem:
				`ccr-tui code: CLAUDE_PATH is "${explicit}", but no executable was found there.\n` +
				`Fix CLAUDE_PATH (config or environment), or remove it and install Claude Code with:\n  ${INSTALL_COMMAND}\n`,
		};
	}

	const found = findExecutable('claude', env) ?? [path.join(home, '.claude', 'local', 'claude'), path.join(home, '.local', 'bin', 'claude')].find(file => isExecutable(file));
	if (found) return {path: found};
	return {
		problem:
			'ccr-tui code: Claude Code (the `claude` command) is not installed or not on your PATH.\n' +
			`Install it with:\n  ${INSTALL_COMMAND}\n` +
			'then run `ccr-tui code` again. Installed somewhere else? Set CLAUDE_PATH to the full path of `claude`.\n',
	};
}

function findExecutable(command: string, env: NodeJS.ProcessEnv): string | undefined {
	const windows = process.platform === 'win32';
	const extensions = windows ? ['', ...(env['PATHEXT'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
	if (command.includes('/') || (windows && command.includes('\\'))) {
		return extensions.map(extension => path.resolve(command + extension)).find(file => isExecutable(file));
	}

	const directories = (env['PATH'] ?? env['Path'] ?? '').split(path.delimiter).filter(Boolean);
	for (const directory of directories) {
		for (const extension of extensions) {
			const file = path.join(directory, command + extension);
			if (isExecutable(file)) return file;
		}
	}

	return undefined;
}

function isExecutable(file: string): boolean {
	try {
		if (!fs.statSync(file).isFile()) return false;
		if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Run claude in the foreground; resolve with its exit code (128 + signal number when killed). */
async function runClaude(file: string, args: string[], env: NodeJS.ProcessEnv, stderr: (text: string) => void): Promise<number> {
	return new Promise(resolve => {
		// npm installs `claude.cmd` on Windows, which only a shell can start.
		const child = spawn(file, args, {stdio: 'inherit', env, shell: process.platform === 'win32' && /\.(cmd|bat)$/i.test(file)});
		const forward = (signal: NodeJS.Signals): void => {
			// Ctrl-C reaches claude directly from the terminal too; forwarding covers `kill <ccr-tui pid>`.
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		};

		for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
		const cleanup = (): void => {
			for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
		};

		child.once('error', error => {
			cleanup();
			const code = (error as NodeJS.ErrnoException).code;
			stderr(`ccr-tui code: could not start ${file}: ${error.message}\n`);
			resolve(code === 'ENOENT' ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
		});
		child.once('exit', (code, signal) => {
			cleanup();
			resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
		});
	});
}
