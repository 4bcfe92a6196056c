import type {ActivityEvent} from './events.js';

type Listener = (event: ActivityEvent) => void;

/**
 * The only channel from the proxy to its observers (TUI store, headless log, log file).
 * Synchronous and allocation-free on emit: listeners must be cheap (the store batches).
 */
export class ActivityBus {
	#listeners: Listener[] = [];

	emit(event: ActivityEvent): void {
		for (const listener of this.#listeners) {
			try {
				listener(event);
			} catch {
				// An observer's bug must never break a request.
			}
		}
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
}

export function createActivityBus(): ActivityBus {
	return new ActivityBus();
}
