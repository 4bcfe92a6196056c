/**
 * Claude Code's session id: parsed from `metadata.user_id` (a JSON string since 2.1.78), carried on
 * the request's start event and its activity record, tolerated when absent or malformed.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {RequestStarted} from '../../source/activity/events.js';
import {claudeSessionId} from '../../source/proxy/session.js';
import {answer} from '../fakes/openai-upstream.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {waitFor} from '../helpers/wait-for.js';

/** What Claude Code 2.1.332 sends (device id shortened). */
const CLAUDE_CODE_USER_ID = JSON.stringify({device_id: '3f9a0c', account_uuid: '', session_id: '6c2b9e41-8d0f-4a51-9a37-2f1e0b7c5d13'});

describe('claudeSessionId', () => {
	it.each([
		['a JSON string (2.1.78 and later)', CLAUDE_CODE_USER_ID, '6c2b9e41-8d0f-4a51-9a37-2f1e0b7c5d13'],
		['the older user_…_session_… form', 'user_ab12_account__session_1234-uuid', '1234-uuid'],
		['JSON without session_id', JSON.stringify({device_id: 'd'}), undefined],
		['JSON whose session_id is not a string', JSON.stringify({session_id: 7}), undefined],
		['JSON null', 'null', undefined],
		['broken JSON', '{"session_id":', undefined],
		['a plain user id', 'alice@example.com', undefined],
		['an empty string', '', undefined],
	])('%s', (_name, userId, expected) => {
		expect(claudeSessionId({metadata: {user_id: userId}})).toBe(expected);
	});

	it('absent metadata, absent user_id, a non-string user_id', () => {
		expect(claudeSessionId({})).toBeUndefined();
		expect(claudeSessionId({metadata: null})).toBeUndefined();
		expect(claudeSessionId({metadata: {}})).toBeUndefined();
		expect(claudeSessionId({metadata: {user_id: 42}})).toBeUndefined();
	});
});

describe('session id in the activity', () => {
	let harness: Harness | undefined;
	afterEach(async () => {
		await harness?.close();
		harness = undefined;
	});

	it('the start event and the record carry it; a request without one has none and still succeeds', async () => {
		const h = (harness = await startHarness({upstream: answer({text: 'ok'})}));
		const base = {model: 'claude-opus-5-5', max_tokens: 64, messages: [{role: 'user' as const, content: 'hi'}]};
		await h.client.messages.create({...base, metadata: {user_id: CLAUDE_CODE_USER_ID}});
		await h.client.messages.create({...base, metadata: {user_id: 'not json at all'}});
		await h.client.messages.create(base);
		await waitFor(() => h.activity.getSnapshot().recent.length === 3);
		const starts = h.events.filter((event): event is RequestStarted => event.type === 'request:start');
		expect(starts.map(start => start.sessionId)).toEqual(['6c2b9e41-8d0f-4a51-9a37-2f1e0b7c5d13', undefined, undefined]);
		expect(starts[1]).not.toHaveProperty('sessionId');
		const records = h.activity.getSnapshot().recent;
		expect(records.map(record => record.state)).toEqual(['done', 'done', 'done']);
		expect(records.map(record => record.sessionId)).toEqual([undefined, undefined, '6c2b9e41-8d0f-4a51-9a37-2f1e0b7c5d13']);
	});

	it('a request refused by routing still records its session', async () => {
		const h = (harness = await startHarness({upstream: answer({text: 'ok'})}));
		await expect(
			h.client.messages.create({model: 'nobody,model', max_tokens: 64, messages: [{role: 'user', content: 'hi'}], metadata: {user_id: CLAUDE_CODE_USER_ID}}),
		).rejects.toThrow(/unknown provider/);
		await waitFor(() => h.activity.getSnapshot().recent.length === 1);
		expect(h.activity.getSnapshot().recent[0]).toMatchObject({state: 'error', sessionId: '6c2b9e41-8d0f-4a51-9a37-2f1e0b7c5d13'});
	});
});
