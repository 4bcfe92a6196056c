import type {ProfileName} from '../../config/schema.js';
import type {DialectName} from '../dialects/dialect.js';

type ReasoningDialect = 'none' | 'openai' | 'deepseek' | 'openrouter' | 'qwen' | 'ollama';

/**
 * Per-provider quirk flags (spec §1.13), plain data. Resolved once per (provider, model) and
 * frozen, so the hot path only reads fields.
 */
export type Profile = {
	readonly name: ProfileName | 'custom';
	/**
	 * What the upstream speaks (see dialects/dialect.ts). `anthropic`: the body is forwarded untouched
	 * (CCR `Anthropic` transformer); the quirk flags below are for `openai-chat`.
	 */
	readonly dialect: DialectName;
	readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
	/** Cap for `max_tokens` (Claude Code sends 32000 for unknown models). */
	readonly maxOutputTokens?: number;
	readonly streamUsage: boolean;
	readonly reasoning: ReasoningDialect;
	/** Effort for `thinking.type = adaptive` without `output_config.effort`. */
	readonly adaptiveEffort: 'low' | 'medium' | 'high';
	readonly replayReasoning: null | 'reasoning_content' | 'reasoning';
	/** DeepSeek wants reasoning back only on assistant turns that called tools. */
	readonly replayReasoningScope: 'all' | 'tool-turns';
	readonly thinkTags: boolean;
	readonly supportsImages: boolean;
	readonly supportsFileParts: boolean;
	readonly schemaDialect: 'openai' | 'gemini';
	readonly toolArgsMode: 'buffered' | 'passthrough';
	readonly toolArgsCumulative: boolean;
	readonly assistantToolContent: null | '';
	/**
	 * Gemini Balance `/v1` reads `tool_calls` only from a message without content, and Google refuses
	 * two model turns in a row: an assistant turn with calls goes up as the calls alone, its narration
	 * ("I'll check the file.") stays in Claude Code's transcript but not in the upstream history.
	 */
	readonly dropAssistantToolText: boolean;
	/** Gemini Balance deletes properties named like schema keywords (`examples`, `const` …): rename them. */
	readonly renameKeywordProperties: boolean;
	readonly requiresAssistantAfterToolResult: boolean;
	readonly noMidSystem: boolean;
	readonly mergeSameRole: boolean;
	readonly keepCacheControl: boolean;
	readonly eofIsDone: boolean;
	readonly refusalStopReason: 'refusal' | 'end_turn';
	readonly geminiThoughtSignatures: boolean;
	readonly supportsStreamingToolCalls: boolean;
	readonly flattenText: boolean;
	/** Omit temperature/top_p while thinking (OpenAI reasoning models reject them). */
	readonly dropSampling: boolean;
	readonly supportsTopK: boolean;
	readonly maxStop: number;
	readonly supportsParallelToolCallsParam: boolean;
	/** Gemini Balance answers 422 to an object `tool_choice`. */
	readonly toolChoiceObject: boolean;
	/**
	 * Gemini Balance's native path drops `toolConfig`: a forced tool choice cannot be sent, so it is
	 * asked for in the system instruction instead, and the proxy says so.
	 */
	readonly dropsToolConfig: boolean;
	readonly supportsJsonSchema: boolean;
	readonly forwardUser: boolean;
	readonly contextWindow?: number;
	/** Merged into the outbound body last (CCR `customparams`, `openrouter` options). */
	readonly extraBody?: Readonly<Record<string, unknown>>;
	/** Forced sampling values (CCR `sampling` transformer). */
	readonly samplingOverrides?: Readonly<{temperature?: number; top_p?: number; top_k?: number; repetition_penalty?: number}>;
	readonly extraHeaders?: Readonly<Record<string, string>>;
};

