import {describe, expect, it} from 'vitest';
import {providerSchema} from '../../source/config/schema.js';
import {proxySettings} from '../../source/proxy/dispatcher.js';
import {describeFailure} from '../../source/providers/network-words.js';
import {allowsFallback, isRetryable, maxRetriesFor, parseRetryAfter, retryDelayMs, type AttemptFailure} from '../../source/proxy/retry-policy.js';
import {resolveTimings} from '../../source/proxy/timings.js';
import {chatCompletionsUrl, messagesUrl} from '../../source/proxy/upstream-url.js';

describe('retry decisions', () => {
	const table: Array<[AttemptFailure, boolean, boolean]> = [
		// failure, retry same target, move to fallback
		[{kind: 'http', status: 400}, false, false],
		[{kind: 'http', status: 401}, false, false],
		[{kind: 'http', status: 403}, false, false],
		[{kind: 'http', status: 404}, false, false],
		[{kind: 'http', status: 408}, true, true],
		[{kind: 'http', status: 413}, false, false],
		[{kind: 'http', status: 429}, true, true],
		[{kind: 'http', status: 500}, true, true],
		[{kind: 'http', status: 502}, true, true],
		[{kind: 'http', status: 503}, true, true],
		[{kind: 'http', status: 529}, true, true],
		[{kind: 'network', code: 'ECONNREFUSED'}, true, true],
		[{kind: 'network', code: 'ECONNRESET'}, true, true],
		[{kind: 'connect-timeout'}, true, true],
		[{kind: 'first-byte-timeout'}, false, true],
		[{kind: 'deadline'}, false, false],
	];
	it.each(table)('%j → retry %s, fallback %s', (failure, retry, fallback) => {
		expect(isRetryable(failure)).toBe(retry);
		expect(allowsFallback(failure)).toBe(fallback);
		expect(describeFailure(failure).length).toBeGreaterThan(0);
	});

	it('describes failures in short words', () => {
		expect(describeFailure({kind: 'http', status: 429})).toBe('http 429');
		expect(describeFailure({kind: 'network', code: 'ECONNREFUSED'})).toBe('connection refused');
		expect(describeFailure({kind: 'first-byte-timeout'})).toBe('timeout (first byte)');
	});
});

describe('retry budget', () => {
	const provider = (extra: Record<string, unknown> = {}) => providerSchema.parse({name: 'p', api_base_url: 'http://h/v1', ...extra});
	it('defaults to 2, 0 for Gemini Balance, the provider setting wins', () => {
		expect(maxRetriesFor(provider(), 'openai')).toBe(2);
		expect(maxRetriesFor(provider(), 'gemini-balance')).toBe(0);
		expect(maxRetriesFor(provider({max_retries: 3}), 'gemini-balance')).toBe(3);
		expect(maxRetriesFor(provider({max_retries: 0}), 'openai')).toBe(0);
	});
});

describe('backoff', () => {
	it('500 ms × 2 per retry, capped at 8 s, ±20 % jitter', () => {
		const exact = resolveTimings({random: () => 0.5});
		expect([0, 1, 2, 3, 4, 5, 6].map(retry => retryDelayMs(retry, undefined, exact))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
		const low = resolveTimings({random: () => 0});
		const high = resolveTimings({random: () => 0.999_999});
		expect(retryDelayMs(0, undefined, low)).toBe(400);
		expect(retryDelayMs(0, undefined, high)).toBe(600);
		expect(retryDelayMs(10, undefined, high)).toBe(9600);
	});

	it('honours Retry-After up to 60 s and gives up beyond', () => {
		const timings = resolveTimings();
		expect(retryDelayMs(0, 3000, timings)).toBe(3000);
		expect(retryDelayMs(3, 60_000, timings)).toBe(60_000);
		expect(retryDelayMs(0, 61_000, timings)).toBeUndefined();
	});

	it('parses Retry-After seconds, HTTP dates and retry-after-ms', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter({'retry-after': '7'}, now)).toBe(7000);
		expect(parseRetryAfter({'retry-after': '1.5'}, now)).toBe(1500);
		expect(parseRetryAfter({'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT'}, now)).toBe(30_000);
		expect(parseRetryAfter({'retry-after-ms': '250', 'retry-after': '9'}, now)).toBe(250);
		expect(parseRetryAfter({'retry-after': 'soon'}, now)).toBeUndefined();
		expect(parseRetryAfter({}, now)).toBeUndefined();
	});
});

describe('upstream URL', () => {
	it.each([
		['https://api.deepseek.com/chat/completions', 'https://api.deepseek.com/chat/completions'],
		['http://localhost:11434/v1/chat/completions', 'http://localhost:11434/v1/chat/completions'],
		['http://localhost:11434/v1', 'http://localhost:11434/v1/chat/completions'],
		['http://localhost:11434/v1/', 'http://localhost:11434/v1/chat/completions'],
		['http://localhost:11434', 'http://localhost:11434/v1/chat/completions'],
		['https://openrouter.ai/api/v1', 'https://openrouter.ai/api/v1/chat/completions'],
		['https://generativelanguage.googleapis.com/v1beta/openai/', 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions'],
		['http://127.0.0.1:8000/hf/v1/chat/completions?key=abc', 'http://127.0.0.1:8000/hf/v1/chat/completions?key=abc'],
		['http://127.0.0.1:8000/v1?key=abc', 'http://127.0.0.1:8000/v1/chat/completions?key=abc'],
	])('%s → %s', (input, expected) => {
		expect(chatCompletionsUrl(input).href).toBe(expected);
	});

	it('Anthropic-compatible upstreams get the Messages endpoint', () => {
		expect(messagesUrl('https://api.anthropic.com').href).toBe('https://api.anthropic.com/v1/messages');
		expect(messagesUrl('https://api.anthropic.com/v1').href).toBe('https://api.anthropic.com/v1/messages');
		expect(messagesUrl('https://gw.example/v1/messages').href).toBe('https://gw.example/v1/messages');
	});
});

describe('outbound proxy settings', () => {
	it('PROXY_URL from the config wins over the environment', () => {
		expect(proxySettings('http://corp:3128', {HTTPS_PROXY: 'http://env:1', NO_PROXY: 'internal'})).toEqual({
			httpProxy: 'http://corp:3128',
			httpsProxy: 'http://corp:3128',
			noProxy: 'internal',
		});
	});

	it('reads HTTPS_PROXY/HTTP_PROXY/NO_PROXY in either case', () => {
		expect(proxySettings(undefined, {https_proxy: 'http://s:1', http_proxy: 'http://p:2', no_proxy: 'a,b'})).toEqual({
			httpProxy: 'http://p:2',
			httpsProxy: 'http://s:1',
			noProxy: 'a,b',
		});
		expect(proxySettings(undefined, {HTTP_PROXY: 'http://p:2'})).toEqual({httpProxy: 'http://p:2', httpsProxy: 'http://p:2', noProxy: ''});
	});

	it('no proxy configured → direct', () => {
		expect(proxySettings(undefined, {})).toBeUndefined();
		expect(proxySettings('  ', {})).toBeUndefined();
	});
});
