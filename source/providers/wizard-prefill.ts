import {parseRouteTarget, SCENARIOS, type Config, type ProviderConfig, type RawConfig, type Scenario} from '../config/schema.js';
import {normalizeUrl} from './normalize-url.js';
import {PRESETS, type GeminiBalanceApi, type PresetId} from './presets.js';
import {geminiBalanceApiOf, isGeminiBalanceProvider} from './provider-target.js';
import {speaksGeminiNative} from '../config/gemini-native.js';
import type {WizardPrefill} from './wizard-state.js';

/**
 * Start the wizard from the provider this preset already configured (so re-running it updates that
 * provider): its URL, its key as written (a `$ENV` reference stays one), models and routes.
 */
export function prefillFromConfig(config: Config, raw: RawConfig, preset: PresetId, api?: GeminiBalanceApi): WizardPrefill {
	const matches = (provider: ProviderConfig) => {
		if (preset === 'gemini-balance') return isGeminiBalanceProvider(provider);
		if (PRESETS[preset].native) return speaksGeminiNative(provider) && !isGeminiBalanceProvider(provider);
		return preset !== 'custom' && provider.profile === PRESETS[preset].profile;
	};
	// Asked for one Gemini Balance flavour: start from that one (the other is a separate provider).
	const flavoured = api ? config.Providers.findIndex(provider => matches(provider) && geminiBalanceApiOf(provider) === api) : -1;
	const any = config.Providers.findIndex(matches);
	const index = api ? flavoured : any;
	// The other flavour of the same server still tells where the server is.
	if (index === -1) return any === -1 ? {} : {url: serverRoot(config.Providers[any]!.api_base_url)};
	const provider = config.Providers[index]!;
	const rawList = (Array.isArray(raw['Providers']) ? raw['Providers'] : raw['providers']) as RawConfig[] | undefined;
	const rawKey = rawList?.[index]?.['api_key'];
	const token = typeof rawKey === 'string' ? rawKey : Array.isArray(rawKey) && typeof rawKey[0] === 'string' ? rawKey[0] : undefined;
	const routes: Partial<Record<Scenario, string>> = {};
	for (const scenario of SCENARIOS) {
		const target = parseRouteTarget(config.Router[scenario]);
		if (target && target.provider === provider.name) routes[scenario] = target.model;
	}

	return {
		url: provider.api_base_url,
		token: preset === 'ollama' ? undefined : token,
		api: geminiBalanceApiOf(provider),
		models: provider.models,
		routes,
	};
}

function serverRoot(url: string): string {
	const normalized = normalizeUrl(url, {kind: 'gemini-balance'});
	return normalized.ok ? normalized.endpoint.root : url;
}
