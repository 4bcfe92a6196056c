/**
 * Anthropic Messages → Gemini `generateContent` body (Google AI Studio `/v1beta`, Gemini Balance's
 * native path). Pure; the tool-name map and the signature cache carry what the answer needs.
 */
import type {Profile} from '../../translate/profiles.js';
import {argumentsToUpstream, renameKeywordProperties} from '../../translate/property-names.js';
import {toGeminiSchema} from '../../translate/schema-gemini.js';
import {thinkingEffort} from '../../translate/thinking.js';
import {SKIP_THOUGHT_SIGNATURE, type ThoughtSignatureCache} from '../../translate/thought-signatures.js';
import {ToolNameMap} from '../../translate/tool-names.js';
import type {AnthropicContentBlock, AnthropicMessageParam, AnthropicRequest, AnthropicTool} from '../../translate/types.js';

export type GeminiPart = {
	text?: string;
	thought?: boolean;
	thoughtSignature?: string;
	inlineData?: {mimeType: string; data: string};
	functionCall?: {name: string; args: Record<string, unknown>; id?: string};
	functionResponse?: {name: string; response: Record<string, unknown>; id?: string};
};
type GeminiContent = {role: 'user' | 'model'; parts: GeminiPart[]};
type GeminiRequest = {
	contents: GeminiContent[];
	systemInstruction?: {parts: Array<{text: string}>};
	tools?: Array<Record<string, unknown>>;
	toolConfig?: {functionCallingConfig: {mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[]}};
	generationConfig: Record<string, unknown>;
};

export type GeminiRequestOptions = {readonly model: string; readonly profile: Profile; readonly signatures: ThoughtSignatureCache};

const GEMINI_3 = /gemini-3/i;
/** Google accepts at most 5 stop sequences. */
const MAX_STOP = 5;
const BUDGET_OF = {low: 1024, medium: 8192, high: 24_576} as const;

export type GeminiTranslation = {body: GeminiRequest; toolNames: ToolNameMap; notes: string[]};

export function toGeminiRequest(request: AnthropicRequest, options: GeminiRequestOptions): GeminiTranslation {
	const names = new ToolNameMap({dialect: 'gemini', stopSequences: request.stop_sequences ?? []});
	const system: string[] = systemTexts(request.system);
	const notes: string[] = [];
	const body: GeminiRequest = {contents: [], generationConfig: generationConfig(request, options)};
	const tools = toolDeclarations(request.tools ?? [], names);
	body.contents = toContents(request.messages, {names, signatures: options.signatures, system});
	const toolConfig = tools?.some(tool => 'functionDeclarations' in tool) ? functionCallingConfig(request, names) : undefined;
	if (toolConfig && options.profile.dropsToolConfig) {
		// Gemini Balance would drop it on the way: the instruction is the only way the model hears it.
		const asked = forcedChoiceInstruction(toolConfig.functionCallingConfig);
		if (asked) {
			system.push(asked);
			notes.push(`Gemini Balance's native API drops toolConfig: tool_choice "${request.tool_choice?.type}" is asked for in the system instruction instead`);
		}
	} else if (toolConfig) body.toolConfig = toolConfig;
	if (system.length > 0) body.systemInstruction = {parts: [{text: system.join('\n\n')}]};
	if (tools) body.tools = tools;
	return {body, toolNames: names, notes};
}

/** A forced (or forbidden) function call in words; AUTO is the default and needs none. */
function forcedChoiceInstruction({mode, allowedFunctionNames}: NonNullable<GeminiRequest['toolConfig']>['functionCallingConfig']): string | undefined {
	if (mode === 'NONE') return 'Do not call any function in this answer; reply with text only.';
	if (mode !== 'ANY') return undefined;
	return allowedFunctionNames?.length ? `Answer by calling the function ${allowedFunctionNames.join(' or ')}.` : 'Answer by calling one of the functions.';
}

function systemTexts(system: AnthropicRequest['system']): string[] {
	if (!system) return [];
	if (typeof system === 'string') return system.trim() ? [system] : [];
	return system.map(block => block.text).filter(text => text.trim() !== '');
}

