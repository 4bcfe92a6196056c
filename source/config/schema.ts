import {z} from 'zod';
import {unsafeCharacterIn} from '../activity/sanitize.js';
import {DEFAULT_PORT} from './defaults.js';

/** Routing scenarios, in the order the dashboard lists them. */
export const SCENARIOS = ['default', 'background', 'think', 'longContext', 'webSearch', 'image'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export {DEFAULT_HOST, DEFAULT_PORT} from './defaults.js';
const DEFAULT_LONG_CONTEXT_THRESHOLD = 60_000;
const MAX_FALLBACKS = 5;

/** Claude Code's effort levels (`--effort`, `/effort`, `output_config.effort`), lowest first. */
export const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORTS)[number];
/** Claude Code sends `medium` or `high` on every main-loop request; only a deliberate choice reaches `xhigh`. */
const DEFAULT_THINK_EFFORT: Effort = 'xhigh';

/**
 * Text the dashboard and the headless log show. A control or bidi character in it (an escape
 * sequence, an invisible mark pasted with a URL) is refused with its code point: shown raw it could
 * drive the terminal, and a name or URL containing one never matches what the user typed elsewhere.
 */
function shown(): z.ZodString {
	return z.string().superRefine((value, context) => {
		const found = unsafeCharacterIn(value);
		if (found) context.addIssue({code: 'custom', message: `contains the control character ${found}; remove it`});
	});
}

/** `"provider,model"`: only the first comma splits, so model ids may contain commas. */
const routeTarget = shown().refine(value => value.trim() === '' || /^[^,]+,.+$/.test(value), {
	message: 'must look like "provider,model"',
});

/** A transformer entry: `"name"` or `["name", {options}]` (Claude Code Router format). */
const transformerEntry = z.union([z.string(), z.tuple([z.string()]).rest(z.unknown())]);

const transformerSpec = z.looseObject({
	use: z.array(transformerEntry).optional(),
});

/** Profile names ccr-tui knows (see source/proxy/translate/profiles.ts). */
export const PROFILE_NAMES = [
	'openai',
	'deepseek',
	'ollama',
	'openrouter',
	'gemini',
	'gemini-balance',
	'gemini-openai',
	'anthropic',
	'gemini-native',
	'gemini-balance-native',
] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const providerSchema = z.looseObject({
	name: shown().trim().min(1, 'must not be empty'),
	/** Full `.../chat/completions` URL (Claude Code Router style) or a base such as `.../v1`. */
	api_base_url: shown().trim().min(1, 'must not be empty').refine(isHttpUrl, 'must be an http(s) URL'),
	/** One key or a pool of keys; `$ENV` references allowed. Ollama needs none. */
	api_key: z.union([z.string(), z.array(z.string())]).optional(),
	models: z.array(shown().min(1)).default([]),
	transformer: z.union([transformerSpec, z.record(z.string(), z.unknown())]).optional(),
	// ---- ccr-tui's own optional fields (Claude Code Router ignores them) ----
	/** Force a translation profile instead of guessing from URL/name. */
	profile: z.enum(PROFILE_NAMES).optional(),
	/** Retries before the first byte reached the client. Default 2 (0 for Gemini Balance). */
	max_retries: z.number().int().min(0).max(10).optional(),
	/** Time allowed until upstream response headers arrive. Default 120000. */
	first_byte_timeout_ms: z.number().int().positive().optional(),
	/** Extra headers sent upstream (values may be `$ENV` references). */
	headers: z.record(shown(), z.string()).optional(),
	/**
	 * Gemini Balance only: its admin token (AUTH_TOKEN), for the key pool status in the connection
	 * test and the providers panel. Secret like api_key; `$ENV` references allowed; never printed.
	 */
	admin_token: z.string().optional(),
	/** Cap for `max_tokens` sent upstream. */
	max_tokens: z.number().int().positive().optional(),
	/** Anthropic pass-through: beta names not forwarded in `anthropic-beta`; `"*"` forwards no beta (nor `?beta=true`). */
	strip_betas: z.array(z.string()).optional(),
	/** Anthropic pass-through: top-level body fields not forwarded (e.g. `context_management`). */
	strip_fields: z.array(z.string()).optional(),
});
export type ProviderConfig = z.infer<typeof providerSchema>;

