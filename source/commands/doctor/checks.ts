/**
 * The checks of `ccr-tui doctor`, each a verdict with the fix in words and, where ccr-tui may
 * repair it, the repair itself. No check writes anything; `--fix` runs the listed repairs only.
 */
import net from 'node:net';
import {SCENARIOS, type Config} from '../../config/schema.js';
import {runConnectionTest, type ConnectionTestOptions} from '../../providers/connection-test.js';
import {createCheckTransport} from '../../proxy/check-transport.js';
import {resolveTarget} from '../../proxy/router.js';
import {clientBaseUrl, type ListenAddress} from '../claude-env.js';
import {probeHealth} from '../code.js';
import {answers, claudeSettingsFiles, readClaudeSettings, removeEntries} from './claude-settings.js';

type Verdict = 'ok' | 'warn' | 'problem';

export type Finding = {
	readonly check: string;
	readonly verdict: Verdict;
	readonly detail: string;
	/** What the user can do (problems and warnings). */
	readonly fix?: string;
	/** The repair `--fix` runs; returns the lines saying what changed. */
	readonly repair?: () => string[];
};

export type CheckContext = {
	readonly listen: ListenAddress;
	readonly env: NodeJS.ProcessEnv;
	readonly cwd: string;
	readonly timeoutMs: number;
};

/** Every route and fallback entry resolves to a configured provider, and its model is listed. */
export function checkRoutes(config: Config): Finding[] {
	const entries: Array<[string, string]> = [];
	for (const scenario of SCENARIOS) {
		const target = config.Router[scenario];
		if (typeof target === 'string' && target.trim()) entries.push([scenario, target]);
		for (const [index, fallback] of (config.fallback?.[scenario] ?? []).entries()) entries.push([`fallback.${scenario}[${index}]`, fallback]);
	}

	if (!config.Router.default) {
		return [{check: 'Routes', verdict: 'problem', detail: 'no default route: most requests have nowhere to go', fix: 'pick one in the dashboard (`ccr-tui`, Routes panel)'}];
	}

	const findings: Finding[] = [];
	for (const [name, target] of entries) {
		const resolved = resolveTarget(config, target);
		if ('error' in resolved) {
			findings.push({check: 'Routes', verdict: 'problem', detail: `${name} → ${resolved.error}`, fix: `choose another target for ${name} in the dashboard, or add the provider`});
		} else if (resolved.provider.models.length > 0 && !resolved.provider.models.includes(resolved.model)) {
			findings.push({
				check: 'Routes',
				verdict: 'warn',
				detail: `${name} → "${target}": ${resolved.provider.name} does not list the model "${resolved.model}"`,
				fix: `add it to the provider's models, or pick a listed one`,
			});
		}
	}

	return findings.length > 0
		? findings
		: [{check: 'Routes', verdict: 'ok', detail: `${entries.length} route${entries.length === 1 ? '' : 's'} resolve to configured providers and models`}];
}

/** Free, or held by a ccr-tui (fine), or taken by something else (Claude Code Router, …). */
export async function checkPort(listen: ListenAddress, timeoutMs: number): Promise<Finding> {
	const where = `${listen.host}:${listen.port}`;
	const found = await probeHealth(clientBaseUrl(listen), timeoutMs);
	if (found === 'ccr-tui') return {check: 'Port', verdict: 'ok', detail: `${where} is held by a running ccr-tui`};
	if (found === 'other')
		return {
			check: 'Port',
			verdict: 'problem',
			detail: `${where} answers, but it is not ccr-tui (another router?)`,
			fix: 'stop that program (e.g. `ccr stop`), or set another PORT in the config',
		};
	const free = await canListen(listen);
	if (free === true) return {check: 'Port', verdict: 'ok', detail: `${where} is free`};
	return {check: 'Port', verdict: 'problem', detail: `cannot listen on ${where}: ${free}`, fix: 'choose another PORT/HOST in the config (or --port)'};
}

function canListen(listen: ListenAddress): Promise<true | string> {
	return new Promise(resolve => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE' ? 'in use by a program that does not speak HTTP' : (error.code ?? error.message)));
		server.listen(listen.port, listen.host, () => server.close(() => resolve(true)));
	});
}

