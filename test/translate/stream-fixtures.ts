import {defineProfile, type Profile} from '../../source/proxy/dialects/openai-chat/index.js';
import {C, D, DONE, TEST_PROFILE, U} from './helpers.js';

/** Spec §6.2 stream fixtures (F-S10/S11/S25/S26/S28 need special drivers and live in the tests). */
export type StreamFixture = {
	id: string;
	title: string;
	upstream: string[];
	expected: string;
	profile?: Profile;
	/** Anthropic tools of the request (name mapping, required lists). */
	tools?: Array<{name: string; description?: string; input_schema: Record<string, unknown>}>;
	/** Transformers giving the same profile flags in a real config (SDK cross-check). */
	transformers?: string[];
};

export const LONG_TOOL = 'mcp__github_enterprise_server__create_or_update_repository_file_contents_v2';
export const LONG_TOOL_SHORT = 'mcp__github_enterprise_server__create_or_update_reposit_c627bc51';

export const READ_TOOL = {
	name: 'Read',
	description: 'Read a file',
	input_schema: {
		$schema: 'http://json-schema.org/draft-07/schema#',
		type: 'object',
		properties: {file_path: {type: 'string'}, pages: {type: 'string'}},
		required: ['file_path'],
		additionalProperties: false,
	},
};

const object = {type: 'object', properties: {}};

