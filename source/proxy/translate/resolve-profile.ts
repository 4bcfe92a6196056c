import type {ProfileName, ProviderConfig} from '../../config/schema.js';
import {isGeminiNativeUrl} from '../../config/gemini-native.js';
import {PROFILES, defineProfile, type Profile} from './profiles.js';

export type ResolvedProfile = {
	readonly profile: Profile;
	/** Claude Code Router transformer names this proxy cannot honour (reported, never fatal). */
	readonly unsupportedTransformers: readonly string[];
};

type TransformerUse = {name: string; options: Record<string, unknown>};

/** Transformers whose effect is already built into every profile (or is a no-op here). */
const BUILT_IN = new Set(['cleancache', 'enhancetool', 'streamoptions', 'groq', 'OpenAI']);

// Config snapshots are immutable and replaced on change, so caching by object identity is safe.
const cache = new WeakMap<ProviderConfig, Map<string, ResolvedProfile>>();

/**
 * Profile for one routed (provider, model): the explicit `provider.profile`, else what the Claude
 * Code Router `transformer.use` entries imply, else a guess from URL and name, else generic OpenAI;
 * then transformer options and model-specific tweaks on top.
 */
export function resolveProfile(provider: ProviderConfig, model: string): ResolvedProfile {
	let perModel = cache.get(provider);
	if (!perModel) cache.set(provider, (perModel = new Map()));
	let resolved = perModel.get(model);
	if (!resolved) perModel.set(model, (resolved = computeProfile(provider, model)));
	return resolved;
}

function computeProfile(provider: ProviderConfig, model: string): ResolvedProfile {
	const providerUses = readUses((provider.transformer as {use?: unknown} | undefined)?.use);
	const modelSpec = (provider.transformer as Record<string, unknown> | undefined)?.[model] as {use?: unknown} | undefined;
	const uses = [...providerUses, ...readUses(modelSpec?.use)];
	const names = uses.map(use => use.name);
	// CCR bypass: `use` is exactly ["Anthropic"] (model-level chains disable it).
	const bypass = providerUses.length === 1 && providerUses[0]!.name === 'Anthropic' && readUses(modelSpec?.use).length === 0;
	const baseName: ProfileName =
		provider.profile ??
		(bypass
			? 'anthropic'
			: names.includes('gemini')
				? nativeProfileName(provider)
				: names.includes('deepseek')
					? 'deepseek'
					: names.includes('openrouter')
						? 'openrouter'
						: guessProfileName(provider, model));
	const overrides: Record<string, unknown> = {...modelTweaks(baseName, provider, model)};
	const base = PROFILES[baseName];
	const unsupported: string[] = [];
	for (const {name, options} of uses) {
		if (!applyTransformer(name, options, base, overrides)) unsupported.push(name);
	}

	if (provider.max_tokens) overrides['maxOutputTokens'] = Math.min(provider.max_tokens, (overrides['maxOutputTokens'] as number | undefined) ?? Infinity);
	const profile = Object.keys(overrides).length === 0 ? base : defineProfile({...base, ...overrides});
	return Object.freeze({profile, unsupportedTransformers: Object.freeze([...new Set(unsupported)])});
}

/** Returns false for transformers that cannot be honoured. */
function applyTransformer(name: string, options: Record<string, unknown>, base: Profile, overrides: Record<string, unknown>): boolean {
	if (BUILT_IN.has(name)) return true;
	switch (name) {
		case 'Anthropic':
			// Alone it means pass-through (handled above); in a chain it is CCR's endpoint converter, which this proxy is.
			return true;
		case 'gemini':
			// Claude Code Router's native Gemini transformer: the `gemini` dialect.
			return true;
		case 'deepseek':
			overrides['maxOutputTokens'] = Math.min(8192, (overrides['maxOutputTokens'] as number | undefined) ?? 8192);
			return true;
		case 'openrouter':
		case 'customparams':
			overrides['extraBody'] = {...(overrides['extraBody'] as object | undefined), ...options};
			return true;
		case 'maxtoken': {
			const cap = Number(options['max_tokens']);
			if (!(cap > 0)) return false;
			overrides['maxOutputTokens'] = cap;
			return true;
		}

		case 'maxcompletiontokens':
			overrides['maxTokensField'] = 'max_completion_tokens';
			return true;
		case 'reasoning':
			if (base.reasoning === 'none' || base.reasoning === 'openai') overrides['reasoning'] = 'qwen';
			return true;
		case 'extrathinktag':
			overrides['thinkTags'] = true;
			return true;
		case 'sampling': {
			const {max_tokens: cap, ...sampling} = options;
			if (Number(cap) > 0) overrides['maxOutputTokens'] = Number(cap);
			overrides['samplingOverrides'] = pickNumbers(sampling, ['temperature', 'top_p', 'top_k', 'repetition_penalty']);
			return true;
		}

		default:
			// tooluse, vertex-*, cerebras, vercel, openai-responses, forcereasoning, custom plugins.
			return false;
	}
}

