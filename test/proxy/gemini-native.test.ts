/**
 * The native Gemini dialect end to end: the official SDK → ccr-tui → the strict fake of Google's
 * native API (test/fakes/gemini-native.ts), configured as Claude Code Router users do
 * (`…/v1beta/models/` with `transformer: {use: ["gemini"]}`).
 */
import type Anthropic from '@anthropic-ai/sdk';
import {afterEach, describe, expect, test} from 'vitest';
import type {RawConfig} from '../../source/config/schema.js';
import {geminiUrl} from '../../source/config/gemini-native.js';
import {resolveProfile} from '../../source/proxy/translate/resolve-profile.js';
import {type GeminiScript, geminiNative} from '../fakes/gemini-native.js';
import {type Harness, startHarness} from '../helpers/proxy-harness.js';

const KEY = 'AIzaSy-fake-native-key-0001';
let h: Harness | undefined;
afterEach(async () => {
	await h?.close();
	h = undefined;
});

function ccrConfig(base: (url: string) => string, model = 'gemini-2.5-flash', extra: Record<string, unknown> = {}): (url: string) => RawConfig {
	return url => ({
		Providers: [{name: 'gemini', api_base_url: base(url), api_key: KEY, models: ['gemini-2.5-flash', 'gemini-3-pro-preview'], transformer: {use: ['gemini']}, ...extra}],
		Router: {default: `gemini,${model}`},
	});
}

async function start(script: GeminiScript, model?: string, extra?: Record<string, unknown>) {
	const fake = geminiNative(script);
	h = await startHarness({upstream: fake, config: ccrConfig(url => `${url}/v1beta/models/`, model, extra)});
	return fake;
}

const READ_TOOL: Anthropic.Tool = {
	name: 'Read',
	description: 'Read a file',
	input_schema: {
		type: 'object',
		properties: {file_path: {type: 'string'}},
		required: ['file_path'],
		additionalProperties: false,
		$schema: 'http://json-schema.org/draft-07/schema#',
	},
};

