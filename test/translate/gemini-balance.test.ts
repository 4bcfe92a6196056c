/**
 * The gemini-balance profile against the fake Gemini Balance's re-implementation of GB's `/v1`
 * converter and Google's schema validation (test/fakes/gemini-balance): what we send must survive
 * GB's lossy conversion and Google's checks; what GB streams back must translate cleanly.
 */
import {describe, expect, test} from 'vitest';
import {PROFILES, StreamTranslator, toAnthropicMessage, toOpenAIRequest, ToolNameMap, type AnthropicRequest} from '../../source/proxy/dialects/openai-chat/index.js';
import {buildPayload, validateChatRequest, type GContent} from '../fakes/gemini-balance/convert.js';
import {DEFAULT_MODELS} from '../fakes/gemini-balance/models.js';
import {renderOpenAINonStream, renderOpenAIStream} from '../fakes/gemini-balance/render.js';
import {validateUpstream} from '../fakes/gemini-balance/strict.js';
import type {GbSettings, GeminiReply} from '../fakes/gemini-balance/types.js';
import {claudeCodeBody} from './claude-code-body.js';
import {parseSse, testIds} from './helpers.js';

const settings = {thinkingBudgetMap: {}, showThinking: false} as unknown as GbSettings;
const known = DEFAULT_MODELS.map(model => model.id);

/** A Claude Code body plus the schema shapes Google rejects (MCP-style $defs/anyOf/type arrays/formats). */
function trickyRequest(): AnthropicRequest {
	const body = claudeCodeBody(60_000, 3);
	body.tools!.push({
		name: 'mcp__files__search',
		description: 'Search',
		input_schema: {
			$schema: 'http://json-schema.org/draft-07/schema#',
			type: 'object',
			additionalProperties: false,
			$defs: {folder: {type: 'object', properties: {path: {type: 'string', format: 'uri'}}, additionalProperties: false}},
			properties: {
				folders: {type: 'array', items: {$ref: '#/$defs/folder'}},
				since: {type: ['string', 'null'], format: 'date-time'},
				mode: {anyOf: [{type: 'string', enum: ['fast', 'full']}, {type: 'null'}]},
				tags: {type: 'array'},
			},
			required: ['folders'],
		},
	});
	return body;
}

function functionCalls(contents: GContent[]): number {
	return contents.flatMap(content => content.parts).filter(part => part['functionCall'] !== undefined).length;
}

describe('gemini-balance profile vs the fake Gemini Balance /v1', () => {
	test("a Claude Code request passes GB validation and Google's schema checks, and keeps every tool call", () => {
		const request = trickyRequest();
		const calls = request.messages.flatMap(message => (Array.isArray(message.content) ? message.content : [])).filter(block => block.type === 'tool_use').length;
		expect(calls).toBeGreaterThanOrEqual(2);
		const {body} = toOpenAIRequest(request, {model: 'gemini-2.5-pro', profile: PROFILES['gemini-balance'], stream: true});
		expect(validateChatRequest(body)).toStrictEqual([]);
		const {payload} = buildPayload(body, settings);
		expect(validateUpstream(payload, 'gemini-2.5-pro', known)).toBeUndefined();
		expect(functionCalls(payload['contents'] as GContent[])).toBe(calls);
	});

	test('without the profile (generic OpenAI) GB would reject or lose things — the test can tell', () => {
		const request = trickyRequest();
		const {body} = toOpenAIRequest({...request, tool_choice: {type: 'tool', name: 'Tool1'}}, {model: 'gemini-2.5-pro', profile: PROFILES.openai, stream: true});
		expect(validateChatRequest(body)).not.toStrictEqual([]);
		const {payload} = buildPayload(body, settings);
		expect(validateUpstream(payload, 'gemini-2.5-pro', known)).toBeDefined();
		expect(functionCalls(payload['contents'] as GContent[])).toBe(0);
	});

	const reply: GeminiReply = {
		chunks: [[{text: 'Ich prüfe 两个 Dateien.'}], [{functionCall: {name: 'Read', args: {file_path: '/a.ts'}}}], [{functionCall: {name: 'Read', args: {file_path: '/b.ts'}}}]],
		finishReason: 'STOP',
		usage: {prompt: 120, candidates: 30, thoughts: 12},
	};
	const context = {model: 'gemini-2.5-pro', showThoughts: false, now: () => 1_700_000_000_000, python: true};

	test('GB stream (python JSON, new id per chunk, index 0 reused, no finish_reason, choices [] close) → valid Anthropic stream', () => {
		const translator = new StreamTranslator({
			requestedModel: 'claude-sonnet-4-5',
			inputTokens: 42,
			profile: PROFILES['gemini-balance'],
			toolNames: new ToolNameMap({dialect: 'gemini'}),
			ids: testIds(),
		});
		let text = translator.start();
		for (const event of renderOpenAIStream(reply, context)) text += translator.push(event);
		text += translator.end();
		const events = parseSse(text);
		const starts = events.filter(([name]) => name === 'content_block_start').map(([, data]) => data.content_block);
		expect(starts.map(block => block.type)).toStrictEqual(['text', 'tool_use', 'tool_use']);
		expect(new Set(starts.slice(1).map(block => block.id)).size).toBe(2);
		const deltas = events.filter(([name]) => name === 'content_block_delta').map(([, data]) => data.delta);
		expect(deltas[0]).toStrictEqual({type: 'text_delta', text: 'Ich prüfe 两个 Dateien.'});
		expect(deltas.slice(1).map(delta => JSON.parse(delta.partial_json))).toStrictEqual([{file_path: '/a.ts'}, {file_path: '/b.ts'}]);
		const final = events.find(([name]) => name === 'message_delta')![1];
		expect(final.delta.stop_reason).toBe('tool_use');
		expect(final.usage).toStrictEqual({input_tokens: 120, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0});
		expect(events.at(-1)![0]).toBe('message_stop');
	});

	test('GB non-stream ("stop" for tool calls, tool_calls [] never omitted) → tool_use', () => {
		const body = renderOpenAINonStream(reply, context);
		const message = toAnthropicMessage(body, {
			requestedModel: 'claude-sonnet-4-5',
			inputTokens: 42,
			profile: PROFILES['gemini-balance'],
			toolNames: new ToolNameMap({dialect: 'gemini'}),
			ids: testIds(),
		});
		expect(message.content.map(block => block.type)).toStrictEqual(['text', 'tool_use', 'tool_use']);
		expect(message.stop_reason).toBe('tool_use');
		const plain = toAnthropicMessage(renderOpenAINonStream({chunks: [[{text: 'Hi'}]], usage: {prompt: 3, candidates: 1}}, context), {
			requestedModel: 'claude-sonnet-4-5',
			inputTokens: 42,
			profile: PROFILES['gemini-balance'],
			toolNames: new ToolNameMap(),
			ids: testIds(),
		});
		expect([plain.stop_reason, plain.content]).toStrictEqual(['end_turn', [{type: 'text', text: 'Hi'}]]);
	});

	test('GB connection cut mid-stream (no closing chunk, no [DONE]) → event: error, not a fake stop', () => {
		const translator = new StreamTranslator({
			requestedModel: 'claude-sonnet-4-5',
			inputTokens: 42,
			profile: PROFILES['gemini-balance'],
			toolNames: new ToolNameMap(),
			ids: testIds(),
		});
		const events = renderOpenAIStream(reply, context);
		const text = translator.start() + translator.push(events[0]!) + translator.end();
		expect(parseSse(text).at(-1)![0]).toBe('error');
	});
});
