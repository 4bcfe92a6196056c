/** Read a request body as text, refusing more than `limit` bytes without buffering them. */
export async function readBodyText(request: Request, limit: number): Promise<{ok: true; text: string} | {ok: false; size: number}> {
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > limit) return {ok: false, size: declared};
	if (!request.body) return {ok: true, text: ''};
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const {done, value} = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => {});
			return {ok: false, size};
		}

		chunks.push(value);
	}

	return {ok: true, text: Buffer.concat(chunks).toString('utf8')};
}
