/**
 * `ccr-tui doctor [--fix] [--offline]`: config, routes, port, providers, this shell's Claude Code
 * variables and Claude Code's settings files, each with a verdict and the fix. `--fix` repairs only
 * what it listed as repairable (settings entries pointing at a dead proxy), after a backup, and says
 * what it changed. Exit 0 when nothing is a problem (warnings allowed), 1 otherwise.
 */
import {sanitizeTerminalText} from '../activity/sanitize.js';
import {resolveListen} from './claude-env.js';
import {checkClaudeSettings, checkPort, checkProviders, checkRoutes, checkShell, type Finding} from './doctor/checks.js';
import {readConfig} from './read-config.js';

export type DoctorOptions = {
	config?: string;
	port?: number;
	host?: string;
	fix?: boolean;
	/** Skip the provider checks (no network but this machine). */
	offline?: boolean;
	env?: NodeJS.ProcessEnv;
	cwd?: string;
	stdout?: (text: string) => void;
	/** Per network check. @default 3000 */
	timeoutMs?: number;
};

const MARK = {ok: '✓', warn: '⚠', problem: '✗'} as const;

export async function runDoctor(options: DoctorOptions = {}): Promise<number> {
	const out = options.stdout ?? (text => process.stdout.write(text));
	const findings = await collectFindings(options);
	out(formatFindings(findings));
	const repairs = options.fix ? findings.filter(finding => finding.verdict === 'problem' && finding.repair) : [];
	let repaired = 0;
	for (const finding of repairs) {
		try {
			out(`fixed: ${finding.repair!().join('\nfixed: ')}\n`);
			repaired++;
		} catch (error) {
			out(`could not fix (${finding.check}): ${error instanceof Error ? error.message : String(error)}\n`);
		}
	}

	const problems = findings.filter(finding => finding.verdict === 'problem').length - repaired;
	const repairable = findings.filter(finding => finding.verdict === 'problem' && finding.repair).length;
	out(`\n${summaryLine(findings, problems, options.fix ? 0 : repairable)}\n`);
	return problems > 0 ? 1 : 0;
}

async function collectFindings(options: DoctorOptions): Promise<Finding[]> {
	const env = options.env ?? process.env;
	const timeoutMs = options.timeoutMs ?? 3000;
	const read = readConfig(options.config, env);
	if (!read.ok) {
		const configFinding: Finding = {check: 'Config', verdict: 'problem', detail: read.issue.message, fix: 'fix the file (ccr-tui never overwrites a broken config)'};
		return [configFinding, checkShellOnly(env, options), ...(await checkClaudeSettings({listen: resolveListen({}, options), env, cwd: options.cwd ?? process.cwd(), timeoutMs}))];
	}

	const {config} = read;
	const listen = resolveListen(config, options);
	const context = {listen, env, cwd: options.cwd ?? process.cwd(), timeoutMs};
	const configFinding: Finding = read.exists
		? {check: 'Config', verdict: 'ok', detail: `${read.path} is valid (${config.Providers.length} provider${config.Providers.length === 1 ? '' : 's'})`}
		: {check: 'Config', verdict: 'warn', detail: `no config yet at ${read.path}`, fix: 'run `ccr-tui` to add a provider (or `ccr-tui add-gemini-balance`)'};
	const [port, providers, settings] = await Promise.all([
		checkPort(listen, timeoutMs),
		options.offline ? Promise.resolve([] as Finding[]) : checkProviders(config, env, timeoutMs),
		checkClaudeSettings(context),
	]);
	return [configFinding, ...(read.exists ? checkRoutes(config) : []), port, ...providers, ...checkShell(env, listen), ...settings];
}

function checkShellOnly(env: NodeJS.ProcessEnv, options: DoctorOptions): Finding {
	const findings = checkShell(env, resolveListen({}, options));
	return findings.find(finding => finding.verdict !== 'ok') ?? findings[0]!;
}

/** One line per finding, the fix indented under it. Details quote other programs' files (Claude Code's settings, a shell's rc). */
function formatFindings(findings: readonly Finding[]): string {
	const width = Math.max(...findings.map(finding => finding.check.length));
	const lines = findings.flatMap(finding => [
		`${MARK[finding.verdict]} ${finding.check.padEnd(width)}  ${sanitizeTerminalText(finding.detail)}`,
		...(finding.fix && finding.verdict !== 'ok' ? [`  ${' '.repeat(width)}  fix: ${sanitizeTerminalText(finding.fix)}`] : []),
	]);
	return `${lines.join('\n')}\n`;
}

function summaryLine(findings: readonly Finding[], problems: number, repairable: number): string {
	const warnings = findings.filter(finding => finding.verdict === 'warn').length;
	if (problems === 0) return warnings === 0 ? 'All good.' : `No problems; ${warnings} warning${warnings === 1 ? '' : 's'}.`;
	const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
	const hint = repairable > 0 ? ` \`ccr-tui doctor --fix\` repairs ${repairable} of them (after a backup).` : '';
	return `${plural(problems, 'problem')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}.${hint}`;
}
