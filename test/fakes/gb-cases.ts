/**
 * The "model" behind the fake Gemini Balance for end-to-end runs with the real Claude Code CLI
 * (scripts/gb-claude-cases.mjs): each case is named in the prompt (`CASE:<name>`), and the reply
 * depends only on the conversation so far, like a model would. Every reply starts with a thought
 * (gemini-2.5-flash with a thinking budget always thinks; the fake drops it unless the
 * configuration shows thoughts). Tests only.
 */
import {call, reply, text, thought} from './gemini-balance.js';
import type {GbRecordedRequest, GPart, Script} from './gemini-balance/types.js';
import type {GeminiAnswer} from './gemini-native.js';

type Message = {role?: string; content?: unknown; tool_calls?: unknown[]};

export const CASES = [
	'text',
	'narration',
	'two-calls',
	'loop4',
	'gemini3-loop3',
	'gemini3-loop4',
	'thinking',
	'image',
	'pdf',
	'search',
	'examples',
	'empty-result',
	'refused',
] as const;
export type CaseName = (typeof CASES)[number];

/** What the final answer must contain for the case to pass. */
export const EXPECTED: Record<CaseName, string> = {
	text: 'banana-17',
	narration: 'narrated-42',
	'two-calls': 'alpha-1 then beta-2',
	loop4: 'steps done: step-1 step-2 step-3 step-4',
	'gemini3-loop3': 'g3 done: g3-1 g3-2 g3-3',
	'gemini3-loop4': 'g3 done: g3-1 g3-2 g3-3 g3-4',
	thinking: 'thought-through-7',
	image: 'I see a red square',
	pdf: 'the PDF says pdf-marker-31',
	search: 'search-result-99',
	examples: 'lookup ok: q=ccr examples=2',
	'empty-result': 'silent tool finished',
	// Claude Code prints the API error; the point is how many upstream calls and key failures it cost.
	refused: 'Request contains an invalid argument',
};

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content.map(part => (typeof (part as {text?: unknown}).text === 'string' ? (part as {text: string}).text : '')).join('\n');
}

/** Tool results since the case's prompt, in the order they were sent. */
function toolResults(messages: Message[], start: number): string[] {
	return messages
		.slice(start)
		.filter(message => message.role === 'tool')
		.map(message => textOf(message.content));
}

const withThought = (parts: GPart[][]): GPart[][] => [...thought('Let me think about what the user needs here.'), ...parts];
const answer = (value: string): Script => reply(withThought(text(value, {split: 2})), {usage: {prompt: 200, candidates: 12, thoughts: 20}});
const calling = (parts: GPart[][], narration?: string): Script =>
	reply(withThought([...(narration ? text(narration) : []), ...parts]), {usage: {prompt: 200, candidates: 8, thoughts: 20}});

/** The upstream history ends on a model call: Gemini calls again (what an empty, dropped result causes). */
function endsOnCall(request: GbRecordedRequest): boolean {
	const contents = (request.upstreamPayload as {contents?: Array<{role: string; parts: Array<Record<string, unknown>>}>} | undefined)?.contents;
	const last = contents?.at(-1);
	return last?.role === 'model' && last.parts.some(part => part['functionCall'] !== undefined);
}

type NativePart = {text?: string; functionCall?: unknown; functionResponse?: {name?: string; response?: unknown}; inlineData?: unknown};
type NativeBody = {contents?: Array<{role?: string; parts?: NativePart[]}>; tools?: Array<{functionDeclarations?: Array<{name?: string}>; googleSearch?: unknown}>};

/**
 * A native generateContent body seen as the chat body the cases read: user text, model turns, one
 * tool message per `functionResponse` (its response as JSON), function declarations as tools.
 */
