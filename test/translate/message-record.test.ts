import {MessageStream} from '@anthropic-ai/sdk/lib/MessageStream';
import {describe, expect, test} from 'vitest';
import {StreamTranslator, ToolNameMap} from '../../source/proxy/dialects/openai-chat/index.js';
import {MessageRecord} from '../../source/proxy/translate/message-record.js';
import {TEST_PROFILE, testIds, toolNamesFor} from './helpers.js';
import {STREAM_FIXTURES} from './stream-fixtures.js';

/** The SDK's own accumulation of an SSE text: what a streaming client ends up with. */
async function sdkMessage(sseText: string): Promise<unknown> {
	const events = sseText
		.split('\n\n')
		.filter(frame => frame.includes('\ndata: '))
		.map(frame => frame.slice(frame.indexOf('\ndata: ') + 7));
	const lines = events.filter(json => JSON.parse(json).type !== 'ping').join('\n');
	const stream = new ReadableStream({
		start(controller) {
			controller.enqueue(new TextEncoder().encode(`${lines}\n`));
			controller.close();
		},
	});
	// The SDK adds two fields of its own (the parsed output of a structured answer, stop details).
	const {parsed_output: _parsed, stop_details: _details, ...message} = await MessageStream.fromReadableStream(stream).finalMessage();
	return message;
}

describe('MessageRecord: the whole message from the translator’s facts equals what the SDK accumulates from its SSE', () => {
	test.each(STREAM_FIXTURES.filter(fixture => !fixture.expected.includes('ERR')).map(fixture => [fixture.id, fixture] as const))('%s', async (_id, fixture) => {
		const record = new MessageRecord();
		const translator = new StreamTranslator({
			requestedModel: 'claude-sonnet-4-5',
			inputTokens: 42,
			profile: fixture.profile ?? TEST_PROFILE,
			toolNames: toolNamesFor(fixture),
			ids: testIds(),
			record,
		});
		let text = '';
		for (const chunk of fixture.upstream) text += translator.push(chunk);
		text += translator.end();
		expect(record.result()).toStrictEqual(await sdkMessage(text));
	});

	test('a failure the stream reported is thrown with its type and status', () => {
		const record = new MessageRecord();
		const translator = new StreamTranslator({requestedModel: 'm', inputTokens: 1, profile: TEST_PROFILE, toolNames: new ToolNameMap(), ids: testIds(), record});
		translator.push('data: {"error":{"message":"slow down","code":429}}\n\n');
		translator.end();
		expect(() => record.result()).toThrow(expect.objectContaining({status: 429, body: {type: 'error', error: {type: 'rate_limit_error', message: 'slow down'}}}));
	});
});
