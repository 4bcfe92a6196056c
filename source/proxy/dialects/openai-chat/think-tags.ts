const OPEN = '<think>';
const CLOSE = '</think>';

export type ThinkPiece = {thinking: boolean; text: string};

/**
 * Splits `<think>…</think>` out of streamed content (models that inline their reasoning). Tags may
 * be cut anywhere across chunks, so a tail that could still become a tag is held back.
 */
export class ThinkTagSplitter {
	#inside = false;
	#held = '';

	push(text: string, out: ThinkPiece[]): void {
		let buffer = this.#held + text;
		this.#held = '';
		for (;;) {
			const tag = this.#inside ? CLOSE : OPEN;
			const at = buffer.indexOf(tag);
			if (at === -1) {
				const keep = partialTagLength(buffer, tag);
				const emit = buffer.slice(0, buffer.length - keep);
				if (emit) out.push({thinking: this.#inside, text: emit});
				this.#held = buffer.slice(buffer.length - keep);
				return;
			}

			if (at > 0) out.push({thinking: this.#inside, text: buffer.slice(0, at)});
			this.#inside = !this.#inside;
			buffer = buffer.slice(at + tag.length);
		}
	}

	/** End of content: whatever was held back is ordinary text of the current kind. */
	flush(out: ThinkPiece[]): void {
		if (this.#held) out.push({thinking: this.#inside, text: this.#held});
		this.#held = '';
	}
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagLength(text: string, tag: string): number {
	const max = Math.min(tag.length - 1, text.length);
	for (let length = max; length > 0; length--) {
		if (text.endsWith(tag.slice(0, length))) return length;
	}

	return 0;
}
