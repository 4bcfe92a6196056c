import type {ProviderConfig} from '../config/schema.js';
import {envRefName} from '../config/env-refs.js';
import {speaksGeminiNative} from '../config/gemini-native.js';
import {geminiBalanceEndpointFor, nativeEndpointFor, normalizeUrl, openAiEndpointFor, type ProviderEndpoint} from './normalize-url.js';
import type {GeminiBalanceApi} from './presets.js';

/** Everything the checks need to talk to one provider. */
export type ProbeTarget = {
	readonly name: string;
	readonly endpoint: ProviderEndpoint;
	/** The key actually sent (first of a pool); undefined: no Authorization header. */
	readonly apiKey?: string;
	/** Set when the key is a `$VAR` reference whose variable is not set. */
	readonly missingEnv?: string;
	readonly poolSize: number;
	/** Every non-empty key of the pool, in order (unset `$VAR` references kept as written). */
	readonly keys: readonly string[];
	readonly headers: Readonly<Record<string, string>>;
	/** Ollama needs no key; every other provider without one will be refused. */
	readonly keyless: boolean;
};

const GEMINI_BALANCE_NAME = /gemini[-_ ]?balance/i;

/**
 * Gemini Balance either by explicit profile or by a Claude Code Router-era name (a `transformer:
 * gemini` provider named so is its native API).
 */
export function isGeminiBalanceProvider(provider: ProviderConfig): boolean {
	if (provider.profile === 'gemini-balance' || provider.profile === 'gemini-openai' || provider.profile === 'gemini-balance-native') return true;
	return (provider.profile === undefined || provider.profile === 'gemini-native') && GEMINI_BALANCE_NAME.test(provider.name);
}

/** Which of Gemini Balance's APIs a provider uses. */
export function geminiBalanceApiOf(provider: ProviderConfig): GeminiBalanceApi {
	if (speaksGeminiNative(provider)) return 'native';
	return provider.profile === 'gemini-openai' || /\/openai\/v1(\/|$)/.test(provider.api_base_url) ? 'openai' : 'v1';
}

export function targetForProvider(provider: ProviderConfig): ProbeTarget {
	const endpoint = endpointForProvider(provider);
	const keys = (Array.isArray(provider.api_key) ? provider.api_key : [provider.api_key]).filter((key): key is string => typeof key === 'string' && key.trim() !== '');
	const first = keys[0]?.trim();
	// The store keeps unknown `$VAR` references literally; sending one would just get a 401.
	const missingEnv = first ? envRefName(first) : undefined;
	return {
		name: provider.name,
		endpoint,
		apiKey: missingEnv ? undefined : first,
		missingEnv,
		poolSize: keys.length,
		keys: keys.map(key => key.trim()),
		headers: {...provider.headers},
		keyless: provider.profile === 'ollama' || /:11434(\/|$)/.test(provider.api_base_url),
	};
}

function endpointForProvider(provider: ProviderConfig): ProviderEndpoint {
	if (isGeminiBalanceProvider(provider)) {
		const api = geminiBalanceApiOf(provider);
		const normalized = normalizeUrl(provider.api_base_url, {kind: 'gemini-balance', api});
		// The URL decides the API, except for native: a transformer or profile says so whatever the path.
		if (normalized.ok) return api === 'native' ? geminiBalanceEndpointFor(normalized.endpoint.root, 'native') : normalized.endpoint;
	}

	if (speaksGeminiNative(provider)) {
		const normalized = normalizeUrl(provider.api_base_url, {kind: 'openai-compatible'});
		if (normalized.ok && normalized.endpoint.native) return normalized.endpoint;
		// `transformer: gemini` on another path (a bare host, `/v1`): the proxy posts under it, adding `/v1beta` to a bare one.
		const base = provider.api_base_url.replace(/\/+$/, '').replace(/\/models$/, '');
		return nativeEndpointFor(/\/v1(beta|alpha)?$/.test(base) ? base : `${base}/v1beta`);
	}

	const normalized = normalizeUrl(provider.api_base_url, {kind: 'openai-compatible'});
	if (normalized.ok) {
		// Post exactly where the proxy posts: a full `…/chat/completions` URL is used as written.
		const chatUrl = /\/chat\/completions\/?$/.test(provider.api_base_url) ? provider.api_base_url.replace(/\/$/, '') : normalized.endpoint.chatUrl;
		return {...normalized.endpoint, chatUrl};
	}

	return openAiEndpointFor(provider.api_base_url.replace(/\/+$/, ''));
}
