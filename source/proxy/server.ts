/**
 * Serves the proxy app on HOST:PORT.
 *
 * Served with node:http + h3's `toNodeHandler`, not listhen: measured with listhen 1.10.1, a busy
 * port is silently replaced by another one from 3000–3100 (with a `[get-port]` line on the
 * console), `port: 0` with `isProd` turns into 3000, `autoClose` installs SIGINT/SIGTERM handlers
 * that call `process.exit(0)` (no clean stream shutdown), `0.0.0.0` is rewritten to `localhost`
 * unless `public` is set, and importing it costs ~250 ms (node-forge, consola, clipboard, tunnels).
 * A proxy that Claude Code is configured to reach on one exact port must fail loudly instead.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {toNodeHandler} from 'h3/node';
import type {ActivityBus} from '../activity/bus.js';
import {usageDir} from '../activity/usage/files.js';
import {createUsageHistory, type UsageHistory} from '../activity/usage/history-writer.js';
import type {KeyIndexOf} from '../activity/usage/record.js';
import {SessionIndex} from '../activity/usage/sessions.js';
import {maskSecret} from '../config/redact.js';
import {DEFAULT_HOST, DEFAULT_PORT} from '../config/schema.js';
import type {ConfigStore} from '../config/store.js';
import {createProxyApp, loadHandlers} from './app.js';
import {assertSafeBind} from './auth.js';
import {UpstreamDispatchers, type ProxyEnv} from './dispatcher.js';
import {InFlight} from './in-flight.js';
import {KeyPools} from './key-pool.js';
import {providerKeys} from '../config/provider-keys.js';
import {resolveTimings, type ProxyTimings} from './timings.js';
import {undici} from './undici.js';
import {TimeoutReason} from './timeout-reason.js';

export type StartProxyOptions = {
	readonly store: ConfigStore;
	readonly bus: ActivityBus;
	/** Overrides config HOST. @default 127.0.0.1 */
	readonly host?: string;
	/** Overrides config PORT; 0 = any free port. @default 3456 */
	readonly port?: number;
	/** Environment for HTTP(S)_PROXY / NO_PROXY. @default process.env */
	readonly env?: ProxyEnv;
	readonly timings?: Partial<ProxyTimings>;
	/**
	 * Load undici in the background once listening, so that the first request does not pay for it.
	 * The tokenizer is not preloaded: it holds ~30 MB of RSS for good, and only count_tokens and
	 * long-context decisions near the threshold use it (the first of those pays ~150 ms, once).
	 */
	readonly warmUp?: boolean;
	/**
	 * Append every finished request to the usage history beside the config (unless the config says
	 * `history.enabled: false`). The commands that serve users turn it on; tests opt in.
	 */
	readonly history?: boolean;
};

export type ProxyServer = {
	/** e.g. `http://127.0.0.1:3456` (no trailing slash). */
	readonly url: string;
	readonly host: string;
	readonly port: number;
	/** Requests being answered right now. */
	inFlight(): number;
	/** Stop accepting, let in-flight answers finish briefly, then end them with an error event. */
	close(): Promise<void>;
};

