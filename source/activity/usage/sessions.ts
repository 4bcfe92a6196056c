import type {ActivityBus} from '../bus.js';
import {onFinishedRequest} from './finished.js';
import {toUsageRecord, type KeyIndexOf, type UsageRecord} from './record.js';

/** What the status line shows for one Claude Code session. */
export type SessionStatus = {
	readonly session: string;
	readonly last: UsageRecord;
	readonly requests: number;
	readonly totalInput: number;
	readonly totalOutput: number;
	/** A fallback answered or a key was rotated in any request of the session. */
	readonly fallbacks: number;
	readonly keyRotations: number;
};

const MAX_SESSIONS = 500;

/**
 * The latest request and running totals per Claude Code session, for `GET /ccr-tui/status`. In
 * memory only (the history on disk is the record); bounded, least recently active dropped first.
 */
export class SessionIndex {
	readonly #sessions = new Map<string, SessionStatus>();
	#latest: UsageRecord | undefined;
	readonly #off: () => void;

	constructor(bus: ActivityBus, keyIndexOf?: KeyIndexOf) {
		this.#off = onFinishedRequest(bus, request => this.add(toUsageRecord(request, keyIndexOf)));
	}

	add(record: UsageRecord): void {
		this.#latest = record;
		const id = record.session;
		if (!id) return;
		const previous = this.#sessions.get(id);
		this.#sessions.delete(id);
		if (!previous && this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
		this.#sessions.set(id, {
			session: id,
			last: record,
			requests: (previous?.requests ?? 0) + 1,
			totalInput: (previous?.totalInput ?? 0) + record.input + record.cacheRead + record.cacheWrite,
			totalOutput: (previous?.totalOutput ?? 0) + record.output,
			fallbacks: (previous?.fallbacks ?? 0) + (record.fallback ? 1 : 0),
			keyRotations: (previous?.keyRotations ?? 0) + (record.keyRotated ? 1 : 0),
		});
	}

	get(session: string): SessionStatus | undefined {
		return this.#sessions.get(session);
	}

	/** The newest finished request of any session (or none). */
	latest(): UsageRecord | undefined {
		return this.#latest;
	}

	close(): void {
		this.#off();
	}
}
