import {describe, expect, test} from 'vitest';
import {collectSse, toAnthropicError, toAnthropicMessage, TranslationError, type ResponseOptions} from '../../source/proxy/dialects/openai-chat/index.js';
import {ToolNameMap} from '../../source/proxy/dialects/openai-chat/index.js';
import {TEST_PROFILE, testIds} from './helpers.js';
import {STREAM_FIXTURES} from './stream-fixtures.js';

function options(overrides: Partial<ResponseOptions> = {}): ResponseOptions {
	return {requestedModel: 'claude-sonnet-4-5', inputTokens: 42, profile: TEST_PROFILE, toolNames: new ToolNameMap(), ids: testIds(), ...overrides};
}

function completion(message: Record<string, unknown>, finish: string | null = 'stop', usage?: Record<string, unknown>) {
	return {id: 'chatcmpl-1', object: 'chat.completion', model: 'up-model', choices: [{index: 0, message: {role: 'assistant', ...message}, finish_reason: finish}], usage};
}

describe('spec §6.3 non-streaming fixtures', () => {
	test('F-N01 text', () => {
		const body = completion({content: 'Hello!'}, 'stop', {prompt_tokens: 12, completion_tokens: 3, total_tokens: 15});
		expect(toAnthropicMessage(body, options())).toStrictEqual({
			id: 'msg_TEST',
			type: 'message',
			role: 'assistant',
			model: 'claude-sonnet-4-5',
			content: [{type: 'text', text: 'Hello!'}],
			stop_reason: 'end_turn',
			stop_sequence: null,
			usage: {input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0},
		});
	});

	test('F-N02 reasoning + text + tool call with finish stop (block order, stop upgrade)', () => {
		const body = completion({
			reasoning_content: 'Check dir',
			content: 'Looking.',
			tool_calls: [{id: 'call_1', type: 'function', function: {name: 'Bash', arguments: '{"command":"ls"}'}}],
		});
		const message = toAnthropicMessage(body, options());
		expect(message.content).toStrictEqual([
			{type: 'thinking', thinking: 'Check dir', signature: 'sig_TEST'},
			{type: 'text', text: 'Looking.'},
			{type: 'tool_use', id: 'toolu_GEN1', name: 'Bash', input: {command: 'ls'}},
		]);
		expect(message.stop_reason).toBe('tool_use');
	});

	test('F-N03 unparseable arguments → {} and a warning with the raw string', () => {
		const warnings: string[] = [];
		const body = completion({content: null, tool_calls: [{id: 'call_x', type: 'function', function: {name: 'Bash', arguments: '{{{not json'}}]}, 'tool_calls');
		const message = toAnthropicMessage(body, options({onWarning: warning => warnings.push(warning)}));
		expect(message.content).toStrictEqual([{type: 'tool_use', id: 'toolu_GEN1', name: 'Bash', input: {}}]);
		expect(warnings.join('\n')).toContain('{{{not json');
	});

	test('F-N04 SSE answer to a non-stream request', () => {
		const fixture = STREAM_FIXTURES.find(item => item.id === 'F-S01')!;
		const message = collectSse(fixture.upstream.join(''), options());
		expect(message).toStrictEqual({
			id: 'msg_TEST',
			type: 'message',
			role: 'assistant',
			model: 'claude-sonnet-4-5',
			content: [{type: 'text', text: 'Hello!'}],
			stop_reason: 'end_turn',
			stop_sequence: null,
			usage: {input_tokens: 25, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0},
		});
	});

	test('F-N05 no choices → 502 api_error', () => {
		let error: unknown;
		try {
			toAnthropicMessage({id: 'x', choices: []}, options());
		} catch (caught) {
			error = caught;
		}

		expect(error).toBeInstanceOf(TranslationError);
		expect((error as TranslationError).status).toBe(502);
		expect((error as TranslationError).body).toStrictEqual({type: 'error', error: {type: 'api_error', message: 'upstream returned no choices'}});
	});

	test('F-N06 leading keep-alive blank lines (DeepSeek)', () => {
		const text = `\n\n\n${JSON.stringify(completion({content: 'ok'}))}`;
		expect(toAnthropicMessage(JSON.parse(text), options()).content).toStrictEqual([{type: 'text', text: 'ok'}]);
	});
});

