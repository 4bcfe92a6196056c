/** Poll a condition until it holds (no fixed sleeps in tests). Throws with the last value seen. */
export async function waitFor<T>(probe: () => T | Promise<T>, options: {timeoutMs?: number; intervalMs?: number; message?: string} = {}): Promise<NonNullable<T>> {
	const timeoutMs = options.timeoutMs ?? 5000;
	const intervalMs = options.intervalMs ?? 10;
	const deadline = Date.now() + timeoutMs;
	let last: T | undefined;
	let lastError: unknown;
	for (;;) {
		try {
			last = await probe();
			if (last) return last as NonNullable<T>;
		} catch (error) {
			lastError = error;
		}

		if (Date.now() > deadline) {
			const detail = lastError instanceof Error ? lastError.message : JSON.stringify(last)?.slice(0, 2000);
			throw new Error(`${options.message ?? 'waitFor timed out'} after ${timeoutMs} ms; last: ${detail}`);
		}

		await new Promise(resolve => setTimeout(resolve, intervalMs));
	}
}

/** Wait until a rendered frame contains the text (ink-testing-library's lastFrame). */
export async function waitForText(lastFrame: () => string | undefined, text: string | RegExp, timeoutMs = 5000): Promise<string> {
	return waitFor(
		() => {
			const frame = lastFrame() ?? '';
			return (typeof text === 'string' ? frame.includes(text) : text.test(frame)) ? frame : undefined;
		},
		{timeoutMs, message: `text ${String(text)} not rendered; last frame:\n${lastFrame() ?? ''}\n`},
	);
}

/** Let React flush passive effects (setImmediate, then a timer turn): the one `settle` of the suite. */
export async function settle(): Promise<void> {
	await new Promise(resolve => setImmediate(resolve));
	await new Promise(resolve => setTimeout(resolve, 0));
}
