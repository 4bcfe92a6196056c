import {sanitizeTerminalText} from './sanitize.js';
import type {ActivityBus} from './bus.js';
import type {ActivityEvent, AttemptOutcome, Notice, RouteScenario, Usage} from './events.js';
import {foldKeyEvent, type KeyHealthMap} from './key-health.js';

/** One request as the dashboard and the headless log see it. Replaced, never mutated. */
export type RequestRecord = {
	readonly id: string;
	readonly startedAt: number;
	readonly scenario: RouteScenario;
	readonly reason: string;
	readonly provider: string;
	readonly model: string;
	readonly requestedModel: string;
	readonly stream: boolean;
	readonly upstreamHost: string;
	/** Claude Code's session id, when the client sent one. */
	readonly sessionId?: string;
	readonly inputTokens: number;
	readonly state: 'in-flight' | 'done' | 'error';
	readonly ttftMs?: number;
	readonly outputTokens: number;
	readonly bytes: number;
	readonly status?: number;
	readonly stopReason?: string | null;
	readonly usage?: Usage;
	readonly durationMs?: number;
	readonly errorType?: string;
	readonly errorMessage?: string;
	readonly attempts: readonly AttemptOutcome[];
};

export type Totals = {
	readonly requests: number;
	readonly errors: number;
	readonly inputTokens: number;
	readonly outputTokens: number;
};

export type ActivitySnapshot = {
	/** Newest first. */
	readonly inFlight: readonly RequestRecord[];
	/** Newest first, at most `historySize`. */
	readonly recent: readonly RequestRecord[];
	readonly totals: Totals;
	/** Requests per scenario since start. */
	readonly routeCounts: Readonly<Record<string, number>>;
	/** Newest first, bounded. */
	readonly notices: readonly Notice[];
	/** Per-key health of each provider's pool (from `key:*` events). */
	readonly keys: KeyHealthMap;
	readonly version: number;
};

export type ActivityStoreOptions = {
	/** Finished requests kept. @default 200 */
	readonly historySize?: number;
	/** Notices kept. @default 50 */
	readonly noticeSize?: number;
	/** Listener notifications are coalesced to one per this many ms (≤ 10 renders/s). @default 100 */
	readonly batchMs?: number;
};

type Listener = () => void;

const zeroUsage: Usage = {inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0};

/**
 * Folds activity events into a bounded snapshot. Events are applied immediately (cheap map
 * updates); the immutable snapshot is rebuilt lazily and listeners are notified at most once per
 * batch window, so a burst of 100 req/s costs the UI ≤ 10 renders/s.
 */
export class ActivityStore {
	#historySize: number;
	#noticeSize: number;
	#batchMs: number;
	#inFlight = new Map<string, RequestRecord>();
	#recent: RequestRecord[] = [];
	#notices: Notice[] = [];
	#keys: KeyHealthMap = {};
	#routeCounts: Record<string, number> = {};
	#totals: Totals = {requests: 0, errors: 0, inputTokens: 0, outputTokens: 0};
	#version = 0;
	#snapshot?: ActivitySnapshot;
	#listeners = new Set<Listener>();
	#timer?: NodeJS.Timeout;
	#unsubscribe?: () => void;

	constructor(options: ActivityStoreOptions = {}) {
		this.#historySize = options.historySize ?? 200;
		this.#noticeSize = options.noticeSize ?? 50;
		this.#batchMs = options.batchMs ?? 100;
	}

	/** Start folding events from a bus. */
	attach(bus: ActivityBus): this {
		this.#unsubscribe?.();
		this.#unsubscribe = bus.on(event => this.apply(event));
		return this;
	}

	// Over 60 lines: one case per activity event over the same record map (a flat switch).
	apply(received: ActivityEvent): void {
		// Everything shown on the dashboard passes here: text from clients and upstreams is made safe once.
		const event = received.type === 'request:debug' || received.type === 'request:progress' ? received : sanitizeEvent(received);
		switch (event.type) {
			case 'request:start': {
				this.#inFlight.set(event.id, {
					id: event.id,
					startedAt: event.at,
					scenario: event.scenario,
					reason: event.reason,
					provider: event.provider,
					model: event.model,
					requestedModel: event.requestedModel,
					stream: event.stream,
					upstreamHost: event.upstreamHost,
					inputTokens: event.inputTokens,
					...(event.sessionId ? {sessionId: event.sessionId} : {}),
					state: 'in-flight',
					outputTokens: 0,
					bytes: 0,
					attempts: [],
				});
				this.#totals = {...this.#totals, requests: this.#totals.requests + 1};
				this.#routeCounts = {...this.#routeCounts, [event.scenario]: (this.#routeCounts[event.scenario] ?? 0) + 1};
				break;
			}

