/**
 * Writes a provider from the wizard, the edit screen or `add-gemini-balance` into the config: the
 * same server (and API flavour) is updated in place, never duplicated; a different server under a
 * taken name gets `name-2`. Every save can be previewed first: the diff and the routes it breaks.
 */
import {isDeepStrictEqual} from 'node:util';
import {ConfigError} from '../config/errors.js';
import type {Config, RawConfig} from '../config/schema.js';
import type {ConfigSnapshot, ConfigStore} from '../config/store.js';
import {normalizeUrl, type ProviderEndpoint} from './normalize-url.js';
import {PRESETS} from './presets.js';
import {mergeDraft, providerFromDraft, type ProviderDraft} from './provider-draft.js';
import {applyRouteFix, diffProvider, routeImpact, type ProviderDiff, type RouteFix, type RouteImpact} from './provider-diff.js';
import {targetForProvider} from './provider-target.js';

export type {ProviderDraft} from './provider-draft.js';

export type SavePlan = {
	readonly name: string;
	readonly mode: 'add' | 'update';
	/** Index into Providers when updating. */
	readonly index?: number;
	/** One line for the confirm screen. */
	readonly reason: string;
	/** Models written (the chosen ones plus any a route needs). */
	readonly models: readonly string[];
};

/** Decide name and add/update without touching anything; `editIndex` is the provider being edited. */
export function planProviderSave(config: Config, draft: ProviderDraft, editIndex?: number): SavePlan {
	const models = [...new Set([...draft.models, ...Object.values(draft.routes).filter((model): model is string => Boolean(model))])];
	const providers = config.Providers;
	if (editIndex !== undefined && providers[editIndex]) {
		const name = draft.name?.trim() || providers[editIndex].name;
		return {name, mode: 'update', index: editIndex, reason: `updates provider "${name}"`, models};
	}

	const sameServer = providers.findIndex(provider => sameEndpoint(endpointOf(provider, draft.endpoint.kind), draft.endpoint));
	if (draft.name) {
		const named = providers.findIndex(provider => provider.name.toLowerCase() === draft.name!.toLowerCase());
		if (named !== -1) return {name: providers[named]!.name, mode: 'update', index: named, reason: `updates provider "${providers[named]!.name}"`, models};
		if (sameServer !== -1) {
			return {name: draft.name, mode: 'update', index: sameServer, reason: `renames "${providers[sameServer]!.name}" (same server) to "${draft.name}"`, models};
		}

		return {name: draft.name, mode: 'add', reason: `adds provider "${draft.name}"`, models};
	}

	if (sameServer !== -1) {
		const name = providers[sameServer]!.name;
		return {name, mode: 'update', index: sameServer, reason: `updates provider "${name}" (same server)`, models};
	}

	// Gemini Balance's APIs can live side by side: the /openai/v1 and native ones get their own names.
	const api = draft.endpoint.kind === 'gemini-balance' ? (draft.endpoint.api ?? 'v1') : 'v1';
	const base = api === 'v1' ? PRESETS[draft.preset].defaultName : `${PRESETS[draft.preset].defaultName}-${api}`;
	const taken = new Set(providers.map(provider => provider.name.toLowerCase()));
	let name = base;
	for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
	const reason = name === base ? `adds provider "${name}"` : `adds provider "${name}" ("${base}" already points at another server)`;
	return {name, mode: 'add', reason, models};
}

export type SavePreview = {
	readonly plan: SavePlan;
	/** The provider object as it will be written (and tested). */
	readonly provider: RawConfig;
	readonly diff: ProviderDiff;
	/** Routes and fallback entries that point at a model this save removes. */
	readonly impact: RouteImpact;
};

export type SaveOptions = {
	/** The provider being edited (edit screen): updated in place whatever its URL. */
	readonly editIndex?: number;
	/** What to do with routes pointing at a removed model. @default keep */
	readonly routeFix?: RouteFix;
};

/** What a save would write and change, without writing. */
export function previewProviderSave(snapshot: Pick<ConfigSnapshot, 'config' | 'raw'>, draft: ProviderDraft, editIndex?: number): SavePreview {
	const first = planProviderSave(snapshot.config, draft, editIndex);
	const existing = first.index === undefined ? undefined : providerList(snapshot.raw)[first.index];
	const merged = mergeDraft(draft, existing);
	const plan = merged === draft ? first : planProviderSave(snapshot.config, merged, editIndex);
	const provider = providerFromDraft(merged, plan.name, plan.models, existing);
	const diff = diffProvider(existing, provider);
	const impact = existing ? unlessRouted(routeImpact(snapshot.raw, String(existing['name']), plan.models, diff.modelsRemoved), draft) : {routes: [], fallbacks: []};
	return {plan, provider, diff, impact};
}

/**
 * Upsert the provider and point the chosen routes at it, in one validated, atomic write. The save is
 * planned again on the file as it is when writing (another process may have saved meanwhile): a new
 * provider then takes a free name; an edited provider that changed in the file fails (nothing is
 * written) rather than overwrite that change. `notice` is set when the file's formatting could not
 * be kept.
 */