const routerSchema = z.looseObject({
	default: routeTarget.optional(),
	background: routeTarget.optional(),
	think: routeTarget.optional(),
	longContext: routeTarget.optional(),
	longContextThreshold: z
		.number()
		.int()
		.nonnegative()
		.optional()
		// Claude Code Router treats 0 like "unset" (`|| 60000`).
		.transform(value => (value ? value : DEFAULT_LONG_CONTEXT_THRESHOLD)),
	webSearch: routeTarget.optional(),
	image: routeTarget.optional(),
	/** The think route takes requests whose effort is at least this. @default 'xhigh' */
	thinkEffort: z.enum(EFFORTS, {error: `must be one of ${EFFORTS.join(', ')}`}).optional(),
});
export type RouterConfig = z.infer<typeof routerSchema>;

/** The effort threshold of the think route (the one place its default is applied). */
export function thinkEffortOf(router: Pick<RouterConfig, 'thinkEffort'>): Effort {
	return router.thinkEffort ?? DEFAULT_THINK_EFFORT;
}

const fallbackSchema = z.looseObject(
	Object.fromEntries(SCENARIOS.map(scenario => [scenario, z.array(routeTarget).max(MAX_FALLBACKS, `at most ${MAX_FALLBACKS} fallbacks`).optional()])) as Record<
		Scenario,
		z.ZodOptional<z.ZodArray<typeof routeTarget>>
	>,
);

/** US dollars per million tokens for one `provider,model` (ccr-tui's own key: the user's prices, never built in). */
const priceSchema = z.looseObject({
	input: z.number().nonnegative(),
	output: z.number().nonnegative(),
	/** Cached input read; absent = billed as input. */
	cacheRead: z.number().nonnegative().optional(),
	/** Cache creation; absent = billed as input. */
	cacheWrite: z.number().nonnegative().optional(),
});

export const DEFAULT_HISTORY_RETENTION_DAYS = 30;

/** The usage history beside the config (ccr-tui's own key). */
const historySchema = z.looseObject({
	/** `false` records nothing. @default true */
	enabled: z.boolean().optional(),
	/** Day files older than this are deleted. @default 30 */
	retentionDays: z.number().int().min(1).max(3650).optional(),
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

export const configSchema = z.looseObject({
	Providers: z.array(providerSchema).default([]),
	Router: routerSchema.default({longContextThreshold: DEFAULT_LONG_CONTEXT_THRESHOLD}),
	APIKEY: z.string().optional(),
	HOST: shown().trim().min(1).optional(),
	PORT: z.number().int().min(0).max(65_535).optional(),
	LOG: z.boolean().optional(),
	LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
	API_TIMEOUT_MS: z.number().int().positive().optional(),
	/** Largest whole (non-streamed) upstream answer read, in MiB. @default 64 */
	MAX_ANSWER_MB: z.number().positive().optional(),
	PROXY_URL: z.string().optional(),
	CUSTOM_ROUTER_PATH: z.string().optional(),
	fallback: fallbackSchema.optional(),
	/** Prices per `provider,model` for the estimated cost in `ccr-tui usage`; none = no cost column. */
	pricing: z.record(z.string().regex(/^[^,]+,.+$/, 'must look like "provider,model"'), priceSchema).optional(),
	history: historySchema.optional(),
});
export type Config = z.infer<typeof configSchema>;
/** The file as written by the user: unresolved `$ENV` references, unknown keys kept. */
export type RawConfig = Record<string, unknown>;

function isHttpUrl(value: string): boolean {
	// `$ENV` references are resolved before validation, so this sees the real URL.
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/** Safe defaults for a config file that does not exist yet (same as Claude Code Router's). */
export function defaultRawConfig(): RawConfig {
	return {PORT: DEFAULT_PORT, Providers: [], Router: {}};
}

/** Split `"provider,model"` on the first comma. */
export function parseRouteTarget(value: string | undefined): {provider: string; model: string} | undefined {
	if (!value) return undefined;
	const comma = value.indexOf(',');
	if (comma <= 0 || comma === value.length - 1) return undefined;
	return {provider: value.slice(0, comma).trim(), model: value.slice(comma + 1).trim()};
}

/** Every `provider,model` pair the config offers, in file order. */
export function listRouteTargets(config: Config): string[] {
	return config.Providers.flatMap(provider => provider.models.map(model => `${provider.name},${model}`));
}
