import type {Config} from '../config/schema.js';

/**
 * Claude Code's gateway model discovery (`GET /v1/models`) keeps only ids that contain "claude",
 * so every configured `provider,model` is also offered as `claude-ccr-<alias>`, and the router maps
 * such an id back. The alias drops a provider name the model id already starts with
 * (`deepseek,deepseek-chat` → `claude-ccr-deepseek-chat`).
 */
const DISCOVERY_PREFIX = 'claude-ccr-';

function discoveryAlias(provider: string, model: string): string {
	const redundant = model.toLowerCase().startsWith(`${provider.toLowerCase()}-`);
	return `${DISCOVERY_PREFIX}${redundant ? model : `${provider}-${model}`}`;
}

export type DiscoveryModel = {readonly id: string; readonly target: string; readonly displayName: string};

/** Every configured target with its alias; the first of two equal aliases wins. */
export function listDiscoveryModels(config: Config): DiscoveryModel[] {
	const seen = new Set<string>();
	const models: DiscoveryModel[] = [];
	for (const provider of config.Providers) {
		for (const model of provider.models) {
			const id = discoveryAlias(provider.name, model);
			if (seen.has(id.toLowerCase())) continue;
			seen.add(id.toLowerCase());
			models.push({id, target: `${provider.name},${model}`, displayName: `${provider.name}/${model}`});
		}
	}

	return models;
}

/** `claude-ccr-…` → `provider,model`, or undefined for any other model id. */
export function resolveDiscoveryAlias(config: Config, modelId: string): string | undefined {
	if (!modelId.toLowerCase().startsWith(DISCOVERY_PREFIX)) return undefined;
	const wanted = modelId.toLowerCase();
	return listDiscoveryModels(config).find(model => model.id.toLowerCase() === wanted)?.target;
}
