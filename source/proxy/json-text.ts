import {isAscii, isUtf8, transcode} from 'node:buffer';

/**
 * A request body's bytes → text for JSON.parse. ASCII (most bodies) is read as Latin-1, a plain
 * one-byte copy. Any other valid UTF-8 goes through ICU's converter to UTF-16 and is then copied
 * into a two-byte string as is: measured on 4.6 MiB of `é`, CJK or emoji, ~15–45 ms where V8's own
 * UTF-8 decoder (`toString('utf8')`) takes 120–170 ms, and the earlier trick of writing every
 * character as a `\uXXXX` escape took seconds (bench/scripts-body.js). JSON.parse yields the same
 * values either way (test/proxy/json-text.test.ts). Invalid UTF-8 takes the ordinary decoder, so
 * its replacement characters are exactly the usual ones.
 */
export function jsonText(buffer: Buffer): string {
	return isAscii(buffer) ? buffer.toString('latin1') : nonAsciiText(buffer);
}

/** Bytes the caller found not to be ASCII (ASCII would decode the same here, only slower). */
function nonAsciiText(buffer: Buffer): string {
	if (!isUtf8(buffer)) return buffer.toString('utf8');
	try {
		return transcode(buffer, 'utf8', 'ucs2').toString('ucs2');
	} catch {
		// A Node built without ICU.
		return buffer.toString('utf8');
	}
}

/**
 * Bytes that arrive in pieces → the same text as `jsonText` of all of them at once, decoded as each
 * piece arrives: a large body or a long SSE line is never joined into one buffer, and the decoding
 * is spread over its arrival instead of freezing the proxy when the last piece comes. A piece ending
 * inside a UTF-8 sequence keeps those (at most three) bytes for the next one. Cutting only before a
 * lead byte keeps even invalid UTF-8 exact: a decoder always starts a new sequence at a lead byte.
 */
export class PieceDecoder {
	#held: Buffer | undefined;

	write(piece: Buffer): string {
		const bytes = this.#held ? Buffer.concat([this.#held, piece]) : piece;
		this.#held = undefined;
		if (isAscii(bytes)) return bytes.toString('latin1');
		const cut = completeLength(bytes);
		if (cut < bytes.length) this.#held = Buffer.from(bytes.subarray(cut));
		// Not ASCII (checked above; at most the held bytes were): to the converter without a second scan.
		return nonAsciiText(bytes.subarray(0, cut));
	}

	/** What is still held is an unfinished sequence: U+FFFD, as decoding it all at once gives. */
	end(): string {
		const held = this.#held;
		this.#held = undefined;
		return held ? held.toString('utf8') : '';
	}
}

/**
 * A request body arriving in pieces → its text. An ASCII body (nearly every request) is joined and
 * read once at its end, so JSON.parse gets one flat string: it reads that ~3× faster than a rope of
 * decoded pieces (a rope cost a 1 MB request ~4 ms more to its first event, bench/run.js --compare).
 * From the first slab of `slabBytes` that is not ASCII on, the body is decoded a slab at a time while
 * the rest arrives: decoding 20 MiB of `é` at once froze other streams ~250 ms, slab by slab ~120 ms
 * (bench/scripts-body.js --mib 20). A body within one slab is decoded once, at its end.
 */
export class SlabText {
	readonly #slabBytes: number;
	#held: Buffer[] = [];
	#heldBytes = 0;
	/** Whole slabs found to be ASCII while no slab was not: read at the end, or when decoding starts. */
	#ascii: Buffer[] = [];
	#decoder: PieceDecoder | undefined;
	#text = '';

	constructor(slabBytes: number) {
		this.#slabBytes = slabBytes;
	}

	write(piece: Buffer): void {
		this.#held.push(piece);
		this.#heldBytes += piece.length;
		if (this.#heldBytes < this.#slabBytes) return;
		const slab = this.#takeHeld();
		if (!this.#decoder && isAscii(slab)) {
			this.#ascii.push(slab);
			return;
		}

		if (!this.#decoder) {
			this.#decoder = new PieceDecoder();
			this.#text = this.#ascii.length > 0 ? Buffer.concat(this.#ascii).toString('latin1') : '';
			this.#ascii = [];
		}

		this.#text += this.#decoder.write(slab);
	}

	end(): string {
		const rest = this.#takeHeld();
		if (this.#decoder) return this.#text + this.#decoder.write(rest) + this.#decoder.end();
		return jsonText(this.#ascii.length === 0 ? rest : Buffer.concat([...this.#ascii, rest]));
	}

	#takeHeld(): Buffer {
		const joined = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, this.#heldBytes);
		this.#held = [];
		this.#heldBytes = 0;
		return joined;
	}
}

/** The length of `bytes` without a UTF-8 sequence cut off at its end. */
function completeLength(bytes: Buffer): number {
	let index = bytes.length - 1;
	while (index >= 0 && bytes.length - index < 4 && (bytes[index]! & 0xc0) === 0x80) index--;
	if (index < 0) return bytes.length;
	const lead = bytes[index]!;
	const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return length > 1 && bytes.length - index < length ? index : bytes.length;
}
