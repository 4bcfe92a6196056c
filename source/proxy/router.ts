/**
 * Which provider and model answer a request, and why. Pure: the config and request in, a decision
 * out (the caller loads the custom router and counts tokens lazily). First match wins:
 *
 *   1. custom router answer (CUSTOM_ROUTER_PATH, already resolved by the caller)
 *   2. webSearch: a `web_search*` server tool is present — even with an explicit model, because
 *      Claude Code sends its WebSearch request with the session's model, which usually cannot search
 *   3. `provider,model` in the model field (provider name matched case-insensitively)
 *   4. longContext: input tokens above Router.longContextThreshold
 *   5. `<CCR-SUBAGENT-MODEL>provider,model</CCR-SUBAGENT-MODEL>` in any system block or the first user message
 *   6. background: a haiku model
 *   7. think: the request's effort (`output_config.effort`, or what `thinking` implies) is at least
 *      Router.thinkEffort (default xhigh) — Claude Code asks for adaptive thinking on every request
 *   8. image: the last user turn carries an image
 *   9. default
 *
 * A web search request that no webSearch route takes must land on a target that can search (its
 * `-search` variant is used when the provider lists one); otherwise it is refused with a message
 * naming the route to set, never answered by a model that would invent results.
 *
 * The subagent tag is always stripped from the request that goes upstream, whichever rule wins.
 */
import {formatInteger} from '../text/format.js';
import type {RouteScenario} from '../activity/events.js';
import {parseRouteTarget, SCENARIOS, thinkEffortOf, type Config, type ProviderConfig, type Scenario} from '../config/schema.js';
import {effortAtLeast, requestEffort} from './effort.js';
import {resolveDiscoveryAlias} from './model-aliases.js';

/** The parts of an Anthropic request routing looks at. */
export type RoutableRequest = {
	model: string;
	system?: string | ReadonlyArray<{type: string; text?: string; [key: string]: unknown}>;
	messages: ReadonlyArray<{role: string; content: string | ReadonlyArray<{type: string; [key: string]: unknown}>}>;
	tools?: ReadonlyArray<{type?: string; name?: string; [key: string]: unknown}>;
	thinking?: {type?: string; [key: string]: unknown} | null;
	output_config?: {effort?: unknown; [key: string]: unknown} | null;
};

export type RouteDecision<T extends RoutableRequest = RoutableRequest> = {
	readonly scenario: RouteScenario;
	/** Which fallback list applies (explicit, subagent and custom choices count as `default`). */
	readonly fallbackScenario: Scenario;
	/** Human-readable, e.g. `input ~81,204 tokens > longContextThreshold 60,000`. */
	readonly reason: string;
	readonly provider: ProviderConfig;
	readonly model: string;
	/** Canonical `Provider,model`. */
	readonly target: string;
	/** The request to send: the subagent tag removed. */
	readonly request: T;
};

export type RouteError = {
	readonly status: number;
	readonly type: 'not_found_error' | 'invalid_request_error';
	readonly message: string;
};

export type RouteOptions = {
	/** Input-token estimate; called only when a longContext route exists. */
	readonly estimateTokens: () => number;
	/** What CUSTOM_ROUTER_PATH answered (already checked to look like `provider,model`). */
	readonly custom?: string;
	/** Named in the "no route" message. */
	readonly configPath?: string;
	/**
	 * The model that answers a web search on this provider: `model` itself or its search variant
	 * when the target can search, undefined when it cannot. @default nothing can search
	 */
	readonly searchModel?: (provider: ProviderConfig, model: string) => string | undefined;
};

const SUBAGENT_TAG = /<CCR-SUBAGENT-MODEL>([\s\S]*?)<\/CCR-SUBAGENT-MODEL>\s*/;

export function routeRequest<T extends RoutableRequest>(request: T, config: Config, options: RouteOptions): RouteDecision<T> | {error: RouteError} {
	const search = webSearchTool(request);
	const decision = routeByRules(request, config, options, search);
	if (!search || 'error' in decision) return decision;
	return searchOn(decision, options, search);
}