function chatViewOfNative(body: NativeBody, model: string): {messages: Message[]; model: string; tools: Array<{function: {name?: string}}>; search: boolean} {
	const messages: Message[] = [];
	for (const content of body.contents ?? []) {
		const parts = content.parts ?? [];
		const responses = parts.filter(part => part.functionResponse);
		for (const part of responses) messages.push({role: 'tool', content: stringsOf(part.functionResponse?.response).join('\n')});
		const text = parts.map(part => part.text ?? '').join('');
		if (content.role === 'model') messages.push({role: 'assistant', content: text, tool_calls: parts.filter(part => part.functionCall)});
		else if (text) messages.push({role: 'user', content: text});
	}

	const tools = (body.tools ?? []).flatMap(tool => (tool.functionDeclarations ?? []).map(declaration => ({function: {name: declaration.name}})));
	return {messages, model, tools, search: (body.tools ?? []).some(tool => 'googleSearch' in tool)};
}

/** What a model reads in a structured tool result: its strings, in order. */
function stringsOf(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(stringsOf);
	if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
	return [];
}

/** The model id of a native request path (`/v1beta/models/<id>:streamGenerateContent`). */
function nativeModelOf(path: string): string | undefined {
	const match = /\/models\/([^/:]+):/.exec(path);
	return match ? decodeURIComponent(match[1]!) : undefined;
}

/** The PDF marker in a base64 PDF the request carried (a model reads it; the fake greps the bytes). */
function pdfMarker(sent: string): string | undefined {
	for (const match of sent.matchAll(/(?:application\/pdf[^A-Za-z0-9+/]+(?:data[^A-Za-z0-9+/]+)?|data:application\/pdf;base64,)([A-Za-z0-9+/=]{40,})/g)) {
		const found = /pdf-marker-\d+/.exec(Buffer.from(match[1]!, 'base64').toString('latin1'))?.[0];
		if (found) return found;
	}

	return undefined;
}

export function playCase(request: GbRecordedRequest): Script {
	const nativeModel = nativeModelOf(request.path);
	if (nativeModel) return playNative(request, nativeModel);
	return playChat(request, request.body);
}

/** Native path: the same "model", with Google Search answered with grounding sources. */
function playNative(request: GbRecordedRequest, model: string): Script {
	const view = chatViewOfNative((request.body ?? {}) as NativeBody, model);
	if (view.search) {
		return reply(withThought(text(`Web results: ${EXPECTED.search} (from Google Search)`, {split: 2})), {
			usage: {prompt: 200, candidates: 12, thoughts: 20},
			grounding: [{uri: 'https://ccr-tui.example/marker', title: 'ccr-tui marker page'}],
		});
	}

	return playChat(request, view);
}

