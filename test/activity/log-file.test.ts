import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import type {ActivityEvent} from '../../source/activity/events.js';
import {createLogFile, type RequestDebug} from '../../source/activity/log-file.js';
import {createRedactor} from '../../source/config/redact.js';
import {configSchema} from '../../source/config/schema.js';
import {tempDir} from '../helpers/temp-dir.js';

const usage = {inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0};
const redact = createRedactor(configSchema.parse({Providers: [{name: 'p', api_base_url: 'https://x.example/v1', api_key: 'planted-key-abcdef123', models: ['m']}]}));

function start(id: string): ActivityEvent {
	return {
		type: 'request:start',
		id,
		at: Date.now(),
		scenario: 'default',
		reason: 'default route',
		provider: 'p',
		model: 'm',
		requestedModel: 'claude-sonnet-4-5',
		stream: true,
		inputTokens: 10,
		upstreamHost: 'x.example',
	};
}

function readLines(file: string): Array<Record<string, unknown>> {
	return fs
		.readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as Record<string, unknown>);
}

describe('log file', () => {
	it('writes one redacted JSON line per finished/failed request and notice, mode 0600', async () => {
		const file = path.join(tempDir(), 'logs', 'claude-code-router.log');
		const bus = new ActivityBus();
		const log = createLogFile({path: file, bus, redact});
		bus.emit(start('a'));
		bus.emit({type: 'request:first-token', id: 'a', at: Date.now(), ttftMs: 5});
		bus.emit({type: 'request:attempt', id: 'a', attempt: {provider: 'p', model: 'm', outcome: 'http 429', status: 429, keySuffix: '••••f123', durationMs: 3}});
		bus.emit({type: 'request:end', id: 'a', at: Date.now(), status: 200, stopReason: 'end_turn', usage, durationMs: 12});
		bus.emit(start('b'));
		bus.emit({
			type: 'request:error',
			id: 'b',
			at: Date.now(),
			status: 401,
			errorType: 'authentication_error',
			message: 'upstream said: Incorrect API key planted-key-abcdef123',
			durationMs: 4,
		});
		bus.emit({type: 'notice', at: Date.now(), level: 'warn', source: 'config', message: 'reloaded'});
		await log.close();

		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		const text = fs.readFileSync(file, 'utf8');
		expect(text).not.toContain('planted-key-abcdef123');
		const lines = readLines(file);
		expect(lines.map(line => line['event'])).toEqual(['request', 'request failed', 'notice']);
		expect(lines[0]).toMatchObject({id: 'a', scenario: 'default', provider: 'p', model: 'm', status: 200, stopReason: 'end_turn', attempts: [{outcome: 'http 429'}]});
		expect(lines[1]).toMatchObject({id: 'b', status: 401, errorType: 'authentication_error'});
		expect(lines[1]?.['message']).toContain('••••f123');
		// The bus listener is gone after close.
		expect(bus.listenerCount).toBe(0);
	});

	it('tightens the mode of an existing file', async () => {
		const file = path.join(tempDir(), 'x.log');
		fs.writeFileSync(file, '', {mode: 0o644});
		const bus = new ActivityBus();
		const log = createLogFile({path: file, bus, redact});
		bus.emit({type: 'notice', at: Date.now(), level: 'info', source: 't', message: 'hello'});
		await log.close();
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
	});

	it('writes bodies only at debug level, redacted and truncated', async () => {
		const dir = tempDir();
		const bus = new ActivityBus();
		let level: 'info' | 'debug' = 'info';
		const log = createLogFile({path: path.join(dir, 'x.log'), bus, redact, level: () => level, maxBodyChars: 50});
		const debug = (body: string): RequestDebug => ({type: 'request:debug', id: 'a', at: Date.now(), direction: 'upstream-request', body});
		bus.emit(debug('{"info-level":"must not appear"}') as unknown as ActivityEvent);
		level = 'debug';
		bus.emit(debug(`{"authorization":"Bearer planted-key-abcdef123","pad":"${'x'.repeat(200)}"}`) as unknown as ActivityEvent);
		await log.close();
		const lines = readLines(path.join(dir, 'x.log'));
		expect(lines).toHaveLength(1);
		expect(String(lines[0]?.['body'])).toMatch(/more chars]$/);
		expect(JSON.stringify(lines)).not.toContain('planted-key-abcdef123');
	});

	it('keeps only failures at LOG_LEVEL error', async () => {
		const dir = tempDir();
		const bus = new ActivityBus();
		const log = createLogFile({path: path.join(dir, 'x.log'), bus, redact, level: 'error'});
		bus.emit(start('a'));
		bus.emit({type: 'request:end', id: 'a', at: Date.now(), status: 200, stopReason: 'end_turn', usage, durationMs: 1});
		bus.emit(start('b'));
		bus.emit({type: 'request:error', id: 'b', at: Date.now(), status: 502, errorType: 'api_error', message: 'down', durationMs: 1});
		await log.close();
		expect(readLines(path.join(dir, 'x.log')).map(line => line['id'])).toEqual(['b']);
	});

	it('rotates by size and keeps the configured number of files', async () => {
		const dir = tempDir();
		const file = path.join(dir, 'x.log');
		const bus = new ActivityBus();
		const log = createLogFile({path: file, bus, redact, maxBytes: 2000, files: 3});
		for (let index = 0; index < 60; index++) {
			bus.emit({type: 'notice', at: Date.now(), level: 'info', source: 't', message: `line ${index} ${'y'.repeat(100)}`});
			// Let batches reach the disk so rotation happens between them.
			if (index % 5 === 4) await log.flush();
		}

		await log.close();
		const names = fs.readdirSync(dir).sort();
		expect(names).toEqual(['x.log', 'x.log.1', 'x.log.2']);
		for (const name of names) {
			expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(2000);
			expect(fs.statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
		}

		// The newest line is in the current file.
		expect(fs.readFileSync(file, 'utf8')).toContain('line 59 ');
	});

	it('disables itself with one notice when the file cannot be written', async () => {
		const dir = tempDir();
		fs.mkdirSync(path.join(dir, 'x.log'));
		const bus = new ActivityBus();
		const notices: string[] = [];
		bus.on(event => {
			if (event.type === 'notice' && event.source === 'log') notices.push(event.message);
		});
		const log = createLogFile({path: path.join(dir, 'x.log'), bus, redact});
		bus.emit({type: 'notice', at: Date.now(), level: 'info', source: 't', message: 'one'});
		await log.flush();
		bus.emit({type: 'notice', at: Date.now(), level: 'info', source: 't', message: 'two'});
		await log.close();
		expect(notices).toHaveLength(1);
		expect(notices[0]).toContain('Request log disabled');
	});
});
