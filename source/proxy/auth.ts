import {createHash, timingSafeEqual} from 'node:crypto';
import net from 'node:net';
import {unresolvedRefs} from '../config/env-refs.js';
import type {Config} from '../config/schema.js';
import type {AnthropicErrorType} from './translate/types.js';

/** Off loopback the APIKEY is all that stands between the network and the user's provider keys. */
const MIN_NETWORK_APIKEY_LENGTH = 16;

/** Why the proxy refused a request before routing it; the caller turns it into an Anthropic error body. */
export type ProxyRejection = {status: number; type: AnthropicErrorType; message: string};

/**
 * Gate for `/v1/*` requests (the caller decides which paths are public, e.g. `/` and `/health`).
 * With `APIKEY`: the client must send it as `x-api-key` or `Authorization: Bearer` (Claude Code's
 * `ANTHROPIC_API_KEY` / `ANTHROPIC_AUTH_TOKEN`). Without it the proxy is only safe because it listens on
 * loopback, so a request naming another host (DNS rebinding) or sent by a foreign web page is refused.
 */
export function checkAuth(request: {headers: Headers}, config: Config, listen: {host: string; port: number}): ProxyRejection | null {
	const {key: expected, unresolved} = proxyApiKey(config);
	// Listening off loopback (the bind check passed with a key that has since become unset): refuse.
	if (unresolved && !isLoopbackHost(listen.host)) {
		return {status: 401, type: 'authentication_error', message: unresolvedMessage(unresolved)};
	}

	if (expected) {
		const offered = [request.headers.get('x-api-key'), bearerToken(request.headers.get('authorization'))].filter((value): value is string => Boolean(value));
		if (offered.length === 0) {
			return {
				status: 401,
				type: 'authentication_error',
				message:
					'This proxy requires its APIKEY: send it as the `x-api-key` header or as `Authorization: Bearer <APIKEY>` (for Claude Code set ANTHROPIC_AUTH_TOKEN to the APIKEY from the config).',
			};
		}

		// Check every offered credential so the time taken does not tell which header was tried.
		let match = false;
		for (const value of offered) match = secretEquals(value, expected) || match;
		if (match) return null;
		return {
			status: 401,
			type: 'authentication_error',
			message: 'Invalid API key for this proxy: the `x-api-key` / `Authorization: Bearer` value does not match the APIKEY in the config.',
		};
	}

	const host = request.headers.get('host');
	if (host !== null && !isLoopbackHost(hostOfHostHeader(host))) {
		return {
			status: 403,
			type: 'permission_error',
			message:
				'Request refused: the Host header is not a loopback address. Without an APIKEY the proxy only answers requests addressed to 127.0.0.1, localhost or [::1]; set APIKEY in the config to allow other hosts.',
		};
	}

	const origin = request.headers.get('origin');
	if (origin !== null && !isAllowedOrigin(origin, listen.port)) {
		return {
			status: 403,
			type: 'permission_error',
			message:
				'Request refused: it came from a web page (Origin header) that is not this proxy. Without an APIKEY only local command-line clients may use the proxy; set APIKEY in the config to allow others.',
		};
	}

	return null;
}

/**
 * The proxy's own key. A `$VAR` reference to an unset variable is kept literally by the resolver:
 * taken as the key it would be a password anyone can guess, so it counts as no key at all.
 */
function proxyApiKey(config: Config): {key?: string; unresolved?: string} {
	const value = config.APIKEY;
	if (!value) return {};
	const missing = unresolvedRefs(value);
	if (missing.length > 0) return {unresolved: missing.map(name => `$${name}`).join(', ')};
	return {key: value};
}

function unresolvedMessage(unresolved: string): string {
	return `APIKEY refers to ${unresolved}, which is not set in the environment ccr-tui was started from`;
}

/**
 * Called before listening: an address reachable from the network exposes the user's provider keys to
 * anyone who can connect, so it needs a real APIKEY of some length. Throws an Error whose message
 * says how to fix it; returns the warnings to show loudly for a loopback bind.
 */
