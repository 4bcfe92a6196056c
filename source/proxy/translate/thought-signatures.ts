/**
 * Gemini 3 via Google's OpenAI-compatible endpoint returns `tool_calls[].extra_content.google.thought_signature`
 * and rejects the next request unless it comes back on the same call (spec §1.13, P37). The proxy
 * keeps them per emitted `tool_use.id` in a small LRU; ids are unique, so sharing it between
 * requests is safe. One instance per proxy, passed to the dialects (never module-global).
 */
export class ThoughtSignatureCache {
	readonly #max: number;
	readonly #entries = new Map<string, string>();

	constructor(max = 2000) {
		this.#max = max;
	}

	get(id: string): string | undefined {
		return this.#entries.get(id);
	}

	set(id: string, signature: string): void {
		this.#entries.delete(id);
		this.#entries.set(id, signature);
		if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
	}
}

/** Documented sentinel for calls whose signature is unknown (continuedev/continue#8865). */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';
