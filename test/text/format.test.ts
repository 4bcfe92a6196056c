import {describe, expect, test} from 'vitest';
import {formatCount, formatDuration, formatInteger, formatSeconds, formatUptime} from '../../source/text/format.js';

describe('formatDuration: one way to write a duration, "2.3 s"', () => {
	test.each([
		[undefined, '—'],
		[Number.NaN, '—'],
		[-5, '0 ms'],
		[0, '0 ms'],
		[12.4, '12 ms'],
		[850, '850 ms'],
		[999.4, '999 ms'],
		[1000, '1.0 s'],
		[2340, '2.3 s'],
		[9949, '9.9 s'],
		[10_000, '10 s'],
		[42_400, '42 s'],
		[60_000, '1m00s'],
		[95_000, '1m35s'],
		[3_725_000, '62m05s'],
	])('%s → %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});
});

describe('formatSeconds: a configured limit as set', () => {
	test.each([
		[400, '0.4 s'],
		[1500, '1.5 s'],
		[2000, '2 s'],
		[30_000, '30 s'],
		[600_000, '600 s'],
	])('%s → %s', (ms, text) => {
		expect(formatSeconds(ms)).toBe(text);
	});
});

describe('counts', () => {
	test.each([
		[undefined, '—'],
		[0, '0'],
		[949.6, '950'],
		[1000, '1k'],
		[12_345, '12.3k'],
		[60_000, '60k'],
		[123_456, '123k'],
		[2_500_000, '2.5M'],
		[3_000_000, '3M'],
	])('formatCount %s → %s', (value, text) => {
		expect(formatCount(value)).toBe(text);
	});

	test.each([
		[0, '0'],
		[999, '999'],
		[1000, '1,000'],
		[1_234_567, '1,234,567'],
		[60_000.4, '60,000'],
	])('formatInteger %s → %s (as toLocaleString en-US writes it)', (value, text) => {
		expect(formatInteger(value)).toBe(text);
		expect(formatInteger(value)).toBe(Math.round(value).toLocaleString('en-US'));
	});
});

test('formatUptime', () => {
	expect([formatUptime(-1), formatUptime(12_900), formatUptime(245_000), formatUptime(3_725_000)]).toStrictEqual(['0s', '12s', '4m05s', '1h02m']);
});
