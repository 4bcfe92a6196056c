/**
 * Stand-in for the translator when the upstream already speaks Anthropic (the `anthropic`
 * profile): bytes are relayed as they are; pings are only inserted between whole events.
 */
import type {AnthropicUsage} from '../../translate/types.js';
import type {SseSource, StreamFailure} from '../../sse-relay.js';

const PING = 'event: ping\ndata: {"type":"ping"}\n\n';

export class PassthroughSource implements SseSource {
	#decoder = new TextDecoder();
	#atBoundary = true;
	#sawStop = false;
	#ended = false;
	#usage: AnthropicUsage = {input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0};
	#stopReason: string | null = null;
	#contentStarted = false;
	#failure: StreamFailure | undefined;

	get contentStarted(): boolean {
		return this.#contentStarted;
	}

	get failure(): StreamFailure | undefined {
		return this.#failure;
	}

	get ended(): boolean {
		return this.#ended;
	}

	get awaitingGrace(): boolean {
		return false;
	}

	get outputTokens(): number {
		return this.#usage.output_tokens;
	}

	get stopReason(): string | null {
		return this.#stopReason;
	}

	get usage(): AnthropicUsage {
		return this.#usage;
	}

	start(): string {
		return '';
	}

	push(chunk: Uint8Array | string): string {
		const text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, {stream: true});
		if (text === '') return '';
		this.#atBoundary = /\n\n$|\r\n\r\n$/.test(text);
		if (text.includes('message_stop')) this.#sawStop = true;
		if (!this.#contentStarted && text.includes('content_block_delta')) this.#contentStarted = true;
		if (!this.#failure && text.includes('event: error')) this.#failure = upstreamFailure(text);
		const stop = /"stop_reason":"([a-z_]+)"/.exec(text);
		if (stop) this.#stopReason = stop[1] ?? null;
		const output = /"output_tokens":(\d+)/.exec(text);
		if (output) this.#usage = {...this.#usage, output_tokens: Number(output[1])};
		const input = /"input_tokens":(\d+)/.exec(text);
		if (input && this.#usage.input_tokens === 0) this.#usage = {...this.#usage, input_tokens: Number(input[1])};
		return text;
	}

	end(): string {
		this.#ended = true;
		if (this.#sawStop) return '';
		return this.fail({type: 'api_error', message: 'upstream stream ended before completion'});
	}

	finalize(): string {
		this.#ended = true;
		return '';
	}

	fail(error: {type: string; message: string}): string {
		this.#ended = true;
		this.#failure ??= {type: error.type, message: error.message};
		const prefix = this.#atBoundary ? '' : '\n\n';
		return `${prefix}event: error\ndata: ${JSON.stringify({type: 'error', error: error})}\n\n`;
	}

	ping(): string {
		return this.#atBoundary && !this.#ended ? PING : '';
	}
}

/** The upstream's own `event: error` frame, as relayed. */
function upstreamFailure(text: string): StreamFailure {
	const match = /event: error\r?\ndata: (.*)/.exec(text);
	try {
		const body = JSON.parse(match?.[1] ?? '{}') as {error?: {type?: string; message?: string}};
		return {type: body.error?.type ?? 'api_error', message: body.error?.message ?? 'stream failed'};
	} catch {
		return {type: 'api_error', message: 'stream failed'};
	}
}
