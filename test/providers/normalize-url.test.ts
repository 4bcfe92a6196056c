import {describe, expect, it} from 'vitest';
import {normalizeUrl} from '../../source/providers/normalize-url.js';
import type {GeminiBalanceApi} from '../../source/providers/presets.js';

const gb = (input: string, api: GeminiBalanceApi = 'v1') => normalizeUrl(input, {kind: 'gemini-balance', api, preset: 'gemini-balance'});

describe('normalizeUrl: Gemini Balance', () => {
	it.each([
		['http://127.0.0.1:8000', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/', 'http://127.0.0.1:8000', 'v1'],
		['127.0.0.1:8000', 'http://127.0.0.1:8000', 'v1'],
		['localhost:8000/v1', 'http://localhost:8000', 'v1'],
		['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/v1/', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/v1/chat/completions', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/v1/models', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/hf/v1', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/hf/v1/chat/completions', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/openai/v1', 'http://127.0.0.1:8000', 'openai'],
		['http://127.0.0.1:8000/openai/v1/chat/completions//', 'http://127.0.0.1:8000', 'openai'],
		['http://127.0.0.1:8000/v1beta/models/', 'http://127.0.0.1:8000', 'native'],
		['http://127.0.0.1:8000/gemini/v1beta', 'http://127.0.0.1:8000', 'native'],
		['http://127.0.0.1:8000/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'http://127.0.0.1:8000', 'native'],
		['http://127.0.0.1:8000/vertex-express/v1beta', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/keys', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/keys_status', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/config', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/logs/', 'http://127.0.0.1:8000', 'v1'],
		['http://127.0.0.1:8000/api/stats/details', 'http://127.0.0.1:8000', 'v1'],
		['https://gb.example.com/gemini-balance/v1/chat/completions', 'https://gb.example.com/gemini-balance', 'v1'],
		['  "http://127.0.0.1:8000/v1"  ', 'http://127.0.0.1:8000', 'v1'],
		['HTTP://127.0.0.1:8000/V1', 'http://127.0.0.1:8000', 'v1'],
	])('%s → %s (%s)', (input, root, api) => {
		const result = gb(input);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.endpoint.root).toBe(root);
		expect(result.endpoint.api).toBe(api);
		expect(result.endpoint.healthUrl).toBe(`${root}/health`);
		if (api === 'native') {
			// Claude Code Router's form for its `gemini` transformer; the key goes in x-goog-api-key.
			expect(result.endpoint).toMatchObject({chatUrl: `${root}/v1beta/models/`, modelsUrl: `${root}/v1beta/models`, native: true});
			return;
		}

		const prefix = api === 'openai' ? '/openai/v1' : '/v1';
		expect(result.endpoint.chatUrl).toBe(`${root}${prefix}/chat/completions`);
		expect(result.endpoint.modelsUrl).toBe(`${root}${prefix}/models`);
		expect(result.endpoint.native).toBeUndefined();
	});

	it('a pasted /v1beta is kept native (no longer rewritten to /v1), and the chosen native API applies to a bare root', () => {
		const pasted = gb('http://127.0.0.1:8000/v1beta', 'v1');
		expect(pasted.ok && pasted.endpoint.api).toBe('native');
		expect(pasted.ok && pasted.notes).toEqual(['uses the native Gemini API (/v1beta)']);
		const chosen = gb('http://127.0.0.1:8000', 'native');
		expect(chosen.ok && chosen.endpoint.chatUrl).toBe('http://127.0.0.1:8000/v1beta/models/');
	});

	it('keeps the chosen API when the URL does not imply one, and notes what it changed', () => {
		const result = gb('http://127.0.0.1:8000', 'openai');
		expect(result.ok && result.endpoint.chatUrl).toBe('http://127.0.0.1:8000/openai/v1/chat/completions');
		const noted = gb('127.0.0.1:8000/keys?x=1');
		expect(noted.ok && noted.notes).toEqual(['assumed http://', 'dropped the ?query part (keys and tokens go in the next step)', 'removed the admin page path /keys']);
	});

	it.each([
		['', /Enter the server URL/],
		['   ', /Enter the server URL/],
		['not a url', /spaces/],
		['ftp://127.0.0.1:8000', /Only http/],
		['http://', /not a valid URL/],
		['http://127.0.0.1:99999', /not a valid URL/],
		['http://user:pass@127.0.0.1:8000', /user:password/],
	])('rejects %j', (input, message) => {
		const result = gb(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toMatch(message);
	});
});

describe('normalizeUrl: OpenAI-compatible', () => {
	const open = (input: string, preset?: 'ollama' | 'deepseek' | 'openrouter' | 'custom') => normalizeUrl(input, {kind: 'openai-compatible', preset});
	it.each([
		['https://api.deepseek.com', 'https://api.deepseek.com', 'deepseek'],
		['https://api.deepseek.com/chat/completions', 'https://api.deepseek.com', 'deepseek'],
		['https://api.deepseek.com/v1/', 'https://api.deepseek.com/v1', 'deepseek'],
		['https://openrouter.ai/api/v1/chat/completions', 'https://openrouter.ai/api/v1', 'openrouter'],
		['https://openrouter.ai/api/v1/models', 'https://openrouter.ai/api/v1', 'openrouter'],
		['http://127.0.0.1:11434', 'http://127.0.0.1:11434/v1', 'ollama'],
		['127.0.0.1:11434/', 'http://127.0.0.1:11434/v1', 'ollama'],
		['http://127.0.0.1:11434/api/chat', 'http://127.0.0.1:11434/v1', 'ollama'],
		['http://127.0.0.1:11434/v1/chat/completions', 'http://127.0.0.1:11434/v1', 'ollama'],
		['http://10.0.0.5:8080/v1/completions', 'http://10.0.0.5:8080/v1', 'custom'],
	] as const)('%s → %s', (input, base, preset) => {
		const result = open(input, preset);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.endpoint.root).toBe(base);
		expect(result.endpoint.chatUrl).toBe(`${base}/chat/completions`);
		expect(result.endpoint.modelsUrl).toBe(`${base}/models`);
		expect(result.endpoint.healthUrl).toBeUndefined();
	});

	it.each([
		['https://generativelanguage.googleapis.com/v1beta', []],
		['https://generativelanguage.googleapis.com/v1beta/', []],
		['https://generativelanguage.googleapis.com/v1beta/models/', ['removed /models']],
		[
			'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=AIza',
			['dropped the ?query part (keys and tokens go in the next step)', 'removed /models/gemini-2.5-flash:generateContent'],
		],
	] as const)("Google's native API %s → base …/v1beta, native", (input, notes) => {
		const result = normalizeUrl(input, {kind: 'openai-compatible', preset: 'google-ai-studio'});
		expect(result).toEqual({
			ok: true,
			notes,
			endpoint: {
				kind: 'openai-compatible',
				native: true,
				root: 'https://generativelanguage.googleapis.com/v1beta',
				chatUrl: 'https://generativelanguage.googleapis.com/v1beta/models/',
				modelsUrl: 'https://generativelanguage.googleapis.com/v1beta/models',
			},
		});
	});

	it("Google's OpenAI-compatible endpoint (…/v1beta/openai) stays OpenAI", () => {
		const result = normalizeUrl('https://generativelanguage.googleapis.com/v1beta/openai/chat/completions', {kind: 'openai-compatible'});
		expect(result.ok && result.endpoint).toMatchObject({
			root: 'https://generativelanguage.googleapis.com/v1beta/openai',
			chatUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions',
		});
		expect(result.ok && result.endpoint.native).toBeUndefined();
	});
});
