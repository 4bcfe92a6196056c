import {describe, expect, it} from 'vitest';
import {jsonText, PieceDecoder, SlabText} from '../../source/proxy/json-text.js';

/** What the proxy must read from these bytes: exactly what the ordinary decoder gives. */
const same = (bytes: Buffer) => expect(JSON.parse(jsonText(bytes))).toEqual(JSON.parse(bytes.toString('utf8')));

describe('jsonText (request bytes → text for JSON.parse)', () => {
	it('reads ASCII bodies as they are', () => {
		const body = Buffer.from(JSON.stringify({model: 'm', messages: [{role: 'user', content: 'plain "quoted" \\ text\n'}]}));
		expect(jsonText(body)).toBe(body.toString('utf8'));
	});

	it('gives the same text for 2-, 3- and 4-byte characters', () => {
		const content = 'café · 把这个函数改成异步的 · emoji 🚀👩‍💻 · Ελληνικά · ‱ · \u2028';
		const bytes = Buffer.from(JSON.stringify({messages: [{role: 'user', content}], system: [{type: 'text', text: `→ ${content}`}]}));
		same(bytes);
		expect(JSON.parse(jsonText(bytes)).messages[0].content).toBe(content);
		expect(jsonText(bytes)).toBe(bytes.toString('utf8'));
	});

	it('costs about as much per byte in any script as in ASCII (no work per character in JavaScript)', () => {
		// Counted, not timed: the old decoder allocated two Buffers per non-ASCII character.
		const from = Buffer.from;
		let allocations = 0;
		Buffer.from = ((...args: Parameters<typeof Buffer.from>) => {
			allocations++;
			return (from as (...a: unknown[]) => Buffer)(...args);
		}) as typeof Buffer.from;
		try {
			jsonText(from(JSON.stringify({text: '速度'.repeat(10_000) + 'é'.repeat(10_000) + '🚀'.repeat(10_000)})));
		} finally {
			Buffer.from = from;
		}

		expect(allocations).toBeLessThan(10);
	});

	it('handles characters that straddle its 4 KiB blocks, at every offset', () => {
		for (let pad = 4080; pad <= 4100; pad++) {
			same(Buffer.from(JSON.stringify({text: `${'x'.repeat(pad)}é漢🚀${'y'.repeat(pad)}ü`})));
		}
	});

	it('keeps the ordinary decoder for invalid UTF-8 (same replacement characters)', () => {
		const bytes = Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xc3, 0x28, 0xff, 0xe2, 0x82]), Buffer.from(' end é"}')]);
		expect(jsonText(bytes)).toBe(bytes.toString('utf8'));
		same(bytes);
	});

	it('a random mix of characters of every width parses to the same values (200 seeded bodies)', () => {
		let seed = 7;
		const random = () => {
			seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
			return seed / 2 ** 31;
		};

		const alphabet = ['a', ' ', '"', '\\', '\n', 'é', 'ß', '€', '漢', 'ア', '🚀', '𝄞', '\u0000', '\u007f', '\u0080', '\uffff'];
		for (let body = 0; body < 200; body++) {
			let text = '';
			const length = Math.floor(random() * 3000);
			for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
			same(Buffer.from(JSON.stringify({text, list: [text.slice(0, 50), {nested: text.slice(-50)}]})));
		}
	});

	it('a body that is not JSON stays not JSON', () => {
		expect(() => JSON.parse(jsonText(Buffer.from('{"a": é}')))).toThrow(SyntaxError);
	});
});

/** A small deterministic generator: the same cases on every run. */
function generator(seed: number) {
	return (limit: number) => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed % limit;
	};
}

const alphabet = ['a', '\n', 'é', '速', '🚀', '\u2028'].map(unit => Buffer.from(unit));
// Lone continuation bytes, truncated sequences, an overlong lead, bytes never valid in UTF-8.
const invalid = [[0x80], [0xbf, 0x80], [0xe9], [0xe0, 0x80], [0xf0, 0x9f, 0x9a], [0xc0, 0xaf], [0xff], [0xf8, 0x88]].map(bytes => Buffer.from(bytes));

describe('PieceDecoder (bytes decoded as they arrive)', () => {
	it('any split of any bytes, valid UTF-8 or not, gives exactly the text of decoding them at once', () => {
		const next = generator(11);
		for (let round = 0; round < 500; round++) {
			const parts: Buffer[] = [];
			const length = 1 + next(60);
			for (let index = 0; index < length; index++) parts.push(next(6) === 0 ? invalid[next(invalid.length)]! : alphabet[next(alphabet.length)]!);
			const bytes = Buffer.concat(parts);
			const decoder = new PieceDecoder();
			let text = '';
			for (let offset = 0; offset < bytes.length; ) {
				const size = 1 + next(9);
				text += decoder.write(bytes.subarray(offset, offset + size));
				offset += size;
			}

			text += decoder.end();
			expect(text).toBe(bytes.toString('utf8'));
		}
	});

	it('a sequence cut off at the very end becomes one U+FFFD, as at once', () => {
		const decoder = new PieceDecoder();
		const text = decoder.write(Buffer.from([0x61, 0xe9, 0x80])) + decoder.end();
		expect(text).toBe('a\ufffd');
		expect(text).toBe(Buffer.from([0x61, 0xe9, 0x80]).toString('utf8'));
	});
});

describe('SlabText (a request body, decoded in slabs)', () => {
	it('any pieces and any slab size give exactly the text of decoding the whole body at once', () => {
		const next = generator(29);
		for (let round = 0; round < 400; round++) {
			const parts: Buffer[] = [];
			const length = 1 + next(80);
			for (let index = 0; index < length; index++) parts.push(next(8) === 0 ? invalid[next(invalid.length)]! : alphabet[next(alphabet.length)]!);
			const bytes = Buffer.concat(parts);
			const body = new SlabText(1 + next(40));
			for (let offset = 0; offset < bytes.length; ) {
				const size = 1 + next(12);
				body.write(bytes.subarray(offset, offset + size));
				offset += size;
			}

			expect(body.end()).toBe(bytes.toString('utf8'));
		}
	});

	it('an empty body, a body of one piece, and a sequence cut at the very end, as at once', () => {
		expect(new SlabText(4).end()).toBe('');
		const one = new SlabText(1024);
		one.write(Buffer.from('{"text":"速"}'));
		expect(one.end()).toBe('{"text":"速"}');
		const cut = new SlabText(2);
		for (const byte of [0x61, 0x62, 0xe9, 0x80]) cut.write(Buffer.from([byte]));
		expect(cut.end()).toBe(Buffer.from([0x61, 0x62, 0xe9, 0x80]).toString('utf8'));
	});
});
