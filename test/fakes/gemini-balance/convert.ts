/**
 * Gemini Balance's `/v1` request side (§3.1, §3.4), re-implemented from the documented behaviour:
 * message conversion (lossy on purpose), tool building with its partial schema cleaner, payload.
 */
import {realModel} from './models.js';
import type {GbSettings} from './types.js';

export type GContent = {role: string; parts: Array<Record<string, unknown>>};

type OpenAIMessage = {role?: unknown; content?: unknown; tool_calls?: unknown; tool_call_id?: unknown};

/** `_clean_json_schema_properties`: these keys are deleted anywhere, property names included. */
const CLEANED_KEYS = new Set([
	'exclusiveMaximum',
	'exclusiveMinimum',
	'const',
	'examples',
	'contentEncoding',
	'contentMediaType',
	'if',
	'then',
	'else',
	'allOf',
	'anyOf',
	'oneOf',
	'not',
	'definitions',
	'$schema',
	'$id',
	'$ref',
	'$comment',
	'readOnly',
	'writeOnly',
]);

export function cleanSchema(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(cleanSchema);
	if (!value || typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) {
		if (!CLEANED_KEYS.has(key)) out[key] = cleanSchema(item);
	}

	return out;
}

function contentParts(content: unknown[], diagnostics: string[]): Array<Record<string, unknown>> {
	const parts: Array<Record<string, unknown>> = [];
	for (const item of content) {
		const part = item as {type?: string; text?: unknown; image_url?: {url?: string}};
		if (part.type === 'text') {
			if (typeof part.text === 'string' && part.text !== '') parts.push({text: part.text});
		} else if (part.type === 'image_url') {
			const url = part.image_url?.url ?? '';
			const match = /^data:([^;]+);base64,(.+)$/.exec(url);
			if (match) parts.push({inline_data: {mime_type: match[1] === 'image/jpg' ? 'image/jpeg' : match[1], data: match[2]}});
			else {
				// Gemini Balance downloads http(s) images (blocking, no timeout) and labels them image/png.
				diagnostics.push('downloaded_image');
				parts.push({inline_data: {mime_type: 'image/png', data: ''}});
			}
		} else if (part.type === 'input_audio' || part.type === 'input_video') {
			parts.push({inline_data: {mime_type: part.type === 'input_audio' ? 'audio/wav' : 'video/mp4', data: ''}});
		} else {
			diagnostics.push(`dropped_content_type:${String(part.type)}`);
		}
	}

	return parts;
}

function callParts(toolCalls: unknown): Array<Record<string, unknown>> {
	if (!Array.isArray(toolCalls)) return [];
	return toolCalls.map(call => {
		const fn = (call as {function?: {name?: string; arguments?: string}}).function ?? {};
		let args: unknown = {};
		try {
			args = JSON.parse(fn.arguments ?? '{}');
		} catch {
			args = {};
		}

		// The call id and any thoughtSignature are dropped.
		return {functionCall: {name: fn.name, args}};
	});
}

/** `convert_messages`: returns Gemini contents, the system instruction and what was lost. */
function convertMessages(messages: unknown[]): {contents: GContent[]; systemInstruction?: GContent; diagnostics: string[]} {
	const diagnostics: string[] = [];
	const contents: GContent[] = [];
	const systemParts: Array<Record<string, unknown>> = [];
	messages.forEach((raw, index) => {
		const message = raw as OpenAIMessage;
		const role = String(message.role ?? 'user');
		const content = message.content;
		let parts: Array<Record<string, unknown>> = [];
		const hasCalls = Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
		if (Array.isArray(content)) {
			// A list content is read as content items only: the tool_calls branch is never reached.
			parts = contentParts(content, diagnostics);
			if (hasCalls) diagnostics.push('dropped_tool_calls');
		} else if (typeof content === 'string' && content !== '') {
			parts = [{text: content}];
			if (hasCalls) diagnostics.push('dropped_tool_calls');
			if (role === 'tool') diagnostics.push('tool_result_as_text');
		} else {
			// content absent, null or "": only now are tool_calls read (an empty tool result has no parts).
			parts = callParts(message.tool_calls);
		}

		if (role === 'system') {
			// Every system message, wherever it sits, goes into the one system instruction.
			if (index > 0 && contents.length > 0) diagnostics.push('system_moved_to_instruction');
			systemParts.push(...parts.filter(part => typeof part['text'] === 'string'));
			return;
		}

		if (parts.length === 0) diagnostics.push(`dropped_empty:${role}`);

		let geminiRole: string;
		if (role === 'user' || role === 'model') geminiRole = role;
		else if (role === 'tool') geminiRole = 'user';
		else geminiRole = index === messages.length - 1 ? 'user' : 'model';
		// assistant → model is the normal mapping; anything else that changes role is worth flagging.
		if (geminiRole !== role && role !== 'tool' && !(role === 'assistant' && geminiRole === 'model')) {
			diagnostics.push(`role_rewritten:${role}->${geminiRole}`);
		}
		if (parts.length > 0) contents.push({role: geminiRole, parts});
	});
	return {contents, ...(systemParts.length > 0 ? {systemInstruction: {role: 'system', parts: systemParts}} : {}), diagnostics};
}

