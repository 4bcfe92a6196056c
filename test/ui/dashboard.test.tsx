import fs from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import type {TestStep} from '../../source/providers/connection-test.js';
import type {ConnectionTester} from '../../source/ui/connection-tests.js';
import {cleanupApps, renderApp, sampleConfig, startEvent, usage} from './render-app.js';

afterEach(cleanupApps);

/** The line of the frame that contains `text` (fails the test when missing). */
function lineWith(frame: string, text: string | RegExp): string {
	const line = frame.split('\n').find(item => (typeof text === 'string' ? item.includes(text) : text.test(item)));
	expect(line, `no line with ${text} in\n${frame}`).toBeDefined();
	return line ?? '';
}

describe('header', () => {
	it('shows where the proxy listens, the config path and live totals', async () => {
		const app = await renderApp();
		await app.waitFor('http://127.0.0.1:3456');
		expect(app.frame()).toContain('no APIKEY');
		expect(app.frame()).toContain('config.json');
		const start = startEvent();
		app.bus.emit(start);
		app.bus.emit({type: 'request:end', id: start.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(1500, 320), durationMs: 900});
		await app.waitFor('requests 1 · in flight 0 · errors 0 · tokens in 1.5k out 320');
	});

	it('says APIKEY required when the config sets one', async () => {
		const app = await renderApp({config: {...sampleConfig(), APIKEY: 'proxy-secret-value-1234'}});
		await app.waitFor('APIKEY required');
		expect(app.frame()).not.toContain('proxy-secret-value-1234');
	});

	it('opens with a warning banner when the config file is invalid', async () => {
		const app = await renderApp({configText: '{"Providers": [{"name": "x", "api_base_url": "not a url"}]}'});
		const frame = await app.waitFor('config invalid');
		expect(lineWith(frame, 'config invalid')).toContain('Providers[0].api_base_url');
		// The dashboard is still usable.
		expect(frame).toContain('1 Routes');
	});

	it('shows the banner when a hand edit breaks the file, and drops it once fixed', async () => {
		const app = await renderApp({watch: true, columns: 140});
		await app.waitFor('1 Routes');
		const good = fs.readFileSync(app.configPath, 'utf8');
		fs.writeFileSync(app.configPath, '{ "Router": ');
		await app.waitFor('config invalid');
		// The last valid routes keep showing.
		expect(app.frame()).toContain('deepseek,deepseek-chat');
		fs.writeFileSync(app.configPath, good.replace('deepseek,deepseek-chat', 'ollama,qwen2.5-coder:7b'));
		await app.waitFor('ollama,qwen2.5-coder:7b');
		expect(app.frame()).not.toContain('config invalid');
	});
});

describe('routes panel', () => {
	it('lists every scenario with its target or —, the threshold, and request counts', async () => {
		const app = await renderApp({columns: 140});
		const frame = await app.waitFor('1 Routes');
		expect(lineWith(frame, 'default')).toContain('deepseek,deepseek-chat');
		expect(lineWith(frame, 'background')).toContain('—');
		expect(lineWith(frame, 'think')).toContain('deepseek,deepseek-reasoner');
		expect(lineWith(frame, 'think')).toContain('think  effort ≥ xhigh');
		expect(lineWith(frame, 'longContext')).toContain('>60k');
		expect(lineWith(frame, 'longContext')).toContain('gb,gemini-2.5-pro');
		expect(lineWith(frame, 'webSearch')).toContain('—');
		expect(lineWith(frame, 'image')).toContain('—');
		for (let index = 0; index < 3; index++) app.bus.emit(startEvent({scenario: 'think'}));
		await app.waitFor(/think {2}effort ≥ xhigh\s+deepseek,deepseek-reasoner\s+3 /);
	});

	it('the think rule follows Router.thinkEffort; a narrow panel shows it short', async () => {
		const config = sampleConfig();
		const app = await renderApp({config: {...config, Router: {...(config['Router'] as object), thinkEffort: 'max'}}, columns: 100});
		const frame = await app.waitFor('1 Routes');
		expect(lineWith(frame, 'think')).toMatch(/think ≥max\s+deepseek,/);
	});

	it('starts with focus on routes and default selected; ↑/↓ and j/k move', async () => {
		const app = await renderApp();
		let frame = await app.waitFor('1 Routes');
		expect(lineWith(frame, 'default')).toContain('❯ default');
		expect(lineWith(frame, '1 Routes')).toContain('┏');
		await app.press('down');
		frame = await app.waitFor('❯ background');
		await app.press('j');
		await app.waitFor('❯ think');
		await app.press('k');
		await app.waitFor('❯ background');
		await app.press('up');
		await app.press('up');
		// Stops at the top.
		frame = await app.waitFor('❯ default');
		expect(frame).not.toContain('❯ image');
	});
});