function playChat(request: GbRecordedRequest, chatBody: unknown): Script {
	const body = (chatBody ?? {}) as {messages?: Message[]; model?: string; tools?: Array<{function?: {name?: string}}>};
	const messages = body.messages ?? [];
	const start = messages.findIndex(message => message.role === 'user' && /CASE:[\w-]+/.test(textOf(message.content)));
	const name = start === -1 ? undefined : (/CASE:([\w-]+)/.exec(textOf(messages[start]!.content))?.[1] as CaseName | undefined);
	const model = String(body.model ?? '');
	// Claude Code's own side requests (titles, topic detection) and the WebSearch tool's inner request.
	if (model.endsWith('-search')) return answer(`Web results: ${EXPECTED.search} (from the -search model)`);
	if (!name) return answer('ok');
	// A deterministic refusal (what a schema or turn-order error is): Google answers 400 on every key.
	if (name === 'refused') return {attempts: [{status: 400, googleStatus: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.'}]};
	const results = toolResults(messages, start);
	const done = results.length;
	switch (name) {
		case 'text':
			return answer(`The word is ${EXPECTED.text}.`);
		case 'narration':
			if (done === 0) return calling(call('Bash', {command: 'echo narrated-42', description: 'Print the marker'}), "I'll run the command first.");
			return answer(`The command printed ${results[0]!.trim()}.`);
		case 'two-calls':
			if (done === 0) {
				return calling([
					[{functionCall: {name: 'Bash', args: {command: 'echo alpha-1', description: 'first'}}}],
					[{functionCall: {name: 'Bash', args: {command: 'echo beta-2', description: 'second'}}}],
				]);
			}

			return answer(`Results in order: ${results.map(result => result.trim()).join(' then ')}`);
		case 'loop4':
			if (done < 4) return calling(call('Bash', {command: `echo step-${done + 1}`, description: `step ${done + 1}`}), `Step ${done + 1}.`);
			return answer(`steps done: ${results.map(result => result.trim()).join(' ')}`);
		case 'gemini3-loop3':
		case 'gemini3-loop4': {
			const steps = name === 'gemini3-loop4' ? 4 : 3;
			if (done < steps) return calling(call('Bash', {command: `echo g3-${done + 1}`, description: 'g3'}, `sig-g3-${done + 1}`));
			return answer(`g3 done: ${results.map(result => (/g3-\d/.exec(result)?.[0] ?? result).trim()).join(' ')}`);
		}
		case 'thinking':
			return answer(`After thinking: ${EXPECTED.thinking}.`);
		case 'image': {
			const sent = JSON.stringify(request.upstreamPayload ?? request.body);
			if (done === 0) return calling(call('Read', {file_path: textOf(messages[start]!.content).match(/\/\S+\.png/)?.[0] ?? '/tmp/x.png'}));
			return answer(/inline_data|inlineData|image_url/.test(sent) ? `${EXPECTED.image}.` : 'I cannot see any image.');
		}

		case 'pdf': {
			if (done === 0) return calling(call('Read', {file_path: textOf(messages[start]!.content).match(/\/\S+\.pdf/)?.[0] ?? '/tmp/x.pdf'}));
			const marker = pdfMarker(JSON.stringify(request.upstreamPayload ?? request.body));
			return answer(marker ? `Having read it, the PDF says ${marker}.` : 'I cannot see any PDF.');
		}

		case 'search':
			if (done === 0) return calling(call('WebSearch', {query: 'ccr-tui marker'}));
			return answer(`Found: ${results.join(' ').match(/search-result-\d+/)?.[0] ?? 'nothing'}`);
		case 'examples':
			if (done === 0) {
				const tool = (body.tools ?? []).map(item => item.function?.name).find(item => item?.endsWith('lookup')) ?? 'mcp__t__lookup';
				// The model sees (and uses) the names the proxy sent.
				const renamed = JSON.stringify(body.tools ?? []).includes('"examples_"');
				return calling(call(tool, {query: 'ccr', [renamed ? 'examples_' : 'examples']: ['one', 'two']}));
			}

			return answer(results[0]!.trim());
		case 'empty-result':
			if (done === 0 || endsOnCall(request)) {
				const tool = (body.tools ?? []).map(item => item.function?.name).find(item => item?.endsWith('silent')) ?? 'mcp__t__silent';
				return calling(call(tool, {}));
			}

			return answer(`The ${EXPECTED['empty-result']}.`);
		default:
			return answer('ok');
	}
}

/**
 * The same "model" behind the strict Google fake (AI Studio): the case's first attempt as Google's
 * answer (all parts of the reply, grounding, or its error).
 */
export function playCaseForGoogle(request: {url: string; body: unknown}): GeminiAnswer {
	const path = request.url.split('?')[0] ?? request.url;
	const record: GbRecordedRequest = {method: 'POST', path, query: {}, headers: {}, body: request.body, upstreamPayload: request.body, diagnostics: [], status: 0};
	const attempt = playCase(record).attempts?.[0];
	if (!attempt || 'networkError' in attempt) return {parts: [{text: 'ok'}]};
	if ('ok' in attempt) return {parts: attempt.ok.chunks.flat(), ...(attempt.ok.grounding ? {grounding: attempt.ok.grounding} : {})};
	return {parts: [], status: attempt.status, error: {code: attempt.status, message: attempt.message ?? 'error', status: attempt.googleStatus ?? 'INVALID_ARGUMENT'}};
}
