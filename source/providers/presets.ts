import type {ProfileName, Scenario} from '../config/schema.js';

/** Provider kinds the add-provider wizard knows. */
export const PRESET_IDS = ['gemini-balance', 'deepseek', 'ollama', 'openrouter', 'custom'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** Gemini Balance's two OpenAI-style APIs: its own translator (`/v1`) or Google's compat layer behind the pool. */
export type GeminiBalanceApi = 'v1' | 'openai';

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
	return api === 'openai' ? 'gemini-openai' : 'gemini-balance';
}
