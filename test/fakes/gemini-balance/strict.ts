/** Google-side validation of the payload Gemini Balance sends (§5.5), for `strictUpstream`. */
import type {GContent} from './convert.js';
import type {GoogleFailure} from './types.js';

/** Fields of Google's v1beta `Schema`. */
const SCHEMA_FIELDS = new Set([
	'type',
	'format',
	'title',
	'description',
	'nullable',
	'enum',
	'items',
	'maxItems',
	'minItems',
	'properties',
	'required',
	'minProperties',
	'maxProperties',
	'minLength',
	'maxLength',
	'pattern',
	'example',
	'anyOf',
	'propertyOrdering',
	'default',
	'minimum',
	'maximum',
]);
const DECLARATION_FIELDS = new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'behavior']);
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

function invalid(message: string): GoogleFailure {
	return {status: 400, googleStatus: 'INVALID_ARGUMENT', message};
}

function unknownField(key: string, at: string): GoogleFailure {
	return invalid(`Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`);
}

function checkSchema(schema: unknown, at: string): GoogleFailure | undefined {
	if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
	const node = schema as Record<string, unknown>;
	for (const key of Object.keys(node)) if (!SCHEMA_FIELDS.has(key)) return unknownField(key, at);
	if (Array.isArray(node['type'])) return invalid(`Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(node['type'])}`);
	if (node['type'] === 'array') {
		const items = node['items'] as Record<string, unknown> | undefined;
		if (!items || typeof items !== 'object' || items['type'] === undefined) return invalid(`* GenerateContentRequest.${at}.items: missing field.`);
	}

	if (node['type'] === 'string' && node['format'] !== undefined && node['format'] !== 'enum' && node['format'] !== 'date-time') {
		return invalid(`* GenerateContentRequest.${at}.format: only 'enum' and 'date-time' are supported for STRING type`);
	}

	const properties = node['properties'];
	if (Array.isArray(node['required'])) {
		const defined = properties && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
		const missing = node['required'].findIndex(name => typeof name !== 'string' || !(name in defined));
		if (missing >= 0) return invalid(`* GenerateContentRequest.${at}.required[${missing}]: property is not defined`);
	}

	if (properties && typeof properties === 'object') {
		for (const [name, child] of Object.entries(properties)) {
			const problem = checkSchema(child, `${at}.properties[${name}]`);
			if (problem) return problem;
		}
	}

	if (node['items']) return checkSchema(node['items'], `${at}.items`);
	return undefined;
}

/** A `model` turn holding a functionCall must follow a `user` turn or a functionResponse turn. */
function checkTurnOrder(contents: GContent[]): GoogleFailure | undefined {
	for (const [index, content] of contents.entries()) {
		if (!content.parts.some(part => part['functionCall'] !== undefined)) continue;
		const previous = contents[index - 1];
		const afterResponse = previous?.parts.some(part => part['functionResponse'] !== undefined) ?? false;
		if (previous?.role !== 'user' && !afterResponse) {
			return invalid('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
		}
	}

	return undefined;
}

/** The Gemini 3 rule: functionCall parts of the current turn need a thoughtSignature. */
function checkThoughtSignatures(contents: GContent[]): GoogleFailure | undefined {
	let start = 0;
	contents.forEach((content, index) => {
		const hasText = content.parts.some(part => typeof part['text'] === 'string');
		const hasResponse = content.parts.some(part => part['functionResponse'] !== undefined);
		if (content.role === 'user' && hasText && !hasResponse) start = index;
	});
	let position = 0;
	for (const content of contents.slice(start)) {
		for (const part of content.parts) {
			const call = part['functionCall'] as {name?: string} | undefined;
			if (!call) continue;
			position++;
			if (!part['thoughtSignature']) {
				return invalid(
					`Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call 'default_api:${call.name}', position ${position}.`,
				);
			}
		}
	}

	return undefined;
}

export function validateUpstream(payload: Record<string, unknown>, model: string, knownModels: readonly string[]): GoogleFailure | undefined {
	if (!knownModels.includes(model)) {
		return {
			status: 404,
			googleStatus: 'NOT_FOUND',
			message: `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
		};
	}

	const tools = Array.isArray(payload['tools']) ? (payload['tools'] as Array<Record<string, unknown>>) : [];
	for (const [toolIndex, tool] of tools.entries()) {
		const declarations = (tool['functionDeclarations'] ?? tool['function_declarations']) as Array<Record<string, unknown>> | undefined;
		for (const [index, declaration] of (declarations ?? []).entries()) {
			const at = `tools[${toolIndex}].function_declarations[${index}]`;
			for (const key of Object.keys(declaration)) if (!DECLARATION_FIELDS.has(key)) return unknownField(key, at);
			if (!FUNCTION_NAME.test(String(declaration['name'] ?? ''))) {
				return invalid(
					`* GenerateContentRequest.${at}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:) or dashes (-), with a maximum length of 64.`,
				);
			}

			const problem = checkSchema(declaration['parameters'], `${at}.parameters`);
			if (problem) return problem;
		}
	}

	const contents = (payload['contents'] as GContent[] | undefined) ?? [];
	const order = checkTurnOrder(contents);
	if (order) return order;
	if (model.startsWith('gemini-3')) return checkThoughtSignatures(contents);
	return undefined;
}

/** Google's error body, pretty-printed as Gemini Balance embeds it in stream errors. */
export function googleErrorText(failure: GoogleFailure): string {
	const status = failure.googleStatus ?? defaultGoogleStatus(failure.status);
	const message = failure.message ?? defaultGoogleMessage(failure.status);
	return `${JSON.stringify({error: {code: failure.status, message, status}}, null, 2)}\n`;
}

function defaultGoogleStatus(status: number): string {
	switch (status) {
		case 400:
			return 'INVALID_ARGUMENT';
		case 403:
			return 'PERMISSION_DENIED';
		case 404:
			return 'NOT_FOUND';
		case 429:
			return 'RESOURCE_EXHAUSTED';
		case 503:
			return 'UNAVAILABLE';
		default:
			return 'INTERNAL';
	}
}

function defaultGoogleMessage(status: number): string {
	switch (status) {
		case 400:
			return 'API key not valid. Please pass a valid API key.';
		case 403:
			return "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
		case 404:
			return 'Requested entity was not found.';
		case 429:
			return 'Resource has been exhausted (e.g. check quota).';
		case 503:
			return 'The model is overloaded. Please try again later.';
		default:
			return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';
	}
}

/**
 * Google's OpenAI-compatible layer (`/openai/v1`), Gemini 3: in the current turn (after the last
 * user message), the first tool call of each assistant message needs its thought signature back.
 */
export function validateCompat(body: Record<string, unknown>, model: string): GoogleFailure | undefined {
	if (!model.startsWith('gemini-3')) return undefined;
	const messages = Array.isArray(body['messages']) ? (body['messages'] as Array<Record<string, unknown>>) : [];
	const lastUser = messages.findLastIndex(message => message['role'] === 'user');
	let position = 0;
	for (const message of messages.slice(lastUser + 1)) {
		const calls = Array.isArray(message['tool_calls']) ? (message['tool_calls'] as Array<Record<string, unknown>>) : [];
		const first = calls[0] as {function?: {name?: string}; extra_content?: {google?: {thought_signature?: unknown}}} | undefined;
		position += calls.length;
		if (first && !first.extra_content?.google?.thought_signature) {
			return invalid(
				`Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${first.function?.name}\`, position ${position - calls.length + 1}.`,
			);
		}
	}

	return undefined;
}
