/**
 * Which providers speak Google's native generateContent API (`/v1beta`), and where a model's method
 * is: the one place both the proxy (profile resolution, the dialect's URL) and the connection test
 * and wizards (endpoint, key header, model list, the completion probe) ask.
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

/**
 * The native endpoint for a model from the configured base: `…/v1beta/models/` (Claude Code Router
 * configs), `…/v1beta`, `…/gemini/v1beta` (Gemini Balance) or a bare host. The key never goes in the
 * URL (it travels in `x-goog-api-key`); a `key=` query in the config is dropped.
 */
export function geminiUrl(apiBaseUrl: string, model: string, stream: boolean): URL {
	const url = new URL(apiBaseUrl.trim());
	url.searchParams.delete('key');
	let path = url.pathname.replace(/\/+$/, '');
	path = path.replace(/\/models$/, '');
	if (!/\/v1(beta|alpha)?$/.test(path)) path = `${path}/v1beta`;
	const id = model.replace(/^models\//, '');
	url.pathname = `${path}/models/${encodeURIComponent(id)}:${stream ? 'streamGenerateContent' : 'generateContent'}`;
	if (stream) url.searchParams.set('alt', 'sse');
	return url;
}

/**
 * Google's answer to a key it does not know: HTTP 400 INVALID_ARGUMENT whose details name the reason
 * API_KEY_INVALID ("API key not valid. Please pass a valid API key."), not a 401; Gemini Balance
 * passes it on inside its own message.
 */
export function isInvalidGoogleKey(status: number, bodyText: string): boolean {
	return status === 400 && /API_KEY_INVALID|API key not valid/.test(bodyText);
}