function readUses(list: unknown): TransformerUse[] {
	if (!Array.isArray(list)) return [];
	const uses: TransformerUse[] = [];
	for (const entry of list) {
		if (typeof entry === 'string') uses.push({name: entry, options: {}});
		else if (Array.isArray(entry) && typeof entry[0] === 'string') {
			const options = entry[1] && typeof entry[1] === 'object' ? (entry[1] as Record<string, unknown>) : {};
			uses.push({name: entry[0], options});
		}
	}

	return uses;
}

function pickNumbers(source: Record<string, unknown>, keys: string[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const key of keys) if (typeof source[key] === 'number') out[key] = source[key];
	return out;
}

const OPENAI_REASONING_MODEL = /(^|\/)(o\d(?:-|$)|gpt-5|gpt-oss)/i;

function modelTweaks(baseName: ProfileName, provider: ProviderConfig, model: string): Partial<Profile> {
	const host = parseUrl(provider.api_base_url)?.hostname ?? '';
	if (baseName === 'openai') {
		const tweaks: Record<string, unknown> = {};
		if (host === 'api.openai.com') Object.assign(tweaks, {supportsFileParts: true, supportsJsonSchema: true});
		if (OPENAI_REASONING_MODEL.test(model)) {
			tweaks['reasoning'] = 'openai';
			if (host === 'api.openai.com') Object.assign(tweaks, {maxTokensField: 'max_completion_tokens', dropSampling: true});
		}

		return tweaks as Partial<Profile>;
	}

	// OpenRouter keeps prompt caching only for Anthropic models (CCR's openrouter transformer does the same).
	if (baseName === 'openrouter' && /claude|^anthropic\//i.test(model)) return {keepCacheControl: true};
	// Gemini output limits: 65,536 from 2.5 on, 8,192 before (gemini-balance.md §4.1 item 7).
	if (baseName.startsWith('gemini') && /gemini-(1\.|2\.0)/i.test(model)) return {maxOutputTokens: 8192};
	return {};
}

/** Best guess from the URL and the provider name; unknown → generic OpenAI. */
function guessProfileName(provider: Pick<ProviderConfig, 'api_base_url' | 'name'>, model = ''): ProfileName {
	const url = parseUrl(provider.api_base_url);
	const host = url?.hostname.toLowerCase() ?? '';
	const path = url?.pathname.toLowerCase() ?? '';
	const port = url?.port ?? '';
	const name = provider.name.toLowerCase();
	const geminiHint = name.includes('gemini') || host.includes('gemini') || model.toLowerCase().startsWith('gemini');
	const balanceHint = name.includes('balance') || host.includes('balance');

	if (host === 'api.anthropic.com' || path.endsWith('/v1/messages')) return 'anthropic';
	if (host.endsWith('openrouter.ai')) return 'openrouter';
	if (host.endsWith('deepseek.com')) return 'deepseek';
	// The native API: CCR's `…/v1beta/models/`, a bare `…/v1beta` (AI Studio, Gemini Balance, `/gemini/v1beta`).
	if (isGeminiNativeUrl(provider.api_base_url)) return nativeProfileName(provider);
	if (host === 'generativelanguage.googleapis.com') return 'gemini';
	if (balanceHint || path.includes('/hf/v1') || (port === '8000' && geminiHint)) {
		return path.includes('/openai/') ? 'gemini-openai' : 'gemini-balance';
	}

	if (port === '11434' || host.includes('ollama') || name.includes('ollama')) return 'ollama';
	if (name.includes('deepseek')) return 'deepseek';
	if (name.includes('openrouter')) return 'openrouter';
	// A Gemini-named provider on an unknown host is a self-hosted proxy, most likely Gemini Balance.
	if (geminiHint && name.includes('gemini')) return path.includes('/openai/') ? 'gemini-openai' : 'gemini-balance';
	return 'openai';
}

/**
 * Which native flavour: Gemini Balance when the URL is its `/gemini/v1beta`, or the name or host says
 * "balance", or it listens on Gemini Balance's port 8000; else Google's own API (AI Studio).
 */
function nativeProfileName(provider: Pick<ProviderConfig, 'api_base_url' | 'name'>): 'gemini-native' | 'gemini-balance-native' {
	const url = parseUrl(provider.api_base_url);
	const host = url?.hostname.toLowerCase() ?? '';
	if (host === 'generativelanguage.googleapis.com') return 'gemini-native';
	const balance = /(^|\/)gemini\/v1beta/i.test(url?.pathname ?? '') || /balance/i.test(provider.name) || host.includes('balance') || url?.port === '8000';
	return balance ? 'gemini-balance-native' : 'gemini-native';
}

function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}