describe('activity panel', () => {
	it("rows carry the Claude Code session's short tag; requests without a session have none", async () => {
		const app = await renderApp({columns: 140});
		const withSession = startEvent({sessionId: 'f9a4adaf-3d57-4f31-83a2-5b55a8b3a433', model: 'deepseek-reasoner'});
		app.bus.emit(withSession);
		app.bus.emit(startEvent({model: 'deepseek-chat'}));
		const frame = await app.waitFor('deepseek,deepseek-reasoner ·f9a4ad');
		expect(lineWith(frame, 'deepseek,deepseek-chat')).not.toContain('·');
		app.bus.emit({type: 'request:end', id: withSession.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(10, 5), durationMs: 100});
		await app.waitFor(/✔ 200 .*deepseek,deepseek-reasoner ·f9a4ad/);
	});

	it('s on a request shows only its Claude Code session; s again shows every request', async () => {
		const app = await renderApp({columns: 140});
		const first = startEvent({sessionId: 'aaaaaa11-3d57-4f31-83a2-5b55a8b3a433', model: 'deepseek-reasoner'});
		const other = startEvent({sessionId: 'bbbbbb22-3d57-4f31-83a2-5b55a8b3a433', model: 'deepseek-chat'});
		app.bus.emit(first);
		app.bus.emit(other);
		await app.waitFor('·aaaaaa');
		await app.waitFor('·bbbbbb');
		await app.press('2');
		await app.press('s');
		const filtered = await app.waitFor(/session ·[ab]{6}/);
		const shown = /session ·([ab]{6})/.exec(filtered)?.[1];
		const hidden = shown === 'aaaaaa' ? '·bbbbbb' : '·aaaaaa';
		expect(filtered).not.toContain(hidden);
		expect(filtered).toContain('1 live · 0 done');
		await app.press('s');
		const all = await app.waitFor(hidden);
		expect(all).not.toMatch(/session ·[ab]{6}/);
		expect(all).toContain('2 live · 0 done');
	});

	it('s on a request without a session says so and filters nothing', async () => {
		const app = await renderApp({columns: 140});
		app.bus.emit(startEvent({model: 'deepseek-chat'}));
		await app.waitFor('1 live');
		await app.press('2');
		await app.press('s');
		await app.waitFor('no Claude Code session id');
	});

	it('shows an in-flight request live: spinner word, TTFT, output tokens growing', async () => {
		const app = await renderApp();
		const start = startEvent({inputTokens: 2048});
		app.bus.emit(start);
		let frame = await app.waitFor('live');
		const row = () => lineWith(app.frame(), /live\s+\d{6}/);
		expect(row()).toContain('deepseek,deepseek-chat');
		expect(row()).toContain('2k');
		app.bus.emit({type: 'request:first-token', id: start.id, at: Date.now(), ttftMs: 412});
		await app.waitFor(/live .*412 ms/);
		app.bus.emit({type: 'request:progress', id: start.id, outputTokens: 57, bytes: 400});
		await app.waitFor(/live .*412 ms .* 57 /);
		app.bus.emit({type: 'request:progress', id: start.id, outputTokens: 243, bytes: 1900});
		frame = await app.waitFor(/live .*412 ms .* 243 /);
		expect(frame).toContain('1 live · 0 done');
	});

	it('shows finished requests with status glyph and word, duration, TTFT, tokens, stop reason', async () => {
		const app = await renderApp();
		const start = startEvent();
		app.bus.emit(start);
		app.bus.emit({type: 'request:first-token', id: start.id, at: Date.now(), ttftMs: 380});
		app.bus.emit({type: 'request:end', id: start.id, at: Date.now(), status: 200, stopReason: 'tool_use', usage: usage(12_345, 678), durationMs: 3240});
		const frame = await app.waitFor('tool_use');
		const row = lineWith(frame, 'tool_use');
		expect(row).toMatch(/✔ 200/);
		expect(row).toContain('3.2 s');
		expect(row).toContain('380 ms');
		expect(row).toContain('12.3k');
		expect(row).toContain('678');
	});

	it('shows errors with their message, newest first', async () => {
		const app = await renderApp();
		const first = startEvent();
		app.bus.emit(first);
		app.bus.emit({type: 'request:end', id: first.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(10, 5), durationMs: 100});
		const second = startEvent({scenario: 'longContext', provider: 'gb', model: 'gemini-2.5-pro'});
		app.bus.emit(second);
		app.bus.emit({type: 'request:error', id: second.id, at: Date.now(), status: 502, errorType: 'api_error', message: 'upstream closed the connection', durationMs: 40});
		const frame = await app.waitFor('upstream closed');
		const lines = frame.split('\n');
		const errorLine = lines.findIndex(line => line.includes('upstream closed'));
		const okLine = lines.findIndex(line => line.includes('end_turn'));
		expect(errorLine).toBeGreaterThan(-1);
		expect(errorLine).toBeLessThan(okLine);
		expect(lines[errorLine]).toContain('✖ 502');
		expect(frame).toContain('errors 1');
	});

	it('keeps a bounded, scrolling window and opens the selected request in detail', async () => {
		const app = await renderApp({rows: 24});
		const ids: string[] = [];
		for (let index = 0; index < 30; index++) {
			const start = startEvent({reason: `reason number ${index}`});
			ids.push(start.id);
			app.bus.emit(start);
			app.bus.emit({type: 'request:end', id: start.id, at: Date.now(), status: 200, stopReason: 'end_turn', usage: usage(100 + index, 7), durationMs: 50});
		}

		let frame = await app.waitFor('30 done');
		expect(frame.split('\n').length).toBeLessThanOrEqual(23);
		await app.press('2');
		await app.waitFor(/┏━ 2 Activity/);
		await app.press('down', 3);
		await app.press('enter');
		frame = await app.waitFor(`Request ${ids[26]}`);
		expect(frame).toContain('reason number 26');
		expect(frame).toContain('api.deepseek.com');
		expect(frame).toContain('in 126 · out 7');
		expect(frame).not.toContain('sk-deepseek-secret-key-9f3a');
		await app.press('escape');
		await app.waitFor('1 Routes');
	});

	it('detail of a failed request shows the error text; Esc goes back and never quits', async () => {
		const app = await renderApp();
		const start = startEvent({reason: 'model field names provider,model'});
		app.bus.emit(start);
		app.bus.emit({
			type: 'request:attempt',
			id: start.id,
			attempt: {provider: 'deepseek', model: 'deepseek-chat', outcome: 'http 429', status: 429, keySuffix: '••••9f3a', durationMs: 120},
		});
		app.bus.emit({type: 'request:error', id: start.id, at: Date.now(), status: 429, errorType: 'rate_limit_error', message: 'too many requests, retry later', durationMs: 130});
		await app.waitFor('too many requests');
		await app.press('tab');
		await app.press('enter');
		const frame = await app.waitFor('Attempts');
		expect(frame).toContain('rate_limit_error: too many requests, retry later');
		expect(frame).toContain('http 429');
		expect(frame).toMatch(/key ••••9f3a/);
		expect(frame).not.toContain('••••••••');
		expect(frame).toContain('▲ 429 failed');
		await app.press('escape');
		await app.waitFor('2 Activity');
		await app.press('escape');
		await app.press('escape');
		expect(app.quits).toHaveLength(0);
		expect(app.frame()).toContain('2 Activity');
	});
});