describe('non-streaming details', () => {
	test('Gemini Balance non-stream: finish stop with tool calls, tool_calls [] when none, empty ids', () => {
		const message = toAnthropicMessage(
			completion({content: '', reasoning_content: '', tool_calls: [{index: 2, id: '', type: 'function', function: {name: 'Read', arguments: '{"p": 1}'}}]}, 'stop', {
				prompt_tokens: 10,
				completion_tokens: 3,
			}),
			options(),
		);
		expect(message.content).toStrictEqual([{type: 'tool_use', id: 'toolu_GEN1', name: 'Read', input: {p: 1}}]);
		expect(message.stop_reason).toBe('tool_use');
		const plain = toAnthropicMessage(completion({content: 'Hi', tool_calls: []}), options());
		expect(plain.stop_reason).toBe('end_turn');
	});

	test('whitespace-only content is omitted; usage estimated when absent', () => {
		const message = toAnthropicMessage(completion({content: '  \n'}), options());
		expect(message.content).toStrictEqual([]);
		expect(message.usage).toStrictEqual({input_tokens: 42, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0});
	});

	test('think tags in non-stream content', () => {
		const message = toAnthropicMessage(completion({content: '<think>plan</think>Done'}), options({profile: {...TEST_PROFILE, thinkTags: true}}));
		expect(message.content).toStrictEqual([
			{type: 'thinking', thinking: 'plan', signature: 'sig_TEST'},
			{type: 'text', text: 'Done'},
		]);
	});

	test('length → max_tokens and a truncated call is dropped', () => {
		const message = toAnthropicMessage(completion({content: 'x', tool_calls: [{id: 'c', type: 'function', function: {name: 'Write', arguments: '{"a":"b'}}]}, 'length'), options());
		expect(message.stop_reason).toBe('max_tokens');
		expect(message.content).toStrictEqual([{type: 'text', text: 'x'}]);
	});

	test('collectSse of an errored stream throws the mapped error', () => {
		expect(() => collectSse('data: {"error":{"message":"slow down","code":429}}\n\n', options())).toThrow(TranslationError);
		try {
			collectSse('data: {"error":{"message":"slow down","code":429}}\n\n', options());
		} catch (error) {
			expect((error as TranslationError).status).toBe(429);
		}
	});
});

describe('spec §6.4 error fixtures', () => {
	test('F-E01 upstream 401', () => {
		const mapped = toAnthropicError(401, '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}', {requestId: 'req_TEST'});
		expect(mapped.status).toBe(401);
		expect(mapped.body).toStrictEqual({
			type: 'error',
			error: {type: 'authentication_error', message: 'upstream rejected the provider API key: Incorrect API key provided'},
			request_id: 'req_TEST',
		});
	});

	test('F-E02 upstream 429 with retry-after: 7', () => {
		const mapped = toAnthropicError(429, '{"error":{"message":"Too many"}}', {headers: new Headers({'retry-after': '7'})});
		expect(mapped.status).toBe(429);
		expect(mapped.body.error.type).toBe('rate_limit_error');
		expect(mapped.headers).toStrictEqual({'retry-after': '7'});
		expect(toAnthropicError(429, '', {headers: {'retry-after-ms': '1500'}}).headers).toStrictEqual({'retry-after-ms': '1500'});
	});

	test('F-E03 upstream 503 → 529 overloaded_error', () => {
		const mapped = toAnthropicError(503, '{"error":{"message":"Server Overloaded"}}');
		expect([mapped.status, mapped.body.error.type]).toStrictEqual([529, 'overloaded_error']);
	});

	test('F-E04 DeepSeek context overflow with breakdown', () => {
		const text =
			"This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (108000 in the messages, 32000 in the completion). Please reduce the length of the messages or completion.";
		const mapped = toAnthropicError(400, JSON.stringify({error: {message: text, type: 'invalid_request_error'}}));
		expect(mapped.status).toBe(400);
		expect(mapped.body.error.type).toBe('invalid_request_error');
		expect(
			mapped.body.error.message.startsWith('input length and `max_tokens` exceed context limit: 108000 + 32000 > 131072, decrease input length or `max_tokens` and try again'),
		).toBe(true);
	});

	test('F-E05 OpenAI context overflow without breakdown', () => {
		const text = "This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens. Please reduce the length of the messages.";
		const mapped = toAnthropicError(400, JSON.stringify({error: {message: text, code: 'context_length_exceeded'}}));
		expect(mapped.body.error.message.startsWith('prompt is too long: 204308 tokens > 128000 maximum')).toBe(true);
	});

	test('F-E06 Google array body', () => {
		const mapped = toAnthropicError(400, '[{"error":{"code":400,"message":"Function call is missing a thought_signature","status":"INVALID_ARGUMENT"}}]');
		expect([mapped.status, mapped.body.error.type, mapped.body.error.message]).toStrictEqual([400, 'invalid_request_error', 'Function call is missing a thought_signature']);
	});

	// F-E07 (upstream unreachable) is answered by the retry loop: see the fault tests.

	test('F-E08 DeepSeek 402', () => {
		const mapped = toAnthropicError(402, '{"error":{"message":"Insufficient Balance"}}');
		expect([mapped.status, mapped.body.error.type, mapped.body.error.message]).toStrictEqual([402, 'billing_error', 'Insufficient Balance']);
	});

	// F-E09 (proxy auth), F-E10 (oversize body) and F-E11 (malformed JSON) happen before translation:
	// they run against the real proxy in sdk-crosscheck.test.ts.

	test('F-E12 upstream 200 with JSON error while streaming requested → 529 overloaded_error', () => {
		const body = {error: {message: 'model overloaded', code: 503}};
		const mapped = toAnthropicError(200, JSON.stringify(body));
		expect([mapped.status, mapped.body.error.type]).toStrictEqual([529, 'overloaded_error']);
		try {
			toAnthropicMessage(body, options());
			expect.unreachable();
		} catch (error) {
			expect((error as TranslationError).status).toBe(529);
			expect((error as TranslationError).body.error.type).toBe('overloaded_error');
		}
	});
});

