/**
 * `ccr-tui statusline`: the command for Claude Code's `statusLine` setting. Claude Code runs it after
 * each turn with a JSON object on stdin (`session_id`, …) and shows its first line of output. It asks
 * the running ccr-tui (`GET /ccr-tui/status`) for that session's latest request and prints route,
 * provider,model, TTFT, tokens of the last turn and of the session, and a mark when a fallback
 * answered or a key was rotated. Never fails: without a ccr-tui it prints a short hint, exit 0.
 *
 * Runs once per turn, so start-up is the cost: this file imports only node:http, node:fs and a few
 * import-free modules (cli.tsx reaches it before loading commander).
 */
import fs from 'node:fs';
import http from 'node:http';
import {DEFAULT_HOST, DEFAULT_PORT} from '../config/defaults.js';
import {resolveEnvRefs} from '../config/env-refs.js';
import {resolveConfigPath} from '../config/paths.js';
import {sanitizeTerminalText} from '../activity/sanitize.js';
import {formatCount, formatDuration} from '../text/format.js';

export type StatuslineOptions = {
	config?: string;
	port?: number;
	host?: string;
	/** Claude Code's JSON; read from stdin when absent. */
	input?: string;
	env?: NodeJS.ProcessEnv;
	stdout?: (text: string) => void;
	/** @default 400 */
	timeoutMs?: number;
};

/** The parts of `GET /ccr-tui/status` this command reads (see source/activity/usage/sessions.ts). */
type StatusRecord = {
	route?: string;
	provider?: string;
	model?: string;
	status?: number;
	error?: string;
	ttftMs?: number;
	input?: number;
	output?: number;
	cacheRead?: number;
	cacheWrite?: number;
	fallback?: boolean;
	keyRotated?: boolean;
	keyIndex?: number;
};
type StatusAnswer = {service?: string; session?: {last?: StatusRecord; requests?: number; totalInput?: number; totalOutput?: number} | null};

type Target = {readonly base: string; readonly token?: string};

export async function runStatusline(options: StatuslineOptions = {}): Promise<number> {
	const env = options.env ?? process.env;
	const write = options.stdout ?? (text => process.stdout.write(text));
	const color = env['NO_COLOR'] === undefined || env['NO_COLOR'] === '';
	try {
		const session = sessionOf(options.input ?? (await readStdin()));
		const target = findTarget(options, env);
		const answer = await getStatus(target, session, options.timeoutMs ?? 400);
		write(`${formatAnswer(answer, target, session, color)}\n`);
	} catch {
		// A status line must never show a stack trace.
		write('ccr-tui: status unavailable\n');
	}

	return 0;
}

async function readStdin(): Promise<string> {
	if (process.stdin.isTTY) return '';
	const parts: Buffer[] = [];
	for await (const chunk of process.stdin) parts.push(chunk as Buffer);
	return Buffer.concat(parts).toString('utf8');
}

