import {describe, expect, it} from 'vitest';
import {LARGE_BODY_CHARS, yieldIfLarge} from '../../source/proxy/yield-turn.js';

describe('yieldIfLarge (big bodies are worked on in steps, others are served in between)', () => {
	it('lets pending work run first for a large body', async () => {
		const order: string[] = [];
		setImmediate(() => order.push('other request'));
		await yieldIfLarge(LARGE_BODY_CHARS);
		order.push('next step');
		expect(order).toEqual(['other request', 'next step']);
	});

	it('costs a small body nothing (no turn of the event loop)', async () => {
		const order: string[] = [];
		setImmediate(() => order.push('other request'));
		await yieldIfLarge(10_000);
		order.push('next step');
		expect(order).toEqual(['next step']);
	});
});