export const STREAM_FIXTURES: StreamFixture[] = [
	{
		id: 'F-S01',
		title: 'plain text',
		upstream: [C({role: 'assistant', content: ''}), C({content: 'Hello'}), C({content: '!'}), C({}, 'stop'), U({prompt_tokens: 25, completion_tokens: 2, total_tokens: 27}), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "Hello" | TD 0 "!" | CBX 0 | MD end_turn [25,2,0,0] | MX',
	},
	{
		id: 'F-S02',
		title: 'DeepSeek reasoning then answer, DeepSeek cache fields',
		upstream: [
			C({role: 'assistant', reasoning_content: 'Let me'}),
			C({reasoning_content: ' think.'}),
			C({content: 'Answer: 4'}),
			C({}, 'stop'),
			U({prompt_tokens: 30, completion_tokens: 12, prompt_cache_hit_tokens: 20, prompt_cache_miss_tokens: 10}),
			DONE,
		],
		expected: 'MS | PING | CBS 0 thinking | THD 0 "Let me" | THD 0 " think." | SIG 0 | CBX 0 | CBS 1 text | TD 1 "Answer: 4" | CBX 1 | MD end_turn [10,12,0,20] | MX',
	},
	{
		id: 'F-S03',
		title: 'single tool call, OpenAI-style fragments',
		upstream: [
			C({role: 'assistant', content: null, tool_calls: [{index: 0, id: 'call_abc', type: 'function', function: {name: 'Bash', arguments: ''}}]}),
			C({tool_calls: [{index: 0, function: {arguments: '{"comm'}}]}),
			C({tool_calls: [{index: 0, function: {arguments: 'and":"ls -la"}'}}]}),
			C({}, 'tool_calls'),
			U({prompt_tokens: 100, completion_tokens: 20}),
			DONE,
		],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Bash | JD 0 {"command":"ls -la"} | CBX 0 | MD tool_use [100,20,0,0] | MX',
		tools: [{name: 'Bash', input_schema: object}],
	},
	{
		id: 'F-S04',
		title: 'text + two parallel calls (indices 0 and 1)',
		upstream: [
			C({content: "I'll check both."}),
			C({tool_calls: [{index: 0, id: 'call_1', type: 'function', function: {name: 'Read', arguments: '{"file_path":'}}]}),
			C({tool_calls: [{index: 0, function: {arguments: '"/a"}'}}]}),
			C({tool_calls: [{index: 1, id: 'call_2', type: 'function', function: {name: 'Read', arguments: '{"file_path":"/b"}'}}]}),
			C({}, 'tool_calls'),
			DONE,
		],
		expected:
			'MS | PING | CBS 0 text | TD 0 "I\'ll check both." | CBX 0 | CBS 1 tool toolu_GEN1 Read | JD 1 {"file_path":"/a"} | CBX 1 | CBS 2 tool toolu_GEN2 Read | JD 2 {"file_path":"/b"} | CBX 2 | MD tool_use [42,4,0,0] | MX',
	},
	{
		id: 'F-S05',
		title: 'Ollama: every call index 0, distinct ids, finish stop',
		upstream: [
			C({tool_calls: [{index: 0, id: 'call_x', function: {name: 'Glob', arguments: '{"pattern":"*.ts"}'}}]}),
			C({tool_calls: [{index: 0, id: 'call_y', function: {name: 'Glob', arguments: '{"pattern":"*.md"}'}}]}),
			C({}, 'stop'),
			U({prompt_tokens: 10, completion_tokens: 5}),
			DONE,
		],
		expected:
			'MS | PING | CBS 0 tool toolu_GEN1 Glob | JD 0 {"pattern":"*.ts"} | CBX 0 | CBS 1 tool toolu_GEN2 Glob | JD 1 {"pattern":"*.md"} | CBX 1 | MD tool_use [10,5,0,0] | MX',
	},
	{
		id: 'F-S06',
		title: 'Gemini: empty id, empty content, tool + finish stop + usage in one chunk',
		upstream: [
			D({
				choices: [
					{
						index: 0,
						delta: {role: 'assistant', content: '', tool_calls: [{index: 0, id: '', type: 'function', function: {name: 'Grep', arguments: '{"pattern":"TODO"}'}}]},
						finish_reason: 'stop',
					},
				],
				usage: {prompt_tokens: 50, completion_tokens: 8, total_tokens: 58},
			}),
			DONE,
		],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Grep | JD 0 {"pattern":"TODO"} | CBX 0 | MD tool_use [50,8,0,0] | MX',
	},
	{
		id: 'F-S07',
		title: 'Gemini Balance: usage in every chunk, final choices [], no finish_reason',
		upstream: [
			D({
				choices: [{index: 0, delta: {content: 'Hi', reasoning_content: '', role: 'assistant'}, finish_reason: null}],
				usage: {prompt_tokens: 9, completion_tokens: 1, total_tokens: 10},
			}),
			D({
				choices: [{index: 0, delta: {content: ' there', reasoning_content: '', role: 'assistant'}, finish_reason: null}],
				usage: {prompt_tokens: 9, completion_tokens: 2, total_tokens: 11},
			}),
			D({choices: [], usage: {prompt_tokens: 9, completion_tokens: 2, total_tokens: 11}}),
			DONE,
		],
		expected: 'MS | PING | CBS 0 text | TD 0 "Hi" | TD 0 " there" | CBX 0 | MD end_turn [9,2,0,0] | MX',
	},
	{
		id: 'F-S08',
		title: 'GLM: finish and usage in separate chunks; id without index',
		upstream: [
			C({reasoning_content: 'plan'}),
			C({tool_calls: [{id: 'tool-1', function: {name: 'Bash', arguments: '{"command":"pwd"}'}}]}),
			C({}, 'tool_calls'),
			D({choices: [{index: 0, delta: {}, finish_reason: null}], usage: {prompt_tokens: 13312, completion_tokens: 79}}),
			DONE,
		],
		expected: 'MS | PING | CBS 0 thinking | THD 0 "plan" | SIG 0 | CBX 0 | CBS 1 tool toolu_GEN1 Bash | JD 1 {"command":"pwd"} | CBX 1 | MD tool_use [13312,79,0,0] | MX',
	},
	{
		id: 'F-S09',
		title: 'no usage at all',
		upstream: [C({content: 'Hello world'}), C({}, 'stop'), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "Hello world" | CBX 0 | MD end_turn [42,3,0,0] | MX',
	},
	{
		id: 'F-S12',
		title: 'EOF in the middle of tool arguments',
		upstream: [C({content: 'Cleaning up.'}), C({tool_calls: [{index: 0, id: 'call_rm', function: {name: 'Bash', arguments: '{"command":"rm -rf bu'}}]})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Cleaning up." | ERR api_error',
	},
	{
		id: 'F-S13a',
		title: 'mid-stream error object',
		upstream: [C({content: 'Part'}), D({error: {message: 'Provider returned error', code: 502}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Part" | ERR api_error',
	},
	{
		id: 'F-S13b',
		title: 'OpenRouter finish_reason error with code 429',
		upstream: [C({content: 'Part'}), D({choices: [{index: 0, delta: {}, finish_reason: 'error'}], error: {code: 429, message: 'Rate limited'}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Part" | ERR rate_limit_error',
	},
	{
		id: 'F-S13c',
		title: 'event: error + data',
		upstream: [C({content: 'Part'}), 'event: error\ndata: {"message":"overloaded"}\n\n'],
		expected: 'MS | PING | CBS 0 text | TD 0 "Part" | ERR overloaded_error',
	},
	{
		id: 'F-S14',
		title: 'length with a truncated tool call',
		upstream: [
			C({content: 'Writing file'}),
			C({tool_calls: [{index: 0, id: 'call_w', function: {name: 'Write', arguments: '{"file_path":"/x","content":"abc'}}]}),
			C({}, 'length'),
			U({prompt_tokens: 7, completion_tokens: 30}),
			DONE,
		],
		expected: 'MS | PING | CBS 0 text | TD 0 "Writing file" | CBX 0 | MD max_tokens [7,30,0,0] | MX',
	},
	{
		id: 'F-S15a',
		title: 'content_filter',
		upstream: [C({content: "I can't help"}), C({}, 'content_filter'), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "I can\'t help" | CBX 0 | MD refusal [42,3,0,0] | MX',
	},
	{
		id: 'F-S15b',
		title: 'refusal field',
		upstream: [C({refusal: 'No.'}), C({}, 'stop'), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "No." | CBX 0 | MD refusal [42,1,0,0] | MX',
	},
	{
		id: 'F-S16a',
		title: 'OpenAI cached tokens',
		upstream: [C({content: 'ok'}), C({}, 'stop'), U({prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: {cached_tokens: 1920}}), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "ok" | CBX 0 | MD end_turn [86,300,0,1920] | MX',
	},
	{
		id: 'F-S16b',
		title: 'fully cached prompt keeps input_tokens ≥ 1',
		upstream: [C({content: 'ok'}), C({}, 'stop'), U({prompt_tokens: 1024, completion_tokens: 5, prompt_tokens_details: {cached_tokens: 1024}}), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "ok" | CBX 0 | MD end_turn [1,5,0,1023] | MX',
	},
	{
		id: 'F-S16c',
		title: 'OpenRouter cache writes',
		upstream: [C({content: 'ok'}), C({}, 'stop'), U({prompt_tokens: 3000, completion_tokens: 10, prompt_tokens_details: {cached_tokens: 0, cache_write_tokens: 2500}}), DONE],
		expected: 'MS | PING | CBS 0 text | TD 0 "ok" | CBX 0 | MD end_turn [500,10,2500,0] | MX',
	},
	{
		id: 'F-S17',
		title: 'empty / whitespace deltas',
		upstream: [
			C({role: 'assistant'}),
			C({content: ''}),
			C({content: null}),
			C({content: '\n\n'}),
			C({tool_calls: [{index: 0, id: 'call_g', function: {name: 'Glob', arguments: '{"pattern":"*"}'}}]}),
			C({}, 'tool_calls'),
			DONE,
		],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Glob | JD 0 {"pattern":"*"} | CBX 0 | MD tool_use [42,1,0,0] | MX',
	},
	{
		id: 'F-S18',
		title: '<think> tags split across chunks',
		upstream: [C({content: '<thi'}), C({content: 'nk>plan</th'}), C({content: 'ink>Done'}), C({}, 'stop'), DONE],
		expected: 'MS | PING | CBS 0 thinking | THD 0 "plan" | SIG 0 | CBX 0 | CBS 1 text | TD 1 "Done" | CBX 1 | MD end_turn [42,1,0,0] | MX',
		profile: defineProfile({...TEST_PROFILE, thinkTags: true}),
		transformers: ['extrathinktag'],
	},
	{
		id: 'F-S19',
		title: 'first fragment carries arguments (vLLM)',
		upstream: [
			C({tool_calls: [{index: 0, id: 'call_v', type: 'function', function: {name: 'Bash', arguments: '{"command": "up'}}]}),
			C({tool_calls: [{index: 0, function: {arguments: 'time"}'}}]}),
			C({}, 'tool_calls'),
			DONE,
		],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Bash | JD 0 {"command":"uptime"} | CBX 0 | MD tool_use [42,1,0,0] | MX',
	},
	{
		id: 'F-S20',
		title: 'truncated tool name restored; case repaired; id sanitized',
		upstream: [
			C({tool_calls: [{index: 0, id: 'functions.Bash:0', type: 'function', function: {name: 'bash', arguments: '{"command":"ls"}'}}]}),
			C({tool_calls: [{index: 1, id: 'call_m', type: 'function', function: {name: LONG_TOOL_SHORT, arguments: '{"path":"a"}'}}]}),
			C({}, 'tool_calls'),
			DONE,
		],
		expected: `MS | PING | CBS 0 tool toolu_GEN1 Bash | JD 0 {"command":"ls"} | CBX 0 | CBS 1 tool toolu_GEN2 ${LONG_TOOL} | JD 1 {"path":"a"} | CBX 1 | MD tool_use [42,1,0,0] | MX`,
		tools: [
			{name: LONG_TOOL, description: 'MCP tool', input_schema: object},
			{name: 'Bash', description: 'Run a command', input_schema: object},
		],
	},
	{
		id: 'F-S21',
		title: 'cumulative arguments',
		upstream: [
			C({tool_calls: [{index: 0, id: 'call_c', function: {name: 'Calc', arguments: '{"a":'}}]}),
			C({tool_calls: [{index: 0, function: {arguments: '{"a":1'}}]}),
			C({tool_calls: [{index: 0, function: {arguments: '{"a":1}'}}]}),
			C({}, 'tool_calls'),
			DONE,
		],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Calc | JD 0 {"a":1} | CBX 0 | MD tool_use [42,1,0,0] | MX',
		profile: defineProfile({...TEST_PROFILE, toolArgsCumulative: true}),
	},
	{
		id: 'F-S22a',
		title: 'arguments as an object',
		upstream: [C({tool_calls: [{index: 0, id: 'call_o', function: {name: 'Read', arguments: {file_path: '/etc/hosts'}}}]}), C({}, 'tool_calls'), DONE],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Read | JD 0 {"file_path":"/etc/hosts"} | CBX 0 | MD tool_use [42,1,0,0] | MX',
	},
	{
		id: 'F-S22b',
		title: 'double-encoded arguments',
		upstream: [C({tool_calls: [{index: 0, id: 'call_d', function: {name: 'Count', arguments: JSON.stringify(JSON.stringify({n: 2}))}}]}), C({}, 'tool_calls'), DONE],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Count | JD 0 {"n":2} | CBX 0 | MD tool_use [42,1,0,0] | MX',
	},
	{
		id: 'F-S23',
		title: 'JSON repair + empty optional params',
		upstream: [C({tool_calls: [{index: 0, id: 'call_r', function: {name: 'Read', arguments: "{'file_path': '/etc/hosts', 'pages': '',}"}}]}), C({}, 'tool_calls'), DONE],
		expected: 'MS | PING | CBS 0 tool toolu_GEN1 Read | JD 0 {"file_path":"/etc/hosts"} | CBX 0 | MD tool_use [42,1,0,0] | MX',
		tools: [READ_TOOL],
	},
	{
		id: 'F-S24',
		title: 'OpenRouter reasoning duplicated in reasoning_details',
		upstream: [C({reasoning: 'Hmm', reasoning_details: [{type: 'reasoning.text', text: 'Hmm'}]}), C({content: 'Yes'}), C({}, 'stop'), DONE],
		expected: 'MS | PING | CBS 0 thinking | THD 0 "Hmm" | SIG 0 | CBX 0 | CBS 1 text | TD 1 "Yes" | CBX 1 | MD end_turn [42,1,0,0] | MX',
	},
	{
		id: 'F-S27',
		title: 'reasoning resumes after text (interleaved)',
		upstream: [C({reasoning_content: 'a'}), C({content: 'b'}), C({reasoning_content: 'c'}), C({content: 'd'}), C({}, 'stop'), DONE],
		expected:
			'MS | PING | CBS 0 thinking | THD 0 "a" | SIG 0 | CBX 0 | CBS 1 text | TD 1 "b" | CBX 1 | CBS 2 thinking | THD 2 "c" | SIG 2 | CBX 2 | CBS 3 text | TD 3 "d" | CBX 3 | MD end_turn [42,1,0,0] | MX',
	},
];
