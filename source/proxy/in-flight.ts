/**
 * The requests the proxy is serving right now, so `close()` can let streams finish (briefly) and
 * then end them cleanly instead of cutting sockets.
 */
export type InFlightEntry = {
	/** Ask the request to end now (streams write `event: error` and close). */
	readonly abort: (reason: unknown) => void;
	readonly done: Promise<void>;
};

export class InFlight {
	readonly #entries = new Map<string, InFlightEntry>();
	#closing = false;

	get size(): number {
		return this.#entries.size;
	}

	/** True once close() began: new requests are turned away. */
	get closing(): boolean {
		return this.#closing;
	}

	/** Track a request; call the returned function exactly when it has fully ended. */
	add(id: string, abort: (reason: unknown) => void): () => void {
		let finish!: () => void;
		const done = new Promise<void>(resolve => {
			finish = resolve;
		});
		this.#entries.set(id, {abort, done});
		return () => {
			this.#entries.delete(id);
			finish();
		};
	}

	/** Wait up to `graceMs` for everything to end, then abort what is left and wait for that too. */
	async drain(graceMs: number, reason: () => unknown): Promise<void> {
		this.#closing = true;
		if (this.#entries.size === 0) return;
		const all = () => Promise.all([...this.#entries.values()].map(async entry => entry.done));
		let timer: NodeJS.Timeout | undefined;
		const graceOver = new Promise<'grace'>(resolve => {
			timer = setTimeout(() => resolve('grace'), graceMs);
		});
		const first = await Promise.race([all(), graceOver]);
		clearTimeout(timer);
		if (first !== 'grace') return;
		for (const entry of this.#entries.values()) entry.abort(reason());
		// Aborted requests end at once; the cap only guards against a bug keeping close() forever.
		let capTimer: NodeJS.Timeout | undefined;
		await Promise.race([
			all(),
			new Promise(resolve => {
				capTimer = setTimeout(resolve, 2000);
			}),
		]);
		clearTimeout(capTimer);
	}
}
