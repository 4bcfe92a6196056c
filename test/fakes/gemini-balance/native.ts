/**
 * Gemini Balance's native request side (`/v1beta`, `/gemini/v1beta`, §1.5), re-implemented from the
 * documented behaviour: the body goes through its pydantic model, so `toolConfig`, `cachedContent`
 * and unknown `generationConfig` fields are dropped and the known ones get defaults; its own safety
 * settings replace the client's; tools are merged into one object and their schemas go through the
 * same partial cleaner as `/v1`; parts pass through as they are (thought signatures included).
 */
import {cleanSchema} from './convert.js';
import type {GbSettings} from './types.js';

/** The generationConfig fields its model knows; anything else (seed, responseJsonSchema, mediaResolution…) is dropped. */
const GENERATION_FIELDS = new Set([
	'stopSequences',
	'responseMimeType',
	'responseSchema',
	'candidateCount',
	'maxOutputTokens',
	'temperature',
	'topP',
	'topK',
	'thinkingConfig',
	'responseModalities',
]);
/** The request fields its model knows. */
const REQUEST_FIELDS = new Set(['contents', 'tools', 'safetySettings', 'generationConfig', 'systemInstruction']);

/** The fake's stand-in for Gemini Balance's SAFETY_SETTINGS (every category off). */
export const GB_SAFETY_SETTINGS = [
	'HARM_CATEGORY_HARASSMENT',
	'HARM_CATEGORY_HATE_SPEECH',
	'HARM_CATEGORY_SEXUALLY_EXPLICIT',
	'HARM_CATEGORY_DANGEROUS_CONTENT',
	'HARM_CATEGORY_CIVIC_INTEGRITY',
].map(category => ({category, threshold: 'OFF'}));

/** What Gemini Balance sends Google for a native request; `diagnostics` name what it dropped. */
export function nativePayload(request: Record<string, unknown>, model: string, _settings: GbSettings): {payload: Record<string, unknown>; diagnostics: string[]} {
	const diagnostics: string[] = [];
	for (const key of Object.keys(request)) if (!REQUEST_FIELDS.has(key)) diagnostics.push(`dropped:${key}`);
	const payload: Record<string, unknown> = {contents: request['contents'], safetySettings: GB_SAFETY_SETTINGS};
	if (Array.isArray(request['safetySettings'])) diagnostics.push('replaced:safetySettings');
	const tools = mergeTools(request['tools'], model);
	if (tools.length > 0) payload['tools'] = tools;
	const config = request['generationConfig'];
	if (config && typeof config === 'object') {
		// Pydantic defaults fill what the client left out.
		const generation: Record<string, unknown> = {temperature: 0.7, topP: 0.9, topK: 40, candidateCount: 1};
		for (const [key, value] of Object.entries(config)) {
			if (GENERATION_FIELDS.has(key)) generation[key] = value;
			else diagnostics.push(`dropped:generationConfig.${key}`);
		}

		payload['generationConfig'] = generation;
	}

	if (request['systemInstruction']) payload['systemInstruction'] = request['systemInstruction'];
	return {payload, diagnostics};
}

/** All tool entries as one object; function schemas partly cleaned; search only without functions (or added for `-search`). */
function mergeTools(tools: unknown, model: string): Array<Record<string, unknown>> {
	const merged: Record<string, unknown> = {};
	const declarations: Array<Record<string, unknown>> = [];
	for (const tool of Array.isArray(tools) ? tools : []) {
		for (const [key, value] of Object.entries(tool as Record<string, unknown>)) {
			if (key === 'functionDeclarations' || key === 'function_declarations') {
				for (const declaration of Array.isArray(value) ? value : []) declarations.push(cleanDeclaration(declaration as Record<string, unknown>));
			} else merged[key] = value;
		}
	}

	if (model.endsWith('-search')) merged['googleSearch'] = {};
	if (declarations.length > 0) {
		delete merged['googleSearch'];
		delete merged['codeExecution'];
		delete merged['urlContext'];
		merged['functionDeclarations'] = declarations;
	}

	return Object.keys(merged).length > 0 ? [merged] : [];
}

function cleanDeclaration(declaration: Record<string, unknown>): Record<string, unknown> {
	if (declaration['parameters'] === undefined) return declaration;
	return {...declaration, parameters: cleanSchema(declaration['parameters'])};
}
