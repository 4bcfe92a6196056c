/**
 * Writes a provider from the wizard (or `add-gemini-balance`) into the config: the same server is
 * updated in place, never duplicated; a different server under a taken name gets `name-2`.
 */
import type {Config, RawConfig, Scenario} from '../config/schema.js';
import type {ConfigSnapshot, ConfigStore} from '../config/store.js';
import {normalizeUrl, type ProviderEndpoint} from './normalize-url.js';
import {geminiBalanceProfile, PRESETS, type PresetId} from './presets.js';
import {targetForProvider} from './provider-target.js';

export type ProviderDraft = {
	readonly preset: PresetId;
	readonly endpoint: ProviderEndpoint;
	/** As the user typed it: a literal key or a `$ENV` reference. undefined/'' = none (or keep the existing one). */
	readonly apiKey?: string;
	readonly models: readonly string[];
	/** Scenario → model id of this provider. */
	readonly routes: Readonly<Partial<Record<Scenario, string>>>;
	/** Explicit name (`--name`); otherwise the preset's name or a unique variant. */
	readonly name?: string;
};

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

/** Decide name and add/update without touching anything. */
export function planProviderSave(config: Config, draft: ProviderDraft): SavePlan {
	const models = [...new Set([...draft.models, ...Object.values(draft.routes).filter((model): model is string => Boolean(model))])];
	const providers = config.Providers;
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

	const base = PRESETS[draft.preset].defaultName;
	const taken = new Set(providers.map(provider => provider.name.toLowerCase()));
	let name = base;
	for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
	const reason = name === base ? `adds provider "${name}"` : `adds provider "${name}" ("${base}" already points at another server)`;
	return {name, mode: 'add', reason, models};
}

/**
 * Upsert the provider and point the chosen routes at it, in one validated, atomic write. The plan is
 * made on the file as it is when saving, so a provider another process saved meanwhile is kept (and
 * its name is not taken twice). `notice` is set when the save could not keep the file's formatting.
 */
export function saveProvider(store: ConfigStore, draft: ProviderDraft): {plan: SavePlan; snapshot: ConfigSnapshot; notice?: string} {
	let plan = planProviderSave(store.getSnapshot().config, draft);
	const result = store.save((raw, current) => {
		plan = planProviderSave(current, draft);
		// Claude Code Router also accepts lower-case `providers`; write where the user keeps them.
		const key = Array.isArray(raw['Providers']) || !Array.isArray(raw['providers']) ? 'Providers' : 'providers';
		const list = Array.isArray(raw[key]) ? [...(raw[key] as RawConfig[])] : [];
		const existing = plan.index === undefined ? undefined : list[plan.index];
		list[plan.index ?? list.length] = buildProvider(draft, plan, existing);
		raw[key] = list;

		const router = {...(raw['Router'] as RawConfig | undefined)};
		for (const [scenario, model] of Object.entries(draft.routes)) {
			if (model) router[scenario] = `${plan.name},${model}`;
		}

		if (existing && existing['name'] !== plan.name) renameRoutes(router, String(existing['name']), plan.name);
		raw['Router'] = router;
	});
	return {plan, snapshot: result.snapshot, notice: result.notice};
}

function buildProvider(draft: ProviderDraft, plan: SavePlan, existing: RawConfig | undefined): RawConfig {
	const preset = PRESETS[draft.preset];
	const profile = draft.endpoint.kind === 'gemini-balance' ? geminiBalanceProfile(draft.endpoint.api ?? 'v1') : preset.profile;
	const provider: RawConfig = {...existing, name: plan.name, api_base_url: draft.endpoint.chatUrl, models: [...plan.models]};
	const key = draft.apiKey?.trim();
	const pool = existing?.['api_key'];
	// Re-running the wizard on a key pool shows its first key: keep the pool rather than shrink it.
	if (key && !(Array.isArray(pool) && pool.includes(key))) provider['api_key'] = key;
	else if (preset.key === 'none' && provider['api_key'] === undefined) provider['api_key'] = 'ollama'; // Claude Code Router skips key-less providers.
	if (profile) provider['profile'] = profile;
	return provider;
}

function renameRoutes(router: RawConfig, from: string, to: string): void {
	for (const [scenario, value] of Object.entries(router)) {
		if (typeof value === 'string' && value.startsWith(`${from},`)) router[scenario] = `${to},${value.slice(from.length + 1)}`;
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
	if (sameUrl(a.chatUrl, b.chatUrl)) return true;
	// The same Gemini Balance server, whichever of its APIs: switching API updates it.
	return a.kind === 'gemini-balance' && b.kind === 'gemini-balance' && sameUrl(a.root, b.root);
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
