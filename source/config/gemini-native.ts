/**
 * Which providers speak Google's native generateContent API (`/v1beta`): the one place both the proxy
 * (profile resolution) and the connection test and wizards (endpoint, key header, model list) ask.
 */
import type {ProviderConfig} from './schema.js';

/** Claude Code Router's name for its native Gemini transformer. */
export const GEMINI_TRANSFORMER = 'gemini';

/** A base URL ending in `/v1beta` or `/v1beta/models/` (AI Studio, Gemini Balance's `/v1beta` and `/gemini/v1beta`). */
export function isGeminiNativeUrl(apiBaseUrl: string): boolean {
	let path: string;
	try {
		path = new URL(apiBaseUrl).pathname.toLowerCase();
	} catch {
		return false;
	}

	return /\/v1beta(\/models)?\/?$/.test(path);
}

/** The provider-level `transformer.use` names `gemini` (a bare string or a `[name, options]` entry). */
export function usesGeminiTransformer(transformer: unknown): boolean {
	const use = (transformer as {use?: unknown} | undefined)?.use;
	if (!Array.isArray(use)) return false;
	return use.some(entry => (Array.isArray(entry) ? entry[0] : entry) === GEMINI_TRANSFORMER);
}

/** True when the proxy sends this provider's requests in the native dialect. */
export function speaksGeminiNative(provider: Pick<ProviderConfig, 'profile' | 'transformer' | 'api_base_url'>): boolean {
	if (provider.profile) return provider.profile === 'gemini-native' || provider.profile === 'gemini-balance-native';
	return usesGeminiTransformer(provider.transformer) || isGeminiNativeUrl(provider.api_base_url);
}
