import {parseRouteTarget, SCENARIOS, type Config, type RawConfig, type Scenario} from '../config/schema.js';
import {PRESETS, type PresetId} from './presets.js';
import {isGeminiBalanceProvider} from './provider-target.js';
import type {WizardPrefill} from './wizard-state.js';

/**
 * Start the wizard from the provider this preset already configured (so re-running it updates that
 * provider): its URL, its key as written (a `$ENV` reference stays one), models and routes.
 */
export function prefillFromConfig(config: Config, raw: RawConfig, preset: PresetId): WizardPrefill {
	const index = config.Providers.findIndex(provider =>
		preset === 'gemini-balance' ? isGeminiBalanceProvider(provider) : preset !== 'custom' && provider.profile === PRESETS[preset].profile,
	);
	if (index === -1) return {};
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
		api: provider.profile === 'gemini-openai' ? 'openai' : 'v1',
		models: provider.models,
		routes,
	};
}
