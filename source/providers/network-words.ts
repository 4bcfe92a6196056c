/**
 * What a network error code means, in one wording for every place that reports one: the proxy's
 * attempt list and 502 message (the short words) and the connection test (the words and the likely cause).
 */
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
