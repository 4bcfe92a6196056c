/**
 * The network path of connection tests, model-list fetches and wizard checks: the proxy's own
 * dispatcher (same keep-alive agent settings, same connect timeout, same outbound proxy rules from
 * `PROXY_URL` / `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, loopback always direct). A test that goes
 * another way than the proxy could pass where the proxy fails, or the opposite.
 */
import type {HttpFetch} from '../providers/http.js';
import {UpstreamDispatchers, type ProxyEnv} from './dispatcher.js';
import {defaultTimings} from './timings.js';
import {undici} from './undici.js';

export type CheckTransport = {
	readonly fetch: HttpFetch;
	close(): Promise<void>;
};

export type CheckTransportOptions = {
	/** The config's `PROXY_URL`, read at each request (the dashboard's config can change). */
	readonly proxyUrl: () => string | undefined;
	readonly env: ProxyEnv;
	/** @default the proxy's connect timeout */
	readonly connectTimeoutMs?: number;
};

export function createCheckTransport(options: CheckTransportOptions): CheckTransport {
	const dispatchers = new UpstreamDispatchers({connectTimeoutMs: options.connectTimeoutMs ?? defaultTimings.connectTimeoutMs});
	const fetch: HttpFetch = async (url, init) => {
		const dispatcher = dispatchers.for(new URL(url), options.proxyUrl(), options.env);
		return undici().fetch(url, {...init, dispatcher});
	};

	return {fetch, close: async () => dispatchers.close()};
}
