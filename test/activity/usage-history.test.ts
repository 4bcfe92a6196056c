/**
 * The usage history: one line per finished request (no key, no body), 0600, one file per UTC day,
 * retention by day file, torn and foreign lines skipped with one warning, and the real proxy writing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ActivityBus} from '../../source/activity/bus.js';
import type {ActivityEvent} from '../../source/activity/events.js';
import {createUsageHistory} from '../../source/activity/usage/history-writer.js';
import {readUsageHistory, skippedLinesWarning} from '../../source/activity/usage/read-history.js';
import {toUsageRecord} from '../../source/activity/usage/record.js';
import {answer} from '../fakes/openai-upstream.js';
import {startHarness} from '../helpers/proxy-harness.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

/** The events of one request as the proxy emits them. */
function requestEvents(
	id: string,
	at: number,
	extra: {session?: string; fail?: boolean; attempts?: Array<{provider: string; model: string; outcome: string; keySuffix?: string}>} = {},
): ActivityEvent[] {
	const events: ActivityEvent[] = [
		{
			type: 'request:start',
			id,
			at: at - 900,
			scenario: 'default',
			reason: 'default route',
			provider: 'fake',
			model: 'up-model',
			requestedModel: 'claude-sonnet',
			stream: true,
			inputTokens: 40,
			upstreamHost: '127.0.0.1:1',
			...(extra.session ? {sessionId: extra.session} : {}),
		},
		...(extra.attempts ?? [{provider: 'fake', model: 'up-model', outcome: 'answered'}]).map(attempt => ({
			type: 'request:attempt' as const,
			id,
			attempt: {...attempt, durationMs: 100},
		})),
	];
	if (extra.fail) {
		events.push({type: 'request:error', id, at, status: 429, errorType: 'rate_limit_error', message: 'slow down', durationMs: 900});
	} else {
		events.push({type: 'request:first-token', id, at: at - 700, ttftMs: 200});
		events.push({
			type: 'request:end',
			id,
			at,
			status: 200,
			stopReason: 'end_turn',
			usage: {inputTokens: 50, outputTokens: 7, cacheReadTokens: 3, cacheCreationTokens: 0},
			durationMs: 900,
		});
	}

	return events;
}

function setup(options: {now?: () => number; retentionDays?: number} = {}) {
	const dir = path.join(tempDir(), 'usage');
	const bus = new ActivityBus();
	const history = createUsageHistory({dir, bus, now: options.now ?? (() => T0), retentionDays: () => options.retentionDays, batchMs: 5});
	const emit = (events: ActivityEvent[]) => {
		for (const event of events) bus.emit(event);
	};

	return {dir, bus, history, emit};
}

