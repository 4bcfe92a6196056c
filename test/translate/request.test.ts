import {describe, expect, test} from 'vitest';
import {claudeSessionId} from '../../source/proxy/session.js';
import {
	defineProfile,
	toOpenAIRequest,
	UnsupportedContentError,
	type AnthropicMessageParam,
	type AnthropicRequest,
	type Profile,
} from '../../source/proxy/dialects/openai-chat/index.js';
import {TEST_PROFILE} from './helpers.js';
import {LONG_TOOL, LONG_TOOL_SHORT, READ_TOOL} from './stream-fixtures.js';

function request(overrides: Partial<AnthropicRequest>): AnthropicRequest {
	return {model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{role: 'user', content: 'Hi'}], ...overrides};
}

function translate(input: Partial<AnthropicRequest>, profile: Profile = TEST_PROFILE, stream = input.stream === true) {
	return toOpenAIRequest(request(input), {model: 'up-model', profile, stream}).body;
}

const bash = {name: 'Bash', description: 'Run', input_schema: {type: 'object', properties: {command: {type: 'string'}}, required: ['command']}};
const assistantCalls = (...ids: string[]): AnthropicMessageParam => ({
	role: 'assistant',
	content: ids.map(id => ({type: 'tool_use', id, name: 'Bash', input: {command: id}})),
});

const r06: AnthropicMessageParam[] = [
	{role: 'user', content: 'List files'},
	{
		role: 'assistant',
		content: [
			{type: 'text', text: 'Listing.'},
			{type: 'tool_use', id: 'toolu_01', name: 'Bash', input: {command: 'ls'}},
		],
	},
	{
		role: 'user',
		content: [
			{type: 'tool_result', tool_use_id: 'toolu_01', content: 'a.txt\nb.txt'},
			{type: 'text', text: '<system-reminder>x</system-reminder>'},
		],
	},
];

const r11: AnthropicMessageParam = {
	role: 'assistant',
	content: [
		{type: 'thinking', thinking: 'Need ls', signature: 'sig'},
		{type: 'redacted_thinking', data: 'xx'},
		{type: 'tool_use', id: 'toolu_04', name: 'Bash', input: {command: 'ls'}},
	],
};
const r11Call = {id: 'toolu_04', type: 'function', function: {name: 'Bash', arguments: '{"command":"ls"}'}};

