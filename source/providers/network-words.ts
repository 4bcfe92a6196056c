/**
 * What a failed request was, in one wording for every place that reports one: the proxy's attempt
 * list and 502 message (the short words) and the connection test (the words and the likely cause).
 */
import {formatDuration} from '../text/format.js';

/**
 * The failures either side reports: the connection test's requests (network, timeout, aborted) and the
 * proxy's attempts (http, network, the proxy's own timeouts, shutdown). A network failure that carries
 * its explained wording (the connection test's) is shown with its code.
 */
export type FailureFacts =
	| {readonly kind: 'network'; readonly code: string; readonly message?: string}
	| {readonly kind: 'timeout'; readonly phase: 'headers' | 'body'; readonly afterMs: number}
	| {readonly kind: 'aborted'}
	| {readonly kind: 'http'; readonly status: number}
	| {readonly kind: 'connect-timeout' | 'first-byte-timeout' | 'deadline' | 'shutdown'};

const PROXY_TIMEOUTS = {
	'connect-timeout': 'timeout (connect)',
	'first-byte-timeout': 'timeout (first byte)',
	deadline: 'timeout (API_TIMEOUT_MS)',
	shutdown: 'shutting down',
} as const;

/** `http 429`, `connection refused`, `connection refused (…) [ECONNREFUSED]`, `no answer within 2.0 s`, `timeout (first byte)`. */
export function describeFailure(failure: FailureFacts): string {
	switch (failure.kind) {
		case 'http':
			return `http ${failure.status}`;
		case 'network':
			return failure.message === undefined ? networkWords(failure.code) : `${failure.message} [${failure.code}]`;
		case 'timeout':
			return failure.phase === 'headers' ? `no answer within ${formatDuration(failure.afterMs)}` : `the answer did not finish within ${formatDuration(failure.afterMs)}`;
		case 'aborted':
			return 'cancelled';
		default:
			return PROXY_TIMEOUTS[failure.kind];
	}
}
const WORDS: Readonly<Record<string, {words: string; cause?: string}>> = {
	ECONNREFUSED: {words: 'connection refused', cause: 'nothing listens on that host and port'},
	ECONNRESET: {words: 'connection reset', cause: 'the server closed the connection'},
	UND_ERR_SOCKET: {words: 'connection reset', cause: 'the server closed the connection'},
	ENOTFOUND: {words: 'host not found (DNS)'},
	EAI_AGAIN: {words: 'host not found (DNS)'},
	EHOSTUNREACH: {words: 'host unreachable', cause: 'network or firewall'},
	ENETUNREACH: {words: 'host unreachable', cause: 'network or firewall'},
	ETIMEDOUT: {words: 'connecting timed out', cause: 'firewall, or wrong host'},
	UND_ERR_CONNECT_TIMEOUT: {words: 'connecting timed out', cause: 'firewall, or wrong host'},
};

const TLS_CODES = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL/i;

export function isTlsCode(code: string): boolean {
	return TLS_CODES.test(code);
}

/** `connection refused`, `TLS error (CERT_HAS_EXPIRED)`, `network error (EPIPE)`. */
export function networkWords(code: string): string {
	const known = WORDS[code];
	if (known) return known.words;
	return isTlsCode(code) ? `TLS error (${code})` : `network error (${code})`;
}

/** The words with the likely cause when one is known: `connection refused (nothing listens on that host and port)`. */
export function networkExplanation(code: string): string {
	const cause = WORDS[code]?.cause;
	return cause ? `${networkWords(code)} (${cause})` : networkWords(code);
}
