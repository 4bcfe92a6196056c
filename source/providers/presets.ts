import type {ProfileName, Scenario} from '../config/schema.js';

/** Provider kinds the add-provider wizard knows. */
export const PRESET_IDS = ['gemini-balance', 'deepseek', 'ollama', 'openrouter', 'google-ai-studio', 'custom'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/**
 * Gemini Balance's three APIs: its own OpenAI translator (`/v1`), Google's OpenAI compat layer behind
 * the pool (`/openai/v1`), or Gemini's native generateContent passed through (`/v1beta`).
 */
export const GEMINI_BALANCE_APIS = ['v1', 'openai', 'native'] as const;
export type GeminiBalanceApi = (typeof GEMINI_BALANCE_APIS)[number];

export function isGeminiBalanceApi(value: unknown): value is GeminiBalanceApi {
	return typeof value === 'string' && (GEMINI_BALANCE_APIS as readonly string[]).includes(value);
}

/** How the wizard, the CLI and `--help` name each API, and what it is good and bad at (measured: see the README). */
export const GEMINI_BALANCE_API_INFO: Readonly<Record<GeminiBalanceApi, {readonly label: string; readonly note: string}>> = {
	v1: {label: '/v1', note: "Gemini Balance's own OpenAI translator: thinking shown, -search/-image models (default)"},
	openai: {label: '/openai/v1', note: "Google's OpenAI-compatible endpoint behind the pool: ids and Gemini 3 signatures kept, no thinking shown"},
	native: {
		label: 'Gemini native (/v1beta)',
		note: "Gemini's own API through the pool: thinking, Gemini 3 signatures and structured tool results kept; Gemini Balance ignores tool_choice",
	},
};

export type ProviderPreset = {
	readonly id: PresetId;
	readonly label: string;
	/** One line shown under the label in the preset list. */
	readonly description: string;
	/** Provider name written to the config (a unique variant when taken by another server). */
	readonly defaultName: string;
	/** Pre-filled base URL; '' means the user has to type one. */
	readonly defaultUrl: string;
	readonly urlPlaceholder: string;
	/** Gemini Balance has its own URL rules, /health fingerprint and model suffixes. */
	readonly kind: 'gemini-balance' | 'openai-compatible';
	/** Speaks Google's native generateContent API (key in `x-goog-api-key`, Google's model list). */
	readonly native?: boolean;
	/** 'required': the wizard insists; 'optional': may stay empty; 'none': the step is skipped. */
	readonly key: 'required' | 'optional' | 'none';
	readonly keyLabel: string;
	/** Env variable suggested for a `$ENV` reference. */
	readonly keyEnv?: string;
	/** Translation profile written to the config (custom: let the proxy guess from the URL). */
	readonly profile?: ProfileName;
	/** Routes ticked by default in the route step. */
	readonly defaultRoutes: readonly Scenario[];
};

export const PRESETS: Readonly<Record<PresetId, ProviderPreset>> = {
	'gemini-balance': {
		id: 'gemini-balance',
		label: 'Gemini Balance',
		description: 'self-hosted Gemini key pool (snailyp/gemini-balance), usually the longContext route',
		defaultName: 'gemini-balance',
		defaultUrl: 'http://127.0.0.1:8000',
		urlPlaceholder: 'e.g. http://127.0.0.1:8000',
		kind: 'gemini-balance',
		key: 'required',
		keyLabel: 'Access token (one of ALLOWED_TOKENS, or AUTH_TOKEN)',
		keyEnv: 'GB_TOKEN',
		profile: 'gemini-balance',
		defaultRoutes: ['longContext'],
	},
	'google-ai-studio': {
		id: 'google-ai-studio',
		label: 'Google AI Studio',
		description: 'Gemini API with a free key from aistudio.google.com/apikey (native /v1beta)',
		defaultName: 'gemini',
		defaultUrl: 'https://generativelanguage.googleapis.com/v1beta',
		urlPlaceholder: 'e.g. https://generativelanguage.googleapis.com/v1beta',
		kind: 'openai-compatible',
		native: true,
		key: 'required',
		keyLabel: 'Gemini API key (create one at https://aistudio.google.com/apikey)',
		keyEnv: 'GEMINI_API_KEY',
		defaultRoutes: ['longContext'],
	},
	deepseek: {
		id: 'deepseek',
		label: 'DeepSeek',
		description: 'api.deepseek.com (deepseek-chat, deepseek-reasoner)',
		defaultName: 'deepseek',
		defaultUrl: 'https://api.deepseek.com',
		urlPlaceholder: 'e.g. https://api.deepseek.com',
		kind: 'openai-compatible',
		key: 'required',
		keyLabel: 'DeepSeek API key',
		keyEnv: 'DEEPSEEK_API_KEY',
		profile: 'deepseek',
		defaultRoutes: ['default'],
	},
	ollama: {
		id: 'ollama',
		label: 'Ollama',
		description: 'local models, no key needed (http://127.0.0.1:11434/v1)',
		defaultName: 'ollama',
		defaultUrl: 'http://127.0.0.1:11434/v1',
		urlPlaceholder: 'e.g. http://127.0.0.1:11434/v1',
		kind: 'openai-compatible',
		key: 'none',
		keyLabel: '',
		profile: 'ollama',
		defaultRoutes: ['background'],
	},
	openrouter: {
		id: 'openrouter',
		label: 'OpenRouter',
		description: 'hundreds of hosted models behind one key (openrouter.ai)',
		defaultName: 'openrouter',
		defaultUrl: 'https://openrouter.ai/api/v1',
		urlPlaceholder: 'e.g. https://openrouter.ai/api/v1',
		kind: 'openai-compatible',
		key: 'required',
		keyLabel: 'OpenRouter API key',
		keyEnv: 'OPENROUTER_API_KEY',
		profile: 'openrouter',
		defaultRoutes: ['default'],
	},
	custom: {
		id: 'custom',
		label: 'Other OpenAI-compatible server',
		description: 'any URL that speaks /chat/completions (vLLM, LM Studio, one-api, …)',
		defaultName: 'custom',
		defaultUrl: '',
		urlPlaceholder: 'e.g. https://api.example.com/v1',
		kind: 'openai-compatible',
		key: 'optional',
		keyLabel: 'API key (leave empty if the server needs none)',
		keyEnv: 'CUSTOM_API_KEY',
		defaultRoutes: [],
	},
};

export function isPresetId(value: unknown): value is PresetId {
	return typeof value === 'string' && (PRESET_IDS as readonly string[]).includes(value);
}

/** Profile for a Gemini Balance provider on the chosen API. */
export function geminiBalanceProfile(api: GeminiBalanceApi): ProfileName {
	if (api === 'native') return 'gemini-balance-native';
	return api === 'openai' ? 'gemini-openai' : 'gemini-balance';
}
