/**
 * `ccr-tui start`: the proxy without the dashboard. Prints the listening URL, then one line per
 * finished request and every notice; SIGINT/SIGTERM/SIGHUP let in-flight answers end cleanly, exit 0.
 *
 * An invalid config file at start is an error (exit 1, message naming path, key and problem):
 * serving built-in defaults instead would silently route nowhere. Once running, a broken hand edit
 * is reported and the last good config keeps serving.
 */
import {formatDuration, formatInteger} from '../text/format.js';
import type {ActivityBus} from '../activity/bus.js';
import {sanitizeTerminalText} from '../activity/sanitize.js';
import type {ActivityEvent, RequestStarted} from '../activity/events.js';
import {troubleWords} from '../activity/key-health.js';
import {resolveConfigPath} from '../config/paths.js';
import {createRedactor} from '../config/redact.js';
import {SCENARIOS, type Config} from '../config/schema.js';
import {ConfigStore} from '../config/store.js';
import {type ProxyService, startProxyService} from '../proxy/service.js';

export type StartOptions = {
	config?: string;
	port?: number;
	host?: string;
	/** @default process.env */
	env?: NodeJS.ProcessEnv;
	stdout?: (text: string) => void;
	stderr?: (text: string) => void;
	/** Stops the proxy when aborted (tests); SIGINT/SIGTERM/SIGHUP always do. */
	signal?: AbortSignal;
	/** Called once listening, with the real URL (tests). */
	onListening?: (url: string) => void;
};

export async function runStart(options: StartOptions = {}): Promise<number> {
	const err = options.stderr ?? stderrWriter();
	const out = options.stdout ?? stdoutWriter(err);
	const env = options.env ?? process.env;
	const configPath = resolveConfigPath(options.config, env);

	let store: ConfigStore;
	try {
		store = new ConfigStore({path: configPath, env});
	} catch (error) {
		err(`ccr-tui: cannot open the config ${configPath}: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}

	const first = store.getSnapshot();
	if (first.issue) {
		err(`ccr-tui: ${first.issue.message}\nFix the file and start again (ccr-tui never overwrites a broken config).\n`);
		store.close();
		return 1;
	}

	const {print, flushLines} = lineWriter(out, text => createRedactor(store.getSnapshot().config)(text));
	if (first.created) print(`created ${configPath} with defaults; add a provider (ccr-tui add-gemini-balance) or edit the file`);

	const observe = (bus: ActivityBus) => {
		const stopLog = followActivity(bus, print);
		const unsubscribe = store.subscribe(snapshot => {
			if (snapshot.issue) print(`${clock(Date.now())}  config  ${snapshot.issue.message} (still serving the last good config)`);
			else print(`${clock(Date.now())}  config  reloaded ${snapshot.path}`);
		});
		return () => {
			flushLines();
			unsubscribe();
			stopLog();
		};
	};

	let service: ProxyService;
	try {
		service = await startProxyService({store, observe, delivery: 'after-io', host: options.host, port: options.port, env, warmUp: true, history: true});
	} catch (error) {
		err(`ccr-tui: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}

	const {proxy} = service;
	print(`ccr-tui listening on ${proxy.url}`);
	for (const line of describeRoutes(store.getSnapshot().config)) print(`  ${line}`);
	flushLines();
	options.onListening?.(proxy.url);

	await stopRequested(options.signal);
	const busy = proxy.inFlight();
	print(busy > 0 ? `shutting down: finishing ${busy} request${busy === 1 ? '' : 's'} in flight…` : 'shutting down');
	await service.close();
	return 0;
}

/**
 * Lines of one event-loop turn go out in one write: under load that is one syscall per batch of
 * finished requests instead of one per request (stdout is synchronous on pipes and files).
 */
function lineWriter(out: (text: string) => void, redact: (text: string) => string): {print: (line: string) => void; flushLines: () => void} {
	let pending: string[] = [];
	const flushLines = () => {
		if (pending.length === 0) return;
		const text = pending.join('');
		pending = [];
		out(text);
	};

	const print = (line: string) => {
		if (pending.length === 0) queueMicrotask(flushLines);
		pending.push(`${redact(sanitizeTerminalText(line))}\n`);
	};
	return {print, flushLines};
}

/** SIGINT, SIGTERM, SIGHUP or the caller's signal: the first one ends the wait, and every listener is removed. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
	return new Promise<void>(resolve => {
		const stop = () => {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
			process.off('SIGHUP', stop);
			signal?.removeEventListener('abort', stop);
			resolve();
		};

		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
		// A closed terminal or a dropped ssh session: the same clean end as SIGTERM, not exit 129.
		process.once('SIGHUP', stop);
		if (signal?.aborted) stop();
		else signal?.addEventListener('abort', stop, {once: true});
	});
}

/**
 * Request lines on stdout. A reader that went away (`ccr-tui start | head`, a dropped ssh session, a
 * restarted log collector) makes the next write fail with EPIPE: that must never stop the proxy.
 * Logging to stdout stops, serving goes on, and stderr says so (if it still works).
 */
function stdoutWriter(err: (text: string) => void): (text: string) => void {
	let gone = false;
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (gone) return;
		gone = true;
		err(`ccr-tui: stdout is gone (${error.code ?? error.message}); request lines are no longer printed, the proxy keeps serving\n`);
	});
	return text => {
		if (!gone) process.stdout.write(text);
	};
}

