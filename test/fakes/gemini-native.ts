/**
 * A strict fake of Google's native Gemini API (`/v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent?alt=sse`), as a handler for the fake upstream server. It refuses what
 * Google refuses, with Google's error bodies: unknown fields, roles other than user/model, empty
 * parts, a function response that does not follow its call turn, Gemini 3 calls of the current turn
 * without a thought signature, a function call turn that does not follow a user turn (a function
 * response turn is a user turn), Schema keys outside Google's subset, `required` names that do not
 * exist, googleSearch together with function declarations, a key in the URL or none in the header.
 * Answers are scripted per request: parts, finishReason, usage.
 */
import type http from 'node:http';
import type {FakeUpstreamHandler, RecordedRequest} from './openai-upstream.js';

export type GeminiAnswer = {
	parts: Array<Record<string, unknown>>;
	finishReason?: string;
	grounding?: Array<{uri: string; title: string}>;
	/** HTTP status with `error` (a Google error body). */
	status?: number;
	error?: Record<string, unknown>;
	/** Replay these SSE bytes as they are (conformance fixtures), instead of building events from `parts`. */
	raw?: ReadonlyArray<string | Uint8Array>;
	/** Answer this whole response as it is (non-stream conformance). */
	json?: unknown;
};

export type GeminiScript = (request: RecordedRequest, index: number) => GeminiAnswer;

const TOP_LEVEL = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent']);
const GENERATION = new Set(['maxOutputTokens', 'temperature', 'topP', 'topK', 'stopSequences', 'thinkingConfig', 'candidateCount', 'responseMimeType', 'responseSchema', 'seed']);
const THINKING = new Set(['thinkingBudget', 'includeThoughts', 'thinkingLevel']);
const PART = new Set(['text', 'thought', 'thoughtSignature', 'inlineData', 'fileData', 'functionCall', 'functionResponse']);
const SCHEMA = new Set([
	'type',
	'format',
	'description',
	'nullable',
	'enum',
	'items',
	'properties',
	'required',
	'minItems',
	'maxItems',
	'minimum',
	'maximum',
	'anyOf',
	'propertyOrdering',
	'title',
	'minLength',
	'maxLength',
	'pattern',
	'default',
	'minProperties',
	'maxProperties',
]);

class Refusal extends Error {
	constructor(
		readonly code: number,
		readonly status: string,
		message: string,
		readonly details?: ReadonlyArray<Record<string, unknown>>,
	) {
		super(message);
	}

	/** The `error` object of Google's answer. */
	body(): Record<string, unknown> {
		return {code: this.code, message: this.message, status: this.status, ...(this.details ? {details: this.details} : {})};
	}
}

const invalid = (message: string) => new Refusal(400, 'INVALID_ARGUMENT', message);
const unknownField = (name: string, at: string) => invalid(`Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`);

/** `GET /v1beta/models` as Google answers it: `models/` names, what each model supports (an embedding model cannot chat). */
const GOOGLE_MODELS = [
	{
		name: 'models/gemini-2.5-flash',
		displayName: 'Gemini 2.5 Flash',
		supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
		thinking: true,
	},
	{
		name: 'models/gemini-2.5-pro',
		displayName: 'Gemini 2.5 Pro',
		supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
		thinking: true,
	},
	{name: 'models/gemini-3-pro-preview', displayName: 'Gemini 3 Pro Preview', supportedGenerationMethods: ['generateContent', 'countTokens'], thinking: true},
	{name: 'models/gemini-embedding-001', displayName: 'Gemini Embedding 001', supportedGenerationMethods: ['embedContent', 'countTextTokens', 'countTokens']},
	{name: 'models/imagen-4.0-generate-001', displayName: 'Imagen 4', supportedGenerationMethods: ['predict']},
];

export type GeminiNativeOptions = {
	/** The keys Google knows; any other is refused as Google refuses an invalid key. @default every key */
	readonly keys?: readonly string[];
	/** The most models one page of the list holds (Google: 50 unless `pageSize` asks for up to 1000). */
	readonly maxPageSize?: number;
};

/** Google's answer to a key it does not know: 400, not 401, with the reason in the details. */
const invalidKey = () =>
	new Refusal(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
		{'@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: {service: 'generativelanguage.googleapis.com'}},
		{'@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.'},
	]);

