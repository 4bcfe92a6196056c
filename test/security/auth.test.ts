import {describe, expect, it} from 'vitest';
import {configSchema} from '../../source/config/schema.js';
import {assertSafeBind, checkAuth, isLoopbackHost} from '../../source/proxy/auth.js';

const listen = {host: '127.0.0.1', port: 3456};
const open = configSchema.parse({});
const locked = configSchema.parse({APIKEY: 'proxy-secret-123'});

function request(headers: Record<string, string>) {
	return {headers: new Headers(headers)};
}

describe('checkAuth with APIKEY', () => {
	it('accepts x-api-key or Authorization: Bearer', () => {
		expect(checkAuth(request({'x-api-key': 'proxy-secret-123'}), locked, listen)).toBeNull();
		expect(checkAuth(request({authorization: 'Bearer proxy-secret-123'}), locked, listen)).toBeNull();
		expect(checkAuth(request({authorization: 'bearer   proxy-secret-123 '}), locked, listen)).toBeNull();
		// Claude Code may send both; one matching is enough.
		expect(checkAuth(request({'x-api-key': 'other', authorization: 'Bearer proxy-secret-123'}), locked, listen)).toBeNull();
	});

	it('rejects a missing key with 401 naming the headers', () => {
		const rejection = checkAuth(request({}), locked, listen);
		expect(rejection).toMatchObject({status: 401, type: 'authentication_error'});
		expect(rejection?.message).toMatch(/x-api-key/);
		expect(rejection?.message).toMatch(/Authorization: Bearer/);
	});

	it('rejects a wrong key (also a prefix or longer value) without echoing it', () => {
		for (const wrong of ['proxy-secret-12', 'proxy-secret-1234', 'nope', 'Basic proxy-secret-123']) {
			const rejection = checkAuth(request({'x-api-key': wrong}), locked, listen);
			expect(rejection).toMatchObject({status: 401, type: 'authentication_error'});
			expect(rejection?.message).not.toContain(wrong);
			expect(rejection?.message).not.toContain('proxy-secret-123');
		}

		expect(checkAuth(request({authorization: 'Basic proxy-secret-123'}), locked, listen)?.status).toBe(401);
	});

	it('does not apply the loopback rule when a key protects the proxy', () => {
		expect(checkAuth(request({host: '192.168.1.5:3456', 'x-api-key': 'proxy-secret-123'}), locked, listen)).toBeNull();
	});
});

describe('checkAuth without APIKEY (DNS rebinding)', () => {
	it.each(['127.0.0.1:3456', 'localhost:3456', 'LOCALHOST', '[::1]:3456', '127.8.9.10', 'localhost.:3456'])('accepts Host %s', host => {
		expect(checkAuth(request({host}), open, listen)).toBeNull();
	});

	it.each(['evil.example:3456', 'evil.example', '192.168.1.5:3456', '0.0.0.0:3456', 'localhost.evil.example', '127.0.0.1.nip.io'])('rejects Host %s with 403', host => {
		expect(checkAuth(request({host}), open, listen)).toMatchObject({status: 403, type: 'permission_error'});
	});

	it('accepts a loopback Origin on the proxy port, rejects foreign or null origins', () => {
		const ok = (origin: string) => checkAuth(request({host: '127.0.0.1:3456', origin}), open, listen);
		expect(ok('http://127.0.0.1:3456')).toBeNull();
		expect(ok('http://localhost:3456')).toBeNull();
		expect(ok('http://[::1]:3456')).toBeNull();
		for (const origin of ['https://evil.example', 'null', 'http://localhost:8080', 'file://', 'http://127.0.0.1.evil.example:3456']) {
			expect(ok(origin)).toMatchObject({status: 403, type: 'permission_error'});
		}
	});

	it('accepts requests without Host/Origin (HTTP/1.0 command-line clients)', () => {
		expect(checkAuth(request({}), open, listen)).toBeNull();
	});
});

describe('assertSafeBind', () => {
	it('allows loopback without a key and anything with a key', () => {
		for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) expect(() => assertSafeBind(host, open)).not.toThrow();
		for (const host of ['0.0.0.0', '::', '192.168.1.5']) expect(() => assertSafeBind(host, locked)).not.toThrow();
	});

	it('refuses a network address without APIKEY and says how to fix it', () => {
		for (const host of ['0.0.0.0', '::', '192.168.1.5', 'my-nas.local']) {
			expect(() => assertSafeBind(host, open)).toThrow(/APIKEY.*--host 127\.0\.0\.1/s);
		}
	});

	it('recognises loopback forms', () => {
		expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true);
		expect(isLoopbackHost('0:0:0:0:0:0:0:1')).toBe(true);
		expect(isLoopbackHost('::2')).toBe(false);
		expect(isLoopbackHost('128.0.0.1')).toBe(false);
	});
});

describe('APIKEY with an unset $VAR (the resolver keeps it literally)', () => {
	const unset = configSchema.parse({APIKEY: '$CCR_APIKEY'});

	it('refuses a network bind, naming the variable', () => {
		for (const host of ['0.0.0.0', '::', '192.168.1.5']) expect(() => assertSafeBind(host, unset)).toThrow(/\$CCR_APIKEY.*not set/);
		expect(() => assertSafeBind('0.0.0.0', configSchema.parse({APIKEY: 'key-${CCR_PART}-0123456789'}))).toThrow(/\$CCR_PART/);
	});

	it('on loopback: a loud warning naming the variable, and no key at all', () => {
		const warnings = assertSafeBind('127.0.0.1', unset);
		expect(warnings.join('\n')).toMatch(/\$CCR_APIKEY.*WITHOUT a key/);
		// The literal reference is not a password: the loopback rules apply, whatever the client sends.
		expect(checkAuth(request({host: 'evil.example', 'x-api-key': '$CCR_APIKEY'}), unset, listen)).toMatchObject({status: 403});
		expect(checkAuth(request({host: '127.0.0.1:3456'}), unset, listen)).toBeNull();
	});

	it('a key that became unset while listening off loopback refuses every request, naming the variable', () => {
		const rejection = checkAuth(request({'x-api-key': '$CCR_APIKEY'}), unset, {host: '0.0.0.0', port: 3456});
		expect(rejection).toMatchObject({status: 401, type: 'authentication_error'});
		expect(rejection?.message).toContain('$CCR_APIKEY');
	});

	it('a network bind needs at least 16 characters of APIKEY', () => {
		expect(() => assertSafeBind('0.0.0.0', configSchema.parse({APIKEY: 'short-key-123'}))).toThrow(/13 characters.*at least 16/);
		expect(() => assertSafeBind('127.0.0.1', configSchema.parse({APIKEY: 'short'}))).not.toThrow();
		expect(assertSafeBind('0.0.0.0', configSchema.parse({APIKEY: 'a-long-enough-key'}))).toEqual([]);
	});
});