/** `_build_tools`: function declarations (schema partly cleaned, extra keys kept), search tool rules. */
function buildTools(tools: unknown, model: string): Array<Record<string, unknown>> {
	const declarations: Array<Record<string, unknown>> = [];
	const seen = new Set<string>();
	let wantsSearch = model.endsWith('-search');
	for (const tool of Array.isArray(tools) ? tools : []) {
		const entry = tool as {type?: string; function?: Record<string, unknown>};
		if (entry.type !== 'function' || !entry.function) continue;
		const fn = {...entry.function};
		const name = String(fn['name'] ?? '');
		if (name === 'googleSearch') {
			wantsSearch = true;
			continue;
		}

		if (seen.has(name)) continue;
		seen.add(name);
		if (fn['parameters'] !== undefined) {
			const parameters = cleanSchema(fn['parameters']) as Record<string, unknown>;
			const properties = parameters['properties'] as Record<string, unknown> | undefined;
			if (parameters['type'] === 'object' && (!properties || Object.keys(properties).length === 0)) delete fn['parameters'];
			else fn['parameters'] = parameters;
		}

		declarations.push(fn);
	}

	const out: Array<Record<string, unknown>> = [];
	if (declarations.length > 0) out.push({functionDeclarations: declarations});
	// Any function declaration removes the search tool.
	else if (wantsSearch) out.push({googleSearch: {}});
	return out;
}

/** `_build_payload`: defaults always sent, suffix effects, thinking config. */
export function buildPayload(request: Record<string, unknown>, settings: GbSettings): {payload: Record<string, unknown>; diagnostics: string[]} {
	const model = String(request['model'] ?? 'gemini-2.5-flash-lite');
	const {contents, systemInstruction, diagnostics} = convertMessages(request['messages'] as unknown[]);
	const generationConfig: Record<string, unknown> = {
		temperature: request['temperature'] ?? 0.7,
		topP: request['top_p'] ?? 0.9,
		topK: request['top_k'] ?? 40,
		candidateCount: request['n'] ?? 1,
	};
	const stop = request['stop'];
	if (stop !== undefined && stop !== null) generationConfig['stopSequences'] = Array.isArray(stop) ? stop : [stop];
	if (typeof request['max_tokens'] === 'number' && request['max_tokens'] > 0) generationConfig['maxOutputTokens'] = request['max_tokens'];
	if (model.endsWith('-image')) generationConfig['responseModalities'] = ['Text', 'Image'];
	const real = realModel(model);
	if (model.endsWith('-non-thinking')) {
		generationConfig['thinkingConfig'] = {thinkingBudget: model.includes('gemini-2.5-pro') ? 128 : 0};
	} else if (real in settings.thinkingBudgetMap) {
		generationConfig['thinkingConfig'] = {
			thinkingBudget: settings.thinkingBudgetMap[real] ?? 1000,
			...(settings.showThinking ? {includeThoughts: true} : {}),
		};
	}

	const payload: Record<string, unknown> = {
		contents,
		tools: buildTools(request['tools'], model),
		safetySettings: [{category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF'}],
		generationConfig,
	};
	// `-image` models lose the system instruction.
	if (systemInstruction && !model.endsWith('-image')) payload['systemInstruction'] = systemInstruction;
	return {payload, diagnostics};
}

/** Pydantic-style validation of the `/v1` chat body (422 `validation_error` details). */
export function validateChatRequest(body: unknown): Array<{loc: Array<string | number>; msg: string; type: string}> {
	const errors: Array<{loc: Array<string | number>; msg: string; type: string}> = [];
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return [{loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type'}];
	}

	const request = body as Record<string, unknown>;
	if (!Array.isArray(request['messages'])) {
		errors.push(
			request['messages'] === undefined
				? {loc: ['body', 'messages'], msg: 'Field required', type: 'missing'}
				: {loc: ['body', 'messages'], msg: 'Input should be a valid list', type: 'list_type'},
		);
	}

	const toolChoice = request['tool_choice'];
	if (toolChoice !== undefined && toolChoice !== null && typeof toolChoice !== 'string') {
		errors.push({loc: ['body', 'tool_choice'], msg: 'Input should be a valid string', type: 'string_type'});
	}

	const stop = request['stop'];
	if (stop !== undefined && stop !== null && typeof stop !== 'string' && !(Array.isArray(stop) && stop.every(item => typeof item === 'string'))) {
		errors.push({loc: ['body', 'stop'], msg: 'Input should be a valid string', type: 'string_type'});
	}

	return errors;
}
