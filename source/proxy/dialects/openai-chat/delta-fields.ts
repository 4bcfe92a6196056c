/** Field readers shared by the stream and non-stream paths (one OpenAI `delta` or `message`). */

export type OpenAIDelta = {
	content?: unknown;
	refusal?: unknown;
	reasoning_content?: unknown;
	reasoning?: unknown;
	reasoning_details?: unknown;
	thinking?: unknown;
	tool_calls?: unknown;
};

/**
 * Reasoning text, first source wins (spec §2.8): `reasoning_content` (DeepSeek, Qwen, GLM, Gemini
 * Balance) → `reasoning` (OpenRouter, Ollama) → `reasoning_details[].text` only when both string
 * fields are absent (OpenRouter repeats the same text there) → `thinking`.
 */
export function reasoningText(delta: OpenAIDelta): string {
	const content = delta.reasoning_content;
	if (typeof content === 'string' && content) return content;
	const reasoning = delta.reasoning;
	if (typeof reasoning === 'string' && reasoning) return reasoning;
	if (content == null && reasoning == null && Array.isArray(delta.reasoning_details)) {
		let text = '';
		for (const detail of delta.reasoning_details as Array<{type?: unknown; text?: unknown}>) {
			if (detail?.type === 'reasoning.text' && typeof detail.text === 'string') text += detail.text;
		}

		if (text) return text;
	}

	const thinking = delta.thinking;
	if (typeof thinking === 'string') return thinking;
	if (thinking && typeof thinking === 'object') {
		const inner = (thinking as {content?: unknown}).content;
		if (typeof inner === 'string') return inner;
	}

	return '';
}

/** `content` as text: a string, or the text parts of an array (Mistral-style). */
export function contentText(delta: OpenAIDelta): string {
	const content = delta.content;
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	let text = '';
	for (const part of content as Array<{type?: unknown; text?: unknown}>) {
		if (part?.type === 'text' && typeof part.text === 'string') text += part.text;
	}

	return text;
}
