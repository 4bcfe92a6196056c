import {describe, expect, test} from 'vitest';
import {messageToSse, PROFILES, StreamTranslator, toAnthropicMessage, ToolNameMap} from '../../source/proxy/dialects/openai-chat/index.js';
import {C, D, DONE, expectedEvents, newTranslator, normalize, parseSse, runStream, TEST_PROFILE, testIds, toolNamesFor, U} from './helpers.js';
import {STREAM_FIXTURES} from './stream-fixtures.js';

describe('spec §6.2 stream fixtures', () => {
	test.each(STREAM_FIXTURES.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('%s', (_name, fixture) => {
		const {events, translator} = runStream(fixture.upstream, {profile: fixture.profile, toolNames: toolNamesFor(fixture)});
		expect(normalize(events)).toEqual(expectedEvents(fixture.expected));
		expect(translator.ended).toBe(true);
	});

	test('F-S01 byte-exact output', () => {
		const fixture = STREAM_FIXTURES.find(item => item.id === 'F-S01')!;
		const {text} = runStream(fixture.upstream);
		expect(text).toBe(
			[
				'event: message_start',
				'data: {"type":"message_start","message":{"id":"msg_TEST","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":42,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}',
				'',
				'event: ping',
				'data: {"type":"ping"}',
				'',
				'event: content_block_start',
				'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
				'',
				'event: content_block_delta',
				'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}',
				'',
				'event: content_block_delta',
				'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}',
				'',
				'event: content_block_stop',
				'data: {"type":"content_block_stop","index":0}',
				'',
				'event: message_delta',
				'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":25,"output_tokens":2,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}',
				'',
				'event: message_stop',
				'data: {"type":"message_stop"}',
				'',
				'',
			].join('\n'),
		);
	});

	test('F-S01 finalizes on the usage chunk, before [DONE]', () => {
		const fixture = STREAM_FIXTURES.find(item => item.id === 'F-S01')!;
		const translator = newTranslator();
		translator.start();
		for (const piece of fixture.upstream.slice(0, 4)) translator.push(piece);
		expect(translator.awaitingGrace).toBe(true);
		expect(translator.push(fixture.upstream[4]!)).toContain('event: message_stop');
		expect(translator.ended).toBe(true);
		expect(translator.push(DONE)).toBe('');
		expect(translator.end()).toBe('');
		expect(translator.stopReason).toBe('end_turn');
		expect(translator.usage).toEqual({input_tokens: 25, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0});
	});

	test('F-S10 keep-alive comments are swallowed; pings come from the proxy clock', () => {
		// Fake clock: the proxy pings after 15 s without writing anything to the client.
		const translator = newTranslator();
		const schedule: Array<[number, string]> = [
			[10_000, ': keep-alive\n\n'],
			[20_000, ': keep-alive\n\n'],
			[30_000, ': keep-alive\n\n'],
			[31_000, C({content: 'ok'})],
			[31_000, C({}, 'stop')],
			[31_000, DONE],
		];
		let now = 0;
		let lastWrite = 0;
		let text = '';
		const write = (out: string): void => {
			if (!out) return;
			text += out;
			lastWrite = now;
		};

		write(translator.start());
		for (const [at, piece] of schedule) {
			while (lastWrite + 15_000 <= at) {
				now = lastWrite + 15_000;
				write(translator.ping());
			}

			now = at;
			write(translator.push(piece));
		}

		write(translator.end());
		expect(text).not.toContain('keep-alive');
		expect(normalize(parseSse(text))).toEqual(expectedEvents('MS | PING | PING | PING | CBS 0 text | TD 0 "ok" | CBX 0 | MD end_turn [42,1,0,0] | MX'));
		expect(translator.ping()).toBe('');
	});

	test('F-S11 CRLF, data: without space, JSON split across reads, UTF-8 split inside a character', () => {
		const encoder = new TextEncoder();
		const wire = encoder.encode(
			'data:{"choices":[{"index":0,"delta":{"content":"你好"},"finish_reason":null}]}\r\n\r\n' +
				'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\r\n\r\ndata: [DONE]\r\n\r\n',
		);
		const ni = encoder.encode('你');
		const start = wire.indexOf(ni[0]!);
		const pieces = [wire.subarray(0, 20), wire.subarray(20, start + 1), wire.subarray(start + 1, start + 2), wire.subarray(start + 2)];
		const {events} = runStream(pieces);
		const text = events
			.filter(([, data]) => data.delta?.type === 'text_delta')
			.map(([, data]) => data.delta.text)
			.join('');
		expect(text).toBe('你好');
		expect(events.filter(([name]) => name === 'content_block_start')).toHaveLength(1);
		expect(events.at(-2)![1].delta.stop_reason).toBe('end_turn');
	});

	test('F-S25 JSON answer to a streaming request becomes an SSE sequence', () => {
		const body = {
			id: 'x',
			object: 'chat.completion',
			choices: [{index: 0, message: {role: 'assistant', content: 'Hi'}, finish_reason: 'stop'}],
			usage: {prompt_tokens: 5, completion_tokens: 1},
		};
		const message = toAnthropicMessage(body, {requestedModel: 'claude-sonnet-4-5', inputTokens: 42, profile: TEST_PROFILE, toolNames: new ToolNameMap(), ids: testIds()});
		const events = parseSse(messageToSse(message, {inputTokens: 42}));
		expect(events).toEqual(expectedEvents('MS | PING | CBS 0 text | TD 0 "Hi" | CBX 0 | MD end_turn [5,1,0,0] | MX'));
	});

	test('F-S26 finished but never closed: awaitingGrace, then finalize()', () => {
		const {text, translator} = runStream([C({content: 'done'}), C({}, 'stop'), ': keep-alive\n\n', ': keep-alive\n\n'], {eof: false});
		expect(translator.ended).toBe(false);
		expect(translator.awaitingGrace).toBe(true);
		expect(translator.postFinishGraceMs).toBe(5000);
		const all = text + translator.finalize();
		expect(normalize(parseSse(all))).toEqual(expectedEvents('MS | PING | CBS 0 text | TD 0 "done" | CBX 0 | MD end_turn [42,1,0,0] | MX'));
		expect(translator.awaitingGrace).toBe(false);
		expect(translator.finalize()).toBe('');
	});

	// F-S28 (client disconnect aborts the upstream) is proxy behaviour: sdk-crosscheck.test.ts.
});

describe('stream translator contract details', () => {
	test('model echo: message_start carries the requested model, not the upstream one', () => {
		const {events} = runStream([C({content: 'x'}), C({}, 'stop'), DONE], {requestedModel: 'claude-opus-4-1'});
		expect(events[0]![1].message.model).toBe('claude-opus-4-1');
	});

	test('fail() writes one error event and nothing after it', () => {
		const translator = newTranslator();
		let text = translator.start() + translator.push(C({content: 'x'}));
		text += translator.fail({type: 'timeout_error', message: 'upstream idle'});
		text += translator.fail({type: 'api_error', message: 'again'});
		text += translator.push(C({content: 'y'})) + translator.end() + translator.finalize() + translator.ping();
		expect(normalize(parseSse(text))).toEqual(expectedEvents('MS | PING | CBS 0 text | TD 0 "x" | ERR timeout_error'));
	});

	test('EOF after finish_reason without usage or [DONE] finalizes', () => {
		const {events} = runStream([C({content: 'x'}), C({}, 'stop')]);
		expect(events.at(-1)![0]).toBe('message_stop');
	});

	test('EOF without anything is an error, never a fake stop', () => {
		const {events} = runStream([]);
		expect(normalize(events)).toEqual(expectedEvents('MS | PING | ERR api_error'));
	});

	test('eofIsDone profiles finalize at EOF when every tool call parses', () => {
		const profile = {...TEST_PROFILE, eofIsDone: true};
		const good = runStream([C({content: 'x'})], {profile});
		expect(good.events.at(-1)![0]).toBe('message_stop');
		const cut = runStream([C({tool_calls: [{index: 0, id: 'a', function: {name: 'Bash', arguments: '{"command":'}}]})], {profile});
		expect(cut.events.at(-1)![0]).toBe('error');
	});

	test('DeepSeek insufficient_system_resource → overloaded_error', () => {
		const {events} = runStream([C({content: 'x'}), C({}, 'insufficient_system_resource')]);
		expect(events.at(-1)![1].error.type).toBe('overloaded_error');
	});

	test('error messages are redacted', () => {
		const {events} = runStream([D('{"error":{"message":"bad key sk-abcdefghijklmnop1234 used","code":500}}')]);
		expect(events.at(-1)![1].error.message).not.toContain('abcdefghijklmnop1234');
	});

	test('unparseable data lines are skipped, not thrown', () => {
		const {events} = runStream(['data: {not json}\n\n', C({content: 'x'}), C({}, 'stop'), DONE]);
		expect(events.at(-1)![0]).toBe('message_stop');
	});

	test('servers omitting blank lines still dispatch each data line', () => {
		const line = (payload: object): string => `data: ${JSON.stringify(payload)}\n`;
		const {events} = runStream([
			line({choices: [{index: 0, delta: {content: 'a'}}]}),
			line({choices: [{index: 0, delta: {content: 'b'}}]}),
			line({choices: [{index: 0, delta: {}, finish_reason: 'stop'}]}),
			'data: [DONE]\n',
		]);
		expect(normalize(events)).toEqual(expectedEvents('MS | PING | CBS 0 text | TD 0 "a" | TD 0 "b" | CBX 0 | MD end_turn [42,1,0,0] | MX'));
	});

	test('multi-line data (SSE spec) is joined and dispatched at the blank line', () => {
		const {events} = runStream(['data: {"choices":[{"index":0,\ndata: "delta":{"content":"hi"}}]}\n\n', C({}, 'stop'), DONE]);
		expect(events[3]![1].delta.text).toBe('hi');
	});

	test('choices with index ≠ 0 and null choices are ignored', () => {
		const {events} = runStream([D({choices: [{index: 1, delta: {content: 'other'}}]}), D({choices: null, usage: null}), C({content: 'mine'}), C({}, 'stop'), DONE]);
		expect(events.filter(([name]) => name === 'content_block_delta').map(([, data]) => data.delta.text)).toEqual(['mine']);
	});

	test('stop_sequence only when the upstream names one of the request stop sequences', () => {
		const names = new ToolNameMap({stopSequences: ['</answer>']});
		const stop = D({choices: [{index: 0, delta: {}, finish_reason: 'stop', stop_reason: '</answer>'}]});
		const {events} = runStream([C({content: 'x'}), stop, DONE], {toolNames: names});
		expect(events.at(-2)![1].delta).toEqual({stop_reason: 'stop_sequence', stop_sequence: '</answer>'});
	});

	test('passthrough tool mode streams fragments as they arrive', () => {
		const profile = {...TEST_PROFILE, toolArgsMode: 'passthrough' as const};
		const {events} = runStream(
			[
				C({tool_calls: [{index: 0, id: 'call_p', function: {name: 'Bash', arguments: '{"command":'}}]}),
				C({tool_calls: [{index: 0, function: {arguments: '"ls"}'}}]}),
				C({}, 'tool_calls'),
				DONE,
			],
			{profile},
		);
		expect(normalize(events)).toEqual([
			...expectedEvents('MS | PING | CBS 0 tool toolu_GEN1 Bash'),
			['content_block_delta', {type: 'content_block_delta', index: 0, delta: {type: 'input_json_delta', partial_json: '{"command":'}}],
			['content_block_delta', {type: 'content_block_delta', index: 0, delta: {type: 'input_json_delta', partial_json: '"ls"}'}}],
			...expectedEvents('CBX 0 | MD tool_use [42,1,0,0] | MX'),
		]);
	});

	test('outputTokens tracks the running estimate, then the upstream figure', () => {
		const translator = newTranslator();
		translator.start();
		translator.push(C({content: 'x'.repeat(40)}));
		expect(translator.outputTokens).toBe(10);
		translator.push(U({prompt_tokens: 3, completion_tokens: 77}));
		expect(translator.outputTokens).toBe(77);
	});

	test('concurrent translators share no state', () => {
		const a = newTranslator();
		const b = newTranslator();
		let ta = a.start();
		let tb = b.start();
		ta += a.push(C({content: 'A'}));
		tb += b.push(C({reasoning_content: 'B'}));
		ta += a.push(C({}, 'stop')) + a.push(DONE);
		tb += b.push(C({content: 'b'})) + b.push(C({}, 'stop')) + b.push(DONE);
		expect(normalize(parseSse(ta))).toEqual(expectedEvents('MS | PING | CBS 0 text | TD 0 "A" | CBX 0 | MD end_turn [42,1,0,0] | MX'));
		expect(normalize(parseSse(tb))).toEqual(expectedEvents('MS | PING | CBS 0 thinking | THD 0 "B" | SIG 0 | CBX 0 | CBS 1 text | TD 1 "b" | CBX 1 | MD end_turn [42,1,0,0] | MX'));
	});

	test('constructor ids: default ids look like Anthropic ids', () => {
		const translator = new StreamTranslator({requestedModel: 'm', inputTokens: 1, profile: TEST_PROFILE, toolNames: new ToolNameMap()});
		expect(translator.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
	});
});

describe('Gemini empty replies (gemini-balance.md §4.1-9)', () => {
	const emptyGemini = [D({id: 'c1', object: 'chat.completion.chunk', choices: [], usage: {prompt_tokens: 9, completion_tokens: 0, total_tokens: 9}}), DONE];

	test('a Gemini stream with no content at all ends in a retryable error, not a silent empty end_turn', () => {
		const {events} = runStream(emptyGemini, {profile: PROFILES['gemini-balance']});
		expect(events.map(([name]) => name)).toEqual(['message_start', 'ping', 'error']);
		expect(events.at(-1)![1].error).toMatchObject({type: 'api_error', message: expect.stringContaining('empty answer')});
	});

	test('other providers keep the empty answer as end_turn', () => {
		const {events} = runStream(emptyGemini);
		expect(events.map(([name]) => name)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
	});
});
