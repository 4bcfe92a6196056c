/**
 * Conformance fixtures of the native Gemini dialect, in the notation of the OpenAI ones
 * (stream-fixtures.ts, helpers.ts): each is what Google streams for `streamGenerateContent?alt=sse`
 * (one whole GenerateContentResponse per event, no `[DONE]`) and the Anthropic events it must give.
 * Table-tested on the translator (gemini-stream.test.ts) and replayed through the proxy to the
 * official SDK (gemini-sdk-crosscheck.test.ts). `SIG <i> <value>` is Google's own thoughtSignature.
 */
import type {AnthropicTool} from '../../source/proxy/translate/types.js';
import {LONG_TOOL, LONG_TOOL_SHORT} from './stream-fixtures.js';

export type GeminiFixture = {
	id: string;
	title: string;
	/** Raw SSE pieces as they arrive (usually one event each; some split an event across pieces). */
	upstream: ReadonlyArray<string | Uint8Array>;
	expected: string;
	/** Anthropic tools of the request (shortened names, renamed keyword properties). */
	tools?: AnthropicTool[];
	/** The upstream model (Gemini 3 rules), @default gemini-2.5-flash */
	model?: string;
};

type Part = Record<string, unknown>;
type Usage = {prompt: number; candidates?: number; thoughts?: number; cached?: number};

/** One Google stream event: a candidate with these parts, a finishReason on the last one, usage. */
function G(parts: Part[], extra: {finish?: string; usage?: Usage; grounding?: Array<{uri: string; title: string}>} = {}): string {
	const candidate: Record<string, unknown> = {content: {role: 'model', parts}, index: 0};
	if (extra.finish) candidate['finishReason'] = extra.finish;
	if (extra.grounding) candidate['groundingMetadata'] = {groundingChunks: extra.grounding.map(web => ({web}))};
	return event({candidates: [candidate], ...(extra.usage ? {usageMetadata: usageMetadata(extra.usage)} : {}), modelVersion: 'gemini-2.5-flash', responseId: 'resp-1'});
}

/** Any event payload, framed as Google frames it (CRLF). */
function event(payload: unknown): string {
	return `data: ${JSON.stringify(payload)}\r\n\r\n`;
}

function usageMetadata({prompt, candidates, thoughts, cached}: Usage): Record<string, number> {
	return {
		promptTokenCount: prompt,
		...(candidates === undefined ? {} : {candidatesTokenCount: candidates}),
		...(thoughts === undefined ? {} : {thoughtsTokenCount: thoughts}),
		...(cached === undefined ? {} : {cachedContentTokenCount: cached}),
		totalTokenCount: prompt + (candidates ?? 0) + (thoughts ?? 0),
	};
}

const object = {type: 'object', properties: {}};
const READ: AnthropicTool = {name: 'Read', input_schema: {type: 'object', properties: {file_path: {type: 'string'}}, required: ['file_path']}};
const GREP: AnthropicTool = {name: 'Grep', input_schema: {type: 'object', properties: {pattern: {type: 'string'}, examples: {type: 'string'}}, required: ['pattern']}};

