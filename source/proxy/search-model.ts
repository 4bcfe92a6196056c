/**
 * Which model answers a web search on a provider, if any. Anthropic-compatible upstreams run the
 * `web_search_*` server tool themselves. Gemini Balance runs Google Search for its `-search` models
 * (it adds the googleSearch tool when the request has no functions — Claude Code's search request
 * has none once the server tool is removed). The native Gemini dialect sends `googleSearch` itself.
 * Everything else would answer from memory.
 */
import type {ProviderConfig} from '../config/schema.js';
import {isGeminiBalanceProfile} from './translate/profiles.js';
import {resolveProfile} from './translate/resolve-profile.js';

const SEARCH_SUFFIX = '-search';

export function searchModelFor(provider: ProviderConfig, model: string): string | undefined {
	const {profile} = resolveProfile(provider, model);
	if (profile.dialect === 'anthropic') return model;
	const variant = isGeminiBalanceProfile(profile.name) ? listedSearchVariant(provider, model) : undefined;
	// The native Gemini dialect sends Google's googleSearch tool itself; on Gemini Balance's native
	// path a listed -search model is its documented search route (it adds googleSearch too).
	if (profile.dialect === 'gemini') return variant ?? model;
	return variant;
}

function listedSearchVariant(provider: ProviderConfig, model: string): string | undefined {
	if (model.toLowerCase().endsWith(SEARCH_SUFFIX)) return model;
	const wanted = `${model}${SEARCH_SUFFIX}`.toLowerCase();
	return provider.models.find(item => item.toLowerCase() === wanted);
}