function stderrWriter(): (text: string) => void {
	let gone = false;
	process.stderr.on('error', () => {
		gone = true;
	});
	return text => {
		if (!gone) process.stderr.write(text);
	};
}

/** `  default → deepseek,deepseek-chat` per configured route, or a hint when nothing routes. */
function describeRoutes(config: Config): string[] {
	const router = config.Router as Record<string, unknown>;
	const lines = SCENARIOS.filter(scenario => typeof router[scenario] === 'string' && router[scenario] !== '').map(
		scenario => `${scenario.padEnd(11)} → ${String(router[scenario])}`,
	);
	if (!router['default']) {
		lines.push(
			config.Providers.length === 0
				? 'no providers configured yet: requests will fail until you add one (ccr-tui add-gemini-balance, or edit the config)'
				: 'no default route: set Router.default to "provider,model" (requests without another matching route will fail)',
		);
	}

	return lines;
}

/** One line per finished request, plus notices and key-pool changes. Returns an unsubscribe. */
export function followActivity(bus: ActivityBus, print: (line: string) => void): () => void {
	const started = new Map<string, RequestStarted>();
	return bus.on((event: ActivityEvent) => {
		switch (event.type) {
			case 'request:start': {
				started.set(event.id, event);
				break;
			}

			case 'request:end':
			case 'request:error': {
				const start = started.get(event.id);
				started.delete(event.id);
				print(formatRequestLine(event, start));
				break;
			}

			case 'notice': {
				print(`${clock(event.at)}  ${event.level.padEnd(7)} [${event.source}] ${event.message}`);
				break;
			}

			case 'key:state': {
				const why = troubleWords(event.reason, event.status);
				const detail = `${event.state}${event.until ? ` until ${clock(event.until)}` : ''}${why ? ` (${why})` : ''}${event.error ? `: ${event.error}` : ''}`;
				print(`${clock(event.at)}  keys    ${event.provider} key ${event.index + 1} ${event.label} ${detail}`);
				break;
			}

			default: {
				break;
			}
		}
	});
}

/** `12:03:04  default      fake,up-model   200  1.2 s  in 1,234 out 56  end_turn` */
export function formatRequestLine(event: Extract<ActivityEvent, {type: 'request:end' | 'request:error'}>, start: RequestStarted | undefined): string {
	const route = (start?.scenario ?? '?').padEnd(11);
	const provider = event.type === 'request:end' && event.provider ? event.provider : start?.provider;
	const model = event.type === 'request:end' && event.model ? event.model : start?.model;
	const target = (provider ? `${provider},${model ?? ''}` : '-').padEnd(24);
	const status = String(event.status).padEnd(3);
	const duration = formatDuration(event.durationMs).padStart(7);
	const usage = event.usage ?? (event.type === 'request:end' ? event.usage : undefined);
	const tokens = usage ? `in ${formatInteger(usage.inputTokens)} out ${formatInteger(usage.outputTokens)}` : `in ${formatInteger(start?.inputTokens ?? 0)} out 0`;
	const tail = event.type === 'request:end' ? (event.stopReason ?? '') : `${event.errorType}: ${event.message}`;
	return `${clock(event.at)}  ${route} ${target} ${status} ${duration}  ${tokens}  ${tail}`.trimEnd();
}

/** `HH:MM:SS` local time; the Date is re-read once per second, not per line. */
let clockCache = {second: -1, text: ''};
function clock(at: number): string {
	const second = Math.floor(at / 1000);
	if (clockCache.second !== second) clockCache = {second, text: new Date(at).toTimeString().slice(0, 8)};
	return clockCache.text;
}