export function assertSafeBind(host: string, config: Config): string[] {
	const {key, unresolved} = proxyApiKey(config);
	const loopback = isLoopbackHost(host);
	if (unresolved) {
		if (loopback) return [`${unresolvedMessage(unresolved)}: running WITHOUT a key (loopback only). Set the variable, or remove APIKEY from the config.`];
		throw new Error(
			`Refusing to listen on ${host}: ${unresolvedMessage(unresolved)}. Set it (at least ${MIN_NETWORK_APIKEY_LENGTH} characters), or listen on loopback with --host 127.0.0.1.`,
		);
	}

	if (loopback) return [];
	if (!key) {
		throw new Error(
			`Refusing to listen on ${host}: without an APIKEY anyone who can reach this address could spend your provider keys. ` +
				'Set "APIKEY" in the config (clients then send it as x-api-key or Authorization: Bearer), ' +
				'or listen on loopback with --host 127.0.0.1.',
		);
	}

	if (key.length < MIN_NETWORK_APIKEY_LENGTH) {
		throw new Error(
			`Refusing to listen on ${host}: the APIKEY is ${key.length} characters long; off loopback it must have at least ${MIN_NETWORK_APIKEY_LENGTH} ` +
				'(a short key can be guessed). Choose a longer one, or listen on loopback with --host 127.0.0.1.',
		);
	}

	return [];
}

/** 127.0.0.0/8, `localhost`, `::1` (bracketed or not) and IPv4-mapped loopback. */
export function isLoopbackHost(host: string): boolean {
	let name = host.trim().toLowerCase();
	if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
	if (name.endsWith('.')) name = name.slice(0, -1);
	if (name === 'localhost') return true;
	if (name.startsWith('::ffff:')) name = name.slice('::ffff:'.length);
	if (net.isIPv4(name)) return name.startsWith('127.');
	if (net.isIPv6(name)) return expandIpv6(name) === '0000:0000:0000:0000:0000:0000:0000:0001';
	return false;
}

function bearerToken(header: string | null): string | undefined {
	if (!header) return undefined;
	const match = /^\s*bearer\s+(.+?)\s*$/i.exec(header);
	return match ? match[1] : undefined;
}

/** Equal-length digests keep timingSafeEqual from throwing and from leaking the key's length. */
function secretEquals(offered: string, expected: string): boolean {
	const a = createHash('sha256').update(offered).digest();
	const b = createHash('sha256').update(expected).digest();
	return timingSafeEqual(a, b);
}

/** `127.0.0.1:3456` → `127.0.0.1`, `[::1]:3456` → `[::1]`. */
function hostOfHostHeader(value: string): string {
	const text = value.trim();
	if (text.startsWith('[')) {
		const end = text.indexOf(']');
		return end === -1 ? text : text.slice(0, end + 1);
	}

	const colon = text.indexOf(':');
	// More than one colon without brackets: a bare IPv6 address (not valid in Host, judged as is).
	if (colon !== -1 && text.indexOf(':', colon + 1) === -1) return text.slice(0, colon);
	return text;
}

/** A loopback origin on this proxy's own port (port 0 = not known yet: any port). */
function isAllowedOrigin(origin: string, port: number): boolean {
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		// `Origin: null` (sandboxed frames, file://) and garbage: a browser context we cannot trust.
		return false;
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
	if (!isLoopbackHost(url.hostname)) return false;
	if (!port) return true;
	const originPort = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
	return originPort === port;
}

function expandIpv6(address: string): string {
	const [head = '', tail = ''] = address.split('::');
	const headParts = head ? head.split(':') : [];
	const tailParts = address.includes('::') ? (tail ? tail.split(':') : []) : [];
	const missing = 8 - headParts.length - tailParts.length;
	const parts = [...headParts, ...Array.from({length: Math.max(0, missing)}, () => '0'), ...tailParts];
	return parts.map(part => part.padStart(4, '0')).join(':');
}