/** Reachable, key accepted, model list read (the quick connection test: no completion, nothing spent). */
export async function checkProviders(config: Config, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finding[]> {
	// The proxy's own network path (PROXY_URL, HTTPS_PROXY, NO_PROXY), as `ccr-tui test` uses.
	const transport = createCheckTransport({proxyUrl: () => config.PROXY_URL, env});
	try {
		return await Promise.all(config.Providers.map(async provider => checkProvider(provider, transport.fetch, timeoutMs)));
	} finally {
		await transport.close();
	}
}

async function checkProvider(provider: Config['Providers'][number], fetch: ConnectionTestOptions['fetch'], timeoutMs: number): Promise<Finding> {
	const result = await runConnectionTest(provider, {quick: true, timeoutMs, fetch});
	const failed = result.steps.find(step => step.status === 'fail') ?? result.steps.find(step => step.status === 'warn');
	const check = `Provider ${provider.name}`;
	if (!failed) return {check, verdict: 'ok', detail: result.steps.map(step => `${step.label.toLowerCase()}: ${step.detail ?? 'ok'}`).join('; ')};
	return {
		check,
		verdict: failed.status === 'fail' ? 'problem' : 'warn',
		detail: `${failed.label.toLowerCase()}: ${failed.detail ?? failed.status}`,
		fix: failed.hint ?? `run \`ccr-tui test ${provider.name}\` for the full test`,
	};
}

const FOREIGN_BACKENDS = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'] as const;

/** This shell's Claude Code variables (a child process cannot change them: the fix is a command to run). */
export function checkShell(env: NodeJS.ProcessEnv, listen: ListenAddress): Finding[] {
	const ours = clientBaseUrl(listen);
	const apply = 'run `eval "$(ccr-tui env)"` in this shell (or start Claude Code with `ccr-tui code`)';
	const findings: Finding[] = [];
	const baseUrl = env['ANTHROPIC_BASE_URL']?.trim();
	if (baseUrl && baseUrl.replace(/\/+$/, '') !== ours)
		findings.push({check: 'Shell', verdict: 'problem', detail: `ANTHROPIC_BASE_URL is ${baseUrl}, not ccr-tui (${ours})`, fix: apply});
	if (env['ANTHROPIC_API_KEY'])
		findings.push({
			check: 'Shell',
			verdict: 'problem',
			detail: 'ANTHROPIC_API_KEY is set: Claude Code sends that key and asks to approve it',
			fix: 'unset ANTHROPIC_API_KEY, then ' + apply,
		});
	for (const name of FOREIGN_BACKENDS) {
		const value = env[name];
		if (value && value !== '0' && value.toLowerCase() !== 'false')
			findings.push({check: 'Shell', verdict: 'problem', detail: `${name} is set: Claude Code goes to that cloud, not to ccr-tui`, fix: `unset ${name}`});
	}

	return findings.length > 0
		? findings
		: [{check: 'Shell', verdict: 'ok', detail: baseUrl ? `ANTHROPIC_BASE_URL points at ccr-tui (${ours})` : 'no Claude Code variables that would bypass ccr-tui'}];
}

/** Settings files whose `env.ANTHROPIC_BASE_URL` / `apiKeyHelper` point at a proxy that does not answer. */
export async function checkClaudeSettings(context: CheckContext): Promise<Finding[]> {
	const findings: Finding[] = [];
	for (const file of claudeSettingsFiles(context.env, context.cwd)) {
		const read = readClaudeSettings(file.path);
		if (read.kind === 'missing') continue;
		if (read.kind === 'invalid') {
			findings.push({
				check: 'Claude settings',
				verdict: 'problem',
				detail: `${file.label} is not valid JSON (${read.message}); Claude Code ignores it`,
				fix: 'fix the file by hand',
			});
			continue;
		}

		const dead: Array<(typeof read.pointing)[number]> = [];
		for (const entry of read.pointing) {
			if (await answers(entry.url, context.timeoutMs)) {
				const ours = entry.url.replace(/\/+$/, '') === clientBaseUrl(context.listen);
				findings.push({
					check: 'Claude settings',
					verdict: ours || entry.key === 'apiKeyHelper' ? 'ok' : 'warn',
					detail: `${file.label} ${entry.key} → ${entry.url} answers${ours ? ' (ccr-tui)' : ''}`,
					...(ours || entry.key === 'apiKeyHelper' ? {} : {fix: 'it overrides the ANTHROPIC_BASE_URL that `ccr-tui code` sets; remove it to use ccr-tui'}),
				});
			} else {
				dead.push(entry);
				findings.push({
					check: 'Claude settings',
					verdict: 'problem',
					detail: `${file.label} ${entry.key} → ${entry.url} does not answer (a proxy that is gone); Claude Code fails while it is there`,
					fix: '`ccr-tui doctor --fix` removes it (backup kept)',
				});
			}
		}

		if (dead.length > 0) {
			const keys = dead.map(entry => entry.key);
			const last = findings.at(-1)!;
			findings[findings.length - 1] = {...last, repair: () => describeRepair(file.label, removeEntries(file.path, keys))};
		}
	}

	return findings.length > 0 ? findings : [{check: 'Claude settings', verdict: 'ok', detail: 'no settings file points Claude Code at a dead proxy'}];
}

function describeRepair(label: string, result: {backup: string; removed: string[]}): string[] {
	return [`${label}: removed ${result.removed.join(', ')} (backup: ${result.backup})`];
}
