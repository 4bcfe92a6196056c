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
	if (isAscii(buffer)) return buffer.toString('latin1');
	if (!isUtf8(buffer)) return buffer.toString('utf8');
	try {
		return transcode(buffer, 'utf8', 'ucs2').toString('ucs2');
	} catch {
		// A Node built without ICU.
		return buffer.toString('utf8');
	}
}