export function saveProvider(store: ConfigStore, draft: ProviderDraft, options: SaveOptions = {}): SavePreview & {snapshot: ConfigSnapshot; notice?: string} {
	const shown = previewProviderSave(store.getSnapshot(), draft, options.editIndex);
	let preview = shown;
	const result = store.save((raw, current) => {
		preview = previewProviderSave({config: current, raw}, draft, options.editIndex);
		if (preview.plan.mode === 'update' && !isDeepStrictEqual(preview.provider, shown.provider)) {
			const problem = `provider "${shown.plan.name}" changed in the file since this save was prepared`;
			throw new ConfigError({path: store.path, key: 'Providers', problem, message: `${problem}; nothing was saved. Look at it again and retry.`});
		}

		const {plan, provider} = preview;
		const key = providersKey(raw);
		const list = [...providerList(raw)];
		const existing = plan.index === undefined ? undefined : list[plan.index];
		list[plan.index ?? list.length] = provider;
		raw[key] = list;
		if (existing) applyRouteFix(raw, unlessRouted(routeImpact(raw, String(existing['name']), plan.models, preview.diff.modelsRemoved), draft), options.routeFix ?? {kind: 'keep'});
		const router = {...(raw['Router'] as RawConfig | undefined)};
		for (const [scenario, model] of Object.entries(draft.routes)) {
			if (model) router[scenario] = `${plan.name},${model}`;
		}

		raw['Router'] = router;
		if (existing && existing['name'] !== plan.name) renameRoutes(raw, String(existing['name']), plan.name);
	});
	return {...preview, snapshot: result.snapshot, notice: result.notice};
}

/** A route the draft points anew (a wizard's routes step) is not left pointing at a removed model. */
function unlessRouted(impact: RouteImpact, draft: ProviderDraft): RouteImpact {
	return {...impact, routes: impact.routes.filter(scenario => !draft.routes[scenario])};
}

/** What deleting a provider changes: the diff and the routes and fallbacks that point at it. */
export function previewProviderDelete(snapshot: Pick<ConfigSnapshot, 'raw'>, index: number): {diff: ProviderDiff; impact: RouteImpact} | undefined {
	const existing = providerList(snapshot.raw)[index];
	if (!existing) return undefined;
	return {diff: diffProvider(existing, undefined), impact: routeImpact(snapshot.raw, String(existing['name']), undefined)};
}

/**
 * Remove a provider; routes pointing at it follow `routeFix`, fallback entries to it are dropped.
 * `notice` is set when the file's formatting could not be kept.
 */
export function deleteProvider(store: ConfigStore, index: number, routeFix: RouteFix): {snapshot: ConfigSnapshot; notice?: string} {
	return store.save(raw => {
		const list = [...providerList(raw)];
		const existing = list[index];
		if (!existing) throw new Error('that provider is no longer in the config');
		list.splice(index, 1);
		raw[providersKey(raw)] = list;
		applyRouteFix(raw, routeImpact(raw, String(existing['name']), undefined), routeFix);
	});
}

/** Claude Code Router also accepts lower-case `providers`; write where the user keeps them. */
function providersKey(raw: RawConfig): 'Providers' | 'providers' {
	return Array.isArray(raw['Providers']) || !Array.isArray(raw['providers']) ? 'Providers' : 'providers';
}

function providerList(raw: RawConfig): RawConfig[] {
	const list = raw[providersKey(raw)];
	return Array.isArray(list) ? (list as RawConfig[]) : [];
}

function renameRoutes(raw: RawConfig, from: string, to: string): void {
	const rename = (value: unknown) => (typeof value === 'string' && value.startsWith(`${from},`) ? `${to},${value.slice(from.length + 1)}` : value);
	const router = raw['Router'] as RawConfig | undefined;
	if (router) for (const [scenario, value] of Object.entries(router)) router[scenario] = rename(value);
	const fallback = raw['fallback'] as RawConfig | undefined;
	if (fallback && typeof fallback === 'object') {
		for (const [scenario, list] of Object.entries(fallback)) if (Array.isArray(list)) fallback[scenario] = list.map(rename);
	}
}

/**
 * An existing provider's endpoint, read the way the draft's kind reads URLs: a Gemini Balance saved
 * by hand under any name (`…/hf/v1/chat/completions`) is still that Gemini Balance server.
 */
function endpointOf(provider: Config['Providers'][number], kind: ProviderEndpoint['kind']): ProviderEndpoint {
	const endpoint = targetForProvider(provider).endpoint;
	if (kind !== 'gemini-balance' || endpoint.kind === 'gemini-balance') return endpoint;
	const asGeminiBalance = normalizeUrl(provider.api_base_url, {kind: 'gemini-balance'});
	return asGeminiBalance.ok ? asGeminiBalance.endpoint : endpoint;
}

function sameEndpoint(a: ProviderEndpoint, b: ProviderEndpoint): boolean {
	// Gemini Balance's `/v1` and `/openai/v1` are two providers of one server (side by side).
	if (a.kind === 'gemini-balance' && b.kind === 'gemini-balance') return (a.api ?? 'v1') === (b.api ?? 'v1') && sameUrl(a.root, b.root);
	return sameUrl(a.chatUrl, b.chatUrl);
}

function sameUrl(a: string, b: string): boolean {
	try {
		const left = new URL(a);
		const right = new URL(b);
		const host = (url: URL) => (url.hostname === 'localhost' ? '127.0.0.1' : url.hostname);
		return left.protocol === right.protocol && host(left) === host(right) && left.port === right.port && left.pathname.replace(/\/$/, '') === right.pathname.replace(/\/$/, '');
	} catch {
		return a === b;
	}
}
