import type {AnthropicUsage} from '../../translate/types.js';

/** OpenAI-style usage as providers send it (DeepSeek, OpenRouter and Anthropic-ish field names included). */
export type UpstreamUsage = {
	prompt_tokens?: number | null;
	completion_tokens?: number | null;
	input_tokens?: number | null;
	output_tokens?: number | null;
	prompt_cache_hit_tokens?: number | null;
	cache_read_input_tokens?: number | null;
	cache_creation_input_tokens?: number | null;
	prompt_tokens_details?: {cached_tokens?: number | null; cache_write_tokens?: number | null; cache_creation_tokens?: number | null} | null;
};

/**
 * Spec §2.10. Anthropic's `input_tokens` excludes cache reads and writes, so those are subtracted and
 * reported next to it; `input_tokens` stays ≥ 1 when the prompt was non-empty because Claude Code
 * ignores a 0 (its context meter would freeze). Without upstream usage: the request estimate and
 * ~4 characters per output token.
 */
export function mapUsage(usage: UpstreamUsage | null | undefined, inputEstimate: number, outputChars: number): AnthropicUsage {
	if (!usage) {
		return {
			input_tokens: inputEstimate,
			output_tokens: Math.max(1, Math.ceil(outputChars / 4)),
			cache_creation_input_tokens: 0,
			cache_read_input_tokens: 0,
		};
	}

	const details = usage.prompt_tokens_details;
	const prompt = usage.prompt_tokens ?? usage.input_tokens ?? 0;
	let cacheRead = details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? usage.cache_read_input_tokens ?? 0;
	const cacheWrite = details?.cache_write_tokens ?? details?.cache_creation_tokens ?? usage.cache_creation_input_tokens ?? 0;
	let input = prompt - cacheRead - cacheWrite;
	if (input <= 0 && prompt > 0) {
		input = 1;
		cacheRead = Math.max(0, prompt - cacheWrite - 1);
	}

	return {
		input_tokens: Math.max(0, input),
		output_tokens: usage.completion_tokens ?? usage.output_tokens ?? 0,
		cache_creation_input_tokens: cacheWrite,
		cache_read_input_tokens: cacheRead,
	};
}