function generationConfig(request: AnthropicRequest, {model, profile}: GeminiRequestOptions): Record<string, unknown> {
	const config: Record<string, unknown> = {maxOutputTokens: Math.min(request.max_tokens, profile.maxOutputTokens ?? 65_536)};
	if (typeof request.temperature === 'number') config['temperature'] = request.temperature;
	if (typeof request.top_p === 'number') config['topP'] = request.top_p;
	if (typeof request.top_k === 'number') config['topK'] = request.top_k;
	if (request.stop_sequences?.length) config['stopSequences'] = request.stop_sequences.slice(0, MAX_STOP);
	const effort = thinkingEffort(request, profile);
	if (effort) {
		const budget = request.thinking?.type === 'enabled' ? request.thinking.budget_tokens : BUDGET_OF[effort];
		config['thinkingConfig'] = GEMINI_3.test(model) ? {thinkingLevel: effort === 'low' ? 'low' : 'high', includeThoughts: true} : {thinkingBudget: budget, includeThoughts: true};
	}

	return config;
}

type Context = {readonly names: ToolNameMap; readonly signatures: ThoughtSignatureCache; readonly system: string[]};

/** Roles alternate `user`/`model`; parts are never empty; mid-conversation system text joins systemInstruction. */
function toContents(messages: readonly AnthropicMessageParam[], context: Context): GeminiContent[] {
	const callNames = new Map<string, string>();
	const contents: GeminiContent[] = [];
	const currentTurnStart = lastPlainUserIndex(messages);
	messages.forEach((message, index) => {
		if (message.role === 'system') {
			context.system.push(...blocksOf(message.content).flatMap(block => (block.type === 'text' ? [String(block['text'])] : [])));
			return;
		}

		const parts = message.role === 'assistant' ? modelParts(message.content, context, callNames, index > currentTurnStart) : userParts(message.content, callNames);
		if (parts.length === 0) return;
		const role = message.role === 'assistant' ? 'model' : 'user';
		const last = contents.at(-1);
		if (last && last.role === role) last.parts.push(...parts);
		else contents.push({role, parts});
	});
	return contents;
}

/** Index of the last user message with text and no tool_result: everything after it is the current turn. */
function lastPlainUserIndex(messages: readonly AnthropicMessageParam[]): number {
	for (let index = messages.length - 1; index >= 0; index--) {
		const message = messages[index]!;
		if (message.role !== 'user') continue;
		const blocks = blocksOf(message.content);
		if (blocks.some(block => block.type === 'text') && !blocks.some(block => block.type === 'tool_result')) return index;
	}

	return -1;
}

function blocksOf(content: AnthropicMessageParam['content']): AnthropicContentBlock[] {
	return typeof content === 'string' ? [{type: 'text', text: content}] : content;
}

function modelParts(content: AnthropicMessageParam['content'], {names, signatures}: Context, callNames: Map<string, string>, currentTurn: boolean): GeminiPart[] {
	const parts: GeminiPart[] = [];
	let calls = 0;
	for (const block of blocksOf(content)) {
		if (block.type === 'text' && typeof block['text'] === 'string' && block['text'] !== '') parts.push({text: block['text']});
		else if (block.type === 'tool_use') {
			const use = block as {id: string; name: string; input: unknown};
			const name = names.upstreamName(use.name);
			callNames.set(use.id, name);
			const args = argumentsToUpstream(use.input ?? {}, names.propertyRenamesOf(use.name)) as Record<string, unknown>;
			const part: GeminiPart = {functionCall: {name, args, id: use.id}};
			// Gemini 3 refuses the current turn's first call of a step without its signature; a history from
			// another provider has none: the documented sentinel stands in.
			const signature = signatures.get(use.id) ?? (currentTurn && calls === 0 ? SKIP_THOUGHT_SIGNATURE : undefined);
			if (signature) part.thoughtSignature = signature;
			parts.push(part);
			calls++;
		}
		// thinking / redacted_thinking stay behind: Gemini needs only the signatures, which ride on the calls.
	}

	return parts;
}

