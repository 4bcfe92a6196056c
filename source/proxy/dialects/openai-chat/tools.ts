import type {Profile} from '../../translate/profiles.js';
import {renameKeywordProperties} from '../../translate/property-names.js';
import {toGeminiSchema} from '../../translate/schema-gemini.js';
import type {ToolNameMap} from '../../translate/tool-names.js';
import type {AnthropicRequest, AnthropicTool, OpenAIChatRequest, OpenAITool} from '../../translate/types.js';

/** Anthropic server tools an OpenAI upstream cannot execute (spec §1.8). */
const SERVER_TOOL = /^(web_search_|web_fetch_|code_execution_|bash_2|text_editor_|computer_|memory_|tool_search_tool_)/;

/** Sets `tools`, `tool_choice` and `parallel_tool_calls` on the outbound body. */
export function applyTools(request: AnthropicRequest, body: OpenAIChatRequest, profile: Profile, names: ToolNameMap): void {
	const removed = new Set<string>();
	const tools: OpenAITool[] = [];
	for (const tool of request.tools ?? []) {
		if (!tool || typeof tool.name !== 'string') continue;
		if (typeof tool.type === 'string' && tool.type !== 'custom' && SERVER_TOOL.test(tool.type)) {
			removed.add(tool.name);
			continue;
		}

		tools.push(toFunctionTool(tool, profile, names));
	}

	if (tools.length === 0) return;
	body.tools = tools;
	const choice = request.tool_choice;
	if (!choice || (choice.type === 'tool' && removed.has(choice.name))) return;
	switch (choice.type) {
		case 'auto':
			body.tool_choice = 'auto';
			break;
		case 'any':
			body.tool_choice = 'required';
			break;
		case 'none':
			body.tool_choice = 'none';
			break;
		case 'tool':
			// Gemini Balance answers 422 to the object form; "required" is the closest string.
			body.tool_choice = profile.toolChoiceObject ? {type: 'function', function: {name: names.upstreamName(choice.name)}} : 'required';
			break;
		default:
			return;
	}

	if (choice.disable_parallel_tool_use === true && profile.supportsParallelToolCallsParam) body.parallel_tool_calls = false;
}

function toFunctionTool(tool: AnthropicTool, profile: Profile, names: ToolNameMap): OpenAITool {
	const schema = tool.input_schema ?? {type: 'object', properties: {}};
	let parameters = profile.schemaDialect === 'gemini' ? toGeminiSchema(schema) : withoutSchemaKey(schema);
	const name = names.addTool(tool.name, schema);
	if (profile.renameKeywordProperties) {
		const renamed = renameKeywordProperties(parameters);
		parameters = renamed.schema;
		if (renamed.renames) names.setPropertyRenames(tool.name, renamed.renames);
	}

	// Only name/description/parameters: Anthropic's `type`, `cache_control`, `strict`, `defer_loading` … stay behind.
	return {type: 'function', function: {name, description: tool.description ?? '', parameters}};
}

/** Deletes `$schema` at any depth (Claude Code schemas carry the draft-07 URI); copies only what changes. */
function withoutSchemaKey(schema: Record<string, unknown>): Record<string, unknown> {
	let out: Record<string, unknown> | undefined;
	for (const key in schema) {
		const value = schema[key];
		if (key === '$schema') {
			out ??= {...schema};
			delete out[key];
			continue;
		}

		if (value && typeof value === 'object') {
			const cleaned = Array.isArray(value) ? cleanArray(value) : withoutSchemaKey(value as Record<string, unknown>);
			if (cleaned !== value) {
				out ??= {...schema};
				out[key] = cleaned;
			}
		}
	}

	return out ?? schema;
}

function cleanArray(values: unknown[]): unknown[] {
	let out: unknown[] | undefined;
	for (let index = 0; index < values.length; index++) {
		const value = values[index];
		if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
		const cleaned = withoutSchemaKey(value as Record<string, unknown>);
		if (cleaned !== value) {
			out ??= [...values];
			out[index] = cleaned;
		}
	}

	return out ?? values;
}