describe('native Gemini dialect', () => {
	test('a CCR config with transformer gemini resolves to the native dialect; URL and key header', () => {
		const provider = {name: 'g', api_base_url: 'https://generativelanguage.googleapis.com/v1beta/models/', transformer: {use: ['gemini']}} as never;
		const resolved = resolveProfile(provider, 'gemini-2.5-pro');
		expect(resolved.profile.dialect).toBe('gemini');
		expect(resolved.unsupportedTransformers).toStrictEqual([]);
		expect(resolveProfile({name: 'gb', api_base_url: 'http://localhost:8000/gemini/v1beta'} as never, 'gemini-2.5-pro').profile.dialect).toBe('gemini');
		expect(geminiUrl('https://generativelanguage.googleapis.com/v1beta/models/?key=SECRET', 'gemini-2.5-pro', true).href).toBe(
			'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
		);
		expect(geminiUrl('http://localhost:8000', 'models/gemini-2.5-flash', false).href).toBe('http://localhost:8000/v1beta/models/gemini-2.5-flash:generateContent');
	});

	test('text, streamed and whole; usage from usageMetadata; key only in x-goog-api-key', async () => {
		const fake = await start(() => ({parts: [{text: 'Hello'}, {text: ' there'}]}));
		const streamed = await h!.client.messages.stream({model: 'claude-sonnet-4-5', max_tokens: 100, system: 'be brief', messages: [{role: 'user', content: 'hi'}]}).finalMessage();
		expect(streamed.content).toStrictEqual([{type: 'text', text: 'Hello there'}]);
		expect(streamed.stop_reason).toBe('end_turn');
		expect(streamed.usage).toMatchObject({input_tokens: 100, output_tokens: 42, cache_read_input_tokens: 20});
		const whole = await h!.client.messages.create({model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{role: 'user', content: 'hi'}]});
		expect(whole.content).toStrictEqual([{type: 'text', text: 'Hello there'}]);
		expect(fake.seen[0]!.headers['x-goog-api-key']).toBe(KEY);
		expect(fake.seen[0]!.url).not.toContain(KEY);
		expect(fake.seen[0]!.body.systemInstruction).toStrictEqual({parts: [{text: 'be brief'}]});
		expect(fake.seen[1]!.url).toMatch(/:generateContent$/);
	});

	test('narration then a call, the result back as functionResponse; tool schema cleaned', async () => {
		const fake = await start((_request, index) =>
			index === 0 ? {parts: [{text: 'Let me read it.'}, {functionCall: {name: 'Read', args: {file_path: '/a'}, id: 'call_1'}}]} : {parts: [{text: 'It says hi.'}]},
		);
		const first = await h!.client.messages.stream({model: 'm', max_tokens: 100, tools: [READ_TOOL], messages: [{role: 'user', content: 'read /a'}]}).finalMessage();
		expect(first.stop_reason).toBe('tool_use');
		expect(first.content).toMatchObject([
			{type: 'text', text: 'Let me read it.'},
			{type: 'tool_use', id: 'call_1', name: 'Read', input: {file_path: '/a'}},
		]);
		const second = await h!.client.messages
			.stream({
				model: 'm',
				max_tokens: 100,
				tools: [READ_TOOL],
				messages: [
					{role: 'user', content: 'read /a'},
					{role: 'assistant', content: first.content as never},
					{role: 'user', content: [{type: 'tool_result', tool_use_id: 'call_1', content: 'hi'}]},
				],
			})
			.finalMessage();
		expect(second.content).toStrictEqual([{type: 'text', text: 'It says hi.'}]);
		const sent = fake.seen[1]!.body;
		expect(sent.contents.at(-1)).toStrictEqual({role: 'user', parts: [{functionResponse: {name: 'Read', response: {content: 'hi'}, id: 'call_1'}}]});
		expect(sent.tools[0].functionDeclarations[0].parameters).toStrictEqual({type: 'object', properties: {file_path: {type: 'string'}}, required: ['file_path']});
	});

	test('gemini-3: a 4-call loop round-trips the thought signatures; thinking shown with the signature', async () => {
		const fake = await start(
			(_request, index) =>
				index < 4
					? {
							parts: [
								{text: 'planning', thought: true, thoughtSignature: `tsig-think-${index}`},
								{functionCall: {name: 'Read', args: {file_path: `/f${index}`}, id: `c${index}`}, thoughtSignature: `tsig-call-${index}`},
							],
						}
					: {parts: [{text: 'done'}]},
			'gemini-3-pro-preview',
		);
		const messages: Array<Record<string, unknown>> = [{role: 'user', content: 'read four files'}];
		for (let turn = 0; turn < 5; turn++) {
			const answer = await h!.client.messages
				.stream({model: 'm', max_tokens: 2000, thinking: {type: 'enabled', budget_tokens: 1024}, tools: [READ_TOOL], messages: messages as never})
				.finalMessage();
			if (turn === 4) {
				expect(answer.content).toStrictEqual([{type: 'text', text: 'done'}]);
				break;
			}

			expect(answer.content[0]).toStrictEqual({type: 'thinking', thinking: 'planning', signature: `tsig-think-${turn}`});
			messages.push({role: 'assistant', content: answer.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: `c${turn}`, content: `content ${turn}`}]});
		}

		const last = fake.seen[4]!.body.contents as Array<{role: string; parts: Array<Record<string, unknown>>}>;
		const signatures = last.filter(content => content.role === 'model').map(content => content.parts[0]!['thoughtSignature']);
		expect(signatures).toStrictEqual(['tsig-call-0', 'tsig-call-1', 'tsig-call-2', 'tsig-call-3']);
		expect(fake.seen[0]!.body.generationConfig.thinkingConfig).toStrictEqual({thinkingLevel: 'low', includeThoughts: true});
	});

	test('gemini-3: a history from another provider (no signatures) still works', async () => {
		const fake = await start(() => ({parts: [{text: 'ok'}]}), 'gemini-3-pro-preview');
		const answer = await h!.client.messages.create({
			model: 'm',
			max_tokens: 100,
			tools: [READ_TOOL],
			messages: [
				{role: 'user', content: 'read'},
				{role: 'assistant', content: [{type: 'tool_use', id: 'toolu_other', name: 'Read', input: {file_path: '/x'}}]},
				{role: 'user', content: [{type: 'tool_result', tool_use_id: 'toolu_other', content: 'x'}]},
			],
		});
		expect(answer.content).toStrictEqual([{type: 'text', text: 'ok'}]);
		expect(fake.seen[0]!.body.contents[1].parts[0].thoughtSignature).toBe('skip_thought_signature_validator');
	});

	test('two calls in one answer; image and PDF as inlineData; stop sequences and sampling', async () => {
		const fake = await start(() => ({parts: [{functionCall: {name: 'Read', args: {file_path: '/a'}}}, {functionCall: {name: 'Read', args: {file_path: '/b'}}}]}));
		const answer = await h!.client.messages
			.stream({
				model: 'm',
				max_tokens: 100,
				temperature: 0.2,
				stop_sequences: ['END'],
				tools: [READ_TOOL],
				messages: [
					{
						role: 'user',
						content: [
							{type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo='}},
							{type: 'document', source: {type: 'base64', media_type: 'application/pdf', data: 'JVBERi0='}},
							{type: 'text', text: 'read both'},
						],
					},
				],
			})
			.finalMessage();
		expect(answer.content.filter(block => block.type === 'tool_use')).toHaveLength(2);
		const sent = fake.seen[0]!.body;
		expect(sent.contents[0].parts.slice(0, 2)).toStrictEqual([
			{inlineData: {mimeType: 'image/png', data: 'iVBORw0KGgo='}},
			{inlineData: {mimeType: 'application/pdf', data: 'JVBERi0='}},
		]);
		expect(sent.generationConfig).toMatchObject({temperature: 0.2, stopSequences: ['END'], maxOutputTokens: 100});
	});

	test('parallel results that arrive in completion order go upstream in the order of the calls', async () => {
		const fake = await start(() => ({parts: [{text: 'both read'}]}));
		await h!.client.messages.create({
			model: 'm',
			max_tokens: 100,
			tools: [READ_TOOL, {...READ_TOOL, name: 'Grep'}],
			messages: [
				{role: 'user', content: 'read and grep'},
				{
					role: 'assistant',
					content: [
						{type: 'tool_use', id: 'toolu_first', name: 'Read', input: {file_path: '/a'}},
						{type: 'tool_use', id: 'toolu_second', name: 'Grep', input: {file_path: '/b'}},
					],
				},
				{
					role: 'user',
					content: [
						{type: 'tool_result', tool_use_id: 'toolu_second', content: 'grep output'},
						{type: 'tool_result', tool_use_id: 'toolu_first', content: [{type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo='}}]},
					],
				},
			],
		});
		const parts = fake.seen[0]!.body.contents[2].parts;
		expect(parts.map((part: {functionResponse?: {id: string}; inlineData?: unknown}) => part.functionResponse?.id ?? (part.inlineData ? 'image' : '?'))).toStrictEqual([
			'toolu_first',
			'image',
			'toolu_second',
		]);
		expect(parts[2].functionResponse).toStrictEqual({name: 'Grep', response: {content: 'grep output'}, id: 'toolu_second'});
	});

	test('web search → googleSearch alone, sources from grounding', async () => {
		const fake = await start(() => ({parts: [{text: 'It is sunny.'}], grounding: [{uri: 'https://weather.example/today', title: 'Weather today'}]}));
		const answer = await h!.client.messages.create({
			model: 'm',
			max_tokens: 100,
			tools: [{type: 'web_search_20250305', name: 'web_search', max_uses: 8} as never],
			messages: [{role: 'user', content: 'weather?'}],
		});
		expect(fake.seen[0]!.body.tools).toStrictEqual([{googleSearch: {}}]);
		expect((answer.content[0] as {text: string}).text).toContain('[Weather today](https://weather.example/today)');
	});

	test('Google errors: 400 INVALID_ARGUMENT, 429 with RetryInfo → Retry-After, MAX_TOKENS, SAFETY', async () => {
		const answers = [
			{parts: [], status: 400, error: {code: 400, message: 'Bad thing', status: 'INVALID_ARGUMENT'}},
			{
				parts: [],
				status: 429,
				error: {code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED', details: [{'@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s'}]},
			},
			{parts: [{text: 'cut'}], finishReason: 'MAX_TOKENS'},
			{parts: [], finishReason: 'SAFETY'},
		];
		await start((_request, index) => answers[index]!, undefined, {max_retries: 0});
		const bad = await h!.client.messages.create({model: 'm', max_tokens: 10, messages: [{role: 'user', content: 'x'}]}).catch(error => error);
		expect([bad.status, bad.error?.error?.type]).toStrictEqual([400, 'invalid_request_error']);
		const limited = await h!.client.messages.create({model: 'm', max_tokens: 10, messages: [{role: 'user', content: 'x'}]}).catch(error => error);
		expect([limited.status, limited.error?.error?.type, limited.headers?.get('retry-after')]).toStrictEqual([429, 'rate_limit_error', '17']);
		const cut = await h!.client.messages.create({model: 'm', max_tokens: 10, messages: [{role: 'user', content: 'x'}]});
		expect(cut.stop_reason).toBe('max_tokens');
		const refused = await h!.client.messages.create({model: 'm', max_tokens: 10, messages: [{role: 'user', content: 'x'}]});
		expect(refused.stop_reason).toBe('refusal');
		expect((refused.content[0] as {text: string}).text).toContain('SAFETY');
	});
});