const BASE_PROFILE: Profile = Object.freeze({
	name: 'openai',
	dialect: 'openai-chat',
	maxTokensField: 'max_tokens',
	streamUsage: true,
	reasoning: 'none',
	adaptiveEffort: 'high',
	replayReasoning: null,
	replayReasoningScope: 'all',
	thinkTags: false,
	supportsImages: true,
	supportsFileParts: false,
	schemaDialect: 'openai',
	toolArgsMode: 'buffered',
	toolArgsCumulative: false,
	assistantToolContent: null,
	dropAssistantToolText: false,
	renameKeywordProperties: false,
	requiresAssistantAfterToolResult: false,
	noMidSystem: false,
	mergeSameRole: false,
	keepCacheControl: false,
	eofIsDone: false,
	refusalStopReason: 'refusal',
	geminiThoughtSignatures: false,
	supportsStreamingToolCalls: true,
	flattenText: true,
	dropSampling: false,
	supportsTopK: false,
	maxStop: 4,
	supportsParallelToolCallsParam: true,
	toolChoiceObject: true,
	dropsToolConfig: false,
	supportsJsonSchema: false,
	forwardUser: false,
} satisfies Profile);

/** A profile = the base plus overrides (also what tests use to build fixture profiles). */
export function defineProfile(overrides: Partial<Profile>): Profile {
	return Object.freeze({...BASE_PROFILE, ...overrides});
}

const GEMINI_COMMON: Partial<Profile> = {
	schemaDialect: 'gemini',
	maxOutputTokens: 65_536,
	supportsTopK: false,
	supportsFileParts: false,
};

/** Built-in profiles by name (`provider.profile` in the config picks one). */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = Object.freeze({
	// Generic OpenAI-compatible server; resolveProfile() adds reasoning for o-series/gpt-5 style models.
	openai: defineProfile({name: 'openai'}),
	deepseek: defineProfile({
		name: 'deepseek',
		maxOutputTokens: 8192,
		reasoning: 'deepseek',
		replayReasoning: 'reasoning_content',
		replayReasoningScope: 'tool-turns',
		supportsImages: false,
		contextWindow: 131_072,
	}),
	ollama: defineProfile({name: 'ollama', reasoning: 'ollama', replayReasoning: 'reasoning'}),
	openrouter: defineProfile({
		name: 'openrouter',
		reasoning: 'openrouter',
		replayReasoning: 'reasoning',
		supportsFileParts: true,
		supportsJsonSchema: true,
		extraHeaders: {'HTTP-Referer': 'https://github.com/ccr-tui/ccr-tui', 'X-Title': 'ccr-tui'},
	}),
	// Google's own OpenAI-compatible endpoint (generativelanguage.googleapis.com/v1beta/openai).
	gemini: defineProfile({...GEMINI_COMMON, name: 'gemini', reasoning: 'openai', geminiThoughtSignatures: true}),
	// Gemini Balance's `/v1` route: its own converter (spec §1.13 note, gemini-balance.md §3).
	'gemini-balance': defineProfile({
		...GEMINI_COMMON,
		name: 'gemini-balance',
		reasoning: 'none',
		dropAssistantToolText: true,
		renameKeywordProperties: true,
		// GB would move every mid-conversation system message into the system instruction.
		noMidSystem: true,
		toolChoiceObject: false,
		supportsParallelToolCallsParam: false,
	}),
	// Gemini Balance's `/openai/v1` route = Google's OpenAI-compatible endpoint behind GB's key pool.
	'gemini-openai': defineProfile({...GEMINI_COMMON, name: 'gemini-openai', reasoning: 'openai', geminiThoughtSignatures: true}),
	anthropic: defineProfile({name: 'anthropic', dialect: 'anthropic'}),
	// Native generateContent (Google AI Studio /v1beta, Gemini Balance /v1beta, CCR's `gemini` transformer).
	'gemini-native': defineProfile({...GEMINI_COMMON, name: 'gemini-native', dialect: 'gemini'}),
	// Gemini Balance's `/v1beta` and `/gemini/v1beta`: native, behind its key pool, which drops toolConfig.
	'gemini-balance-native': defineProfile({...GEMINI_COMMON, name: 'gemini-balance-native', dialect: 'gemini', dropsToolConfig: true, renameKeywordProperties: true}),
});

/** The profiles of Gemini Balance's three flavours (`/v1`, `/openai/v1`, `/v1beta`): one key pool in front of Google. */
const GEMINI_BALANCE_FLAVOURS: ReadonlySet<string> = new Set<ProfileName>(['gemini-balance', 'gemini-openai', 'gemini-balance-native']);

export function isGeminiBalanceProfile(name: string): boolean {
	return GEMINI_BALANCE_FLAVOURS.has(name);
}
