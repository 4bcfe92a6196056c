/**
 * `ccr-tui env`: shell code that points Claude Code at ccr-tui, for `eval "$(ccr-tui env)"`.
 * Everything but the statements is a `#` comment, so the output can be evaluated as is.
 */
import {buildClaudeEnv, clientBaseUrl, resolveListen, statusLineSetting, type EnvEntry} from './claude-env.js';
import {readConfig} from './read-config.js';

const SHELLS = ['posix', 'fish', 'powershell'] as const;
type Shell = (typeof SHELLS)[number];

export type EnvOptions = {
	config?: string;
	port?: number;
	host?: string;
	shell?: string;
	/** The user's environment (NO_PROXY is extended, CCR_TUI_CONFIG read). @default process.env */
	env?: NodeJS.ProcessEnv;
	stdout?: (text: string) => void;
	stderr?: (text: string) => void;
};

const SHELL_ALIASES: Record<string, Shell> = {
	posix: 'posix',
	sh: 'posix',
	bash: 'posix',
	zsh: 'posix',
	fish: 'fish',
	powershell: 'powershell',
	pwsh: 'powershell',
};

const APPLY_HINT: Record<Shell, string> = {
	posix: 'eval "$(ccr-tui env)"',
	fish: 'ccr-tui env --shell fish | source',
	powershell: 'ccr-tui env --shell powershell | Out-String | Invoke-Expression',
};

export async function runEnv(options: EnvOptions = {}): Promise<number> {
	const stdout = options.stdout ?? (text => process.stdout.write(text));
	const stderr = options.stderr ?? (text => process.stderr.write(text));
	const env = options.env ?? process.env;

	const shell = SHELL_ALIASES[(options.shell ?? 'posix').toLowerCase()];
	if (!shell) {
		stderr(`ccr-tui env: unknown shell "${options.shell}"; use --shell posix (bash, zsh, sh), fish or powershell\n`);
		return 2;
	}

	const read = readConfig(options.config, env);
	if (!read.ok) {
		stderr(`ccr-tui env: ${read.issue.message}\nFix the config file (or pass another with --config), then run this again.\n`);
		return 1;
	}

	const listen = resolveListen(read.config, options);
	if (listen.port === 0) {
		stderr('ccr-tui env: port 0 means "any free port", which Claude Code cannot know in advance; pass --port or set PORT in the config\n');
		return 2;
	}

	const header = [
		`ccr-tui: point Claude Code at ${clientBaseUrl(listen)}`,
		`apply in this shell: ${APPLY_HINT[shell]}`,
		read.exists ? `config: ${read.path}` : `no config yet at ${read.path}: run \`ccr-tui\` to add a provider (or try \`ccr-tui --demo\`)`,
	];
	const lines = header.map(line => `# ${line}`);
	let previous = '';
	for (const entry of buildClaudeEnv(read.config, listen, env)) {
		// One comment above a run of statements that share it.
		if (entry.comment !== previous) lines.push(`# ${entry.comment}`);
		previous = entry.comment;
		lines.push(formatEntry(entry, shell));
	}

	// Not applied by eval: a settings file is the user's to edit (`ccr-tui code` turns it on per session).
	lines.push('# optional: the ccr-tui status line in every Claude Code session, add to ~/.claude/settings.json:', `#   "statusLine": ${JSON.stringify(statusLineSetting())}`);
	stdout(`${lines.join('\n')}\n`);
	return 0;
}

/** One statement; values are single-quoted so nothing in them is expanded by the shell. */
function formatEntry(entry: EnvEntry, shell: Shell): string {
	const {name, value} = entry;
	switch (shell) {
		case 'posix': {
			return value === undefined ? `unset ${name}` : `export ${name}=${quotePosix(value)}`;
		}

		case 'fish': {
			return value === undefined ? `set -e ${name}` : `set -gx ${name} ${quoteFish(value)}`;
		}

		case 'powershell': {
			// Assigning $null removes the variable and, unlike Remove-Item, never errors when it is absent.
			return value === undefined ? `$env:${name} = $null` : `$env:${name} = ${quotePowerShell(value)}`;
		}
	}
}

function quotePosix(value: string): string {
	return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Inside fish single quotes only `\\` and `\'` are special. */
function quoteFish(value: string): string {
	return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** PowerShell also treats the typographic single quotes as quote characters; double them all. */
function quotePowerShell(value: string): string {
	return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, quote => quote + quote)}'`;
}
