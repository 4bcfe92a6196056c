import type {ProviderConfig} from '../config/schema.js';
import {envRefName} from '../config/env-refs.js';
import {normalizeUrl, openAiEndpointFor, type ProviderEndpoint} from './normalize-url.js';

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

/** Gemini Balance either by explicit profile or by a Claude Code Router-era name. */
export function isGeminiBalanceProvider(provider: ProviderConfig): boolean {
	if (provider.profile === 'gemini-balance' || provider.profile === 'gemini-openai') return true;
	return provider.profile === undefined && GEMINI_BALANCE_NAME.test(provider.name);
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
		const api = provider.profile === 'gemini-openai' || /\/openai\/v1(\/|$)/.test(provider.api_base_url) ? 'openai' : 'v1';
		const normalized = normalizeUrl(provider.api_base_url, {kind: 'gemini-balance', api});
		if (normalized.ok) return normalized.endpoint;
	}

	const normalized = normalizeUrl(provider.api_base_url, {kind: 'openai-compatible'});
	if (normalized.ok) {
		// Post exactly where the proxy posts: a full `…/chat/completions` URL is used as written.
		const chatUrl = /\/chat\/completions\/?$/.test(provider.api_base_url) ? provider.api_base_url.replace(/\/$/, '') : normalized.endpoint.chatUrl;
		return {...normalized.endpoint, chatUrl};
	}

	return openAiEndpointFor(provider.api_base_url.replace(/\/+$/, ''));
}
