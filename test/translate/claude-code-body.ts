import type {AnthropicMessageParam, AnthropicRequest} from '../../source/proxy/dialects/openai-chat/index.js';

/** A Claude Code-shaped request of roughly `targetBytes`: system blocks, ~20 tools, tool turns, one image. */
export function claudeCodeBody(targetBytes: number, seed = 1): AnthropicRequest {
	const words = [
		'const',
		'function',
		'return',
		'import',
		'export',
		'the',
		'file',
		'value',
		'error',
		'async',
		'await',
		'string',
		'number',
		'if',
		'else',
		'=>',
		'{',
		'}',
		'path',
		'src/index.ts',
		'README.md',
		'TODO',
		'你好',
		'über',
	];
	let state = seed;
	const random = (): number => {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		return state / 2_147_483_648;
	};

	const prose = (chars: number): string => {
		let out = '';
		while (out.length < chars) out += `${words[Math.floor(random() * words.length)]}${random() < 0.1 ? '\n' : ' '}`;
		return out;
	};

	const tools = Array.from({length: 20}, (_, index) => ({
		name: index === 19 ? 'mcp__github_enterprise_server__create_or_update_repository_file_contents_v2' : `Tool${index}`,
		description: prose(800),
		input_schema: {
			$schema: 'http://json-schema.org/draft-07/schema#',
			type: 'object',
			properties: {file_path: {type: 'string', description: prose(60)}, limit: {type: 'number'}, pages: {type: 'string'}},
			required: ['file_path'],
			additionalProperties: false,
		},
	}));
	const request: AnthropicRequest = {
		model: 'claude-sonnet-4-5',
		max_tokens: 32000,
		stream: true,
		system: [
			{type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.117.48f; cc_entrypoint=cli; cch=71fea;'},
			{type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: {type: 'ephemeral'}},
			{type: 'text', text: prose(12_000), cache_control: {type: 'ephemeral'}},
		],
		tools,
		thinking: {type: 'adaptive'},
		metadata: {user_id: JSON.stringify({device_id: 'd', account_uuid: '', session_id: 's'})},
		messages: [],
	};
	const imageBytes = Math.min(300_000, Math.floor(targetBytes / 5));
	const messages: AnthropicMessageParam[] = [
		{
			role: 'user',
			content: [
				{type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo'.padEnd(imageBytes, 'A')}},
				{type: 'text', text: '<system-reminder>context</system-reminder>'},
				{type: 'text', text: 'Please refactor the project.'},
			],
		},
	];
	let size = JSON.stringify(request).length + imageBytes;
	let turn = 0;
	while (size < targetBytes) {
		const id = `toolu_${String(turn).padStart(20, '0')}`;
		const output = prose(Math.min(6000, targetBytes - size + 200));
		messages.push(
			{
				role: 'assistant',
				content: [
					{type: 'text', text: prose(200)},
					{type: 'tool_use', id, name: `Tool${turn % 19}`, input: {file_path: `/src/file${turn}.ts`, limit: 200}},
				],
			},
			{
				role: 'user',
				content: [
					{type: 'tool_result', tool_use_id: id, content: output},
					{type: 'text', text: '<system-reminder>The user opened a file.</system-reminder>'},
				],
			},
		);
		size += output.length + 600;
		turn++;
	}

	request.messages = messages;
	return request;
}
