/**
 * The native Gemini dialect's conformance fixtures (gemini-fixtures.ts) on the pure translator:
 * streamed event by event, and the same answer read whole (the events merged into one response).
 */
import {describe, expect, test} from 'vitest';
import {toGeminiRequest} from '../../source/proxy/dialects/gemini/request.js';
import {GeminiStreamTranslator} from '../../source/proxy/dialects/gemini/stream.js';
import {PROFILES} from '../../source/proxy/translate/profiles.js';
import {ThoughtSignatureCache} from '../../source/proxy/translate/thought-signatures.js';
import {MessageRecord} from '../../source/proxy/translate/message-record.js';
import {expectedEvents, normalize, parseSse, testIds, comparable, expectedMessage, type Block} from './helpers.js';
import {GEMINI_FIXTURES, type GeminiFixture} from './gemini-fixtures.js';
import {mergedResponse} from './gemini-merge.js';

function translatorFor(fixture: GeminiFixture, signatures = new ThoughtSignatureCache(), record?: MessageRecord): GeminiStreamTranslator {
	const request = {model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{role: 'user' as const, content: 'x'}], ...(fixture.tools ? {tools: fixture.tools} : {})};
	const {toolNames} = toGeminiRequest(request, {model: fixture.model ?? 'gemini-2.5-flash', profile: PROFILES['gemini-native'], signatures});
	return new GeminiStreamTranslator({requestedModel: 'claude-sonnet-4-5', inputTokens: 42, toolNames, signatures, ids: testIds(), ...(record ? {record} : {})});
}

describe('native Gemini stream fixtures', () => {
	test.each(GEMINI_FIXTURES.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('%s', (_name, fixture) => {
		const translator = translatorFor(fixture);
		let text = translator.start();
		for (const piece of fixture.upstream) text += translator.push(piece);
		text += translator.end();
		expect(normalize(parseSse(text))).toEqual(expectedEvents(fixture.expected));
		expect(translator.ended).toBe(true);
		// Nothing after the end: no second message_stop, no late error.
		expect(translator.push('data: {"candidates":[]}\r\n\r\n') + translator.end()).toBe('');
	});

	test('G-S03 the call signature is kept for the next request, under the tool_use id', () => {
		const signatures = new ThoughtSignatureCache();
		const fixture = GEMINI_FIXTURES.find(item => item.id === 'G-S03')!;
		const translator = translatorFor(fixture, signatures);
		for (const piece of fixture.upstream) translator.push(piece);
		translator.end();
		expect(signatures.get('call_g1')).toBe('tsig-call');
	});
});

const whole = GEMINI_FIXTURES.filter(fixture => fixture.expected.endsWith('MX'));

describe('native Gemini whole answers (the same fixtures merged into one response)', () => {
	test.each(whole.map(fixture => [`${fixture.id} ${fixture.title}`, fixture] as const))('%s', (_name, fixture) => {
		const record = new MessageRecord();
		const translator = translatorFor(fixture, new ThoughtSignatureCache(), record);
		translator.pushResponse(mergedResponse(fixture.upstream));
		translator.end();
		const message = record.result();
		const expected = expectedMessage(expectedEvents(fixture.expected));
		expect(message.content.map(block => comparable(block as Block))).toEqual(expected.content.map(comparable));
		expect(message.stop_reason).toBe(expected.stopReason);
	});
});
