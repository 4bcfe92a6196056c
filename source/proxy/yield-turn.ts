/**
 * Work on a big request body (decoding, JSON.parse, translation, encoding the upstream body) takes
 * tens of ms per step for a few MiB. Run back to back, the steps would freeze every other stream the
 * proxy serves for their sum; with a turn of the event loop between them, the others are served in
 * between and no single freeze lasts longer than one step (bench/scripts-body.js).
 */
export const LARGE_BODY_CHARS = 256 * 1024;

/** Let pending I/O (other requests' chunks) run before going on, for large bodies only. */
export async function yieldIfLarge(length: number): Promise<void> {
	if (length < LARGE_BODY_CHARS) return;
	await new Promise<void>(resolve => {
		setImmediate(resolve);
	});
}
