import {describe, expect, it, vi} from 'vitest';
import {configSchema, type Config} from '../../source/config/schema.js';
import {extractSubagentTag, lastUserTurnHasImage, resolveTarget, routeRequest, type RoutableRequest} from '../../source/proxy/router.js';
import {searchModelFor} from '../../source/proxy/search-model.js';

const allRoutes = {
	default: 'main,default-model',
	background: 'main,bg-model',
	think: 'main,think-model',
	longContext: 'big,long-model',
	longContextThreshold: 1000,
	webSearch: 'main,search-model',
	image: 'vision,image-model',
};

function config(router: Record<string, unknown> = allRoutes, extra: Record<string, unknown> = {}): Config {
	return configSchema.parse({
		Providers: [
			{name: 'main', api_base_url: 'http://127.0.0.1:1/v1', models: ['default-model', 'bg-model', 'think-model', 'search-model', 'Mixed-Case']},
			{name: 'Big', api_base_url: 'http://127.0.0.1:2/v1', models: ['long-model']},
			{name: 'vision', api_base_url: 'http://127.0.0.1:3/v1', models: ['image-model']},
		],
		Router: router,
		...extra,
	});
}

const image = {type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo='}};

function request(overrides: Partial<RoutableRequest> = {}): RoutableRequest {
	return {model: 'claude-sonnet-4-5', messages: [{role: 'user', content: 'hello'}], ...overrides};
}

const tokens = (count: number) => () => count;

type Row = {
	name: string;
	request: RoutableRequest;
	tokens?: number;
	router?: Record<string, unknown>;
	custom?: string;
	scenario: string;
	target: string;
	reason?: RegExp;
};

// One row per rule, and rows where two rules match to pin the order.
const rows: Row[] = [
	{name: 'default when nothing else matches', request: request(), scenario: 'default', target: 'main,default-model', reason: /no other rule/},
	{
		name: 'custom router answer wins over everything',
		request: request({model: 'main,think-model', thinking: {type: 'enabled'}}),
		tokens: 5000,
		custom: 'vision,image-model',
		scenario: 'custom',
		target: 'vision,image-model',
		reason: /custom router chose vision,image-model/,
	},
	{name: 'explicit provider,model', request: request({model: 'main,bg-model'}), scenario: 'explicit', target: 'main,bg-model', reason: /model field names main,bg-model/},
	{name: 'explicit provider matched case-insensitively', request: request({model: 'BIG,long-model'}), scenario: 'explicit', target: 'Big,long-model'},
	{name: 'explicit model spelled as listed', request: request({model: 'main,mixed-case'}), scenario: 'explicit', target: 'main,Mixed-Case'},
	{name: 'explicit unlisted model passes through', request: request({model: 'main,brand-new'}), scenario: 'explicit', target: 'main,brand-new'},
	{
		name: 'explicit beats longContext',
		request: request({model: 'main,bg-model'}),
		tokens: 5000,
		scenario: 'explicit',
		target: 'main,bg-model',
	},
	{
		name: 'longContext above the threshold',
		request: request(),
		tokens: 1001,
		scenario: 'longContext',
		target: 'Big,long-model',
		reason: /input ~1,001 tokens > longContextThreshold 1,000/,
	},
	{name: 'at the threshold is not long', request: request(), tokens: 1000, scenario: 'default', target: 'main,default-model'},
	{
		name: 'longContext beats the subagent tag',
		request: request({
			system: [
				{type: 'text', text: 'x'},
				{type: 'text', text: '<CCR-SUBAGENT-MODEL>main,bg-model</CCR-SUBAGENT-MODEL>go'},
			],
		}),
		tokens: 5000,
		scenario: 'longContext',
		target: 'Big,long-model',
	},
	{
		name: 'subagent tag in a later system block',
		request: request({
			model: 'claude-haiku-4-5',
			system: [
				{type: 'text', text: 'billing'},
				{type: 'text', text: 'identity'},
				{type: 'text', text: '<CCR-SUBAGENT-MODEL>vision,image-model</CCR-SUBAGENT-MODEL>\nYou are'},
			],
		}),
		scenario: 'subagent',
		target: 'vision,image-model',
		reason: /subagent tag names vision,image-model/,
	},
	{
		name: 'subagent tag in a string system prompt',
		request: request({system: '<CCR-SUBAGENT-MODEL>main,think-model</CCR-SUBAGENT-MODEL>do it'}),
		scenario: 'subagent',
		target: 'main,think-model',
	},
	{
		name: 'subagent tag in the first user message beats background',
		request: request({
			model: 'claude-3-5-haiku-20241022',
			messages: [{role: 'user', content: [{type: 'text', text: '<CCR-SUBAGENT-MODEL>Big,long-model</CCR-SUBAGENT-MODEL> task'}]}],
		}),
		scenario: 'subagent',
		target: 'Big,long-model',
	},
	{
		name: 'background for a haiku model',
		request: request({model: 'claude-haiku-4-5-20251001'}),
		scenario: 'background',
		target: 'main,bg-model',
		reason: /haiku/,
	},
	{
		name: 'webSearch beats background (a search needs a model that can search, whatever the model field says)',
		request: request({model: 'claude-3-5-haiku-latest', tools: [{type: 'web_search_20250305', name: 'web_search'}]}),
		scenario: 'webSearch',
		target: 'main,search-model',
	},
	{
		name: 'webSearch beats an explicit provider,model (Claude Code sends its WebSearch request with the session model)',
		request: request({model: 'main,default-model', tools: [{type: 'web_search_20250305', name: 'web_search', max_uses: 8}]}),
		scenario: 'webSearch',
		target: 'main,search-model',
		reason: /request carries the web_search_20250305 tool/,
	},
	{
		name: 'webSearch beats longContext and the subagent tag',
		request: request({system: '<CCR-SUBAGENT-MODEL>main,bg-model</CCR-SUBAGENT-MODEL>', tools: [{type: 'web_search_20250305', name: 'web_search'}]}),
		tokens: 5000,
		scenario: 'webSearch',
		target: 'main,search-model',
	},
	{
		name: 'the custom router beats webSearch',
		request: request({tools: [{type: 'web_search_20250305', name: 'web_search'}]}),
		custom: 'vision,image-model',
		scenario: 'custom',
		target: 'vision,image-model',
	},
	{
		name: 'webSearch when a web_search tool is present',
		request: request({tools: [{name: 'Bash'}, {type: 'web_search_20250305', name: 'web_search'}]}),
		scenario: 'webSearch',
		target: 'main,search-model',
		reason: /web_search_20250305/,
	},
	{
		name: 'webSearch beats think',
		request: request({tools: [{type: 'web_search_20250305', name: 'web_search'}], output_config: {effort: 'max'}}),
		scenario: 'webSearch',
		target: 'main,search-model',
	},
	// Claude Code 2.1.332 and 2.1.197: adaptive thinking and an effort on every main-loop request.
	{
		name: 'Claude Code default request (adaptive, display omitted, effort medium) is not think',
		request: request({thinking: {type: 'adaptive', display: 'omitted'}, output_config: {effort: 'medium'}}),
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'Claude Code with a custom model (adaptive, effort high) is not think',
		request: request({thinking: {type: 'adaptive'}, output_config: {effort: 'high'}}),
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'think at effort xhigh (the default thinkEffort)',
		request: request({thinking: {type: 'adaptive'}, output_config: {effort: 'xhigh'}}),
		scenario: 'think',
		target: 'main,think-model',
		reason: /^effort xhigh ≥ thinkEffort xhigh$/,
	},
	{
		name: 'think at effort max (--effort max)',
		request: request({thinking: {type: 'adaptive', display: 'omitted'}, output_config: {effort: 'max'}}),
		scenario: 'think',
		target: 'main,think-model',
		reason: /effort max ≥ thinkEffort xhigh/,
	},
	{name: 'effort without thinking counts too', request: request({output_config: {effort: 'max'}}), scenario: 'think', target: 'main,think-model'},
	{name: 'adaptive with no effort counts as medium', request: request({thinking: {type: 'adaptive'}}), scenario: 'default', target: 'main,default-model'},
	{
		name: 'adaptive with no effort is think when thinkEffort is medium',
		request: request({thinking: {type: 'adaptive'}}),
		router: {...allRoutes, thinkEffort: 'medium'},
		scenario: 'think',
		target: 'main,think-model',
		reason: /effort medium ≥ thinkEffort medium/,
	},
	{
		name: 'an unknown effort value is ignored',
		request: request({thinking: {type: 'adaptive'}, output_config: {effort: 'turbo'}}),
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'enabled, budget 1,024 → low',
		request: request({thinking: {type: 'enabled', budget_tokens: 1024}}),
		router: {...allRoutes, thinkEffort: 'medium'},
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'enabled, budget 4,000 ("think") → medium',
		request: request({thinking: {type: 'enabled', budget_tokens: 4000}}),
		router: {...allRoutes, thinkEffort: 'medium'},
		scenario: 'think',
		target: 'main,think-model',
	},
	{
		name: 'enabled, budget 10,000 ("megathink") → high: not think by default',
		request: request({thinking: {type: 'enabled', budget_tokens: 10_000}}),
		scenario: 'default',
		target: 'main,default-model',
	},
	{name: 'enabled, budget 24,576 → high', request: request({thinking: {type: 'enabled', budget_tokens: 24_576}}), scenario: 'default', target: 'main,default-model'},
	{
		name: 'enabled, budget 31,999 ("ultrathink") → xhigh: think',
		request: request({thinking: {type: 'enabled', budget_tokens: 31_999}}),
		scenario: 'think',
		target: 'main,think-model',
		reason: /^effort xhigh \(thinking budget 31,999\) ≥ thinkEffort xhigh$/,
	},
	{
		name: 'no budget maps to max',
		request: request({thinking: {type: 'enabled', budget_tokens: 120_000}}),
		router: {...allRoutes, thinkEffort: 'max'},
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'the higher of budget and effort counts',
		request: request({thinking: {type: 'enabled', budget_tokens: 31_999}, output_config: {effort: 'low'}}),
		scenario: 'think',
		target: 'main,think-model',
	},
	{name: 'disabled thinking is not think', request: request({thinking: {type: 'disabled'}}), scenario: 'default', target: 'main,default-model'},
	{
		name: 'think beats image',
		request: request({output_config: {effort: 'max'}, messages: [{role: 'user', content: [image]}]}),
		scenario: 'think',
		target: 'main,think-model',
	},
	{
		name: 'explicit provider,model beats think',
		request: request({model: 'main,bg-model', output_config: {effort: 'max'}}),
		scenario: 'explicit',
		target: 'main,bg-model',
	},
	{
		name: 'background beats think',
		request: request({model: 'claude-haiku-4-5', output_config: {effort: 'max'}}),
		scenario: 'background',
		target: 'main,bg-model',
	},
	{
		name: 'image in the last user turn',
		request: request({messages: [{role: 'user', content: [{type: 'text', text: 'see'}, image]}]}),
		scenario: 'image',
		target: 'vision,image-model',
	},
	{
		name: 'image inside a tool result of the last user turn',
		request: request({
			messages: [
				{role: 'user', content: 'read it'},
				{role: 'assistant', content: [{type: 'tool_use', id: 't1', name: 'Read', input: {}}]},
				{role: 'user', content: [{type: 'tool_result', tool_use_id: 't1', content: [image]}]},
			],
		}),
		scenario: 'image',
		target: 'vision,image-model',
	},
	{
		name: 'an image earlier in the history does not count',
		request: request({
			messages: [
				{role: 'user', content: [image]},
				{role: 'assistant', content: 'ok'},
				{role: 'user', content: 'and now?'},
			],
		}),
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'an unset route is skipped (no think route → default)',
		request: request({output_config: {effort: 'max'}}),
		router: {default: 'main,default-model'},
		scenario: 'default',
		target: 'main,default-model',
	},
	{
		name: 'no background route → a haiku model goes to default',
		request: request({model: 'claude-haiku-4-5'}),
		router: {default: 'main,default-model'},
		scenario: 'default',
		target: 'main,default-model',
	},
];

describe('routeRequest rule order', () => {
	it.each(rows)('$name', row => {
		const decision = routeRequest(row.request, config(row.router ?? allRoutes), {estimateTokens: tokens(row.tokens ?? 10), custom: row.custom});
		if ('error' in decision) throw new Error(decision.error.message);
		expect(decision.scenario).toBe(row.scenario);
		expect(decision.target).toBe(row.target);
		if (row.reason) expect(decision.reason).toMatch(row.reason);
		expect(decision.reason.length).toBeGreaterThan(0);
	});

	it('counts tokens only when a longContext route exists', () => {
		const estimate = vi.fn(() => 10);
		routeRequest(request(), config({default: 'main,default-model'}), {estimateTokens: estimate});
		expect(estimate).not.toHaveBeenCalled();
		routeRequest(request(), config(), {estimateTokens: estimate});
		expect(estimate).toHaveBeenCalledOnce();
	});

	it('uses the scenario fallback list for scenarios and default for explicit/subagent/custom', () => {
		const cases: Array<[RoutableRequest, string]> = [
			[request({model: 'claude-haiku-4-5'}), 'background'],
			[request({model: 'main,bg-model'}), 'default'],
			[request({system: '<CCR-SUBAGENT-MODEL>main,think-model</CCR-SUBAGENT-MODEL>'}), 'default'],
			[request({output_config: {effort: 'max'}}), 'think'],
			[request({model: 'main,bg-model', tools: [{type: 'web_search_20250305'}]}), 'webSearch'],
		];
		for (const [input, expected] of cases) {
			const decision = routeRequest(input, config(), {estimateTokens: tokens(1)});
			if ('error' in decision) throw new Error(decision.error.message);
			expect(decision.fallbackScenario).toBe(expected);
		}
	});
});

describe('web search without a webSearch route', () => {
	const searchTool = {type: 'web_search_20250305', name: 'web_search', max_uses: 8};
	const searchConfig = (router: Record<string, unknown> = {default: 'deepseek,deepseek-chat'}) =>
		configSchema.parse({
			Providers: [
				{name: 'deepseek', api_base_url: 'https://api.deepseek.com/chat/completions', models: ['deepseek-chat']},
				{name: 'gb', api_base_url: 'http://127.0.0.1:8000/v1/chat/completions', models: ['gemini-2.5-flash', 'gemini-2.5-flash-search', 'gemini-2.5-pro']},
				{name: 'claude', api_base_url: 'https://api.anthropic.com/v1/messages', models: ['claude-sonnet-4-5']},
				{name: 'gbn', api_base_url: 'http://127.0.0.1:8000/gemini/v1beta', models: ['gemini-2.5-flash', 'gemini-2.5-flash-search', 'gemini-2.5-pro']},
				{name: 'studio', api_base_url: 'https://generativelanguage.googleapis.com/v1beta', models: ['gemini-2.5-flash', 'gemini-2.5-flash-search']},
			],
			Router: router,
		});
	const route = (model: string, router?: Record<string, unknown>) =>
		routeRequest({...request({model, tools: [searchTool]}), tool_choice: {type: 'auto'}} as RoutableRequest, searchConfig(router), {
			estimateTokens: tokens(10),
			searchModel: searchModelFor,
		});

	it('an explicit model that cannot search is refused, naming the route to set (was: answered from memory)', () => {
		const decision = route('deepseek,deepseek-chat');
		if (!('error' in decision)) throw new Error(`expected a refusal, got ${decision.target}`);
		expect(decision.error.status).toBe(400);
		expect(decision.error.type).toBe('invalid_request_error');
		expect(decision.error.message).toMatch(/^web search is not available: .*deepseek,deepseek-chat cannot search the web/);
		expect(decision.error.message).toContain('Set Router.webSearch');
	});

	it('the default route that cannot search is refused too', () => {
		expect(route('claude-opus-5-5')).toEqual({error: expect.objectContaining({status: 400, message: expect.stringContaining('Router.webSearch')})});
	});

	it('a Gemini Balance model is replaced by its listed -search variant', () => {
		const decision = route('gb,gemini-2.5-flash');
		if ('error' in decision) throw new Error(decision.error.message);
		expect(decision.scenario).toBe('explicit');
		expect(decision.target).toBe('gb,gemini-2.5-flash-search');
		expect(decision.reason).toMatch(/searching with gemini-2\.5-flash-search/);
	});

	it('a Gemini Balance model without a listed -search variant cannot search', () => {
		expect(route('gb,gemini-2.5-pro')).toHaveProperty('error');
	});

	it("Gemini Balance's native path: the listed -search model (its search route), else the model itself (googleSearch sent natively)", () => {
		const targets = ['gbn,gemini-2.5-flash', 'gbn,gemini-2.5-pro', 'studio,gemini-2.5-flash'].map(model => {
			const decision = route(model);
			if ('error' in decision) throw new Error(decision.error.message);
			return decision.target;
		});
		// Google itself has no -search models: AI Studio keeps the model and gets the googleSearch tool.
		expect(targets).toEqual(['gbn,gemini-2.5-flash-search', 'gbn,gemini-2.5-pro', 'studio,gemini-2.5-flash']);
	});

	it('an Anthropic provider searches itself', () => {
		const decision = route('claude,claude-sonnet-4-5');
		if ('error' in decision) throw new Error(decision.error.message);
		expect(decision.target).toBe('claude,claude-sonnet-4-5');
	});

	it('a configured webSearch route is used as set, upgraded to the -search variant when one is listed', () => {
		const trusted = route('deepseek,deepseek-chat', {default: 'deepseek,deepseek-chat', webSearch: 'deepseek,deepseek-chat'});
		if ('error' in trusted) throw new Error(trusted.error.message);
		expect([trusted.scenario, trusted.target]).toEqual(['webSearch', 'deepseek,deepseek-chat']);
		const upgraded = route('deepseek,deepseek-chat', {default: 'deepseek,deepseek-chat', webSearch: 'gb,gemini-2.5-flash'});
		if ('error' in upgraded) throw new Error(upgraded.error.message);
		expect([upgraded.scenario, upgraded.target]).toEqual(['webSearch', 'gb,gemini-2.5-flash-search']);
	});

	it('requests without the search tool are untouched by the search check', () => {
		const decision = routeRequest(request({model: 'deepseek,deepseek-chat'}), searchConfig(), {estimateTokens: tokens(10), searchModel: searchModelFor});
		expect(decision).toMatchObject({scenario: 'explicit', target: 'deepseek,deepseek-chat'});
	});
});

describe('Router.thinkEffort', () => {
	it('accepts low…max and names the allowed values otherwise', () => {
		expect(configSchema.parse({Router: {thinkEffort: 'max'}}).Router.thinkEffort).toBe('max');
		const result = configSchema.safeParse({Router: {thinkEffort: 'huge'}});
		expect(result.success).toBe(false);
		expect(JSON.stringify(result.error?.issues)).toContain('low, medium, high, xhigh, max');
	});
});

describe('routeRequest errors', () => {
	it('unknown explicit provider → 404 naming the known providers', () => {
		const decision = routeRequest(request({model: 'nope,some-model'}), config(), {estimateTokens: tokens(1)});
		expect(decision).toEqual({
			error: {status: 404, type: 'not_found_error', message: expect.stringMatching(/unknown provider "nope".*main, Big, vision/)},
		});
	});

	it('no route at all → a message saying what to configure', () => {
		const decision = routeRequest(request(), config({}), {estimateTokens: tokens(1), configPath: '/home/u/.claude-code-router/config.json'});
		if (!('error' in decision)) throw new Error('expected an error');
		expect(decision.error.status).toBe(404);
		expect(decision.error.message).toContain('set Router.default to "provider,model" in /home/u/.claude-code-router/config.json');
		expect(decision.error.message).toContain('configured providers: main, Big, vision');
	});

	it('a route naming a provider that no longer exists says which setting is wrong', () => {
		const decision = routeRequest(request({output_config: {effort: 'max'}}), config({default: 'main,default-model', think: 'gone,model'}), {estimateTokens: tokens(1)});
		if (!('error' in decision)) throw new Error('expected an error');
		expect(decision.error.message).toMatch(/^Router\.think names unknown provider "gone"/);
	});

	it('an empty config says no providers are configured', () => {
		const decision = routeRequest(request(), configSchema.parse({}), {estimateTokens: tokens(1)});
		if (!('error' in decision)) throw new Error('expected an error');
		expect(decision.error.message).toContain('no providers are configured yet');
	});
});

describe('subagent tag', () => {
	it('is stripped from the request that goes upstream, whichever rule wins', () => {
		const input = request({
			system: [
				{type: 'text', text: 'identity'},
				{type: 'text', text: '<CCR-SUBAGENT-MODEL>main,bg-model</CCR-SUBAGENT-MODEL>\nYou are a subagent.', cache_control: {type: 'ephemeral'}},
			],
		});
		const decision = routeRequest(input, config(), {estimateTokens: tokens(5000)});
		if ('error' in decision) throw new Error(decision.error.message);
		expect(decision.scenario).toBe('longContext');
		expect(decision.request.system).toEqual([
			{type: 'text', text: 'identity'},
			{type: 'text', text: 'You are a subagent.', cache_control: {type: 'ephemeral'}},
		]);
		// The caller's object is not mutated.
		expect(JSON.stringify(input)).toContain('CCR-SUBAGENT-MODEL');
	});

	it('is found in the first user message only (not later ones)', () => {
		const later = request({
			messages: [
				{role: 'user', content: 'hi'},
				{role: 'assistant', content: 'yo'},
				{role: 'user', content: '<CCR-SUBAGENT-MODEL>main,bg-model</CCR-SUBAGENT-MODEL>'},
			],
		});
		expect(extractSubagentTag(later)).toBeUndefined();
		const first = request({messages: [{role: 'user', content: '<CCR-SUBAGENT-MODEL>main,bg-model</CCR-SUBAGENT-MODEL>hi'}]});
		expect(extractSubagentTag(first)).toEqual({target: 'main,bg-model', request: {...first, messages: [{role: 'user', content: 'hi'}]}});
	});

	it('an unknown provider in the tag is a 404 naming the tag', () => {
		const decision = routeRequest(request({system: '<CCR-SUBAGENT-MODEL>ghost,x</CCR-SUBAGENT-MODEL>'}), config(), {estimateTokens: tokens(1)});
		if (!('error' in decision)) throw new Error('expected an error');
		expect(decision.error.message).toMatch(/<CCR-SUBAGENT-MODEL> tag names unknown provider "ghost"/);
	});
});

describe('helpers', () => {
	it('resolveTarget rejects malformed targets', () => {
		expect(resolveTarget(config(), 'no-comma')).toEqual({error: expect.stringContaining('not of the form')});
	});

	it('lastUserTurnHasImage ignores assistant-last conversations', () => {
		expect(
			lastUserTurnHasImage(
				request({
					messages: [
						{role: 'user', content: [image]},
						{role: 'assistant', content: 'x'},
					],
				}),
			),
		).toBe(false);
	});
});
