import {isEnvRef} from './env-refs.js';
import type {Config} from './schema.js';

/** What replaces a secret: enough to tell keys apart, never enough to use one. */
const MASK = '••••';
/** Below this length even the last 4 characters would give away too much. */
const MIN_LENGTH_FOR_SUFFIX = 12;
/** Shorter configured secrets are not matched literally (they would mangle ordinary words). */
const MIN_LITERAL_LENGTH = 6;

/** `sk-abc…wxyz` → `••••wxyz`; short values are fully masked. */
export function maskSecret(value: string): string {
	return value.length >= MIN_LENGTH_FOR_SUFFIX ? `${MASK}${value.slice(-4)}` : MASK;
}

export type Redactor = (text: string) => string;

/**
 * Pattern-based masks that need no config: credentials in headers, URL queries and URL user-info,
 * and well-known key shapes. Each has the prefix to keep in group 1 and the secret in group 2.
 */
const SHAPES: readonly string[] = [
	// `Authorization: Bearer x`, `"authorization":"Basic x"`.
	String.raw`(authorization["']?\s*[:=]\s*["']?(?:(?:bearer|basic)\s+)?)((?!(?:bearer|basic)\b)[^\s"'\x60,;<>]{4,})`,
	// A bare `Bearer x` in a message; the digit rule spares prose such as "bearer token".
	String.raw`(\bbearer\s+)((?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,})`,
	// `x-api-key: x`, `"x-goog-api-key":"x"`, `api-key=x`.
	// The value must look like a credential (a digit, or 12+ characters), so prose such as
	// "requires its APIKEY: send it as …" keeps its words.
	String.raw`((?:x-api-key|x-goog-api-key|api-key|apikey)["']?\s*[:=]\s*["']?)((?=[^\s"',;&]*\d)[^\s"',;&]{4,}|[^\s"',;&]{12,})`,
	// URL query credentials: `?key=x`, `&api_key=x`, `token=x`.
	String.raw`([?&;](?:key|api_key|apikey|api-key|token|access_token|auth|secret)=)([^&\s"'#<>]+)`,
	// `https://user:password@host`. The scheme is bounded (no real one is 32 characters long): unbounded, a
	// run like `a-a-a-…` made every start position scan to its end, quadratic in the text.
	String.raw`(\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/:@"']+:)([^\s/@"']+)(?=@)`,
	// Well-known key shapes: OpenAI/DeepSeek/OpenRouter/Anthropic `sk-…`, Google `AIza…`.
	String.raw`()(\bsk-[A-Za-z0-9_-]{8,})`,
	String.raw`()(\bAIza[0-9A-Za-z_-]{20,})`,
];

const cache = new WeakMap<Config, Redactor>();
let shapesOnly: Redactor | undefined;

/** Only the credential shapes above, for text produced where no config is at hand (translator errors). */
export function redactShapes(text: string): string {
	shapesOnly ??= buildRedactor([]);
	return shapesOnly(text);
}

/**
 * The given literal secrets (a key being tested, a typed token) plus the shapes. Unlike the config's own
 * list, short values count too: the caller knows each one is a credential.
 */
export function redactorFor(secrets: readonly (string | undefined)[]): Redactor {
	const literal = secrets.map(secret => secret?.trim() ?? '').filter(secret => secret.length >= 4 && !isEnvRef(secret));
	return buildRedactor([...new Set(literal)].sort((a, b) => b.length - a.length));
}

/**
 * A function masking every secret the config holds (provider keys, string or pool, the proxy APIKEY,
 * credential-like provider headers) plus the generic shapes above. Built once per config object:
 * snapshots are immutable and replaced on change, so the cache follows config versions for free.
 */
export function createRedactor(config: Config): Redactor {
	const cached = cache.get(config);
	if (cached) return cached;
	const redactor = buildRedactor(collectSecrets(config));
	cache.set(config, redactor);
	return redactor;
}

/** Every configured secret worth matching literally, longest first (so a key's prefix never wins). */
function collectSecrets(config: Config): string[] {
	const found = new Set<string>();
	const add = (value: unknown): void => {
		if (typeof value !== 'string') return;
		const text = value.trim();
		// An unresolved `$VAR` reference is not a secret, and showing it helps the user spot a typo.
		if (text.length < MIN_LITERAL_LENGTH || isEnvRef(text)) return;
		found.add(text);
		const encoded = encodeURIComponent(text);
		if (encoded !== text) found.add(encoded);
		for (const fragment of keyFragments(text)) found.add(fragment);
	};

	add(config.APIKEY);
	for (const provider of config.Providers) {
		// Gemini-style `?key=…` in the URL: the value may be quoted back without its `key=` prefix.
		for (const value of queryCredentials(provider.api_base_url)) add(value);
		const keys = provider.api_key;
		if (Array.isArray(keys)) for (const key of keys) add(key);
		else add(keys);
		add(provider.admin_token);
		for (const [name, value] of Object.entries(provider.headers ?? {})) {
			if (/auth|key|token|secret|cookie/i.test(name)) {
				add(value);
				add(bearerValue(value));
			}
		}
	}

	add(passwordOf(config.PROXY_URL));
	return [...found].sort((a, b) => b.length - a.length);
}

function buildRedactor(secrets: readonly string[]): Redactor {
	const parts = [...SHAPES];
	// Literal secrets go first: a configured key is masked whole even when it also fits a shape.
	if (secrets.length > 0) parts.unshift(`()(${secrets.map(escapeRegExp).join('|')})`);
	// One alternation, one pass over the text.
	const pattern = new RegExp(parts.map(part => `(?:${part})`).join('|'), 'gi');
	const groups = parts.length;
	return (text: string): string => {
		if (!text) return text;
		return text.replace(pattern, (...args: unknown[]) => {
			for (let index = 0; index < groups; index++) {
				const secret = args[index * 2 + 2];
				if (typeof secret === 'string') return `${String(args[index * 2 + 1] ?? '')}${maskSecret(secret)}`;
			}

			return String(args[0]);
		});
	};
}

/** A key's vendor prefix (`sk-`, `sk-or-v1-`, `sk-ant-api03-`, `AIza`): upstreams often quote a key without it. */
const KEY_PREFIX = /^(?:sk-(?:or-v1-|ant-[a-z0-9]+-|proj-)?|AIza)/i;
/** A fragment this long of a random key never occurs in ordinary text, so it is safe to mask on sight. */
const FRAGMENT_LENGTH = 16;

/**
 * Recognisable pieces of a long key, for upstream errors that echo it cut or without its prefix:
 * the key without its vendor prefix, and its first and last 16 characters after that prefix.
 */
function keyFragments(secret: string): string[] {
	const body = secret.replace(KEY_PREFIX, '');
	if (body.length < FRAGMENT_LENGTH) return [];
	const fragments = [body.slice(0, FRAGMENT_LENGTH), body.slice(-FRAGMENT_LENGTH)];
	if (body !== secret) fragments.push(body);
	return fragments;
}

const QUERY_CREDENTIAL = /^(?:key|api_key|apikey|api-key|token|access_token|auth|secret)$/i;

function queryCredentials(url: string): string[] {
	try {
		return [...new URL(url).searchParams].filter(([name]) => QUERY_CREDENTIAL.test(name)).map(([, value]) => value);
	} catch {
		return [];
	}
}

function bearerValue(value: string): string | undefined {
	return /^\s*bearer\s+(\S+)/i.exec(value)?.[1];
}

function passwordOf(url: string | undefined): string | undefined {
	if (!url) return undefined;
	try {
		return decodeURIComponent(new URL(url).password) || undefined;
	} catch {
		return undefined;
	}
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}
