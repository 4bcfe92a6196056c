import type {ActivityBus} from '../bus.js';
import type {AttemptOutcome, RequestStarted} from '../events.js';
import type {FinishedRequest} from './record.js';

/** A request's end with what the bus said about it before; `start` is missing when that event was dropped. */
export type EndedRequest = Omit<FinishedRequest, 'start'> & {readonly start?: RequestStarted};

/** Requests whose end never arrives (a proxy bug) must not grow the map forever. */
const MAX_PENDING = 1000;

/** Requests whose start was seen, once each (usage history, status line). */
export function onFinishedRequest(bus: ActivityBus, listener: (request: FinishedRequest) => void): () => void {
	return onRequestEnd(bus, request => {
		if (request.start) listener(request as FinishedRequest);
	});
}

/**
 * Pieces a request's start, attempts, first token and end (or error) back together from the bus and
 * hands over each ended request once. The one place the log file, the usage history and the status
 * line learn what a request did.
 */
export function onRequestEnd(bus: ActivityBus, listener: (request: EndedRequest) => void): () => void {
	const pending = new Map<string, {start: RequestStarted; attempts: AttemptOutcome[]; ttftMs?: number}>();
	return bus.on(event => {
		switch (event.type) {
			case 'request:start': {
				if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
				pending.set(event.id, {start: event, attempts: []});
				break;
			}

			case 'request:attempt': {
				pending.get(event.id)?.attempts.push(event.attempt);
				break;
			}

			case 'request:first-token': {
				const entry = pending.get(event.id);
				if (entry) entry.ttftMs = event.ttftMs;
				break;
			}

			case 'request:end':
			case 'request:error': {
				const entry = pending.get(event.id);
				pending.delete(event.id);
				listener({start: entry?.start, attempts: entry?.attempts ?? [], ttftMs: entry?.ttftMs, end: event});
				break;
			}

			default: {
				break;
			}
		}
	});
}