// Over 60 lines: the routing rules in their fixed order, one branch per rule.
function routeByRules<T extends RoutableRequest>(request: T, config: Config, options: RouteOptions, search: WebSearchTool | undefined): RouteDecision<T> | {error: RouteError} {
	const router = config.Router;
	const tagged = extractSubagentTag(request);
	const cleaned = tagged?.request ?? request;

	const pick = (target: string, scenario: RouteScenario, fallbackScenario: Scenario, reason: string, setting: string): RouteDecision<T> | {error: RouteError} => {
		let resolved = resolveTarget(config, target);
		let why = reason;
		if ('error' in resolved) {
			// A route of the config that names nothing usable: its fallback list is what the user set up for that.
			const fallback = setting.startsWith('Router.') ? firstUsableFallback(config, fallbackScenario) : undefined;
			if (!fallback) return {error: {status: 404, type: 'not_found_error', message: `${setting} names ${resolved.error}`}};
			why = `${reason}; ${setting} names ${resolved.error}, so fallback.${fallbackScenario} ${fallback.entry} is used`;
			resolved = fallback.target;
		}

		return {
			scenario,
			fallbackScenario,
			reason: why,
			provider: resolved.provider,
			model: resolved.model,
			target: `${resolved.provider.name},${resolved.model}`,
			request: cleaned,
		};
	};

	if (options.custom) {
		return pick(options.custom, 'custom', 'default', `custom router chose ${options.custom}`, 'the custom router (CUSTOM_ROUTER_PATH)');
	}

	if (search && router.webSearch) {
		return pick(router.webSearch, 'webSearch', 'webSearch', `request carries the ${search.type} tool`, 'Router.webSearch');
	}

	const discovered = resolveDiscoveryAlias(config, request.model);
	if (discovered) {
		return pick(discovered, 'explicit', 'default', `model field names ${request.model} (${discovered})`, `the model "${request.model}"`);
	}

	if (parseRouteTarget(request.model)) {
		return pick(request.model, 'explicit', 'default', `model field names ${request.model}`, `the model "${request.model}"`);
	}

	if (router.longContext) {
		const tokens = options.estimateTokens();
		const threshold = router.longContextThreshold;
		if (tokens > threshold) {
			return pick(
				router.longContext,
				'longContext',
				'longContext',
				`input ~${formatInteger(tokens)} tokens > longContextThreshold ${formatInteger(threshold)}`,
				'Router.longContext',
			);
		}
	}

	if (tagged) {
		return pick(tagged.target, 'subagent', 'default', `subagent tag names ${tagged.target}`, 'the <CCR-SUBAGENT-MODEL> tag');
	}

	if (router.background && /haiku/i.test(request.model)) {
		return pick(router.background, 'background', 'background', `${request.model} is a haiku (background) model`, 'Router.background');
	}

	const effort = router.think ? requestEffort(request) : undefined;
	const threshold = thinkEffortOf(router);
	if (router.think && effort && effortAtLeast(effort, threshold)) {
		return pick(router.think, 'think', 'think', `effort ${effort}${budgetNote(request)} ≥ thinkEffort ${threshold}`, 'Router.think');
	}

	if (router.image && lastUserTurnHasImage(request)) {
		return pick(router.image, 'image', 'image', 'the last user turn carries an image', 'Router.image');
	}

	if (router.default) {
		return pick(router.default, 'default', 'default', 'no other rule matched', 'Router.default');
	}

	const where = options.configPath ? ` in ${options.configPath}` : '';
	const known = config.Providers.length > 0 ? ` (configured providers: ${providerList(config)})` : ' (no providers are configured yet)';
	return {
		error: {
			status: 404,
			type: 'not_found_error',
			message:
				`model "${request.model}" is not routed to any provider: set Router.default to "provider,model"${where}${known}, ` + 'or pick a default route in the ccr-tui dashboard',
		},
	};
}

type WebSearchTool = {readonly type: string};

/** Anthropic's web search server tool (`web_search_20250305`, …), when the request carries it. */
function webSearchTool(request: RoutableRequest): WebSearchTool | undefined {
	const tool = request.tools?.find(item => typeof item.type === 'string' && item.type.startsWith('web_search'));
	return tool ? {type: tool.type!} : undefined;
}

/**
 * A web search lands where it can be answered by searching: the target's search variant, or a
 * refusal naming the route to set.
 */
function searchOn<T extends RoutableRequest>(decision: RouteDecision<T>, options: RouteOptions, search: WebSearchTool): RouteDecision<T> | {error: RouteError} {
	const model = options.searchModel?.(decision.provider, decision.model);
	if (model === undefined) {
		// The user chose these for this request (a webSearch route, their custom router): trusted as set.
		if (decision.scenario === 'webSearch' || decision.scenario === 'custom') return decision;
		return {
			error: {
				status: 400,
				type: 'invalid_request_error',
				message:
					`web search is not available: the request carries the ${search.type} tool but ${decision.target} cannot search the web ` +
					'and no webSearch route is set. Set Router.webSearch to a model that can search (a Gemini Balance "-search" model, or an ' +
					'Anthropic provider) in the ccr-tui dashboard or in config.json',
			},
		};
	}

	if (model === decision.model) return decision;
	return {...decision, model, target: `${decision.provider.name},${model}`, reason: `${decision.reason}; searching with ${model}`};
}

function budgetNote(request: RoutableRequest): string {
	const thinking = request.thinking;
	return thinking?.type === 'enabled' && Number(thinking['budget_tokens']) > 0 ? ` (thinking budget ${formatInteger(Number(thinking['budget_tokens']))})` : '';
}

