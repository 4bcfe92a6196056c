import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ConfigStore} from '../../source/config/store.js';
import {geminiBalanceEndpointFor, openAiEndpointFor} from '../../source/providers/normalize-url.js';
import {describeDiff} from '../../source/providers/provider-diff.js';
import {deleteProvider, previewProviderDelete, previewProviderSave, saveProvider, type ProviderDraft} from '../../source/providers/save-provider.js';
import {tempDir} from '../helpers/temp-dir.js';

function storeWith(config: Record<string, unknown>) {
	const file = path.join(tempDir(), 'config.json');
	fs.writeFileSync(file, JSON.stringify(config));
	return {store: new ConfigStore({path: file, watch: false, env: {GB_TOKEN: 'sk-from-env'}}), read: () => JSON.parse(fs.readFileSync(file, 'utf8'))};
}

const gbDraft = (root: string, extra: Partial<ProviderDraft> = {}): ProviderDraft => ({
	preset: 'gemini-balance',
	endpoint: geminiBalanceEndpointFor(root, 'v1'),
	keys: ['$GB_TOKEN'],
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

	it('the same server and API (any pasted form, localhost = 127.0.0.1) is updated in place, merged; the other API is a second provider', () => {
		const {store, read} = storeWith({
			Providers: [{name: 'my-gb', api_base_url: 'http://localhost:8000/hf/v1/chat/completions', api_key: ['k1', 'k2'], models: ['m'], transformer: {use: ['x']}}],
			Router: {default: 'my-gb,m'},
		});
		const {plan, diff} = saveProvider(store, gbDraft('http://127.0.0.1:8000', {keys: ['k3'], merge: {removedModels: []}}));
		expect(plan).toMatchObject({name: 'my-gb', mode: 'update'});
		expect(diff).toMatchObject({keysAdded: ['••••'], modelsAdded: ['gemini-2.5-pro'], modelsRemoved: []});
		const [provider] = read().Providers;
		// Pool merged (k3 added, none lost), models merged, transformer kept.
		expect(provider).toEqual({
			name: 'my-gb',
			api_base_url: 'http://127.0.0.1:8000/v1/chat/completions',
			api_key: ['k1', 'k2', 'k3'],
			models: ['m', 'gemini-2.5-pro'],
			transformer: {use: ['x']},
			profile: 'gemini-balance',
		});
		const other = saveProvider(store, gbDraft('http://127.0.0.1:8000', {endpoint: geminiBalanceEndpointFor('http://127.0.0.1:8000', 'openai'), keys: ['k1']}));
		expect(other.plan).toMatchObject({name: 'gemini-balance-openai', mode: 'add'});
		expect(read().Providers.map((item: {api_base_url: string}) => item.api_base_url)).toEqual([
			'http://127.0.0.1:8000/v1/chat/completions',
			'http://127.0.0.1:8000/openai/v1/chat/completions',
		]);
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
		saveProvider(store, {preset: 'ollama', endpoint: openAiEndpointFor('http://127.0.0.1:11434/v1'), keys: [], models: ['llama3.2'], routes: {background: 'llama3.2'}});
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

	it('edit (editIndex): the lists are the whole truth; removed models show in the diff with the routes and fallbacks they break', () => {
		const {store, read} = storeWith({
			Providers: [
				{
					name: 'gb',
					api_base_url: 'http://127.0.0.1:8000/v1/chat/completions',
					api_key: ['$GB_TOKEN', 'sk-literal-key-1234'],
					models: ['gemini-2.5-pro', 'gemini-2.5-flash'],
					profile: 'gemini-balance',
				},
				{name: 'ds', api_base_url: 'https://api.deepseek.com/chat/completions', api_key: 'sk-ds-0000', models: ['deepseek-chat']},
			],
			Router: {default: 'gb,gemini-2.5-pro', longContext: 'gb,gemini-2.5-pro', think: 'gb,gemini-2.5-flash'},
			fallback: {default: ['gb,gemini-2.5-pro', 'ds,deepseek-chat'], think: ['gb,gemini-2.5-pro']},
		});
		const draft = gbDraft('http://127.0.0.1:8000', {name: 'gb', keys: ['sk-literal-key-1234', '$GB_TOKEN'], models: ['gemini-2.5-flash'], routes: {}});
		const preview = previewProviderSave(store.getSnapshot(), draft, 0);
		expect(describeDiff(preview.diff, preview.impact)).toEqual([
			'keys: reordered',
			'models: −gemini-2.5-pro',
			'routes affected: default, longContext',
			'fallback entries removed: default: gb,gemini-2.5-pro, think: gb,gemini-2.5-pro',
		]);
		saveProvider(store, draft, {editIndex: 0, routeFix: {kind: 'repoint', target: 'gb,gemini-2.5-flash'}});
		const saved = read();
		expect(saved.Providers[0].api_key).toEqual(['sk-literal-key-1234', '$GB_TOKEN']);
		expect(saved.Providers[0].models).toEqual(['gemini-2.5-flash']);
		expect(saved.Router).toEqual({default: 'gb,gemini-2.5-flash', longContext: 'gb,gemini-2.5-flash', think: 'gb,gemini-2.5-flash'});
		expect(saved.fallback).toEqual({default: ['ds,deepseek-chat']});
		store.close();
	});

	it('delete: routes to the provider are cleared (or repointed), fallback entries removed', () => {
		const {store, read} = storeWith({
			Providers: [
				{name: 'gb', api_base_url: 'http://127.0.0.1:8000/v1/chat/completions', api_key: 'k', models: ['gemini-2.5-pro']},
				{name: 'ds', api_base_url: 'https://api.deepseek.com/chat/completions', api_key: 'sk-ds-0000', models: ['deepseek-chat']},
			],
			Router: {default: 'gb,gemini-2.5-pro', think: 'ds,deepseek-chat'},
			fallback: {think: ['gb,gemini-2.5-pro']},
		});
		const preview = previewProviderDelete(store.getSnapshot(), 0)!;
		expect(describeDiff(preview.diff, preview.impact)).toEqual(['deletes provider "gb"', 'routes affected: default', 'fallback entries removed: think: gb,gemini-2.5-pro']);
		deleteProvider(store, 0, {kind: 'clear'});
		expect(read()).toEqual({
			Providers: [{name: 'ds', api_base_url: 'https://api.deepseek.com/chat/completions', api_key: 'sk-ds-0000', models: ['deepseek-chat']}],
			Router: {think: 'ds,deepseek-chat'},
			fallback: {},
		});
		store.close();
	});
});
