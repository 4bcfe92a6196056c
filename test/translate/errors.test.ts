import {describe, expect, test} from 'vitest';
import {clientStatusForUpstream, errorTypeForStatus, statusForErrorType, streamErrorType} from '../../source/proxy/translate/errors.js';
import {toAnthropicError} from '../../source/proxy/translate/upstream-errors.js';

// The one status ↔ type table: every status the proxy can meet, with the status and type the client gets.
const UPSTREAM: ReadonlyArray<[number, number, string]> = [
	[400, 400, 'invalid_request_error'],
	[401, 401, 'authentication_error'],
	[402, 402, 'billing_error'],
	[403, 403, 'permission_error'],
	[404, 404, 'not_found_error'],
	[405, 400, 'invalid_request_error'],
	[408, 408, 'timeout_error'],
	[409, 400, 'invalid_request_error'],
	[413, 413, 'request_too_large'],
	[422, 400, 'invalid_request_error'],
	[429, 429, 'rate_limit_error'],
	[451, 400, 'invalid_request_error'],
	[500, 500, 'api_error'],
	[501, 502, 'api_error'],
	[502, 502, 'api_error'],
	[503, 529, 'overloaded_error'],
	[504, 504, 'timeout_error'],
	[520, 502, 'api_error'],
	[529, 529, 'overloaded_error'],
];

describe('status ↔ type', () => {
	test.each(UPSTREAM)('upstream %i → client %i %s', (upstream, status, type) => {
		expect(clientStatusForUpstream(upstream)).toBe(status);
		const mapped = toAnthropicError(upstream, '{"error":{"message":"x"}}');
		expect([mapped.status, mapped.body.error.type]).toStrictEqual([status, type]);
	});

	test('every type has a status whose type it is', () => {
		for (const [, status, type] of UPSTREAM) {
			expect(errorTypeForStatus(statusForErrorType(type as Parameters<typeof statusForErrorType>[0]))).toBe(type);
			expect(errorTypeForStatus(status)).toBe(type);
		}
	});

	test('a code inside a stream error names only the transient kinds; other codes go by wording', () => {
		expect(streamErrorType({code: 429})).toBe('rate_limit_error');
		expect(streamErrorType({status: 503})).toBe('overloaded_error');
		expect(streamErrorType({code: 529})).toBe('overloaded_error');
		expect(streamErrorType({code: 408})).toBe('timeout_error');
		expect(streamErrorType({code: 504})).toBe('timeout_error');
		expect(streamErrorType({code: 401, message: 'bad key'})).toBe('api_error');
		expect(streamErrorType({code: 400, message: 'Rate limit reached'})).toBe('rate_limit_error');
	});
});
