/**
 * Providers on Google's native API (AI Studio, Gemini Balance's `/v1beta`): how the wizards save them
 * (Claude Code Router's `transformer: {use: ["gemini"]}`), how the checks reach them (key in
 * `x-goog-api-key`, Google's model list), and that the proxy then speaks the native dialect.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {providerSchema, type RawConfig} from '../../source/config/schema.js';
import {fetchModelList, toDiscoveredModels} from '../../source/providers/model-list.js';
import {geminiBalanceEndpointFor, normalizeUrl} from '../../source/providers/normalize-url.js';
import {providerFromDraft} from '../../source/providers/provider-draft.js';
import {targetForProvider} from '../../source/providers/provider-target.js';
import {resolveProfile} from '../../source/proxy/translate/resolve-profile.js';
import {geminiNative} from '../fakes/gemini-native.js';
import {startFakeOpenAI, type FakeOpenAI} from '../fakes/openai-upstream.js';

const KEY = 'AIza-native-test-key-0001';
let google: FakeOpenAI;
beforeAll(async () => {
	google = await startFakeOpenAI(geminiNative(() => ({parts: [{text: 'pong'}]})));
});
afterAll(async () => {
	await google.close();
});

const provider = (raw: RawConfig) => providerSchema.parse(raw);

describe('native providers', () => {
	it("lists Google's models with x-goog-api-key (never Bearer): generateContent models only, `models/` stripped", async () => {
		const target = targetForProvider(provider({name: 'gemini', api_base_url: `${google.url}/v1beta`, api_key: KEY, transformer: {use: ['gemini']}}));
		expect(target.endpoint).toMatchObject({native: true, modelsUrl: `${google.url}/v1beta/models`});
		const list = await fetchModelList(target);
		expect(list.kind).toBe('ok');
		const request = google.requests.at(-1);
		expect(request?.headers['x-goog-api-key']).toBe(KEY);
		expect(request?.headers['authorization']).toBeUndefined();
		expect(request?.url).not.toContain(KEY);
		if (list.kind !== 'ok') return;
		expect(toDiscoveredModels(list.ids, target.endpoint.kind, target.endpoint.api, target.endpoint.native).map(model => model.id)).toEqual([
			'gemini-2.5-flash',
			'gemini-2.5-pro',
			'gemini-3-pro-preview',
		]);
	});

	it('the strict fake refuses a Bearer-only list request the way Google does', async () => {
		const target = targetForProvider(provider({name: 'openai-ish', api_base_url: `${google.url}/v1beta/openai`, api_key: KEY}));
		expect(target.endpoint.native).toBeUndefined();
		const list = await fetchModelList({...target, endpoint: {...target.endpoint, modelsUrl: `${google.url}/v1beta/models`}});
		expect(list).toMatchObject({kind: 'auth', status: 403});
	});

	it("Gemini Balance's native list: no unlisted -non-thinking variants (those are its /v1 translator's)", () => {
		const ids = ['models/gemini-2.5-flash', 'models/gemini-2.5-flash-search'];
		expect(toDiscoveredModels(ids, 'gemini-balance', 'native').map(model => model.id)).toEqual(['gemini-2.5-flash', 'gemini-2.5-flash-search']);
		expect(toDiscoveredModels(ids, 'gemini-balance', 'v1').map(model => model.id)).toContain('gemini-2.5-flash-non-thinking');
	});

	it.each([
		[
			{name: 'gemini', api_base_url: 'https://generativelanguage.googleapis.com/v1beta/models/', transformer: {use: ['gemini']}},
			'https://generativelanguage.googleapis.com/v1beta',
		],
		[{name: 'gemini', api_base_url: 'https://generativelanguage.googleapis.com/v1beta'}, 'https://generativelanguage.googleapis.com/v1beta'],
		[{name: 'g', api_base_url: 'https://proxy.example', transformer: {use: [['gemini', {}]]}}, 'https://proxy.example/v1beta'],
		[{name: 'g', api_base_url: 'https://proxy.example/x', profile: 'gemini-native'}, 'https://proxy.example/x/v1beta'],
	] as const)('a Claude Code Router config %j is a native target at %s', (raw, base) => {
		const target = targetForProvider(provider({...raw, api_key: KEY}));
		expect(target.endpoint).toMatchObject({kind: 'openai-compatible', native: true, root: base, modelsUrl: `${base}/models`});
		expect(resolveProfile(provider({...raw, api_key: KEY}), 'gemini-2.5-flash').profile.dialect).toBe('gemini');
	});

	it.each([
		{name: 'gemini-balance', api_base_url: 'http://127.0.0.1:8000/v1beta/models/', transformer: {use: ['gemini']}},
		{name: 'gemini-balance', api_base_url: 'http://127.0.0.1:8000/gemini/v1beta'},
		{name: 'my-gemini-balance', api_base_url: 'http://127.0.0.1:8000/v1beta/models/', profile: 'gemini-native'},
		{name: 'pool', api_base_url: 'http://127.0.0.1:8000/v1beta/models/', profile: 'gemini-balance-native'},
	] as const)("Gemini Balance's native API %j: its /health and /v1beta/models", raw => {
		const target = targetForProvider(provider({...raw, api_key: KEY}));
		expect(target.endpoint).toEqual(geminiBalanceEndpointFor('http://127.0.0.1:8000', 'native'));
		expect(target.endpoint).toMatchObject({kind: 'gemini-balance', api: 'native', native: true, healthUrl: 'http://127.0.0.1:8000/health'});
	});

	it('saving native: profile gemini-balance-native and transformer gemini added to the existing chain, other fields kept', () => {
		const normalized = normalizeUrl('http://127.0.0.1:8000/v1beta', {kind: 'gemini-balance'});
		if (!normalized.ok) throw new Error('unexpected');
		const draft = {preset: 'gemini-balance', endpoint: normalized.endpoint, keys: [KEY], models: ['gemini-2.5-flash'], routes: {}} as const;
		const existing = {name: 'gb', api_base_url: 'http://127.0.0.1:8000/v1/chat/completions', profile: 'gemini-balance', transformer: {use: ['maxtoken']}, max_retries: 1};
		const saved = providerFromDraft(draft, 'gb', ['gemini-2.5-flash'], existing);
		expect(saved).toEqual({
			name: 'gb',
			api_base_url: 'http://127.0.0.1:8000/v1beta/models/',
			api_key: KEY,
			models: ['gemini-2.5-flash'],
			profile: 'gemini-balance-native',
			transformer: {use: ['gemini', 'maxtoken']},
			max_retries: 1,
		});
		// The profile keeps it Gemini Balance's native API whatever the name (the transformer alone reads the name).
		expect(resolveProfile(provider(saved), 'gemini-2.5-flash').profile.name).toBe('gemini-balance-native');
		expect(targetForProvider(provider(saved)).endpoint).toMatchObject({kind: 'gemini-balance', api: 'native'});
		// Already there: not added twice.
		expect(providerFromDraft(draft, 'gb', [], saved)['transformer']).toEqual({use: ['gemini', 'maxtoken']});
	});

	it('saving AI Studio over a provider with an OpenAI profile: the profile is dropped, transformer gemini says native', () => {
		const normalized = normalizeUrl('https://generativelanguage.googleapis.com/v1beta', {kind: 'openai-compatible', preset: 'google-ai-studio'});
		if (!normalized.ok) throw new Error('unexpected');
		const draft = {preset: 'google-ai-studio', endpoint: normalized.endpoint, keys: [KEY], models: ['gemini-2.5-pro'], routes: {}} as const;
		const saved = providerFromDraft(draft, 'gemini', ['gemini-2.5-pro'], {
			name: 'gemini',
			api_base_url: 'https://generativelanguage.googleapis.com/v1beta/openai',
			profile: 'gemini',
		});
		expect(saved).toEqual({
			name: 'gemini',
			api_base_url: 'https://generativelanguage.googleapis.com/v1beta/models/',
			api_key: KEY,
			models: ['gemini-2.5-pro'],
			transformer: {use: ['gemini']},
		});
		expect(resolveProfile(provider(saved), 'gemini-2.5-pro').profile.name).toBe('gemini-native');
	});
});
