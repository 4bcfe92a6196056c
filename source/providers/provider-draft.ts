/**
 * The ONE place a provider object is built from what the user chose (wizard, edit screen,
 * `add-gemini-balance`): the object that is saved is the object that is tested. `providerFromDraft`
 * gives the raw provider as it is written (`$ENV` references kept); `testableProvider` resolves the
 * references and validates it with the config schema, exactly as the store will after the save.
 */
import {resolveEnvRefs, type Env} from '../config/env-refs.js';
import {GEMINI_TRANSFORMER, usesGeminiTransformer} from '../config/gemini-native.js';
import {providerSchema, type ProfileName, type ProviderConfig, type RawConfig, type Scenario} from '../config/schema.js';
import type {ProviderEndpoint} from './normalize-url.js';
import {geminiBalanceProfile, PRESETS, type PresetId} from './presets.js';

export type ProviderDraft = {
	readonly preset: PresetId;
	readonly endpoint: ProviderEndpoint;
	/** The whole key pool as written: literal keys and `$ENV` references, in order. */
	readonly keys: readonly string[];
	readonly models: readonly string[];
	/** Scenario → model id of this provider. */
	readonly routes: Readonly<Partial<Record<Scenario, string>>>;
	/** Explicit name (`--name`, the edit screen); otherwise the preset's name or a unique variant. */
	readonly name?: string;
	/** Extra upstream headers (values may be `$ENV` references); undefined keeps the existing ones. */
	readonly headers?: Readonly<Record<string, string>>;
	/** Explicit profile (edit screen); null: none written (the proxy detects it); undefined: from the endpoint and preset. */
	readonly profile?: ProfileName | null;
	/**
	 * Wizards and `add-gemini-balance` merge into an existing provider: its keys and models are kept
	 * and the draft's added, except the models the user saw and unticked. Without it (the edit
	 * screen) the draft's lists are the whole truth.
	 */
	readonly merge?: {readonly removedModels: readonly string[]};
};

/** The draft to write over `existing`: merged when the draft asks for it. */
export function mergeDraft(draft: ProviderDraft, existing: RawConfig | undefined): ProviderDraft {
	if (!draft.merge || !existing) return draft;
	const removed = new Set(draft.merge.removedModels);
	const strings = (value: unknown): string[] =>
		(Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string' && item.trim() !== '');
	const models = [...new Set([...strings(existing['models']).filter(model => !removed.has(model)), ...draft.models])];
	const keys = [...new Set([...strings(existing['api_key']).map(key => key.trim()), ...draft.keys.map(key => key.trim())])];
	// A keyless provider's placeholder is not a key to keep next to a real one.
	return {...draft, models, keys: PRESETS[draft.preset].key === 'none' ? draft.keys : keys};
}

/** Claude Code Router skips key-less providers: Ollama gets a dummy key. */
const KEYLESS_PLACEHOLDER = 'ollama';

/**
 * The provider as it will be written: the existing entry's other fields (transformer, timeouts,
 * unknown keys) kept, the chosen ones replaced. `models` may carry route models the list lacks.
 */
export function providerFromDraft(draft: ProviderDraft, name: string, models: readonly string[], existing?: RawConfig): RawConfig {
	const provider: RawConfig = {...existing, name, api_base_url: draft.endpoint.chatUrl, models: [...models]};
	const keys = draft.keys.map(key => key.trim()).filter(key => key !== '');
	if (keys.length === 1) provider['api_key'] = keys[0];
	else if (keys.length > 1) provider['api_key'] = [...keys];
	else if (PRESETS[draft.preset].key === 'none') provider['api_key'] = existing?.['api_key'] ?? KEYLESS_PLACEHOLDER;
	else delete provider['api_key'];
	if (draft.headers) {
		if (Object.keys(draft.headers).length > 0) provider['headers'] = {...draft.headers};
		else delete provider['headers'];
	}

	const profile = draft.profile === undefined ? draftProfile(draft) : draft.profile;
	if (profile) provider['profile'] = profile;
	else if (draft.profile === null) delete provider['profile'];
	if (draft.endpoint.native) {
		// Native is said the way Claude Code Router says it (so the file works there too); an older
		// profile (a /v1 one) would override it here.
		if (!profile && provider['profile'] !== 'gemini-native') delete provider['profile'];
		provider['transformer'] = withGeminiTransformer(existing?.['transformer']);
	}

	return provider;
}

/** The existing transformer spec with `gemini` in its provider-level `use` (other entries and model-level chains kept). */
function withGeminiTransformer(existing: unknown): RawConfig {
	const spec: RawConfig = existing && typeof existing === 'object' && !Array.isArray(existing) ? {...(existing as RawConfig)} : {};
	const use = Array.isArray(spec['use']) ? spec['use'] : [];
	spec['use'] = usesGeminiTransformer(spec) ? [...use] : [GEMINI_TRANSFORMER, ...use];
	return spec;
}

function draftProfile(draft: ProviderDraft): ProfileName | undefined {
	if (draft.endpoint.kind === 'gemini-balance') return geminiBalanceProfile(draft.endpoint.api ?? 'v1');
	// Google's own native API is what `transformer: gemini` means without a profile.
	return draft.endpoint.native ? undefined : PRESETS[draft.preset].profile;
}

/** The raw provider as the proxy will see it: `$ENV` resolved, schema defaults applied. Throws on an invalid one. */
export function testableProvider(raw: RawConfig, env: Env): ProviderConfig {
	return providerSchema.parse(resolveEnvRefs(raw, env));
}