describe('providers panel', () => {
	it('shows name, host, models, masked keys and $ENV references, never a key', async () => {
		const app = await renderApp({rows: 40, columns: 140});
		const frame = await app.waitFor('3 Providers');
		expect(lineWith(frame, 'deepseek api.deepseek.com')).toContain('key ••••9f3a');
		expect(frame).toContain('models: deepseek-chat, deepseek-reasoner');
		expect(lineWith(frame, 'ollama')).toContain('127.0.0.1:11434');
		expect(lineWith(frame, 'ollama')).toContain('no key');
		expect(lineWith(frame, 'gb 127.0.0.1:8000')).toContain('$GB_TOKEN');
		expect(frame).not.toContain('sk-deepseek-secret-key-9f3a');
	});

	it('shows per-key health of a pool from the activity stream: cooling until HH:MM:SS and why, disabled, untested, the last error', async () => {
		const pool = ['sk-pool-secret-key-aaaa1111', 'sk-pool-secret-key-bbbb2222', 'sk-pool-secret-key-cccc3333', 'sk-pool-secret-key-dddd4444'];
		// Local wall-clock times, so the HH:MM:SS the panel prints is the same in every time zone.
		let now = new Date(2026, 11, 2, 6, 30, 0).getTime();
		const until = new Date(2026, 11, 2, 6, 31, 7).getTime();
		const config = {...sampleConfig(), Providers: [{name: 'pooled', api_base_url: 'https://api.example.com/v1/chat/completions', api_key: pool, models: ['m1']}]};
		const app = await renderApp({config, rows: 40, columns: 240, app: {now: () => now}});
		await app.waitFor(/4 keys +untested/);
		await app.press('3');
		await app.waitFor('key 4 ••••4444  untested');
		const base = {type: 'key:state', at: now, provider: 'pooled'} as const;
		app.bus.emit({type: 'key:pool', at: now, provider: 'pooled', labels: ['••••1111', '••••2222', '••••3333', '••••4444']});
		app.bus.emit({...base, index: 0, label: '••••1111', state: 'cooling', reason: 'rate-limited', status: 429, until, error: 'Quota exceeded \u001b]0;pwned\u0007for requests'});
		app.bus.emit({...base, index: 1, label: '••••2222', state: 'disabled', reason: 'rejected', status: 401, error: 'Incorrect API key provided'});
		app.bus.emit({...base, index: 2, label: '••••3333', state: 'ok'});
		const frame = await app.waitFor('4 keys: 1 ok · 1 cooling · 1 disabled ');
		expect(lineWith(frame, 'key 1 ••••1111')).toContain('cooling until 06:31:07 (429 rate limited)  last error 06:30:00 429: Quota exceeded for requests');
		expect(lineWith(frame, 'key 2 ••••2222')).toContain('disabled (401 rejected)  last error 06:30:00 401: Incorrect API key provided');
		expect(lineWith(frame, 'key 3 ••••3333')).toContain('••••3333  ok ');
		expect(lineWith(frame, 'key 3 ••••3333')).not.toContain('last error');
		expect(lineWith(frame, 'key 4 ••••4444')).toContain('untested');
		expect(frame).not.toContain('pwned');
		expect(frame).not.toContain('sk-pool-secret');

		// Once the rest is over (the UI's clock), the key reads ok again and keeps its last error.
		now = until + 1000;
		const later = await app.waitFor('4 keys: 2 ok · 1 disabled ');
		expect(lineWith(later, 'key 1 ••••1111')).toContain('ok  last error 06:30:00 429: Quota exceeded');
	});

	it('t runs the connection test with live steps and keeps the result on the row', async () => {
		let release: (() => void) | undefined;
		const calls: string[] = [];
		const tester: ConnectionTester = async (provider, {onStep}) => {
			calls.push(provider.name);
			const reach: TestStep = {id: 'reach', label: 'Reachable', status: 'pass', durationMs: 12, detail: 'HTTP 200'};
			onStep?.({id: 'reach', label: 'Reachable', status: 'running'});
			onStep?.(reach);
			onStep?.({id: 'models', label: 'Auth and model list', status: 'running'});
			await new Promise<void>(resolve => {
				release = resolve;
			});
			const models: TestStep = {id: 'models', label: 'Auth and model list', status: 'fail', durationMs: 30, detail: 'HTTP 401', hint: 'check the key'};
			onStep?.(models);
			return {status: 'fail', steps: [reach, models]};
		};

		const app = await renderApp({rows: 40, columns: 160, app: {connectionTester: tester}});
		await app.waitFor('3 Providers');
		await app.press('3');
		await app.press('down');
		await app.waitFor(/❯ ollama/);
		await app.press('t');
		let frame = await app.waitFor('Auth and model list');
		expect(calls).toEqual(['ollama']);
		expect(frame).toMatch(/✔ Reachable\s+12 ms\s+HTTP 200/);
		expect(lineWith(frame, 'ollama 127')).toContain('testing');
		// A second t while it runs does not start another test.
		await app.press('t');
		release?.();
		frame = await app.waitFor('test failed');
		expect(calls).toEqual(['ollama']);
		expect(lineWith(frame, 'ollama 127')).toContain('✖ test failed');
		expect(lineWith(frame, 'ollama 127')).toContain('Auth and model list');
		expect(frame).toMatch(/✖ Auth and model list\s+30 ms\s+HTTP 401\s+→ check the key/);
		// Moving away keeps the summary on the row.
		await app.press('up');
		frame = await app.waitFor(/❯ deepseek/);
		expect(lineWith(frame, 'ollama 127')).toContain('✖ test failed');
	});

	it('runs the real connection test engine against an unreachable provider', async () => {
		const app = await renderApp({
			rows: 40,
			config: {Providers: [{name: 'nowhere', api_base_url: 'http://127.0.0.1:9/v1/chat/completions', models: ['m']}], Router: {}},
		});
		await app.waitFor('3 Providers');
		await app.press('3');
		await app.press('t');
		const frame = await app.waitFor('test failed', 15_000);
		expect(lineWith(frame, 'nowhere')).toContain('Reachable');
	});
});