function sessionOf(input: string): string | undefined {
	try {
		const value = JSON.parse(input) as {session_id?: unknown};
		return typeof value.session_id === 'string' && value.session_id !== '' ? value.session_id : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The proxy this Claude Code talks to: its own ANTHROPIC_BASE_URL when that is on this machine (`ccr-tui
 * code` sets it, also for a private proxy on a random port), else HOST/PORT/APIKEY from the config.
 * A remote base URL is never asked: that would send the token somewhere for nothing.
 */
function findTarget(options: StatuslineOptions, env: NodeJS.ProcessEnv): Target {
	const fromEnv = loopbackBase(env['ANTHROPIC_BASE_URL']);
	if (fromEnv && options.port === undefined) return {base: fromEnv, token: env['ANTHROPIC_AUTH_TOKEN'] ?? env['ANTHROPIC_API_KEY']};
	const config = readConfigLoosely(resolveConfigPath(options.config, env), env);
	const host = options.host ?? (typeof config['HOST'] === 'string' ? config['HOST'] : DEFAULT_HOST);
	const port = options.port ?? (typeof config['PORT'] === 'number' ? config['PORT'] : DEFAULT_PORT);
	const connect = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
	return {
		base: `http://${connect.includes(':') ? `[${connect}]` : connect}:${port}`,
		token: typeof config['APIKEY'] === 'string' && config['APIKEY'] ? config['APIKEY'] : undefined,
	};
}

function loopbackBase(value: string | undefined): string | undefined {
	if (!value) return undefined;
	try {
		const url = new URL(value);
		const host = url.hostname.replace(/^\[|\]$/g, '');
		if (url.protocol !== 'http:' || !(host === 'localhost' || host.startsWith('127.') || host === '::1')) return undefined;
		return url.origin;
	} catch {
		return undefined;
	}
}

/** HOST, PORT and APIKEY only; plain JSON (the usual case) without loading the JSON5 parser. */
function readConfigLoosely(file: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
	try {
		const value = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
		if (typeof value !== 'object' || value === null) return {};
		const {HOST, PORT, APIKEY} = value as Record<string, unknown>;
		return resolveEnvRefs({HOST, PORT, APIKEY}, env);
	} catch {
		return {};
	}
}

type Outcome = {kind: 'answer'; answer: StatusAnswer} | {kind: 'down'} | {kind: 'refused'; status: number} | {kind: 'other'};

function getStatus(target: Target, session: string | undefined, timeoutMs: number): Promise<Outcome> {
	return new Promise(resolve => {
		const url = `${target.base}/ccr-tui/status${session ? `?session=${encodeURIComponent(session)}` : ''}`;
		const request = http.get(url, {headers: target.token ? {'x-api-key': target.token} : {}, timeout: timeoutMs}, response => {
			const parts: Buffer[] = [];
			response.on('data', (chunk: Buffer) => parts.push(chunk));
			response.on('end', () => {
				if (response.statusCode === 401 || response.statusCode === 403) return resolve({kind: 'refused', status: response.statusCode});
				try {
					const answer = JSON.parse(Buffer.concat(parts).toString('utf8')) as StatusAnswer;
					resolve(response.statusCode === 200 && answer.service === 'ccr-tui' ? {kind: 'answer', answer} : {kind: 'other'});
				} catch {
					resolve({kind: 'other'});
				}
			});
			response.on('error', () => resolve({kind: 'down'}));
		});
		request.on('timeout', () => request.destroy());
		request.on('error', () => resolve({kind: 'down'}));
	});
}

const paint = (on: boolean, code: string, text: string): string => (on ? `\u001B[${code}m${text}\u001B[0m` : text);

/** The one line. Hints are plain: they are for reading once, not for scanning every turn. */
function formatAnswer(outcome: Outcome, target: Target, session: string | undefined, color: boolean): string {
	if (outcome.kind === 'down') return `ccr-tui: not running on ${target.base} (start it: ccr-tui)`;
	if (outcome.kind === 'refused') return `ccr-tui: ${target.base} refused the status request (${outcome.status}): APIKEY differs from ANTHROPIC_AUTH_TOKEN`;
	if (outcome.kind === 'other') return `ccr-tui: something else answers on ${target.base}`;
	const found = outcome.answer.session;
	const last = found?.last;
	if (!found || !last) return session ? 'ccr-tui ✓ no request yet in this session' : 'ccr-tui ✓ running (no session id from Claude Code)';
	const safe = (value: unknown): string => sanitizeTerminalText(String(value ?? '?'));
	const failed = last.error !== undefined || (last.status ?? 200) >= 400;
	const parts = [
		paint(color, '36', safe(last.route)),
		paint(color, '1', `${safe(last.provider)},${safe(last.model)}`),
		failed ? paint(color, '31', `✗ ${safe(last.status)} ${safe(last.error ?? '')}`.trimEnd()) : `TTFT ${formatDuration(last.ttftMs)}`,
		`↑${formatCount((last.input ?? 0) + (last.cacheRead ?? 0) + (last.cacheWrite ?? 0))} ↓${formatCount(last.output)}`,
		paint(color, '2', `Σ ↑${formatCount(found.totalInput)} ↓${formatCount(found.totalOutput)} · ${found.requests ?? 0} req`),
	];
	const marks = [last.fallback ? 'fallback' : '', last.keyRotated ? `key rotated${last.keyIndex === undefined ? '' : ` → #${last.keyIndex + 1}`}` : ''].filter(Boolean);
	if (marks.length > 0) parts.push(paint(color, '33', `⚠ ${marks.join(', ')}`));
	return parts.join(' · ');
}
