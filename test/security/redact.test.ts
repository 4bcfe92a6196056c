import {describe, expect, it} from 'vitest';
import {configSchema} from '../../source/config/schema.js';
import {createRedactor, maskSecret, redactShapes} from '../../source/config/redact.js';

const config = configSchema.parse({
	APIKEY: 'proxy-apikey-0001',
	PROXY_URL: 'http://user:proxy-pass-9999@proxy.local:8080',
	Providers: [
		{name: 'ds', api_base_url: 'https://api.deepseek.com/chat/completions', api_key: 'ds-key-aaaaaaaaaaaa1111', models: ['m']},
		{
			name: 'pool',
			api_base_url: 'https://x.example/v1',
			api_key: ['pool-key-one-2222', 'pool/key+two=3333'],
			headers: {'X-Custom-Token': 'Bearer hdr-token-4444', 'X-Title': 'ccr-tui'},
			models: ['m'],
		},
		{name: 'ollama', api_base_url: 'http://127.0.0.1:11434/v1', api_key: '$UNSET_VAR', models: ['m']},
	],
});

describe('maskSecret', () => {
	it('keeps the last 4 of long values and hides short ones', () => {
		expect(maskSecret('sk-1234567890abcd')).toBe('••••abcd');
		expect(maskSecret('short-key')).toBe('••••');
		expect(maskSecret('')).toBe('••••');
	});
});

const MEGABYTE = 1 << 20;

describe('createRedactor', () => {
	const redact = createRedactor(config);

	it('is built once per config object', () => {
		expect(createRedactor(config)).toBe(redact);
	});

	it('masks every configured secret, also URL-encoded', () => {
		const secrets = [
			'proxy-apikey-0001',
			'ds-key-aaaaaaaaaaaa1111',
			'pool-key-one-2222',
			'pool/key+two=3333',
			encodeURIComponent('pool/key+two=3333'),
			'hdr-token-4444',
			'proxy-pass-9999',
		];
		const text = secrets.map(secret => `value ${secret} here`).join('\n');
		const out = redact(text);
		for (const secret of secrets) expect(out).not.toContain(secret);
		expect(out).toContain('••••1111');
		expect(out).toContain('value ');
	});

	it('masks header, query and key-shaped credentials it was not told about', () => {
		const samples = [
			['Authorization: Bearer unknown-token-5555abc', 'unknown-token-5555abc'],
			['{"authorization":"Basic dXNlcjpwYXNzd29yZA=="}', 'dXNlcjpwYXNzd29yZA=='],
			['x-api-key: other-secret-value', 'other-secret-value'],
			['{"x-goog-api-key":"goog-secret-value"}', 'goog-secret-value'],
			['GET https://generativelanguage.googleapis.com/v1beta/models?key=query-secret-1&alt=sse', 'query-secret-1'],
			['https://h/x?api_key=query-secret-2', 'query-secret-2'],
			['https://h/x?a=1&token=query-secret-3#f', 'query-secret-3'],
			['Incorrect API key provided: sk-proj-abcdefghijklmnop', 'sk-proj-abcdefghijklmnop'],
			['key AIzaSyA1234567890abcdefghijklmnopq invalid', 'AIzaSyA1234567890abcdefghijklmnopq'],
			['error: bearer abcd1234efgh5678 rejected', 'abcd1234efgh5678'],
		] as const;
		for (const [text, secret] of samples) expect(redact(text), text).not.toContain(secret);
		expect(redact('https://h/x?a=1&token=query-secret-3#f')).toContain('a=1&token=••••');
	});

	it('leaves ordinary text, unresolved $VAR references and its own hints alone', () => {
		for (const text of [
			'send it as the `x-api-key` header or as `Authorization: Bearer <APIKEY>`',
			'missing bearer token',
			'api_key $UNSET_VAR is not set',
			'model deepseek-chat answered 200 in 312 ms',
		]) {
			expect(redact(text)).toBe(text);
		}
	});

	// Linear work, not a time budget (that is in bench/validate-redact.js): each text is a megabyte, so a
	// shape that backtracks quadratically on it would run for minutes, past the test timeout, and one
	// that backtracks exponentially would never end. Each is a near miss of a shape, left as it was.
	it.each([
		['prose', 'lorem ipsum dolor sit amet '.repeat(40_000)],
		['one long token (a base64 run)', 'A'.repeat(MEGABYTE)],
		['bearer and no digit', `bearer ${'a'.repeat(MEGABYTE)}`],
		['a URL with user info but no @', `a://${'b'.repeat(MEGABYTE / 2)}:${'c'.repeat(MEGABYTE / 2)}`],
		['a scheme-like run that never reaches ://', 'a-'.repeat(MEGABYTE / 2)],
		['key prefixes one character short', 'sk-abcdefg AIzaabcdefghijklmnopqrs '.repeat(MEGABYTE / 35)],
		['a configured key cut one character short of its fragment', 'ds-key-aaaaaaaa '.repeat(MEGABYTE / 16)],
	])('stays linear on a megabyte of %s', (_name, text) => {
		expect(redact(text)).toBe(text);
	});
});

describe('createRedactor: fragments and prose', () => {
	const key = 'sk-0123456789abcdefghijklmnopqrstuv';
	const withKey = configSchema.parse({
		APIKEY: 'proxy-apikey-0001',
		Providers: [{name: 'oa', api_base_url: 'https://api.openai.com/v1', api_key: key, models: ['m']}],
	});
	const redact = createRedactor(withKey);

	it('masks the key quoted back without its sk- prefix, cut at the end, or only its tail', () => {
		const echoes = ['Incorrect API key provided: 0123456789abcdefghijklmnopqrstuv.', 'key 0123456789abcdefghij… is invalid', 'key ending in ghijklmnopqrstuv was revoked'];
		for (const echo of echoes) {
			const out = redact(echo);
			expect(out).toContain('••••');
			expect(out).not.toMatch(/0123456789abcdef|ghijklmnopqrstuv/);
		}
		expect(redact(`Bearer ${key}`)).not.toContain('0123456789');
	});

	it('leaves the words after "APIKEY:" in a message alone, still masks a credential there', () => {
		const message = 'This proxy requires its APIKEY: send it as the `x-api-key` header';
		expect(redact(message)).toBe(message);
		expect(redactShapes(message)).toBe(message);
		expect(redactShapes('x-api-key: abcd1234efgh')).toBe('x-api-key: ••••efgh');
		expect(redactShapes('apikey=averylongsecretwithoutdigits')).not.toContain('averylongsecret');
	});

	it('does not mask ordinary words or short pieces of a key', () => {
		const text = 'the quick brown fox 0123 abcdefgh sk-short';
		expect(redact(text)).toBe(text);
	});
});
