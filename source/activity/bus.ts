import type {ActivityEvent} from './events.js';

type Listener = (event: ActivityEvent) => void;

/**
 * When observers hear about an event:
 * - `sync`: inside `emit` (tests of observers, the dashboard's own bus);
 * - `after-io`: queued, then delivered in order from one `setImmediate`, i.e. after the proxy has
 *   written the bytes of the current event-loop turn. The proxy's buses use it so that the log line,
 *   the activity store and the message to the dashboard thread never delay an answer (for a 10 KB
 *   request they were ~6 % of its CPU, all on the critical path: bench/profile.js).
 */
export type Delivery = 'sync' | 'after-io';

/**
 * The only channel from the proxy to its observers (TUI store, headless log, log file).
 * Cheap on emit: listeners must be cheap too (the store batches).
 */
export class ActivityBus {
	#listeners: Listener[] = [];
	#queue: ActivityEvent[] = [];
	readonly #deferred: boolean;

	constructor(options: {delivery?: Delivery} = {}) {
		this.#deferred = options.delivery === 'after-io';
	}

	emit(event: ActivityEvent): void {
		if (!this.#deferred) {
			this.#deliver(event);
			return;
		}

		if (this.#queue.length === 0) setImmediate(this.#flushQueued);
		this.#queue.push(event);
	}

	/** Deliver whatever is queued now (before shutting down, so that no last line is lost). */
	flush(): void {
		const events = this.#queue;
		this.#queue = [];
		for (const event of events) this.#deliver(event);
	}

	on(listener: Listener): () => void {
		this.#listeners = [...this.#listeners, listener];
		return () => {
			this.#listeners = this.#listeners.filter(item => item !== listener);
		};
	}

	get listenerCount(): number {
		return this.#listeners.length;
	}

	readonly #flushQueued = (): void => {
		this.flush();
	};

	#deliver(event: ActivityEvent): void {
		for (const listener of this.#listeners) {
			try {
				listener(event);
			} catch {
				// An observer's bug must never break a request.
			}
		}
	}
}
