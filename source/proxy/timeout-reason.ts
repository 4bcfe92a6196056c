/** Why the proxy aborted an upstream request itself (vs. the client going away). */
export class TimeoutReason extends Error {
	readonly phase: 'first-byte' | 'deadline' | 'idle' | 'grace' | 'shutdown';
	constructor(phase: TimeoutReason['phase'], message: string) {
		super(message);
		this.phase = phase;
	}
}