function firstUsableFallback(config: Config, scenario: Scenario): {entry: string; target: {provider: ProviderConfig; model: string}} | undefined {
	const chain = (config.fallback as Record<string, readonly string[] | undefined> | undefined)?.[scenario] ?? [];
	for (const entry of chain) {
		const target = resolveTarget(config, entry);
		if (!('error' in target)) return {entry, target};
	}

	return undefined;
}

/** One warning per route (and fallback entry) of the config that names no configured provider: shown at start. */
export function routeWarnings(config: Config): string[] {
	const warnings: string[] = [];
	const router = config.Router as Record<string, unknown>;
	for (const scenario of SCENARIOS) {
		const target = router[scenario];
		if (typeof target !== 'string' || target === '') continue;
		const resolved = resolveTarget(config, target);
		if (!('error' in resolved)) continue;
		const fallback = firstUsableFallback(config, scenario);
		warnings.push(
			`Router.${scenario} names ${resolved.error}: ${fallback ? `its requests go to fallback.${scenario} (${fallback.entry})` : `its requests fail with 404 (no usable fallback.${scenario})`}`,
		);
	}

	for (const [scenario, chain] of Object.entries((config.fallback ?? {}) as Record<string, readonly string[] | undefined>)) {
		for (const entry of chain ?? []) {
			const resolved = resolveTarget(config, entry);
			if ('error' in resolved) warnings.push(`fallback.${scenario} entry "${entry}" names ${resolved.error}: it is skipped`);
		}
	}

	return warnings;
}

/**
 * `provider,model` → the configured provider (name matched case-insensitively) and the model
 * (spelled as listed when it is listed; other model ids are passed through as given).
 */
export function resolveTarget(config: Config, target: string): {provider: ProviderConfig; model: string} | {error: string} {
	const parsed = parseRouteTarget(target);
	if (!parsed) return {error: `"${target}", which is not of the form "provider,model"`};
	const wanted = parsed.provider.toLowerCase();
	const provider = config.Providers.find(item => item.name.toLowerCase() === wanted);
	if (!provider) {
		const known = config.Providers.length > 0 ? `known providers: ${providerList(config)}` : 'no providers are configured';
		return {error: `unknown provider "${parsed.provider}" (${known})`};
	}

	const model = provider.models.find(item => item.toLowerCase() === parsed.model.toLowerCase()) ?? parsed.model;
	return {provider, model};
}

/** Finds the tag in any system block or the first user message; returns the request without it. */
export function extractSubagentTag<T extends RoutableRequest>(request: T): {target: string; request: T} | undefined {
	const system = request.system;
	if (typeof system === 'string') {
		const match = SUBAGENT_TAG.exec(system);
		if (match) return {target: (match[1] ?? '').trim(), request: {...request, system: system.replace(SUBAGENT_TAG, '')}};
	} else if (Array.isArray(system)) {
		for (const [index, block] of system.entries()) {
			const match = typeof block.text === 'string' ? SUBAGENT_TAG.exec(block.text) : null;
			if (!match) continue;
			const blocks = [...system];
			blocks[index] = {...block, text: (block.text ?? '').replace(SUBAGENT_TAG, '')};
			return {target: (match[1] ?? '').trim(), request: {...request, system: blocks}};
		}
	}

	const firstUser = request.messages.findIndex(message => message.role === 'user');
	const message = request.messages[firstUser];
	if (!message) return undefined;
	const replaceMessage = (content: RoutableRequest['messages'][number]['content']): T => {
		const messages = [...request.messages];
		messages[firstUser] = {...message, content};
		return {...request, messages};
	};

	if (typeof message.content === 'string') {
		const match = SUBAGENT_TAG.exec(message.content);
		if (match) return {target: (match[1] ?? '').trim(), request: replaceMessage(message.content.replace(SUBAGENT_TAG, ''))};
		return undefined;
	}

	for (const [index, block] of message.content.entries()) {
		const text = block['text'];
		if (block.type !== 'text' || typeof text !== 'string') continue;
		const match = SUBAGENT_TAG.exec(text);
		if (!match) continue;
		const content = [...message.content];
		content[index] = {...block, text: text.replace(SUBAGENT_TAG, '')};
		return {target: (match[1] ?? '').trim(), request: replaceMessage(content)};
	}

	return undefined;
}

/** An image directly in the last user message, or inside one of its tool results. */
export function lastUserTurnHasImage(request: RoutableRequest): boolean {
	const last = request.messages.at(-1);
	if (last?.role !== 'user' || typeof last.content === 'string') return false;
	return last.content.some(block => {
		if (block.type === 'image') return true;
		const inner = block['content'];
		return block.type === 'tool_result' && Array.isArray(inner) && inner.some(item => (item as {type?: string}).type === 'image');
	});
}

function providerList(config: Config): string {
	return config.Providers.map(provider => provider.name).join(', ');
}
