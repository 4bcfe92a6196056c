/**
 * The only writer of `request:*` events: one reporter per request, holding its id, its start time
 * and whether bodies are logged. Handlers, responders and the retry loop say what happened; the
 * event shapes are built here.
 */
import type {ActivityBus} from '../activity/bus.js';
import type {AttemptOutcome, RequestDebug, RequestStarted, Usage} from '../activity/events.js';
import type {AnthropicUsage} from './translate/types.js';

export type StartFields = Omit<RequestStarted, 'type' | 'id' | 'at'>;

const zeroUsage: Usage = {inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0};

export class RequestReporter {
	readonly id: string;
	readonly #bus: ActivityBus;
	readonly #now: () => number;
	readonly #at: number;
	readonly #startedAt: number;
	#debugBodies = false;

	constructor(bus: ActivityBus, id: string, now: () => number) {
		this.#bus = bus;
		this.id = id;
		this.#now = now;
		this.#at = now();
		this.#startedAt = now();
	}

	/** Milliseconds since the request arrived. */
	elapsed(): number {
		return Math.round(this.#now() - this.#startedAt);
	}

	/** Bodies only for `LOG: true` with `LOG_LEVEL: debug|trace`; the log file redacts them. */
	logBodies(enabled: boolean): void {
		this.#debugBodies = enabled;
	}

	debug(direction: RequestDebug['direction'], body: string): void {
		if (this.#debugBodies) this.#bus.emit({type: 'request:debug', id: this.id, at: this.#now(), direction, body});
	}

	start(fields: StartFields): void {
		this.#bus.emit({type: 'request:start', id: this.id, at: this.#at, ...fields});
	}

	/** A request refused before routing still shows up in the activity, with its reason. */
	refused(status: number, errorType: string, message: string, fields: Partial<StartFields> = {}): void {
		const empty = {provider: '', model: '', requestedModel: '', stream: false, inputTokens: 0, upstreamHost: ''};
		this.start({...empty, ...fields, scenario: 'none', reason: message});
		this.failed(status, errorType, message);
	}

	attempt(attempt: AttemptOutcome): void {
		this.#bus.emit({type: 'request:attempt', id: this.id, attempt});
	}

	firstToken(): void {
		this.#bus.emit({type: 'request:first-token', id: this.id, at: this.#now(), ttftMs: this.elapsed()});
	}

	progress(outputTokens: number, bytes: number): void {
		this.#bus.emit({type: 'request:progress', id: this.id, outputTokens, bytes});
	}

	ended(usage: AnthropicUsage, stopReason: string | null, answeredBy: {provider: string; model: string}): void {
		this.#bus.emit({type: 'request:end', id: this.id, at: this.#now(), status: 200, stopReason, usage: toUsage(usage), durationMs: this.elapsed(), ...answeredBy});
	}

	failed(status: number, errorType: string, message: string, usage?: AnthropicUsage): void {
		this.#bus.emit({
			type: 'request:error',
			id: this.id,
			at: this.#now(),
			status,
			errorType,
			message,
			durationMs: this.elapsed(),
			...(usage ? {usage: toUsage(usage)} : {}),
		});
	}

	cancelled(usage?: AnthropicUsage): void {
		this.failed(499, 'cancelled', 'the client disconnected', usage);
	}
}

function toUsage(usage: AnthropicUsage | undefined): Usage {
	if (!usage) return zeroUsage;
	return {
		inputTokens: usage.input_tokens ?? 0,
		outputTokens: usage.output_tokens ?? 0,
		cacheReadTokens: usage.cache_read_input_tokens ?? 0,
		cacheCreationTokens: usage.cache_creation_input_tokens ?? 0,
	};
}
