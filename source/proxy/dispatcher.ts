/**
 * undici dispatchers for upstream calls: one keep-alive Agent for the life of the proxy, plus an
 * outbound-proxy dispatcher when the config (`PROXY_URL`) or the environment (`HTTPS_PROXY`,
 * `HTTP_PROXY`, `NO_PROXY`) asks for one. Loopback upstreams (Ollama, a local Gemini Balance) are
 * always reached directly: a corporate proxy cannot reach the user's own machine.
 */
import type {Agent, Dispatcher} from 'undici';
import {undici} from './undici.js';
import {isLoopbackHost} from './auth.js';

export type ProxyEnv = Record<string, string | undefined>;

export class UpstreamDispatchers {
	readonly #connectTimeoutMs: number;
	#directAgent?: Agent;
	#proxied?: {key: string; dispatcher: Dispatcher};
	readonly #retired = new Set<Dispatcher>();

	constructor(options: {connectTimeoutMs: number}) {
		this.#connectTimeoutMs = options.connectTimeoutMs;
	}

	/** Created on first use: undici loads lazily (see undici.ts). */
	get #direct(): Agent {
		this.#directAgent ??= new (undici().Agent)(this.#agentOptions());
		return this.#directAgent;
	}

	/** The dispatcher for one upstream URL under the current config/environment. */
	for(url: URL, proxyUrl: string | undefined, env: ProxyEnv): Dispatcher {
		if (isLoopbackHost(url.hostname)) return this.#direct;
		const settings = proxySettings(proxyUrl, env);
		if (!settings) return this.#direct;
		const key = JSON.stringify(settings);
		if (this.#proxied?.key !== key) {
			// Config changed: new requests use the new proxy; in-flight ones keep the old dispatcher,
			// which is closed (gracefully) once replaced.
			if (this.#proxied) this.#retire(this.#proxied.dispatcher);
			this.#proxied = {key, dispatcher: new (undici().EnvHttpProxyAgent)({...this.#agentOptions(), ...settings})};
		}

		return this.#proxied.dispatcher;
	}

	async close(): Promise<void> {
		const all = [...(this.#directAgent ? [this.#directAgent] : []), ...this.#retired, ...(this.#proxied ? [this.#proxied.dispatcher] : [])];
		this.#proxied = undefined;
		this.#retired.clear();
		// destroy, not close: close() would wait for streams the server has already aborted.
		await Promise.all(all.map(async dispatcher => dispatcher.destroy().catch(() => {})));
	}

	#agentOptions() {
		return {
			connect: {timeout: this.#connectTimeoutMs},
			// Our own timers own these (per provider, injectable); undici's would fire first otherwise.
			headersTimeout: 0,
			bodyTimeout: 0,
			keepAliveTimeout: 30_000,
		};
	}

	#retire(dispatcher: Dispatcher): void {
		this.#retired.add(dispatcher);
		void dispatcher.close().finally(() => this.#retired.delete(dispatcher));
	}
}

/** `PROXY_URL` from the config wins; else the usual environment variables (upper or lower case). */
export function proxySettings(proxyUrl: string | undefined, env: ProxyEnv): {httpProxy: string; httpsProxy: string; noProxy: string} | undefined {
	const noProxy = env['NO_PROXY'] ?? env['no_proxy'] ?? '';
	const configured = proxyUrl?.trim();
	if (configured) return {httpProxy: configured, httpsProxy: configured, noProxy};
	const httpProxy = env['HTTP_PROXY'] ?? env['http_proxy'] ?? '';
	const httpsProxy = env['HTTPS_PROXY'] ?? env['https_proxy'] ?? httpProxy;
	if (!httpProxy && !httpsProxy) return undefined;
	// Explicit values (even empty) keep undici from reading process.env behind our back.
	return {httpProxy, httpsProxy, noProxy};
}
