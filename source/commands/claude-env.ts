/**
 * The environment Claude Code needs to talk to ccr-tui (translation spec §4.6). Shared by
 * `ccr-tui env` (prints it as shell code) and `ccr-tui code` (passes it to the child).
 */
import {DEFAULT_HOST, DEFAULT_PORT, type Config} from '../config/schema.js';

/** Used when the config has no APIKEY: Claude Code refuses to start without some token. */
const PLACEHOLDER_TOKEN = 'ccr-tui';
const DEFAULT_API_TIMEOUT_MS = 600_000;

/** One variable to set (`value`) or to remove (`value` undefined), with why. */
export type EnvEntry = {
	readonly name: string;
	readonly value: string | undefined;
	readonly comment: string;
};

/** Where the proxy listens and how a client on this machine reaches it. */
export type ListenAddress = {readonly host: string; readonly port: number};

/** `--host`/`--port` win over the config's HOST/PORT, which win over 127.0.0.1:3456. */
export function resolveListen(config: Pick<Config, 'HOST' | 'PORT'>, options: {host?: string; port?: number} = {}): ListenAddress {
	return {
		host: options.host ?? config.HOST ?? DEFAULT_HOST,
		port: options.port ?? config.PORT ?? DEFAULT_PORT,
	};
}

/** A wildcard listen address is not something a client can connect to: use loopback instead. */
function connectHost(host: string): string {
	const bare = host.replace(/^\[(.*)\]$/, '$1');
	if (bare === '' || bare === '0.0.0.0') return '127.0.0.1';
	if (bare === '::' || bare === '::0') return '::1';
	return bare;
}

/** `http://HOST:PORT` for clients (no `/v1`: Claude Code appends `/v1/messages` itself). */
export function clientBaseUrl(listen: ListenAddress): string {
	const host = connectHost(listen.host);
	return `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`;
}

/** Claude Code sends this as `Authorization: Bearer …`; the proxy checks it against APIKEY. */
function proxyToken(config: Pick<Config, 'APIKEY'>): string {
	const key = config.APIKEY?.trim();
	return key ? key : PLACEHOLDER_TOKEN;
}

/** Claude Code switches to another cloud when one of these is set, bypassing ANTHROPIC_BASE_URL. */
const FOREIGN_BACKENDS = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'] as const;

/**
 * The variables, in print order. `baseEnv` only feeds NO_PROXY, which extends what the user
 * already excludes from their HTTP proxy instead of replacing it.
 */
export function buildClaudeEnv(
	config: Pick<Config, 'APIKEY' | 'API_TIMEOUT_MS' | 'HOST' | 'PORT'>,
	listen: ListenAddress,
	baseEnv: Record<string, string | undefined> = {},
): EnvEntry[] {
	const host = connectHost(listen.host);
	return [
		{name: 'ANTHROPIC_BASE_URL', value: clientBaseUrl(listen), comment: 'where Claude Code sends its requests: the ccr-tui proxy'},
		{
			name: 'ANTHROPIC_AUTH_TOKEN',
			value: proxyToken(config),
			comment: config.APIKEY?.trim() ? 'the APIKEY from the ccr-tui config' : 'placeholder: the config has no APIKEY, so the proxy accepts any token',
		},
		{name: 'ANTHROPIC_API_KEY', value: undefined, comment: 'unset: a real Anthropic key would be sent instead and makes Claude Code ask for approval'},
		{
			name: 'API_TIMEOUT_MS',
			value: String(config.API_TIMEOUT_MS ?? DEFAULT_API_TIMEOUT_MS),
			comment: 'how long Claude Code waits for an answer (API_TIMEOUT_MS in the config, else 10 minutes)',
		},
		{
			name: 'NO_PROXY',
			value: mergeNoProxy(baseEnv['NO_PROXY'] ?? baseEnv['no_proxy'], ['127.0.0.1', 'localhost', host]),
			comment: 'keep a system HTTP proxy away from the local ccr-tui proxy',
		},
		{name: 'CLAUDE_CODE_ATTRIBUTION_HEADER', value: '0', comment: 'no per-request billing block in the system prompt (it only costs tokens upstream)'},
		{name: 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', value: '1', comment: 'no telemetry, error reports or update checks to Anthropic'},
		{name: 'DISABLE_COST_WARNINGS', value: '1', comment: "cost warnings use Anthropic prices, not your provider's"},
		...FOREIGN_BACKENDS.map(name => ({name, value: undefined, comment: 'unset: would send requests to another cloud instead of ccr-tui'})),
	];
}

/** The child environment for `ccr-tui code`: the user's environment plus the entries. */
export function applyClaudeEnv(baseEnv: NodeJS.ProcessEnv, entries: readonly EnvEntry[]): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...baseEnv};
	for (const entry of entries) {
		if (entry.value === undefined) delete env[entry.name];
		else env[entry.name] = entry.value;
	}

	// The lower-case spelling is read by some HTTP stacks; keep both in step.
	if (env['NO_PROXY'] !== undefined && env['no_proxy'] !== undefined) env['no_proxy'] = env['NO_PROXY'];
	return env;
}

function mergeNoProxy(existing: string | undefined, hosts: string[]): string {
	const items = (existing ?? '')
		.split(',')
		.map(item => item.trim())
		.filter(Boolean);
	for (const host of hosts) if (!items.includes(host)) items.push(host);
	return items.join(',');
}

/** Claude Code's `statusLine` setting that runs `ccr-tui statusline` (`command` is a shell command line). */
export function statusLineSetting(command = 'ccr-tui statusline'): {type: 'command'; command: string; padding: number} {
	return {type: 'command', command, padding: 0};
}
