import {describe, expect, test} from 'vitest';
import type {ProviderConfig} from '../../source/config/schema.js';
import {PROFILES, resolveProfile, toOpenAIRequest} from '../../source/proxy/dialects/openai-chat/index.js';

function provider(overrides: Partial<ProviderConfig>): ProviderConfig {
	return {name: 'p', api_base_url: 'https://example.com/v1/chat/completions', models: ['m'], ...overrides} as ProviderConfig;
}

describe('resolveProfile: guesses by URL and name', () => {
	test.each([
		['deepseek', 'https://api.deepseek.com/chat/completions', 'deepseek-chat', 'deepseek'],
		['ollama', 'http://localhost:11434/v1/chat/completions', 'qwen3', 'ollama'],
		['local', 'http://127.0.0.1:11434/v1/chat/completions', 'llama3', 'ollama'],
		['openrouter', 'https://openrouter.ai/api/v1/chat/completions', 'anthropic/claude-sonnet-4', 'openrouter'],
		['gemini-balance', 'http://localhost:8000/v1/chat/completions', 'gemini-2.5-flash', 'gemini-balance'],
		['gb', 'http://localhost:8000/hf/v1/chat/completions', 'gemini-2.5-pro', 'gemini-balance'],
		['gb', 'http://localhost:8000/openai/v1/chat/completions', 'gemini-2.5-pro', 'gemini-openai'],
		['my-balance', 'https://gb.example.com/openai/v1/chat/completions', 'gemini-2.5-pro', 'gemini-openai'],
		['google', 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions', 'gemini-3-pro', 'gemini'],
		['vllm', 'http://localhost:8000/v1/chat/completions', 'Qwen/Qwen3-32B', 'openai'],
		['claude', 'https://api.anthropic.com/v1/messages', 'claude-sonnet-4-5', 'anthropic'],
		['acme', 'https://llm.acme.dev/v1/chat/completions', 'acme-1', 'openai'],
	])('%s %s → %s', (name, url, model, expected) => {
		expect(resolveProfile(provider({name, api_base_url: url}), model).profile.name).toBe(expected);
	});
});

describe('resolveProfile: explicit profile and Claude Code Router transformers', () => {
	test('explicit profile wins over the URL', () => {
		expect(resolveProfile(provider({api_base_url: 'https://api.deepseek.com/chat/completions', profile: 'gemini-balance'}), 'm').profile.name).toBe('gemini-balance');
	});

	test('deepseek transformer: profile + max_tokens 8192', () => {
		const {profile, unsupportedTransformers} = resolveProfile(provider({transformer: {use: ['deepseek']}}), 'deepseek-chat');
		expect(profile.name).toBe('deepseek');
		expect(profile.maxOutputTokens).toBe(8192);
		expect(profile.replayReasoning).toBe('reasoning_content');
		expect(unsupportedTransformers).toStrictEqual([]);
	});

	test('maxtoken with options, per-model chains, unsupported names reported', () => {
		const config = provider({
			transformer: {use: [['maxtoken', {max_tokens: 16384}], 'enhancetool', 'tooluse'], m2: {use: ['reasoning', 'my-plugin']}},
		});
		const m = resolveProfile(config, 'm');
		expect(m.profile.maxOutputTokens).toBe(16384);
		expect(m.unsupportedTransformers).toStrictEqual(['tooluse']);
		const m2 = resolveProfile(config, 'm2');
		expect(m2.profile.reasoning).toBe('qwen');
		expect(m2.unsupportedTransformers).toStrictEqual(['tooluse', 'my-plugin']);
	});

	test('Anthropic alone = pass-through; in a chain it is just the endpoint converter', () => {
		expect(resolveProfile(provider({transformer: {use: ['Anthropic']}}), 'm').profile.dialect).toBe('anthropic');
		const chained = resolveProfile(provider({transformer: {use: ['Anthropic', 'cleancache']}}), 'm');
		expect(chained.profile.dialect).toBe('openai-chat');
		expect(chained.unsupportedTransformers).toStrictEqual([]);
	});

	test('openrouter options go into the body; sampling and customparams honoured', () => {
		const config = provider({
			api_base_url: 'https://openrouter.ai/api/v1/chat/completions',
			transformer: {use: [['openrouter', {provider: {only: ['moonshotai']}}], ['sampling', {temperature: 0.6, max_tokens: 4000}], 'streamoptions']},
		});
		const {profile, unsupportedTransformers} = resolveProfile(config, 'moonshotai/kimi-k2');
		expect(unsupportedTransformers).toStrictEqual([]);
		const {body} = toOpenAIRequest(
			{model: 'x', max_tokens: 32000, messages: [{role: 'user', content: 'hi'}], temperature: 1},
			{model: 'moonshotai/kimi-k2', profile, stream: true},
		);
		expect(body).toMatchObject({provider: {only: ['moonshotai']}, temperature: 0.6, max_tokens: 4000, stream_options: {include_usage: true}});
	});

	test('provider max_tokens caps the profile', () => {
		expect(resolveProfile(provider({api_base_url: 'https://api.deepseek.com/v1', max_tokens: 4096}), 'm').profile.maxOutputTokens).toBe(4096);
	});

	test('OpenAI reasoning models get reasoning_effort; api.openai.com o-series use max_completion_tokens', () => {
		expect(resolveProfile(provider({}), 'llama3').profile.reasoning).toBe('none');
		const o3 = resolveProfile(provider({api_base_url: 'https://api.openai.com/v1/chat/completions'}), 'o3-mini').profile;
		expect([o3.reasoning, o3.maxTokensField, o3.dropSampling]).toStrictEqual(['openai', 'max_completion_tokens', true]);
	});

	test('OpenRouter keeps cache_control for Anthropic models only', () => {
		const base = provider({api_base_url: 'https://openrouter.ai/api/v1/chat/completions'});
		expect(resolveProfile(base, 'anthropic/claude-sonnet-4').profile.keepCacheControl).toBe(true);
		expect(resolveProfile(base, 'deepseek/deepseek-chat').profile.keepCacheControl).toBe(false);
	});

	test('results are cached per provider object and model (precomputed once)', () => {
		const config = provider({});
		expect(resolveProfile(config, 'a')).toBe(resolveProfile(config, 'a'));
		expect(Object.isFrozen(resolveProfile(config, 'a').profile)).toBe(true);
	});
});

describe('built-in profiles', () => {
	test('gemini-balance: whitelist schemas, calls without narration, string tool_choice, renamed keyword properties', () => {
		const profile = PROFILES['gemini-balance'];
		expect([profile.schemaDialect, profile.dropAssistantToolText, profile.toolChoiceObject, profile.renameKeywordProperties, profile.noMidSystem]).toStrictEqual([
			'gemini',
			true,
			false,
			true,
			true,
		]);
	});

	test('gemini-openai: thought signatures', () => {
		expect(PROFILES['gemini-openai'].geminiThoughtSignatures).toBe(true);
		expect(PROFILES['gemini-openai'].schemaDialect).toBe('gemini');
	});
});

describe('model tweaks', () => {
	test('older Gemini models are capped at 8192 output tokens', () => {
		const gb = provider({name: 'gemini-balance', api_base_url: 'http://localhost:8000/v1/chat/completions'});
		expect(resolveProfile(gb, 'gemini-2.0-flash').profile.maxOutputTokens).toBe(8192);
		expect(resolveProfile(gb, 'gemini-2.5-pro').profile.maxOutputTokens).toBe(65_536);
	});
});