function userParts(content: AnthropicMessageParam['content'], callNames: Map<string, string>): GeminiPart[] {
	const responses: Array<{order: number; parts: GeminiPart[]}> = [];
	const rest: GeminiPart[] = [];
	const callOrder = new Map([...callNames.keys()].map((id, index) => [id, index]));
	for (const block of blocksOf(content)) {
		if (block.type !== 'tool_result') {
			rest.push(...contentPart(block));
			continue;
		}

		const result = block as Extract<AnthropicContentBlock, {type: 'tool_result'}>;
		responses.push({order: callOrder.get(result.tool_use_id) ?? Number.MAX_SAFE_INTEGER, parts: toolResultParts(result, callNames)});
	}

	// Responses first, in the order of the calls: Claude Code sends parallel results as they finish,
	// and a model (or Gemini Balance, which may drop the ids) pairs results with calls by position.
	responses.sort((left, right) => left.order - right.order);
	return [...responses.flatMap(response => response.parts), ...rest];
}

function toolResultParts(block: {tool_use_id: string; content?: string | AnthropicContentBlock[]; is_error?: boolean}, callNames: Map<string, string>): GeminiPart[] {
	const blocks = block.content === undefined ? [] : blocksOf(block.content);
	const text = blocks.flatMap(item => (item.type === 'text' ? [String(item['text'])] : [])).join('\n');
	const media = blocks.filter(item => item.type !== 'text').flatMap(contentPart);
	const result = text || (media.length > 0 ? '(see the attached content)' : '(no output)');
	const response = block.is_error ? {error: result} : {content: result};
	return [{functionResponse: {name: callNames.get(block.tool_use_id) ?? 'unknown_tool', response, id: block.tool_use_id}}, ...media];
}

function contentPart(block: AnthropicContentBlock): GeminiPart[] {
	switch (block.type) {
		case 'text':
			return typeof block['text'] === 'string' && block['text'] !== '' ? [{text: block['text']}] : [];
		case 'image':
		case 'document': {
			const source = block['source'] as {type: string; media_type?: string; data?: string; url?: string};
			if (source.type === 'base64' && source.data) return [{inlineData: {mimeType: source.media_type ?? 'application/octet-stream', data: source.data}}];
			if (source.type === 'text' && source.data) return [{text: source.data}];
			if (source.type === 'url' && source.url) return [{text: `[${block.type}: ${source.url}]`}];
			return [];
		}
		default:
			return [];
	}
}

/** Function declarations, or `googleSearch` alone: Google refuses the two in one request. */
function toolDeclarations(tools: readonly AnthropicTool[], names: ToolNameMap): Array<Record<string, unknown>> | undefined {
	const search = tools.some(tool => typeof tool.type === 'string' && tool.type.startsWith('web_search'));
	const functions = tools.filter(tool => !(typeof tool.type === 'string' && tool.type !== 'custom'));
	if (functions.length === 0) return search ? [{googleSearch: {}}] : undefined;
	const declarations = functions.map(tool => {
		const schema = tool.input_schema ?? {type: 'object', properties: {}};
		const name = names.addTool(tool.name, schema);
		const declaration: Record<string, unknown> = {name, description: tool.description ?? ''};
		const cleaned = toGeminiSchema(schema);
		if (cleaned.properties && Object.keys(cleaned.properties).length > 0) {
			const renamed = renameKeywordProperties(cleaned);
			if (renamed.renames) names.setPropertyRenames(tool.name, renamed.renames);
			declaration['parameters'] = renamed.schema;
		}

		return declaration;
	});
	return [{functionDeclarations: declarations}];
}

function functionCallingConfig(request: AnthropicRequest, names: ToolNameMap): GeminiRequest['toolConfig'] {
	const choice = request.tool_choice;
	if (!choice) return undefined;
	if (choice.type === 'any') return {functionCallingConfig: {mode: 'ANY'}};
	if (choice.type === 'none') return {functionCallingConfig: {mode: 'NONE'}};
	if (choice.type === 'tool') return {functionCallingConfig: {mode: 'ANY', allowedFunctionNames: [names.upstreamName(choice.name)]}};
	return {functionCallingConfig: {mode: 'AUTO'}};
}