// Over 60 lines: the server assembly and its close(), which share the sockets and timers.
export async function startProxy(options: StartProxyOptions): Promise<ProxyServer> {
	const {config} = options.store.getSnapshot();
	const host = options.host ?? config.HOST ?? DEFAULT_HOST;
	const requestedPort = options.port ?? config.PORT ?? DEFAULT_PORT;
	const bindWarnings = assertSafeBind(host, config);

	const timings = resolveTimings(options.timings);
	const address = {host, port: requestedPort};
	const inFlight = new InFlight();
	const dispatchers = new UpstreamDispatchers({connectTimeoutMs: timings.connectTimeoutMs});
	const keyIndexOf = keyIndexFinder(options.store);
	const sessions = new SessionIndex(options.bus, keyIndexOf);
	const history = openHistory(options, keyIndexOf);
	const app = createProxyApp({
		store: options.store,
		bus: options.bus,
		listen: () => address,
		timings,
		env: options.env,
		dispatchers,
		inFlight,
		pools: new KeyPools(options.bus, timings.now),
		sessions,
	});
	const server = http.createServer(toNodeHandler(app));
	// Claude Code keeps connections open between turns; idle sockets must not block close().
	server.keepAliveTimeout = 60_000;
	server.requestTimeout = 0;
	server.headersTimeout = 60_000;

	await new Promise<void>((resolve, reject) => {
		const onError = (error: NodeJS.ErrnoException) => {
			server.off('listening', onListening);
			reject(listenError(error, host, requestedPort));
		};

		const onListening = () => {
			server.off('error', onError);
			resolve();
		};

		server.once('error', onError);
		server.once('listening', onListening);
		server.listen(requestedPort, host);
	});

	for (const message of bindWarnings) options.bus.emit({type: 'notice', at: timings.now(), level: 'error', source: 'proxy', message});
	// Loaded after listening, like the handlers: start-up time goes to listening first.
	void import('./router.js').then(({routeWarnings}) => {
		for (const message of routeWarnings(options.store.getSnapshot().config)) options.bus.emit({type: 'notice', at: timings.now(), level: 'warn', source: 'router', message});
	});
	const {port} = server.address() as AddressInfo;
	address.port = port;
	// The handlers load right after listening; close() waits for that load so no import outlives the server.
	const handlersLoaded = new Promise<void>(resolve => setImmediate(resolve))
		.then(() => loadHandlers())
		.then(
			() => undefined,
			() => undefined,
		);
	if (options.warmUp) {
		setTimeout(() => undici(), 500).unref();
	}
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	let closing: Promise<void> | undefined;

	return {
		url,
		host,
		port,
		inFlight: () => inFlight.size,
		close() {
			closing ??= (async () => {
				const closed = new Promise<void>(resolve => server.close(() => resolve()));
				server.closeIdleConnections();
				await inFlight.drain(timings.closeGraceMs, () => new TimeoutReason('shutdown', 'ccr-tui is shutting down'));
				// Answers that just ended leave idle keep-alive sockets; give the last bytes a moment to
				// flush before cutting whatever is left.
				server.closeIdleConnections();
				let timer: NodeJS.Timeout | undefined;
				await Promise.race([
					closed,
					new Promise(resolve => {
						timer = setTimeout(resolve, 200);
					}),
				]);
				clearTimeout(timer);
				server.closeAllConnections();
				await closed;
				await dispatchers.close();
				await handlersLoaded;
				// Deliver what the bus still holds (it may defer), so the last requests reach the history.
				options.bus.flush();
				sessions.close();
				await history?.close();
			})();
			return closing;
		},
	};
}

function openHistory(options: StartProxyOptions, keyIndexOf: KeyIndexOf): UsageHistory | undefined {
	const settings = options.store.getSnapshot().config.history;
	if (!options.history || settings?.enabled === false) return undefined;
	return createUsageHistory({
		dir: usageDir(options.store.path),
		bus: options.bus,
		retentionDays: () => options.store.getSnapshot().config.history?.retentionDays,
		keyIndexOf,
	});
}

/** A key's position in its provider's pool, from the masked suffix the attempts report (the key itself stays here). */
function keyIndexFinder(store: ConfigStore): KeyIndexOf {
	return (providerName, suffix) => {
		const provider = store.getSnapshot().config.Providers.find(item => item.name === providerName);
		if (!provider) return undefined;
		const keys = providerKeys(provider);
		if (keys.length < 2) return undefined;
		const index = keys.findIndex(key => maskSecret(key) === suffix);
		return index === -1 ? undefined : index;
	};
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
	if (error.code === 'EADDRINUSE') {
		return new Error(`port ${port} is in use on ${host} (another ccr-tui or Claude Code Router?); choose another with --port <n> or PORT in the config`);
	}

	if (error.code === 'EACCES') {
		return new Error(`not allowed to listen on ${host}:${port} (ports below 1024 need extra rights); choose another with --port <n>`);
	}

	if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
		return new Error(`cannot listen on ${host}: this machine has no such address; check --host or HOST in the config`);
	}

	return new Error(`cannot listen on ${host}:${port}: ${error.message}`);
}
