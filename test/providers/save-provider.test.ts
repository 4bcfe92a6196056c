import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ConfigStore} from '../../source/config/store.js';
import {geminiBalanceEndpointFor, openAiEndpointFor} from '../../source/providers/normalize-url.js';
import {saveProvider, type ProviderDraft} from '../../source/providers/save-provider.js';
import {tempDir} from '../helpers/temp-dir.js';

function storeWith(config: Record<string, unknown>) {
	const file = path.join(tempDir(), 'config.json');
	fs.writeFileSync(file, JSON.stringify(config));
	return {store: new ConfigStore({path: file, watch: false, env: {GB_TOKEN: 'sk-from-env'}}), read: () => JSON.parse(fs.readFileSync(file, 'utf8'))};
}

const gbDraft = (root: string, extra: Partial<ProviderDraft> = {}): ProviderDraft => ({
	preset: 'gemini-balance',
	endpoint: geminiBalanceEndpointFor(root, 'v1'),
	apiKey: '$GB_TOKEN',
	models: ['gemini-2.5-pro'],
	routes: {longContext: 'gemini-2.5-pro'},
	...extra,
});

describe('saveProvider', () => {
	it('adds with the preset name, keeps the $ENV reference, sets the routes, validates', () => {
		const {store, read} = storeWith({PORT: 3456, Providers: [], Router: {default: 'x,y'}});
		const {plan, snapshot} = saveProvider(store, gbDraft('http://127.0.0.1:8000'));
		expect(plan).toMatchObject({name: 'gemini-balance', mode: 'add'});
		expect(read()).toEqual({
			PORT: 3456,
			Providers: [{name: 'gemini-balance', api_base_url: 'http://127.0.0.1:8000/v1/chat/completions', models: ['gemini-2.5-pro'], api_key: '$GB_TOKEN', profile: 'gemini-balance'}],
			Router: {default: 'x,y', longContext: 'gemini-balance,gemini-2.5-pro'},
		});
		expect(snapshot.config.Providers[0]?.api_key).toBe('sk-from-env');
		store.close();
	});

	it('the same server (any pasted form, localhost = 127.0.0.1, other API) is updated in place', () => {
		const {store, read} = storeWith({
			Providers: [{name: 'my-gb', api_base_url: 'http://localhost:8000/hf/v1/chat/completions', api_key: ['k1', 'k2'], models: ['m'], transformer: {use: ['x']}}],
			Router: {default: 'my-gb,m'},
		});
		const {plan} = saveProvider(store, gbDraft('http://127.0.0.1:8000', {endpoint: geminiBalanceEndpointFor('http://127.0.0.1:8000', 'openai'), apiKey: 'k1'}));
		expect(plan).toMatchObject({name: 'my-gb', mode: 'update'});
		const [provider] = read().Providers;
		// Pool kept (k1 is in it), transformer kept, URL and profile follow the new API.
		expect(provider).toEqual({
			name: 'my-gb',
			api_base_url: 'http://127.0.0.1:8000/openai/v1/chat/completions',
			api_key: ['k1', 'k2'],
			models: ['gemini-2.5-pro'],
			transformer: {use: ['x']},
			profile: 'gemini-openai',
		});
		store.close();
	});

	it('a taken name on another server gets -2, -3 (case-insensitive); --name renames the same server and its routes', () => {
		const {store, read} = storeWith({
			Providers: [
				{name: 'Gemini-Balance', api_base_url: 'http://a:8000/v1/chat/completions', api_key: 'x', models: ['m']},
				{name: 'gemini-balance-2', api_base_url: 'http://b:8000/v1/chat/completions', api_key: 'x', models: ['m']},
			],
			Router: {think: 'gemini-balance-2,m'},
		});
		expect(saveProvider(store, gbDraft('http://c:8000')).plan.name).toBe('gemini-balance-3');
		const renamed = saveProvider(store, gbDraft('http://b:8000', {name: 'gb-b', routes: {}}));
		expect(renamed.plan).toMatchObject({name: 'gb-b', mode: 'update'});
		expect(read().Providers.map((provider: {name: string}) => provider.name)).toEqual(['Gemini-Balance', 'gb-b', 'gemini-balance-3']);
		expect(read().Router.think).toBe('gb-b,m');
		store.close();
	});

	it('lower-case `providers` (Claude Code Router) is written where it is; Ollama gets a dummy key', () => {
		const {store, read} = storeWith({providers: [], Router: {}});
		saveProvider(store, {preset: 'ollama', endpoint: openAiEndpointFor('http://127.0.0.1:11434/v1'), models: ['llama3.2'], routes: {background: 'llama3.2'}});
		expect(read()).toEqual({
			providers: [{name: 'ollama', api_base_url: 'http://127.0.0.1:11434/v1/chat/completions', models: ['llama3.2'], api_key: 'ollama', profile: 'ollama'}],
			Router: {background: 'ollama,llama3.2'},
		});
		store.close();
	});

	it('a route model outside the list is added to the models', () => {
		const {store, read} = storeWith({});
		saveProvider(store, gbDraft('http://127.0.0.1:8000', {routes: {longContext: 'gemini-2.5-pro', webSearch: 'gemini-2.5-flash-search'}}));
		expect(read().Providers[0].models).toEqual(['gemini-2.5-pro', 'gemini-2.5-flash-search']);
		store.close();
	});
});