			case 'request:first-token': {
				this.#patch(event.id, {ttftMs: event.ttftMs});
				break;
			}

			case 'request:progress': {
				this.#patch(event.id, {outputTokens: event.outputTokens, bytes: event.bytes});
				break;
			}

			case 'request:attempt': {
				const record = this.#inFlight.get(event.id);
				if (record) this.#patch(event.id, {attempts: [...record.attempts, event.attempt]});
				break;
			}

			case 'request:end': {
				const usage = event.usage;
				this.#finish(event.id, {
					state: 'done',
					status: event.status,
					stopReason: event.stopReason,
					usage,
					durationMs: event.durationMs,
					outputTokens: usage.outputTokens,
					...(event.provider ? {provider: event.provider} : {}),
					...(event.model ? {model: event.model} : {}),
				});
				this.#totals = {
					...this.#totals,
					inputTokens: this.#totals.inputTokens + usage.inputTokens,
					outputTokens: this.#totals.outputTokens + usage.outputTokens,
				};
				break;
			}

			case 'request:error': {
				const usage = event.usage ?? zeroUsage;
				this.#finish(event.id, {
					state: 'error',
					status: event.status,
					errorType: event.errorType,
					errorMessage: event.message,
					durationMs: event.durationMs,
					...(event.usage ? {usage: event.usage, outputTokens: event.usage.outputTokens} : {}),
				});
				this.#totals = {
					...this.#totals,
					errors: this.#totals.errors + 1,
					inputTokens: this.#totals.inputTokens + usage.inputTokens,
					outputTokens: this.#totals.outputTokens + usage.outputTokens,
				};
				break;
			}

			case 'notice': {
				this.#notices = [event, ...this.#notices].slice(0, this.#noticeSize);
				break;
			}

			case 'key:state':
			case 'key:pool': {
				this.#keys = foldKeyEvent(this.#keys, event);
				break;
			}

			case 'request:debug': {
				return; // bodies are for the log file only
			}
		}

		this.#changed();
	}

	getSnapshot = (): ActivitySnapshot => {
		this.#snapshot ??= {
			inFlight: [...this.#inFlight.values()].reverse(),
			recent: this.#recent,
			totals: this.#totals,
			routeCounts: this.#routeCounts,
			notices: this.#notices,
			keys: this.#keys,
			version: this.#version,
		};
		return this.#snapshot;
	};

	/** Notified at most once per batch window. */
	subscribe = (listener: Listener): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	/** Look a request up by id (in flight or recent). */
	find(id: string): RequestRecord | undefined {
		return this.#inFlight.get(id) ?? this.#recent.find(record => record.id === id);
	}

	close(): void {
		this.#unsubscribe?.();
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#listeners.clear();
	}

	#patch(id: string, patch: Partial<RequestRecord>): void {
		const record = this.#inFlight.get(id);
		if (record) this.#inFlight.set(id, {...record, ...patch});
	}

	#finish(id: string, patch: Partial<RequestRecord>): void {
		const record = this.#inFlight.get(id);
		if (!record) return;
		this.#inFlight.delete(id);
		const done = {...record, ...patch};
		this.#recent = [done, ...this.#recent];
		if (this.#recent.length > this.#historySize) this.#recent.length = this.#historySize;
	}

	#changed(): void {
		this.#version++;
		this.#snapshot = undefined;
		if (this.#timer || this.#listeners.size === 0) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			for (const listener of this.#listeners) listener();
		}, this.#batchMs);
		this.#timer.unref();
	}
}

/** The event with every string field (and those of a nested object, such as an attempt) sanitised. */
function sanitizeEvent<T extends ActivityEvent>(event: T): T {
	let copy: Record<string, unknown> | undefined;
	for (const [key, value] of Object.entries(event)) {
		const safe = sanitizeValue(value);
		if (safe === value) continue;
		copy ??= {...event};
		copy[key] = safe;
	}

	return (copy ?? event) as T;
}

function sanitizeValue(value: unknown): unknown {
	if (typeof value === 'string') return sanitizeTerminalText(value);
	if (Array.isArray(value)) {
		const items = value.map(sanitizeValue);
		return items.some((item, index) => item !== value[index]) ? items : value;
	}

	if (value && typeof value === 'object') {
		let copy: Record<string, unknown> | undefined;
		for (const [key, item] of Object.entries(value)) {
			const safe = typeof item === 'string' ? sanitizeTerminalText(item) : item;
			if (safe === item) continue;
			copy ??= {...(value as Record<string, unknown>)};
			copy[key] = safe;
		}

		return copy ?? value;
	}

	return value;
}