describe('error mapping details', () => {
	test.each([
		[400, 400, 'invalid_request_error'],
		[403, 403, 'permission_error'],
		[404, 404, 'not_found_error'],
		[408, 408, 'timeout_error'],
		[413, 413, 'request_too_large'],
		[418, 400, 'invalid_request_error'],
		[422, 400, 'invalid_request_error'],
		[500, 500, 'api_error'],
		[502, 502, 'api_error'],
		[504, 504, 'timeout_error'],
		[520, 502, 'api_error'],
	])('upstream %i → %i %s', (upstream, status, type) => {
		const mapped = toAnthropicError(upstream, 'x');
		expect([mapped.status, mapped.body.error.type]).toStrictEqual([status, type]);
	});

	test('no stack traces, no keys', () => {
		const text = [
			'Error: boom with key sk-proj-abcdefghijklmnopqrstuvwxyz',
			'    at handler (/srv/app/index.js:10:5)',
			'    at process (/srv/app/lib.js:1:1)',
			'Authorization: Bearer abcdef1234567890xyz',
			'url https://x/y?key=AIzaSyA1234567890abcdefghijklmnop&alt=sse',
		].join('\n');
		const message = toAnthropicError(500, text).body.error.message;
		expect(message).not.toMatch(/index\.js|lib\.js/);
		expect(message).not.toContain('abcdefghijklmnopqrstuvwxyz');
		expect(message).not.toContain('abcdef1234567890xyz');
		expect(message).not.toContain('AIzaSyA1234567890abcdefghijklmnop');
		expect(message).toContain('boom');
	});

	test('Gemini Balance nested Google error text is unwrapped; Gemini context wording rewritten', () => {
		const nested = JSON.stringify({
			error: {code: 429, message: JSON.stringify({error: {code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED'}}, null, 2)},
		});
		expect(toAnthropicError(429, nested).body.error.message).toBe('Resource has been exhausted (e.g. check quota).');
		const gemini = toAnthropicError(400, '{"error":{"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."}}');
		expect(gemini.body.error.message).toBe('prompt is too long: 1200000 tokens > 1048576 maximum');
	});

	test('context_length_exceeded without numbers uses the estimate and the window', () => {
		const mapped = toAnthropicError(400, '{"error":{"message":"too long","code":"context_length_exceeded"}}', {inputTokens: 9000, contextWindow: 8192});
		expect(mapped.body.error.message).toBe('prompt is too long: 9000 tokens > 8192 maximum');
	});

	test('long bodies are truncated to 2 kB; a config redactor can be layered', () => {
		expect(toAnthropicError(500, 'x'.repeat(10_000)).body.error.message.length).toBeLessThanOrEqual(2048);
		const mapped = toAnthropicError(500, 'my-secret-value leaked', {redact: text => text.replaceAll('my-secret-value', '••••')});
		expect(mapped.body.error.message).toBe('•••• leaked');
	});
});
