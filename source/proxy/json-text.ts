import {isAscii, isUtf8} from 'node:buffer';

/**
 * A request body's bytes → text for JSON.parse, cheaper than `buffer.toString('utf8')` when the body
 * is not pure ASCII. A single non-ASCII character makes V8 decode the whole body into a two-byte
 * string (~5 ms per MB here). In JSON, non-ASCII can only stand inside strings, where `\uXXXX` means
 * the same character: so each one is written as its escape and the body is read as Latin-1, a
 * one-byte copy (~1 ms per MB). JSON.parse then yields exactly the same values
 * (test/proxy/json-text.test.ts). Invalid UTF-8 takes the ordinary decoder, so its replacement
 * characters are unchanged too.
 */
export function jsonText(buffer: Buffer): string {
	if (isAscii(buffer)) return buffer.toString('latin1');
	if (!isUtf8(buffer)) return buffer.toString('utf8');
	return escapeNonAscii(buffer);
}

/** Blocks tested with the (SIMD) isAscii first; only blocks with non-ASCII bytes are walked. */
const BLOCK = 4096;
const HEX = '0123456789abcdef';

function escapeNonAscii(buffer: Buffer): string {
	const parts: Buffer[] = [];
	let copiedTo = 0;
	for (let block = 0; block < buffer.length; block += BLOCK) {
		const blockEnd = Math.min(buffer.length, block + BLOCK);
		if (isAscii(buffer.subarray(block, blockEnd))) continue;
		// A character that straddled the previous block was already handled.
		for (let index = Math.max(block, copiedTo); index < blockEnd; index++) {
			const lead = buffer[index]!;
			if (lead < 0x80) continue;
			// Valid UTF-8 (checked above): the lead byte says how long the sequence is.
			let codePoint: number;
			let length: number;
			if (lead >= 0xf0) {
				codePoint = ((lead & 0x07) << 18) | ((buffer[index + 1]! & 0x3f) << 12) | ((buffer[index + 2]! & 0x3f) << 6) | (buffer[index + 3]! & 0x3f);
				length = 4;
			} else if (lead >= 0xe0) {
				codePoint = ((lead & 0x0f) << 12) | ((buffer[index + 1]! & 0x3f) << 6) | (buffer[index + 2]! & 0x3f);
				length = 3;
			} else {
				codePoint = ((lead & 0x1f) << 6) | (buffer[index + 1]! & 0x3f);
				length = 2;
			}

			parts.push(buffer.subarray(copiedTo, index), Buffer.from(escapeCodePoint(codePoint), 'latin1'));
			index += length - 1;
			copiedTo = index + 1;
		}
	}

	parts.push(buffer.subarray(copiedTo));
	return Buffer.concat(parts).toString('latin1');
}

function escapeCodePoint(codePoint: number): string {
	if (codePoint <= 0xffff) return unit(codePoint);
	const offset = codePoint - 0x1_00_00;
	return unit(0xd8_00 + (offset >> 10)) + unit(0xdc_00 + (offset & 0x3_ff));
}

function unit(code: number): string {
	return `\\u${HEX[(code >> 12) & 15]}${HEX[(code >> 8) & 15]}${HEX[(code >> 4) & 15]}${HEX[code & 15]}`;
}