describe('spec §6.1 request fixtures', () => {
	test('F-R01 string system + string user', () => {
		expect(translate({system: 'You are terse.'})).toStrictEqual({
			model: 'up-model',
			max_tokens: 1024,
			messages: [
				{role: 'system', content: 'You are terse.'},
				{role: 'user', content: 'Hi'},
			],
		});
	});

	test('F-R02 system blocks: billing header stripped, cache_control stripped, joined', () => {
		const body = translate({
			system: [
				{type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.117.48f; cc_entrypoint=cli; cch=71fea;'},
				{type: 'text', text: 'You are Claude Code.', cache_control: {type: 'ephemeral'}},
				{type: 'text', text: 'Be helpful.'},
			],
		});
		expect(body.messages[0]).toStrictEqual({role: 'system', content: 'You are Claude Code.\n\nBe helpful.'});
	});

	test('F-R03 user text blocks flattened', () => {
		const body = translate({
			messages: [
				{
					role: 'user',
					content: [
						{type: 'text', text: '<system-reminder>r</system-reminder>'},
						{type: 'text', text: 'List files', cache_control: {type: 'ephemeral'}},
					],
				},
			],
		});
		expect(body.messages).toStrictEqual([{role: 'user', content: '<system-reminder>r</system-reminder>\n\nList files'}]);
	});

	test('F-R04 base64 image', () => {
		const body = translate({
			messages: [
				{
					role: 'user',
					content: [
						{type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo='}},
						{type: 'text', text: 'What is this?'},
					],
				},
			],
		});
		expect(body.messages).toStrictEqual([
			{
				role: 'user',
				content: [
					{type: 'image_url', image_url: {url: 'data:image/png;base64,iVBORw0KGgo='}},
					{type: 'text', text: 'What is this?'},
				],
			},
		]);
	});

	test('F-R05 URL image; already-prefixed base64', () => {
		const body = translate({
			messages: [
				{
					role: 'user',
					content: [
						{type: 'image', source: {type: 'url', url: 'https://example.com/a.jpg'}},
						{type: 'image', source: {type: 'base64', media_type: 'image/jpeg', data: 'data:image/jpeg;base64,/9j/4AAQ'}},
					],
				},
			],
		});
		expect(body.messages[0]!.content).toStrictEqual([
			{type: 'image_url', image_url: {url: 'https://example.com/a.jpg'}},
			{type: 'image_url', image_url: {url: 'data:image/jpeg;base64,/9j/4AAQ'}},
		]);
	});

	test('F-R06 tool round trip; tool message before trailing user text', () => {
		expect(translate({messages: r06}).messages).toStrictEqual([
			{role: 'user', content: 'List files'},
			{
				role: 'assistant',
				content: 'Listing.',
				tool_calls: [{id: 'toolu_01', type: 'function', function: {name: 'Bash', arguments: '{"command":"ls"}'}}],
			},
			{role: 'tool', tool_call_id: 'toolu_01', content: 'a.txt\nb.txt'},
			{role: 'user', content: '<system-reminder>x</system-reminder>'},
		]);
	});

	test('F-R07 tool_result array + is_error', () => {
		const body = translate({
			messages: [
				assistantCalls('toolu_02'),
				{
					role: 'user',
					content: [
						{
							type: 'tool_result',
							tool_use_id: 'toolu_02',
							is_error: true,
							content: [
								{type: 'text', text: 'exit 1'},
								{type: 'text', text: 'No such file'},
							],
						},
					],
				},
			],
		});
		expect(body.messages[1]).toStrictEqual({role: 'tool', tool_call_id: 'toolu_02', content: 'Error: exit 1\nNo such file'});
		expect(body.messages).toHaveLength(2);
	});

	test('F-R08 image inside tool_result is hoisted', () => {
		const body = translate({
			messages: [
				assistantCalls('toolu_03'),
				{
					role: 'user',
					content: [
						{
							type: 'tool_result',
							tool_use_id: 'toolu_03',
							content: [
								{type: 'text', text: 'Read 1 image'},
								{type: 'image', source: {type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ'}},
							],
						},
					],
				},
			],
		});
		expect(body.messages.slice(1)).toStrictEqual([
			{role: 'tool', tool_call_id: 'toolu_03', content: 'Read 1 image\n[image returned by tool; attached in the next user message]'},
			{role: 'user', content: [{type: 'image_url', image_url: {url: 'data:image/jpeg;base64,/9j/4AAQ'}}]},
		]);
	});

	// Issue 13 overrides the fixture's "order kept": Gemini Balance strips ids and Gemini matches results
	// to calls by position, so results go in the order of the calls for every profile.
	test('F-R09 parallel results: in call order, missing one synthesized', () => {
		const body = translate({
			messages: [
				assistantCalls('A', 'B', 'C'),
				{
					role: 'user',
					content: [
						{type: 'tool_result', tool_use_id: 'B', content: 'b'},
						{type: 'tool_result', tool_use_id: 'A', content: 'a'},
					],
				},
			],
		});
		expect(body.messages.slice(1)).toStrictEqual([
			{role: 'tool', tool_call_id: 'A', content: 'a'},
			{role: 'tool', tool_call_id: 'B', content: 'b'},
			{role: 'tool', tool_call_id: 'C', content: '[no result provided]'},
		]);
	});

	test('an empty tool result never goes upstream empty (Gemini Balance would drop it and the model call again)', () => {
		const body = translate({
			messages: [
				assistantCalls('A', 'B'),
				{
					role: 'user',
					content: [
						{type: 'tool_result', tool_use_id: 'A', content: ''},
						{type: 'tool_result', tool_use_id: 'B', content: []},
					],
				},
			],
		});
		expect(body.messages.slice(1)).toStrictEqual([
			{role: 'tool', tool_call_id: 'A', content: '[the tool returned no output]'},
			{role: 'tool', tool_call_id: 'B', content: '[the tool returned no output]'},
		]);
	});

	test('F-R10 orphan tool_result', () => {
		const body = translate({
			messages: [
				{role: 'user', content: 'go'},
				{role: 'assistant', content: 'ok'},
				{role: 'user', content: [{type: 'tool_result', tool_use_id: 'toolu_zz', content: 'done'}]},
			],
		});
		expect(body.messages.at(-1)).toStrictEqual({role: 'user', content: '[tool result toolu_zz]\ndone'});
		expect(body.messages.some(message => message.role === 'tool')).toBe(false);
	});

	test('F-R11 thinking history: dropped by default', () => {
		expect(translate({messages: [r11]}).messages[0]).toStrictEqual({role: 'assistant', content: null, tool_calls: [r11Call]});
	});

	test('F-R11 thinking history: replayed as reasoning_content', () => {
		const profile = defineProfile({...TEST_PROFILE, replayReasoning: 'reasoning_content'});
		expect(translate({messages: [r11]}, profile).messages[0]).toStrictEqual({
			role: 'assistant',
			content: null,
			tool_calls: [r11Call],
			reasoning_content: 'Need ls',
		});
	});

	test('F-R12 custom tool; schema sanitized; cache_control dropped', () => {
		const body = translate({tools: [{...READ_TOOL, cache_control: {type: 'ephemeral'}}]});
		expect(body.tools).toStrictEqual([
			{
				type: 'function',
				function: {
					name: 'Read',
					description: 'Read a file',
					parameters: {
						type: 'object',
						properties: {file_path: {type: 'string'}, pages: {type: 'string'}},
						required: ['file_path'],
						additionalProperties: false,
					},
				},
			},
		]);
	});

	test('F-R12 gemini dialect: additionally without additionalProperties', () => {
		const body = translate({tools: [READ_TOOL]}, defineProfile({...TEST_PROFILE, schemaDialect: 'gemini'}));
		expect(body.tools![0]!.function.parameters).toStrictEqual({
			type: 'object',
			properties: {file_path: {type: 'string'}, pages: {type: 'string'}},
			required: ['file_path'],
		});
	});

	test('F-R13 server tool removed together with its tool_choice', () => {
		const body = translate({
			tools: [{type: 'web_search_20250305', name: 'web_search', max_uses: 8}],
			tool_choice: {type: 'tool', name: 'web_search'},
		});
		expect(body).not.toHaveProperty('tools');
		expect(body).not.toHaveProperty('tool_choice');
		expect(body).not.toHaveProperty('parallel_tool_calls');
	});

	test.each([
		[{type: 'auto'}, {tool_choice: 'auto'}],
		[{type: 'any'}, {tool_choice: 'required'}],
		[{type: 'tool', name: 'Bash'}, {tool_choice: {type: 'function', function: {name: 'Bash'}}}],
		[{type: 'none'}, {tool_choice: 'none'}],
		[
			{type: 'auto', disable_parallel_tool_use: true},
			{tool_choice: 'auto', parallel_tool_calls: false},
		],
	] as const)('F-R14 tool_choice %j', (choice, expected) => {
		const body = translate({tools: [bash], tool_choice: choice as AnthropicRequest['tool_choice']});
		expect({tool_choice: body.tool_choice, ...(body.parallel_tool_calls === undefined ? {} : {parallel_tool_calls: body.parallel_tool_calls})}).toStrictEqual(expected);
		expect(body.tools).toHaveLength(1);
	});

	test('F-R15 long MCP tool name: tools, history tool_use and tool_choice', () => {
		expect(LONG_TOOL).toHaveLength(75);
		expect(LONG_TOOL_SHORT).toHaveLength(64);
		const {body, toolNames} = toOpenAIRequest(
			request({
				tools: [{name: LONG_TOOL, input_schema: {type: 'object'}}],
				tool_choice: {type: 'tool', name: LONG_TOOL},
				messages: [
					{role: 'user', content: 'x'},
					{role: 'assistant', content: [{type: 'tool_use', id: 't1', name: LONG_TOOL, input: {}}]},
					{role: 'user', content: [{type: 'tool_result', tool_use_id: 't1', content: 'ok'}]},
				],
			}),
			{model: 'up-model', profile: TEST_PROFILE, stream: false},
		);
		expect(body.tools![0]!.function.name).toBe(LONG_TOOL_SHORT);
		expect(body.tool_choice).toStrictEqual({type: 'function', function: {name: LONG_TOOL_SHORT}});
		expect((body.messages[1] as {tool_calls: Array<{function: {name: string}}>}).tool_calls[0]!.function.name).toBe(LONG_TOOL_SHORT);
		expect(toolNames.restore(LONG_TOOL_SHORT)).toBe(LONG_TOOL);
	});

	test('F-R16 sampling and limits', () => {
		const body = translate({max_tokens: 32000, temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['</answer>']}, defineProfile({...TEST_PROFILE, maxOutputTokens: 8192}));
		expect(body).toMatchObject({max_tokens: 8192, temperature: 0.2, top_p: 0.9, stop: ['</answer>']});
		expect(body).not.toHaveProperty('top_k');
	});

	test.each([
		[{thinking: {type: 'enabled', budget_tokens: 1024}}, 'low'],
		[{thinking: {type: 'enabled', budget_tokens: 4000}}, 'medium'],
		[{thinking: {type: 'enabled', budget_tokens: 10000}}, 'high'],
		[{thinking: {type: 'enabled', budget_tokens: 31999}}, 'high'],
		[{thinking: {type: 'adaptive'}}, 'high'],
		[{thinking: {type: 'adaptive'}, output_config: {effort: 'low'}}, 'low'],
		[{thinking: {type: 'disabled'}}, undefined],
		[{}, undefined],
	] as const)('F-R17 openai dialect %j → %s', (input, effort) => {
		const body = translate(input as Partial<AnthropicRequest>);
		expect(body.reasoning_effort).toBe(effort);
		expect(body).not.toHaveProperty('output_config');
		expect(body).not.toHaveProperty('thinking');
	});

	describe('F-R18 deepseek dialect', () => {
		const deepseek = defineProfile({...TEST_PROFILE, reasoning: 'deepseek'});
		test('absent → disabled', () => {
			const body = translate({temperature: 0.5}, deepseek);
			expect(body['thinking']).toStrictEqual({type: 'disabled'});
			expect(body).not.toHaveProperty('reasoning_effort');
			expect(body.temperature).toBe(0.5);
		});

		test('adaptive with budget_tokens null → enabled, high', () => {
			const body = translate({thinking: {type: 'adaptive', budget_tokens: null}, temperature: 0.5}, deepseek);
			expect(body['thinking']).toStrictEqual({type: 'enabled'});
			expect(body.reasoning_effort).toBe('high');
			expect(body).not.toHaveProperty('temperature');
		});

		test('enabled 4000 → medium mapped to high', () => {
			const body = translate({thinking: {type: 'enabled', budget_tokens: 4000}}, deepseek);
			expect(body['thinking']).toStrictEqual({type: 'enabled'});
			expect(body.reasoning_effort).toBe('high');
		});
	});

	test('F-R19 stream flags', () => {
		const streaming = translate({stream: true});
		expect(streaming.stream).toBe(true);
		expect(streaming.stream_options).toStrictEqual({include_usage: true});
		const nonStreaming = translate({stream: false});
		expect(nonStreaming.stream).toBe(false);
		expect(nonStreaming).not.toHaveProperty('stream_options');
		const absent = translate({});
		expect(absent).not.toHaveProperty('stream');
		expect(absent).not.toHaveProperty('stream_options');
	});

	test('F-R20 dropped fields; session id available to logging', () => {
		const input = request({
			metadata: {user_id: JSON.stringify({device_id: 'd', account_uuid: '', session_id: 's1'})},
			context_management: {edits: []},
			service_tier: 'auto',
			container: null,
		});
		const body = toOpenAIRequest(input, {model: 'up-model', profile: TEST_PROFILE, stream: false}).body;
		for (const key of ['metadata', 'context_management', 'service_tier', 'container', 'user']) expect(body).not.toHaveProperty(key);
		expect(claudeSessionId(input)).toBe('s1');
		expect(claudeSessionId({metadata: {user_id: 'user_abc_account__session_1234-uuid'}})).toBe('1234-uuid');
	});

	const r21: AnthropicMessageParam[] = [
		{role: 'user', content: 'hi'},
		{role: 'assistant', content: [{type: 'tool_use', id: 'X', name: 'Bash', input: {}}]},
		{role: 'system', content: 'Repo is read-only.'},
		{
			role: 'user',
			content: [
				{type: 'tool_result', tool_use_id: 'X', content: 'ok'},
				{type: 'text', text: 'go on'},
			],
		},
	];
	const r21Head = [
		{role: 'user', content: 'hi'},
		{role: 'assistant', content: null, tool_calls: [{id: 'X', type: 'function', function: {name: 'Bash', arguments: '{}'}}]},
		{role: 'tool', tool_call_id: 'X', content: 'ok'},
	];

	test('F-R21 mid-conversation system message placed after tool messages', () => {
		expect(translate({messages: r21}).messages).toStrictEqual([...r21Head, {role: 'system', content: 'Repo is read-only.'}, {role: 'user', content: 'go on'}]);
	});

	test('F-R21 noMidSystem: becomes user text in the same position', () => {
		const body = translate({messages: r21}, defineProfile({...TEST_PROFILE, noMidSystem: true}));
		expect(body.messages).toStrictEqual([...r21Head, {role: 'user', content: '<system-reminder>\nRepo is read-only.\n</system-reminder>'}, {role: 'user', content: 'go on'}]);
	});

	test('F-R22 Mistral ordering (requiresAssistantAfterToolResult)', () => {
		const body = translate({messages: r06}, defineProfile({...TEST_PROFILE, requiresAssistantAfterToolResult: true}));
		expect(body.messages.slice(2)).toStrictEqual([{role: 'tool', tool_call_id: 'toolu_01', content: 'a.txt\nb.txt\n\n<system-reminder>x</system-reminder>'}]);
	});

	test('F-R23 empty assistant content', () => {
		const empty = translate({
			messages: [
				{role: 'user', content: 'a'},
				{role: 'assistant', content: [{type: 'text', text: ''}]},
				{role: 'user', content: 'b'},
			],
		});
		expect(empty.messages).toStrictEqual([
			{role: 'user', content: 'a'},
			{role: 'user', content: 'b'},
		]);
		const withCall = translate({
			messages: [
				{
					role: 'assistant',
					content: [
						{type: 'text', text: ''},
						{type: 'tool_use', id: 't1', name: 'Glob', input: {pattern: '*'}},
					],
				},
			],
		});
		expect(withCall.messages[0]).toStrictEqual({
			role: 'assistant',
			content: null,
			tool_calls: [{id: 't1', type: 'function', function: {name: 'Glob', arguments: '{"pattern":"*"}'}}],
		});
	});

	describe('F-R24 documents', () => {
		const userWith = (block: unknown): Partial<AnthropicRequest> => ({messages: [{role: 'user', content: [block as never]}]});
		test('text source → text part with title', () => {
			const body = translate(userWith({type: 'document', source: {type: 'text', media_type: 'text/plain', data: 'hello'}, title: 'a.txt'}));
			expect(body.messages[0]).toStrictEqual({role: 'user', content: 'a.txt\nhello'});
		});

		const pdf = {type: 'document', source: {type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x'}};
		test('PDF without file parts → placeholder', () => {
			expect(translate(userWith(pdf)).messages[0]).toStrictEqual({role: 'user', content: '[PDF document omitted: provider does not accept files]'});
		});

		test('PDF with file parts → file part', () => {
			const body = translate(userWith(pdf), defineProfile({...TEST_PROFILE, supportsFileParts: true}));
			expect(body.messages[0]).toStrictEqual({
				role: 'user',
				content: [{type: 'file', file: {filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBERi0x'}}],
			});
		});
	});
});

describe('request translation details', () => {
	test('the input request is not mutated', () => {
		const input = request({system: [{type: 'text', text: 'S', cache_control: {type: 'ephemeral'}}], tools: [READ_TOOL], messages: r06Copy()});
		const snapshot = structuredClone(input);
		toOpenAIRequest(input, {model: 'up-model', profile: defineProfile({...TEST_PROFILE, schemaDialect: 'gemini'}), stream: true});
		expect(input).toStrictEqual(snapshot);
	});

	test('file image sources are refused', () => {
		expect(() => translate({messages: [{role: 'user', content: [{type: 'image', source: {type: 'file', file_id: 'f'}}]}]})).toThrow(UnsupportedContentError);
	});

	test('images replaced for text-only models', () => {
		const body = translate(
			{
				messages: [
					{
						role: 'user',
						content: [
							{type: 'image', source: {type: 'url', url: 'https://x/a.png'}},
							{type: 'text', text: 'see'},
						],
					},
				],
			},
			defineProfile({...TEST_PROFILE, supportsImages: false}),
		);
		expect(body.messages[0]).toStrictEqual({role: 'user', content: '[image omitted: model does not accept images]\n\nsee'});
	});

	test('Gemini Balance: an assistant turn with calls goes up as the calls alone (no content); tool_choice stays a string', () => {
		const profile = defineProfile({...TEST_PROFILE, dropAssistantToolText: true, toolChoiceObject: false, supportsParallelToolCallsParam: false});
		const body = translate({messages: r06, tools: [bash], tool_choice: {type: 'tool', name: 'Bash', disable_parallel_tool_use: true}}, profile);
		expect(body.messages[1]).toStrictEqual({
			role: 'assistant',
			content: null,
			tool_calls: [{id: 'toolu_01', type: 'function', function: {name: 'Bash', arguments: '{"command":"ls"}'}}],
		});
		expect(body.messages.filter(message => message.role === 'assistant')).toHaveLength(1);
		expect(body.tool_choice).toBe('required');
		expect(body).not.toHaveProperty('parallel_tool_calls');
	});

	test('DeepSeek replays reasoning only on tool turns', () => {
		const profile = defineProfile({...TEST_PROFILE, replayReasoning: 'reasoning_content', replayReasoningScope: 'tool-turns'});
		const body = translate(
			{
				messages: [
					{role: 'user', content: 'q'},
					{
						role: 'assistant',
						content: [
							{type: 'thinking', thinking: 'plain', signature: 's'},
							{type: 'text', text: 'answer'},
						],
					},
					{role: 'user', content: 'q2'},
					r11,
				],
			},
			profile,
		);
		expect(body.messages[1]).toStrictEqual({role: 'assistant', content: 'answer'});
		expect(body.messages[3]).toMatchObject({reasoning_content: 'Need ls'});
	});

	test('Gemini thought signatures: known ones re-attached, sentinel on the first unknown call', async () => {
		const {ThoughtSignatureCache} = await import('../../source/proxy/dialects/openai-chat/index.js');
		const signatures = new ThoughtSignatureCache();
		signatures.set('B', 'sigB');
		const profile = defineProfile({...TEST_PROFILE, geminiThoughtSignatures: true});
		const {body} = toOpenAIRequest(request({messages: [assistantCalls('A', 'B', 'C')]}), {model: 'up-model', profile, stream: false, signatures});
		const calls = (body.messages[0] as {tool_calls: Array<{extra_content?: unknown}>}).tool_calls;
		expect(calls.map(call => call.extra_content)).toStrictEqual([
			{google: {thought_signature: 'skip_thought_signature_validator'}},
			{google: {thought_signature: 'sigB'}},
			undefined,
		]);
	});

	test('unknown top-level fields never leave the proxy; stop sequences capped at 4', () => {
		const body = translate({
			betas: ['x'],
			inference_geo: 'us',
			mcp_servers: [],
			stop_sequences: ['a', 'b', '', 'c', 'd', 'e'],
		} as Partial<AnthropicRequest>);
		expect(Object.keys(body).sort()).toStrictEqual(['max_tokens', 'messages', 'model', 'stop']);
		expect(body.stop).toStrictEqual(['a', 'b', 'c', 'd']);
	});

	test('openrouter/qwen/ollama reasoning dialects', () => {
		const thinking = {thinking: {type: 'enabled', budget_tokens: 2048}} as Partial<AnthropicRequest>;
		expect(translate(thinking, defineProfile({reasoning: 'openrouter'}))['reasoning']).toStrictEqual({max_tokens: 2048});
		expect(translate({thinking: {type: 'adaptive'}}, defineProfile({reasoning: 'openrouter'}))['reasoning']).toStrictEqual({effort: 'high'});
		expect(translate({}, defineProfile({reasoning: 'openrouter'}))['reasoning']).toStrictEqual({enabled: false});
		expect(translate(thinking, defineProfile({reasoning: 'qwen'}))).toMatchObject({enable_thinking: true, thinking_budget: 2048});
		expect(translate({}, defineProfile({reasoning: 'ollama'})).reasoning_effort).toBe('none');
		expect(translate({}, defineProfile({reasoning: 'none'}))).not.toHaveProperty('reasoning_effort');
	});

	test('extraBody (customparams/openrouter options) merges without overriding', () => {
		const body = translate({temperature: 0.3}, defineProfile({extraBody: {provider: {only: ['x']}, temperature: 1}, samplingOverrides: {top_p: 0.5}}));
		expect(body).toMatchObject({provider: {only: ['x']}, temperature: 0.3, top_p: 0.5});
	});
});

function r06Copy(): AnthropicMessageParam[] {
	return [
		{role: 'user', content: [{type: 'text', text: 'List files', cache_control: {type: 'ephemeral'}}]},
		{role: 'assistant', content: [{type: 'tool_use', id: 'toolu_01', name: 'Bash', input: {command: 'ls'}}]},
		{
			role: 'user',
			content: [{type: 'tool_result', tool_use_id: 'toolu_01', content: [{type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'AAAA'}}]}],
		},
	];
}
