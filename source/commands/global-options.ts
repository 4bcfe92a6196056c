/**
 * `--config`, `--port` and `--host`: accepted before the command and after it, with the same meaning,
 * and listed under "Global options" in every command's help. Given twice, the last one wins.
 */
import {InvalidArgumentError, Option, type Command} from 'commander';

/** Options every command understands. */
export type GlobalOptions = {
	config?: string;
	port?: number;
	host?: string;
	demo?: boolean;
};

const GROUP = 'Global options (before or after the command):';
const MAX_PORT = 65_535;

/**
 * Only plain decimal ports. `Number()` would turn `''` into 0 (a random port when `--port "$UNSET"`),
 * `1e3` into 1000, `0x10` into 16 and `' 80'` into 80: each of those is a typo, not a port.
 */
export function parsePort(value: string): number {
	if (!/^(?:0|[1-9]\d{0,4})$/.test(value) || Number(value) > MAX_PORT) {
		throw new InvalidArgumentError('--port must be a whole number from 0 to 65535, in decimal digits only.');
	}

	return Number(value);
}

/** @public cli.tsx reaches it through the dynamically imported module's namespace, which knip does not follow. */
export function addGlobalOptions(command: Command, portHelp = 'listen port (overrides PORT in the config; 0 = any free port; default 3456)'): Command {
	return command
		.addOption(new Option('-c, --config <file>', 'config file (env CCR_TUI_CONFIG; default ~/.claude-code-router/config.json)').helpGroup(GROUP))
		.addOption(new Option('-p, --port <n>', portHelp).argParser(parsePort).helpGroup(GROUP))
		.addOption(new Option('-H, --host <addr>', 'listen address (overrides HOST in the config; default 127.0.0.1)').helpGroup(GROUP));
}

/**
 * The program's options (before the command) overridden by the command's own (after it).
 * @public cli.tsx reaches it through the dynamically imported module's namespace.
 */
export function globalOptionsOf(program: Command, command: Command): GlobalOptions {
	const before = program.opts<GlobalOptions>();
	const after = command.opts<GlobalOptions>();
	const merged: GlobalOptions = {...before};
	if (after.config !== undefined) merged.config = after.config;
	if (after.port !== undefined) merged.port = after.port;
	if (after.host !== undefined) merged.host = after.host;
	return merged;
}
