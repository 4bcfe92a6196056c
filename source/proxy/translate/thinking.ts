import type {Profile} from './profiles.js';
import type {AnthropicRequest, OpenAIChatRequest} from './types.js';

type Effort = 'low' | 'medium' | 'high';

/**
 * Reasoning effort implied by `thinking` (+ `output_config.effort`), spec §1.11. Budget buckets
 * follow Claude Code Router (≤1024 low, ≤8192 medium, above high); adaptive defaults to the profile's
 * effort (Anthropic's default is high).
 */
export function thinkingEffort(request: AnthropicRequest, profile: Pick<Profile, 'adaptiveEffort'>): Effort | undefined {
	const thinking = request.thinking;
	if (!thinking || typeof thinking !== 'object') return undefined;
	if (thinking.type === 'enabled') {
		const budget = Number(thinking.budget_tokens) || 0;
		if (budget <= 0) return undefined;
		return budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
	}

	if (thinking.type === 'adaptive') {
		const effort = request.output_config?.effort;
		if (effort === 'low' || effort === 'medium' || effort === 'high') return effort;
		if (effort === 'xhigh' || effort === 'max') return 'high';
		return profile.adaptiveEffort;
	}

	return undefined;
}

export function thinkingActive(request: AnthropicRequest): boolean {
	return thinkingEffort(request, {adaptiveEffort: 'high'}) !== undefined;
}

/** Writes the profile's reasoning dialect into the outbound body. */
export function applyThinking(request: AnthropicRequest, body: OpenAIChatRequest, profile: Profile): void {
	const effort = thinkingEffort(request, profile);
	const budget = request.thinking?.type === 'enabled' ? request.thinking.budget_tokens : undefined;
	switch (profile.reasoning) {
		case 'openai':
			if (effort) body.reasoning_effort = effort;
			return;
		case 'ollama':
			// Ollama's OpenAI endpoint ignores `think`; "none" is its only off switch.
			body.reasoning_effort = effort ?? 'none';
			return;
		case 'deepseek':
			// DeepSeek thinking is on by default, so "off" must be explicit; it maps medium to high anyway.
			body['thinking'] = {type: effort ? 'enabled' : 'disabled'};
			if (effort) body.reasoning_effort = effort === 'medium' ? 'high' : effort;
			return;
		case 'openrouter':
			body['reasoning'] = !effort ? {enabled: false} : budget ? {max_tokens: budget} : {effort};
			return;
		case 'qwen':
			body['enable_thinking'] = Boolean(effort);
			if (effort && budget) body['thinking_budget'] = budget;
			return;
		case 'none':
			return;
	}
}