function checkKey(request: RecordedRequest, options: GeminiNativeOptions): void {
	if (/[?&]key=/.test(request.url)) throw invalid('the API key must not be in the URL for this fake');
	const key = request.headers['x-goog-api-key'];
	if (!key) throw new Refusal(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers. Please use API Key.");
	if (options.keys && !options.keys.includes(String(key))) throw invalidKey();
}

/** One page of the list: `pageSize` (default 50, at most 1000 or the fake's cap) from `pageToken` on. */
function listModels(request: RecordedRequest, response: http.ServerResponse, options: GeminiNativeOptions): void {
	checkKey(request, options);
	if (request.headers['authorization']) throw new Refusal(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
	const query = new URL(request.url, 'http://fake').searchParams;
	for (const name of query.keys())
		if (name !== 'pageSize' && name !== 'pageToken') throw invalid(`Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter.`);
	const size = Math.min(Number(query.get('pageSize') ?? 50) || 50, 1000, options.maxPageSize ?? 1000);
	const from = Number(query.get('pageToken') ?? 0);
	if (!Number.isInteger(from) || from < 0 || from > GOOGLE_MODELS.length) throw invalid('Invalid page token.');
	const page = GOOGLE_MODELS.slice(from, from + size).map(model => ({version: '001', inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, ...model}));
	const next = from + size < GOOGLE_MODELS.length ? {nextPageToken: String(from + size)} : {};
	response.writeHead(200, {'content-type': 'application/json'});
	response.end(JSON.stringify({models: page, ...next}));
}

export function geminiNative(script: GeminiScript, options: GeminiNativeOptions = {}): FakeUpstreamHandler & {seen: RecordedRequest[]} {
	const seen: RecordedRequest[] = [];
	const handler = (request: RecordedRequest, response: http.ServerResponse) => {
		seen.push(request);
		if (request.method === 'GET' && /^\/(?:gemini\/)?v1beta\/models(\?.*)?$/.test(request.url)) {
			try {
				return listModels(request, response, options);
			} catch (error) {
				if (!(error instanceof Refusal)) throw error;
				return sendError(response, error.code, error.body());
			}
		}

		const match = /^\/(?:gemini\/)?v1beta\/models\/([^:/?]+):(generateContent|streamGenerateContent)(\?.*)?$/.exec(request.url);
		try {
			if (!match) throw new Refusal(404, 'NOT_FOUND', `path ${request.url} not found`);
			checkKey(request, options);
			const stream = match[2] === 'streamGenerateContent';
			if (stream && !/[?&]alt=sse/.test(match[3] ?? '')) throw invalid('this fake answers streams only with alt=sse');
			validate(request.body, decodeURIComponent(match[1]!));
			const answer = script(request, seen.length - 1);
			if (answer.error) return sendError(response, answer.status ?? 400, answer.error);
			const thoughts = request.body.generationConfig?.thinkingConfig?.includeThoughts === true;
			const replayed = stream ? answer.raw?.map(piece => Buffer.from(piece).toString('utf8')).join('') : JSON.stringify(answer.json ?? null);
			// Google sends thought parts only when asked: a script that would break that rule is a broken test.
			if (!thoughts && /"thought":\s*true/.test(replayed ?? '')) throw new Error('scripted thoughts the request did not ask for');
			if (stream && answer.raw) return void replay(response, answer.raw);
			if (!stream && answer.json !== undefined) return sendJson(response, answer.json);
			const parts = answer.parts.filter(part => thoughts || part['thought'] !== true);
			if (stream) return sendStream(response, parts, answer);
			response.writeHead(200, {'content-type': 'application/json'});
			response.end(JSON.stringify(responseOf(parts, answer, true)));
		} catch (error) {
			if (!(error instanceof Refusal)) throw error;
			sendError(response, error.code, error.body());
		}
	};

	return Object.assign(handler, {seen});
}

/**
 * Google's verdict on a generateContent body, for fakes that sit in front of this one (Gemini
 * Balance's native path): undefined when Google would accept it, else its error.
 */
export function googleRefusal(body: unknown, model: string): {code: number; status: string; message: string} | undefined {
	try {
		validate(body, model);
		return undefined;
	} catch (error) {
		if (!(error instanceof Refusal)) throw error;
		return {code: error.code, status: error.status, message: error.message};
	}
}

async function replay(response: http.ServerResponse, pieces: ReadonlyArray<string | Uint8Array>): Promise<void> {
	response.writeHead(200, {'content-type': 'text/event-stream'});
	for (const piece of pieces) {
		// Each piece its own read on the other side.
		await new Promise<void>(resolve => response.write(piece, () => setImmediate(resolve)));
	}

	response.end();
}

function sendJson(response: http.ServerResponse, body: unknown): void {
	response.writeHead(200, {'content-type': 'application/json'});
	response.end(JSON.stringify(body));
}

function sendError(response: http.ServerResponse, status: number, error: Record<string, unknown>): void {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(JSON.stringify({error}));
}

function responseOf(parts: Array<Record<string, unknown>>, answer: GeminiAnswer, last: boolean): Record<string, unknown> {
	const candidate: Record<string, unknown> = {content: {role: 'model', parts}, index: 0};
	if (last) {
		candidate['finishReason'] = answer.finishReason ?? 'STOP';
		if (answer.grounding) candidate['groundingMetadata'] = {groundingChunks: answer.grounding.map(web => ({web}))};
	}

	const usageMetadata = last
		? {promptTokenCount: 120, candidatesTokenCount: 30, thoughtsTokenCount: 12, cachedContentTokenCount: 20, totalTokenCount: 162}
		: {promptTokenCount: 120, totalTokenCount: 120};
	return {candidates: [candidate], usageMetadata, modelVersion: 'fake', responseId: 'r1'};
}

function sendStream(response: http.ServerResponse, parts: Array<Record<string, unknown>>, answer: GeminiAnswer): void {
	response.writeHead(200, {'content-type': 'text/event-stream'});
	const chunks = parts.length === 0 ? [[]] : parts.map(part => [part]);
	chunks.forEach((chunk, index) => {
		response.write(`data: ${JSON.stringify(responseOf(chunk, answer, index === chunks.length - 1))}\r\n\r\n`);
	});
	response.end();
}

function validate(body: any, model: string): void {
	if (!body || typeof body !== 'object') throw invalid('Invalid JSON payload received.');
	for (const key of Object.keys(body)) if (!TOP_LEVEL.has(key)) throw unknownField(key, '');
	for (const key of Object.keys(body.generationConfig ?? {})) if (!GENERATION.has(key)) throw unknownField(key, 'generation_config');
	for (const key of Object.keys(body.generationConfig?.thinkingConfig ?? {})) if (!THINKING.has(key)) throw unknownField(key, 'generation_config.thinking_config');
	if (!Array.isArray(body.contents) || body.contents.length === 0) throw invalid('* GenerateContentRequest.contents: contents is not specified');
	validateTools(body.tools ?? []);
	validateContents(body.contents, /gemini-3/.test(model));
}

function validateTools(tools: any[]): void {
	const search = tools.some(tool => 'googleSearch' in tool);
	const functions = tools.some(tool => 'functionDeclarations' in tool);
	if (search && functions) throw invalid('Tool use with function calling is unsupported');
	for (const tool of tools) {
		for (const declaration of tool.functionDeclarations ?? []) {
			if (!/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(declaration.name))
				throw invalid(`* GenerateContentRequest.tools[0].function_declarations: Invalid function name "${declaration.name}"`);
			if (declaration.parameters) validateSchema(declaration.parameters, `tools[0].function_declarations.parameters`);
		}
	}
}

function validateSchema(schema: any, at: string): void {
	for (const key of Object.keys(schema)) if (!SCHEMA.has(key)) throw unknownField(key, at);
	for (const name of schema.required ?? []) {
		if (!schema.properties || !(name in schema.properties)) throw invalid(`* GenerateContentRequest.${at}.required[0]: property is not defined`);
	}

	for (const [name, value] of Object.entries(schema.properties ?? {})) validateSchema(value, `${at}.properties[${name}]`);
	if (schema.items) validateSchema(schema.items, `${at}.items`);
	for (const option of schema.anyOf ?? []) validateSchema(option, `${at}.any_of`);
}

function validateContents(contents: any[], gemini3: boolean): void {
	let currentTurnStart = -1;
	contents.forEach((content, index) => {
		const parts = content.parts ?? [];
		if (content.role === 'user' && parts.some((part: any) => typeof part.text === 'string') && !parts.some((part: any) => part.functionResponse)) currentTurnStart = index;
	});
	contents.forEach((content, index) => {
		if (content.role !== 'user' && content.role !== 'model') throw invalid(`Please use a valid role: user, model.`);
		if (!Array.isArray(content.parts) || content.parts.length === 0) throw invalid(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.`);
		for (const part of content.parts) for (const key of Object.keys(part)) if (!PART.has(key)) throw unknownField(key, `contents[${index}].parts[0]`);
		const calls = content.parts.filter((part: any) => part.functionCall);
		const previous = contents[index - 1];
		if (calls.length > 0 && previous?.role !== 'user') {
			throw invalid('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
		}

		if (gemini3 && index > currentTurnStart && calls.length > 0 && !calls[0].thoughtSignature) {
			throw invalid(
				`Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${calls[0].functionCall.name}\` , position ${index + 1}.`,
			);
		}

		const responses = content.parts.filter((part: any) => part.functionResponse);
		if (responses.length > 0) {
			const previousCalls = previous?.role === 'model' ? previous.parts.filter((part: any) => part.functionCall).length : 0;
			if (previousCalls !== responses.length) {
				throw invalid('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
			}
		}
	});
}