export const GEMINI_FIXTURES: GeminiFixture[] = [
	{
		id: 'G-S01',
		title: 'plain text over two events, STOP, usage',
		upstream: [G([{text: 'Hello'}], {usage: {prompt: 25}}), G([{text: '!'}], {finish: 'STOP', usage: {prompt: 25, candidates: 2}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Hello" | TD 0 "!" | CBX 0 | MD end_turn [25,2,0,0] | MX',
	},
	{
		id: 'G-S02',
		title: 'thought with its signature, then the answer; thinking tokens count as output',
		upstream: [
			G([{text: 'Let me think.', thought: true, thoughtSignature: 'tsig-alpha'}], {usage: {prompt: 30}}),
			G([{text: 'Answer: 4'}], {finish: 'STOP', usage: {prompt: 30, candidates: 3, thoughts: 9}}),
		],
		expected: 'MS | PING | CBS 0 thinking | THD 0 "Let me think." | SIG 0 tsig-alpha | CBX 0 | CBS 1 text | TD 1 "Answer: 4" | CBX 1 | MD end_turn [30,12,0,0] | MX',
	},
	{
		id: 'G-S03',
		title: 'narration then a call with its id: tool_use keeps the id, stop_reason tool_use',
		upstream: [
			G([{text: "I'll read it."}]),
			G([{functionCall: {name: 'Read', args: {file_path: '/a'}, id: 'call_g1'}, thoughtSignature: 'tsig-call'}], {finish: 'STOP', usage: {prompt: 100, candidates: 20}}),
		],
		expected: 'MS | PING | CBS 0 text | TD 0 "I\'ll read it." | CBX 0 | CBS 1 tool call_g1 Read | JD 1 {"file_path":"/a"} | CBX 1 | MD tool_use [100,20,0,0] | MX',
		tools: [READ],
	},
	{
		id: 'G-S04',
		title: 'two parallel calls in separate events, no ids: generated ids, both kept',
		upstream: [
			G([{functionCall: {name: 'Read', args: {file_path: '/a'}}}]),
			G([{functionCall: {name: 'Read', args: {file_path: '/b'}}}], {finish: 'STOP', usage: {prompt: 60, candidates: 12}}),
		],
		expected:
			'MS | PING | CBS 0 tool toolu_GEN1 Read | JD 0 {"file_path":"/a"} | CBX 0 | CBS 1 tool toolu_GEN2 Read | JD 1 {"file_path":"/b"} | CBX 1 | MD tool_use [60,12,0,0] | MX',
		tools: [READ],
	},
	{
		id: 'G-S05',
		title: 'text and a call in one event, then a call with no arguments',
		upstream: [G([{text: 'Both.'}, {functionCall: {name: 'Read', args: {file_path: '/c'}, id: 'c1'}}]), G([{functionCall: {name: 'Ping', id: 'c2'}}], {finish: 'STOP'})],
		expected:
			'MS | PING | CBS 0 text | TD 0 "Both." | CBX 0 | CBS 1 tool c1 Read | JD 1 {"file_path":"/c"} | CBX 1 | CBS 2 tool c2 Ping | JD 2 {} | CBX 2 | MD tool_use [42,2,0,0] | MX',
		tools: [READ, {name: 'Ping', input_schema: object}],
	},
	{
		id: 'G-S06',
		title: 'a long tool name comes back shortened and is restored',
		upstream: [G([{functionCall: {name: LONG_TOOL_SHORT, args: {path: 'x'}, id: 'c9'}}], {finish: 'STOP', usage: {prompt: 10, candidates: 4}})],
		expected: `MS | PING | CBS 0 tool c9 ${LONG_TOOL} | JD 0 {"path":"x"} | CBX 0 | MD tool_use [10,4,0,0] | MX`,
		tools: [{name: LONG_TOOL, input_schema: {type: 'object', properties: {path: {type: 'string'}}}}],
	},
	{
		id: 'G-S07',
		title: 'a keyword-named property (renamed on the way up) is restored in the arguments',
		upstream: [G([{functionCall: {name: 'Grep', args: {pattern: 'TODO', examples_: 'a'}, id: 'c3'}}], {finish: 'STOP', usage: {prompt: 10, candidates: 5}})],
		expected: 'MS | PING | CBS 0 tool c3 Grep | JD 0 {"pattern":"TODO","examples":"a"} | CBX 0 | MD tool_use [10,5,0,0] | MX',
		tools: [GREP],
	},
	{
		id: 'G-S08',
		title: 'MAX_TOKENS → max_tokens',
		upstream: [G([{text: 'Once upon a'}], {finish: 'MAX_TOKENS', usage: {prompt: 8, candidates: 3}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Once upon a" | CBX 0 | MD max_tokens [8,3,0,0] | MX',
	},
	{
		id: 'G-S09',
		title: 'MAX_TOKENS spent on thinking: no content, still max_tokens (not an error)',
		upstream: [G([], {finish: 'MAX_TOKENS', usage: {prompt: 8, candidates: 0, thoughts: 64}})],
		expected: 'MS | PING | MD max_tokens [8,64,0,0] | MX',
	},
	{
		id: 'G-S10',
		title: 'SAFETY after some text → the reason said in text, stop_reason refusal',
		upstream: [G([{text: 'Here is'}]), G([], {finish: 'SAFETY', usage: {prompt: 12, candidates: 2}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Here is" | TD 0 "\\n\\n[Gemini stopped the answer: finishReason SAFETY]" | CBX 0 | MD refusal [12,2,0,0] | MX',
	},
	{
		id: 'G-S11',
		title: 'promptFeedback.blockReason (no candidates) → a refusal naming the reason',
		upstream: [event({promptFeedback: {blockReason: 'PROHIBITED_CONTENT'}, usageMetadata: {promptTokenCount: 7, totalTokenCount: 7}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Gemini refused the prompt (blockReason PROHIBITED_CONTENT)." | CBX 0 | MD refusal [7,0,0,0] | MX',
	},
	{
		id: 'G-S17',
		title: 'blockReason OTHER (no finishReason ends an answer so) is a refusal too',
		upstream: [event({promptFeedback: {blockReason: 'OTHER'}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Gemini refused the prompt (blockReason OTHER)." | CBX 0 | MD refusal [42,12,0,0] | MX',
	},
	{
		id: 'G-S12',
		title: 'grounding sources → a Sources list after the answer',
		upstream: [G([{text: 'It is sunny.'}], {finish: 'STOP', usage: {prompt: 20, candidates: 4}, grounding: [{uri: 'https://w.example/today', title: 'Weather'}]})],
		expected: 'MS | PING | CBS 0 text | TD 0 "It is sunny." | TD 0 "\\n\\nSources:\\n- [Weather](https://w.example/today)" | CBX 0 | MD end_turn [20,4,0,0] | MX',
	},
	{
		id: 'G-S13',
		title: 'cachedContentTokenCount → cache_read_input_tokens (input without it)',
		upstream: [G([{text: 'ok'}], {finish: 'STOP', usage: {prompt: 1000, candidates: 1, cached: 800}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "ok" | CBX 0 | MD end_turn [200,1,0,800] | MX',
	},
	{
		id: 'G-S14',
		title: "Gemini 2.5's empty text part carrying a signature after the answer is no content",
		upstream: [G([{text: 'Done.'}]), G([{text: '', thoughtSignature: 'tsig-trailer'}], {finish: 'STOP', usage: {prompt: 5, candidates: 1}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "Done." | CBX 0 | MD end_turn [5,1,0,0] | MX',
	},
	{
		id: 'G-S15',
		title: 'one event split across reads, multi-byte text split inside a character',
		upstream: splitInside(G([{text: 'héllo 你好'}], {finish: 'STOP', usage: {prompt: 4, candidates: 3}}), '你'),
		expected: 'MS | PING | CBS 0 text | TD 0 "héllo 你好" | CBX 0 | MD end_turn [4,3,0,0] | MX',
	},
	{
		id: 'G-S16',
		title: 'no usageMetadata at all: the estimate stands',
		upstream: [G([{text: 'abcdefgh'}], {finish: 'STOP'})],
		expected: 'MS | PING | CBS 0 text | TD 0 "abcdefgh" | CBX 0 | MD end_turn [42,2,0,0] | MX',
	},
	{
		id: 'G-E01',
		title: 'MALFORMED_FUNCTION_CALL → a retryable api_error, no answer',
		upstream: [G([], {finish: 'MALFORMED_FUNCTION_CALL', usage: {prompt: 30, candidates: 0}})],
		expected: 'MS | PING | ERR api_error',
		tools: [READ],
	},
	{
		id: 'G-E02',
		title: 'STOP with no parts → empty answer, an error that says to retry',
		upstream: [G([], {finish: 'STOP', usage: {prompt: 30, candidates: 0}})],
		expected: 'MS | PING | ERR api_error',
	},
	{
		id: 'G-E03',
		title: 'the stream ends before any finishReason → api_error after the text',
		upstream: [G([{text: 'Partial'}])],
		expected: 'MS | PING | CBS 0 text | TD 0 "Partial" | ERR api_error',
	},
	{
		id: 'G-E04',
		title: 'an error object inside the stream → api_error',
		upstream: [G([{text: 'a'}]), event({error: {code: 500, message: 'Internal error encountered.', status: 'INTERNAL'}})],
		expected: 'MS | PING | CBS 0 text | TD 0 "a" | ERR api_error',
	},
];

/** The event's bytes cut inside `char` (a multi-byte UTF-8 sequence) and once more in the JSON. */
function splitInside(text: string, char: string): Uint8Array[] {
	const bytes = Buffer.from(text);
	const at = bytes.indexOf(Buffer.from(char)) + 1;
	return [bytes.subarray(0, 20), bytes.subarray(20, at), bytes.subarray(at)];
}