describe('usage history: writing', () => {
	it('appends one private line per finished request with the listed fields and nothing else', async () => {
		const {dir, history, emit} = setup();
		emit(requestEvents('r1', T0, {session: 'sess-1'}));
		emit(requestEvents('r2', T0 + 1000, {fail: true}));
		await history.close();
		const file = path.join(dir, 'usage-2026-12-02.jsonl');
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
		const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
		expect(lines).toHaveLength(2);
		expect(JSON.parse(lines[0]!)).toEqual({
			v: 1,
			at: T0,
			session: 'sess-1',
			route: 'default',
			reason: 'default route',
			provider: 'fake',
			model: 'up-model',
			status: 200,
			input: 50,
			output: 7,
			cacheRead: 3,
			cacheWrite: 0,
			ttftMs: 200,
			durationMs: 900,
			retries: 0,
			fallback: false,
			keyRotated: false,
		});
		expect(JSON.parse(lines[1]!)).toMatchObject({status: 429, error: 'rate_limit_error', input: 0, output: 0});
		expect(JSON.parse(lines[1]!)).not.toHaveProperty('ttftMs');
		// Never the message text (it can quote a body) nor a key.
		expect(lines[1]).not.toContain('slow down');
	});

	it('records retries, the fallback that answered, the key index and a key rotation (from masked suffixes only)', () => {
		const events = requestEvents('r1', T0, {
			attempts: [
				{provider: 'fake', model: 'up-model', outcome: 'http 429', keySuffix: '…aaaa'},
				{provider: 'fake', model: 'up-model', outcome: 'http 429', keySuffix: '…bbbb'},
				{provider: 'spare', model: 'other', outcome: 'answered'},
			],
		});
		const start = events[0] as Extract<ActivityEvent, {type: 'request:start'}>;
		const end = {...(events.at(-1) as Extract<ActivityEvent, {type: 'request:end'}>), provider: 'spare', model: 'other'};
		const attempts = events.filter(event => event.type === 'request:attempt').map(event => event.attempt);
		const record = toUsageRecord({start, attempts, end}, (provider, suffix) => (provider === 'fake' && suffix === '…bbbb' ? 1 : undefined));
		expect(record).toMatchObject({provider: 'spare', model: 'other', retries: 2, fallback: true, keyRotated: true});
		// The answering attempt had no key suffix: no index claimed.
		expect(record).not.toHaveProperty('keyIndex');
		const rotatedOnly = toUsageRecord({start, attempts: attempts.slice(0, 2), end: {...end, provider: 'fake', model: 'up-model'}}, (_provider, suffix) =>
			suffix === '…bbbb' ? 1 : 0,
		);
		expect(rotatedOnly).toMatchObject({keyIndex: 1, keyRotated: true, fallback: false, retries: 1});
	});

	it('starts a new file at each UTC day (rotation) and deletes day files past retention', async () => {
		let now = T0;
		const {dir, history, emit} = setup({now: () => now, retentionDays: 2});
		fs.mkdirSync(dir, {recursive: true});
		for (const day of ['2026-11-20', '2026-11-29', '2026-11-30', '2026-12-01']) fs.writeFileSync(path.join(dir, `usage-${day}.jsonl`), '');
		fs.writeFileSync(path.join(dir, 'notes.txt'), 'not ours');
		emit(requestEvents('r1', T0));
		await history.flush();
		expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt', 'usage-2026-11-30.jsonl', 'usage-2026-12-01.jsonl', 'usage-2026-12-02.jsonl']);
		now = T0 + DAY;
		emit(requestEvents('r2', T0 + DAY));
		await history.close();
		expect(fs.readdirSync(dir).sort()).toEqual(['notes.txt', 'usage-2026-12-01.jsonl', 'usage-2026-12-02.jsonl', 'usage-2026-12-03.jsonl']);
		expect(readUsageHistory(dir).records.map(record => record.at)).toEqual([T0, T0 + DAY]);
	});

	it('a torn last line is closed before the next append; torn and foreign lines are skipped with one warning', async () => {
		const {dir, history, emit} = setup();
		fs.mkdirSync(dir, {recursive: true});
		const file = path.join(dir, 'usage-2026-12-02.jsonl');
		const good = JSON.stringify(toUsageRecord({start: requestEvents('r0', T0)[0] as never, attempts: [], end: requestEvents('r0', T0).at(-1) as never}));
		fs.writeFileSync(file, `${good}\n{"note":"someone else's line"}\n${good.slice(0, 40)}`, {mode: 0o644});
		emit(requestEvents('r1', T0 + 5));
		await history.close();
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		const read = readUsageHistory(dir);
		expect(read.records.map(record => record.at)).toEqual([T0, T0 + 5]);
		expect(read.skipped).toBe(2);
		expect(skippedLinesWarning(read)).toBe(`skipped 2 unreadable lines in ${file} (a torn last line after a crash, or not a ccr-tui record)`);
	});

	it('an empty or missing folder is an empty history; `since` reads only what is recent enough', async () => {
		expect(readUsageHistory(path.join(tempDir(), 'nothing-here'))).toEqual({records: [], skipped: 0, skippedIn: []});
		const {dir, history, emit} = setup();
		emit(requestEvents('old', T0 - 3 * DAY));
		emit(requestEvents('new', T0));
		await history.close();
		expect(readUsageHistory(dir, T0 - DAY).records.map(record => record.at)).toEqual([T0]);
		expect(skippedLinesWarning(readUsageHistory(dir))).toBeUndefined();
	});

	it('a folder that cannot be written disables the history with one notice; requests go on', async () => {
		const blocker = path.join(tempDir(), 'file-not-folder');
		fs.writeFileSync(blocker, '');
		const bus = new ActivityBus();
		const notices: string[] = [];
		bus.on(event => event.type === 'notice' && notices.push(event.message));
		const history = createUsageHistory({dir: path.join(blocker, 'usage'), bus, batchMs: 1});
		for (const event of requestEvents('r1', T0)) bus.emit(event);
		await history.flush();
		for (const event of requestEvents('r2', T0)) bus.emit(event);
		await history.close();
		expect(notices).toHaveLength(1);
		expect(notices[0]).toMatch(/^Usage history disabled: cannot write .*usage \((ENOTDIR|EEXIST)\)$/);
	});
});

describe('usage history: the running proxy', () => {
	it('writes a record for a request answered through the proxy (SDK), beside the config, without the key', async () => {
		const h = await startHarness({history: true, upstream: answer({text: 'hello', usage: {prompt_tokens: 21, completion_tokens: 4}})});
		try {
			await h.client.messages.stream({model: 'claude-test-sonnet', max_tokens: 32, messages: [{role: 'user', content: 'SECRET-BODY-TEXT'}]}).finalMessage();
			const dir = path.join(path.dirname(h.configPath), 'usage');
			const read = await waitFor(() => {
				const result = readUsageHistory(dir);
				return result.records.length > 0 ? result : undefined;
			});
			expect(read.records[0]).toMatchObject({provider: 'fake', model: 'up-model', status: 200, input: 21, output: 4, route: 'default'});
			expect(read.records[0]!.ttftMs).toBeGreaterThanOrEqual(0);
			const text = fs
				.readdirSync(dir)
				.map(name => fs.readFileSync(path.join(dir, name), 'utf8'))
				.join('');
			expect(text).not.toContain('sk-fake-upstream-key');
			expect(text).not.toContain('SECRET-BODY-TEXT');
		} finally {
			await h.close();
		}
	});

	it('writes nothing when the config says history.enabled: false', async () => {
		const h = await startHarness({
			history: true,
			config: url => ({Providers: [{name: 'fake', api_base_url: `${url}/v1`, api_key: 'k', models: ['up-model']}], Router: {default: 'fake,up-model'}, history: {enabled: false}}),
		});
		try {
			await h.client.messages.create({model: 'claude-test-sonnet', max_tokens: 32, messages: [{role: 'user', content: 'hi'}]});
			await waitFor(() => h.activity.getSnapshot().totals.requests === 1);
			await h.proxy.close();
			expect(fs.existsSync(path.join(path.dirname(h.configPath), 'usage'))).toBe(false);
		} finally {
			await h.close();
		}
	});
});
