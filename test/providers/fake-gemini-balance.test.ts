/**
 * The fake must behave like the real Gemini Balance (reference §1–§5), or every test built on it
 * proves nothing. These pin the documented quirks and the fault matrix (§5.6) at the HTTP level.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {call, envExampleOptions, google429, parallelCalls, reply, startFakeGeminiBalance, text, thought, type FakeGeminiBalance} from '../fakes/gemini-balance.js';
import {pythonJson} from '../fakes/gemini-balance/render.js';

const TOKEN = 'sk-test';
let gb: FakeGeminiBalance;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({thinkingBudgetMap: {'gemini-2.5-pro': 2048}});
});
afterAll(async () => gb.close());
afterEach(() => {
	gb.reset();
	gb.configure({upstreamModelsFail: false, fakeStream: null});
});

const auth = {authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json'};

async function chat(body: Record<string, unknown>, headers: Record<string, string> = auth) {
	const response = await fetch(`${gb.url}/v1/chat/completions`, {method: 'POST', headers, body: JSON.stringify({model: 'gemini-2.5-flash', ...body})});
	return {status: response.status, text: await response.text(), type: response.headers.get('content-type')};
}

function events(sse: string): string[] {
	return sse
		.split('\n\n')
		.filter(Boolean)
		.map(event => event.replace(/^data: /, ''));
}

const hello = [{role: 'user', content: 'hi'}];

describe('fake Gemini Balance: HTTP surface and auth', () => {
	it('/health needs no auth; / is the HTML login page; non-API paths redirect to it', async () => {
		expect(await (await fetch(`${gb.url}/health`)).json()).toEqual({status: 'healthy'});
		const home = await fetch(`${gb.url}/`);
		expect(home.headers.get('content-type')).toMatch(/text\/html/);
		expect(await home.text()).toMatch(/<title>Gemini Balance/);
		for (const path of ['/api', '/keys', '/models', '/chat/completions']) {
			const response = await fetch(`${gb.url}${path}`, {redirect: 'manual'});
			expect([path, response.status, response.headers.get('location')]).toEqual([path, 307, '/']);
		}
	});

	it('404 and 405 inside exempt prefixes use the http_error envelope', async () => {
		const missing = await fetch(`${gb.url}/v1/nothing`);
		expect([missing.status, await missing.json()]).toEqual([404, {error: {code: 'http_error', message: 'Not Found'}}]);
		const wrong = await fetch(`${gb.url}/health`, {method: 'POST'});
		expect([wrong.status, await wrong.json()]).toEqual([405, {error: {code: 'http_error', message: 'Method Not Allowed'}}]);
		expect((await fetch(`${gb.url}/v1beta/models`, {method: 'POST'})).status).toBe(405);
	});

	it.each([
		[{}, 'Missing Authorization header'],
		[{authorization: `bearer ${TOKEN}`}, 'Invalid Authorization header format'],
		[{authorization: 'Bearer nope'}, 'Invalid token'],
		[{'x-api-key': TOKEN}, 'Missing Authorization header'],
	])('Bearer auth on /v1: %j → 401 %s', async (headers, message) => {
		const response = await fetch(`${gb.url}/v1/models`, {headers});
		expect([response.status, await response.json()]).toEqual([401, {error: {code: 'http_error', message}}]);
	});

	it('fault: Bearer on the native route → 401 "Invalid key and missing x-goog-api-key header"', async () => {
		const response = await fetch(`${gb.url}/v1beta/models`, {headers: {authorization: `Bearer ${TOKEN}`}});
		expect([response.status, await response.json()]).toEqual([401, {error: {code: 'http_error', message: 'Invalid key and missing x-goog-api-key header'}}]);
		expect((await fetch(`${gb.url}/v1beta/models?key=${TOKEN}`)).status).toBe(200);
		expect((await fetch(`${gb.url}/v1beta/models`, {headers: {'x-goog-api-key': 'bad'}})).status).toBe(401);
	});

	it('/v1/models: everything Google lists, derived suffix entries after each base, then imagen -chat', async () => {
		const response = await fetch(`${gb.url}/v1/models`, {headers: auth});
		const body = (await response.json()) as {object: string; data: Array<{id: string; root: string}>};
		expect(body.object).toBe('list');
		expect(body.data.map(model => model.id)).toEqual([
			'gemini-2.5-pro',
			'gemini-2.5-pro-search',
			'gemini-2.5-flash',
			'gemini-2.5-flash-search',
			'gemini-2.5-flash-lite',
			'gemini-2.0-flash',
			'gemini-2.0-flash-exp',
			'gemini-2.0-flash-exp-image',
			'text-embedding-004',
			'imagen-3.0-generate-002-chat',
		]);
		expect(body.data[1]!.root).toBe('models/gemini-2.5-pro');
		expect(body.data.at(-1)!.root).toBe('models/text-embedding-004');
	});

	it('fault: models upstream down → /v1/models 200 null, /v1beta/models 500', async () => {
		gb.configure({upstreamModelsFail: true});
		const response = await fetch(`${gb.url}/v1/models`, {headers: auth});
		expect([response.status, await response.text()]).toEqual([200, 'null']);
		expect((await fetch(`${gb.url}/v1beta/models?key=${TOKEN}`)).status).toBe(500);
	});

	it('/v1/keys/list needs the admin token and returns the pool', async () => {
		expect((await fetch(`${gb.url}/v1/keys/list`)).status).toBe(401);
		const body = (await (await fetch(`${gb.url}/v1/keys/list`, {headers: {authorization: TOKEN}})).json()) as {total: number};
		expect(body.total).toBe(3);
	});
});

describe('fake Gemini Balance: /v1 stream quirks', () => {
	it('new id per chunk, finish_reason null, "" fields, cumulative usage on every chunk, closing choices: [], [DONE]', async () => {
		gb.enqueue(reply(text('Hello world', {split: 3}), {usage: {prompt: 10, candidates: 6, thoughts: 4}}));
		const {status, text: body, type} = await chat({messages: hello, stream: true});
		expect(status).toBe(200);
		expect(type).toBe('text/event-stream; charset=utf-8');
		const list = events(body);
		expect(list.at(-1)).toBe('[DONE]');
		const chunks = list.slice(0, -1).map(item => JSON.parse(item) as Record<string, any>);
		expect(chunks).toHaveLength(4);
		expect(new Set(chunks.map(chunk => chunk['id'])).size).toBe(4);
		expect(chunks.slice(0, 3).map(chunk => chunk['choices'][0].finish_reason)).toEqual([null, null, null]);
		expect(chunks[0]!['choices'][0].delta).toEqual({content: 'Hell', reasoning_content: '', role: 'assistant'});
		expect(chunks.map(chunk => chunk['usage'].completion_tokens)).toEqual([2, 4, 6, 6]);
		expect(chunks.at(-1)).toMatchObject({choices: [], usage: {prompt_tokens: 10, completion_tokens: 6, total_tokens: 20}});
		// Python json.dumps spacing on the wire.
		expect(list[0]).toMatch(/^\{"id": "chatcmpl-[0-9a-f-]{36}", "object": "chat.completion.chunk", /);
	});

	it('non-ASCII text is \\u-escaped in SSE JSON (Python ensure_ascii)', async () => {
		gb.enqueue(reply(text('你好')));
		const {text: body} = await chat({messages: hello, stream: true});
		expect(body).toContain('"content": "\\u4f60\\u597d"');
		expect(pythonJson({a: ['é', 1, null]})).toBe('{"a": ["\\u00e9", 1, null]}');
	});

	it('fault: parallel calls in separate chunks → each index 0, distinct call_ ids, whole arguments', async () => {
		gb.enqueue(
			reply(
				parallelCalls([
					['Read', {path: 'a'}],
					['Read', {path: 'b'}],
				]),
			),
		);
		const {text: body} = await chat({messages: hello, stream: true});
		const calls = events(body)
			.slice(0, -1)
			.map(item => JSON.parse(item) as Record<string, any>)
			.flatMap(chunk => chunk['choices'][0]?.delta?.tool_calls ?? []);
		expect(calls.map((item: any) => item.index)).toEqual([0, 0]);
		expect(calls[0].id).not.toBe(calls[1].id);
		expect(calls[0].id).toMatch(/^call_[a-z0-9]{32}$/);
		expect(calls.map((item: any) => item.function.arguments)).toEqual(['{"path": "a"}', '{"path": "b"}']);
	});

	it('fault: text + call in one chunk → content "x" and the call at index 1', async () => {
		gb.enqueue(reply([[{text: 'x'}, {functionCall: {name: 'Read', args: {}}}]]));
		const {text: body} = await chat({messages: hello, stream: true});
		const first = JSON.parse(events(body)[0]!) as Record<string, any>;
		expect(first['choices'][0].delta.content).toBe('x');
		expect(first['choices'][0].delta.tool_calls[0].index).toBe(1);
	});

	it('only parts[0] is read: [thought, text] in one chunk loses the text; thoughts need showThinking + budget map', async () => {
		gb.enqueue(reply([[{text: 'mull', thought: true}, {text: 'lost'}]]));
		const pro = await chat({model: 'gemini-2.5-pro', messages: hello, stream: true});
		const delta = (JSON.parse(events(pro.text)[0]!) as Record<string, any>)['choices'][0].delta;
		expect(delta).toEqual({content: '', reasoning_content: 'mull', role: 'assistant'});
		gb.enqueue(reply([...thought('hidden'), ...text('shown')]));
		const flash = await chat({messages: hello, stream: true});
		expect(flash.text).not.toContain('hidden');
	});

	it('fault: empty answer → closing chunk + [DONE] only; blocked → choices: []', async () => {
		gb.enqueue({attempts: [{ok: {chunks: [], empty: true}}]});
		const empty = events((await chat({messages: hello, stream: true})).text);
		expect(empty).toHaveLength(2);
		expect(JSON.parse(empty[0]!)).toMatchObject({choices: []});
		gb.enqueue({attempts: [{ok: {chunks: [], blocked: true}}]});
		const blocked = await chat({messages: hello});
		expect(JSON.parse(blocked.text)).toMatchObject({choices: [], usage: {prompt_tokens: 0, completion_tokens: 0, total_tokens: 0}});
	});

	it('fault: mid-stream drop → truncated SSE, no [DONE]', async () => {
		gb.enqueue({...reply(text('abcdef', {split: 3})), dropAfterEvents: 2});
		const response = await fetch(`${gb.url}/v1/chat/completions`, {
			method: 'POST',
			headers: auth,
			body: JSON.stringify({model: 'gemini-2.5-flash', messages: hello, stream: true}),
		});
		await expect(response.text()).rejects.toThrow();
	});

	it('fake-stream mode: heartbeats with choices: [], then one chunk that says stop', async () => {
		gb.configure({fakeStream: {intervalMs: 20}});
		gb.enqueue({...reply(text('done')), headersDelayMs: 60});
		const list = events((await chat({messages: hello, stream: true})).text);
		expect(list.length).toBeGreaterThanOrEqual(4);
		expect(JSON.parse(list[0]!)).toMatchObject({choices: []});
		expect(JSON.parse(list.at(-2)!)).toMatchObject({choices: [{delta: {content: 'done'}, finish_reason: 'stop'}]});
	});
});

describe('fake Gemini Balance: non-stream and errors', () => {
	it('non-stream says "stop" even for tool calls; tool_calls is [] when there are none', async () => {
		gb.enqueue(reply([...text('Let me read'), ...call('Read', {path: 'a'})]));
		const withCall = JSON.parse((await chat({messages: hello})).text) as Record<string, any>;
		expect(withCall['choices'][0].finish_reason).toBe('stop');
		expect(withCall['choices'][0].message.content).toBe('Let me read');
		expect(withCall['choices'][0].message.tool_calls[0]).toMatchObject({index: 1, type: 'function', function: {name: 'Read'}});
		gb.enqueue(reply(text('plain')));
		const plain = JSON.parse((await chat({messages: hello})).text) as Record<string, any>;
		expect(plain['choices'][0].message.tool_calls).toEqual([]);
	});

	it('fault: 429 exhausted → stream 429 with Google JSON nested; non-stream 500 generic', async () => {
		gb.enqueue({attempts: [google429()]}, {attempts: [google429()]});
		const stream = await chat({messages: hello, stream: true});
		expect(stream.status).toBe(429);
		const nested = JSON.parse(stream.text) as {error: {code: number; message: string}};
		expect(nested.error.code).toBe(429);
		expect(JSON.parse(nested.error.message)).toEqual({error: {code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED'}});
		expect(nested.error.message).toContain('\n  "error": {');
		const plain = await chat({messages: hello});
		expect([plain.status, JSON.parse(plain.text)]).toEqual([500, {error: {code: 'http_error', message: 'Internal server error during chat_completion'}}]);
	});

	it('fault: upstream 500 ×3 → stream 500 nested; network error → 500 generic', async () => {
		gb.enqueue({attempts: [{status: 500}]}, {attempts: [{networkError: true}]});
		const nested = await chat({messages: hello, stream: true});
		expect(nested.status).toBe(500);
		expect(JSON.parse(nested.text).error.code).toBe(500);
		const network = await chat({messages: hello, stream: true});
		expect(JSON.parse(network.text)).toEqual({error: {code: 'http_error', message: 'Internal server error during chat_completion'}});
	});

	it('fault: unknown model → stream 404 nested, non-stream 500 generic, keys +3 each', async () => {
		const stream = await chat({model: 'nope-1', messages: hello, stream: true});
		expect(stream.status).toBe(404);
		expect(stream.text).toContain('models/nope-1 is not found for API version v1beta');
		const plain = await chat({model: 'nope-1', messages: hello});
		expect(plain.status).toBe(500);
		expect(Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0)).toBe(6);
	});

	it('fault: bad suffix (gemini-2.0-flash-search) → 400 "Model … is not supported", keys +3', async () => {
		const response = await chat({model: 'gemini-2.0-flash-search', messages: hello, stream: true});
		expect([response.status, JSON.parse(response.text)]).toEqual([400, {error: {code: 'http_error', message: 'Model gemini-2.0-flash-search is not supported'}}]);
		expect(Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0)).toBe(3);
	});

	it('tool_choice as an object → 422 validation_error', async () => {
		const response = await chat({messages: hello, tool_choice: {type: 'function', function: {name: 'Read'}}});
		expect(response.status).toBe(422);
		expect(JSON.parse(response.text)).toEqual({
			error: {
				code: 'validation_error',
				message: 'Request validation failed',
				details: [{loc: ['body', 'tool_choice'], msg: 'Input should be a valid string', type: 'string_type'}],
			},
		});
	});

	it.each([
		[{type: 'object', properties: {a: {type: 'string'}}, additionalProperties: false}, 'Unknown name "additionalProperties"'],
		[{type: 'object', properties: {a: {type: 'string', format: 'uri'}}}, "only 'enum' and 'date-time'"],
		[{type: 'object', properties: {a: {type: 'array'}}}, 'items: missing field'],
		[{type: 'object', $defs: {x: {type: 'string'}}, properties: {a: {type: 'string'}}}, 'Unknown name "$defs"'],
	])('fault: schema rejected (strictUpstream) → 400 nested on stream: %j', async (parameters, message) => {
		const response = await chat({messages: hello, stream: true, tools: [{type: 'function', function: {name: 'Read', parameters}}]});
		expect(response.status).toBe(400);
		expect(JSON.parse(JSON.parse(response.text).error.message).error.message).toContain(message);
	});

	it('GB cleans $schema/$ref/anyOf itself (property names too), keeps `strict` → Google rejects it', async () => {
		const parameters = {$schema: 'x', type: 'object', properties: {const: {type: 'string'}, path: {type: 'string'}}};
		gb.enqueue(reply(text('ok')));
		const ok = await chat({messages: hello, tools: [{type: 'function', function: {name: 'Read', parameters}}]});
		expect(ok.status).toBe(200);
		const sent = (gb.requests.at(-1)!.upstreamPayload as any).tools[0].functionDeclarations[0];
		expect(sent.parameters).toEqual({type: 'object', properties: {path: {type: 'string'}}});
		const strict = await chat({messages: hello, stream: true, tools: [{type: 'function', function: {name: 'Read', strict: true, parameters}}]});
		expect(JSON.parse(JSON.parse(strict.text).error.message).error.message).toContain('Unknown name "strict"');
	});
});

describe('fake Gemini Balance: lossy /v1 request conversion', () => {
	it('assistant text + tool_calls loses the calls; tool results become user text; system → systemInstruction', async () => {
		gb.enqueue(reply(text('ok')));
		await chat({
			messages: [
				{role: 'system', content: 'be brief'},
				{role: 'user', content: 'read a'},
				{role: 'assistant', content: 'Let me read', tool_calls: [{id: 'c1', type: 'function', function: {name: 'Read', arguments: '{"path":"a"}'}}]},
				{role: 'tool', tool_call_id: 'c1', content: 'file a'},
			],
		});
		const record = gb.requests.at(-1)!;
		expect(record.diagnostics).toEqual(['dropped_tool_calls', 'tool_result_as_text']);
		const payload = record.upstreamPayload as any;
		expect(payload.systemInstruction).toEqual({role: 'system', parts: [{text: 'be brief'}]});
		expect(payload.contents).toEqual([
			{role: 'user', parts: [{text: 'read a'}]},
			{role: 'model', parts: [{text: 'Let me read'}]},
			{role: 'user', parts: [{text: 'file a'}]},
		]);
		expect(payload.generationConfig).toMatchObject({temperature: 0.7, topP: 0.9, topK: 40});
	});

	it('content null + tool_calls keeps the call (the shape the proxy must send)', async () => {
		gb.enqueue(reply(text('ok')));
		await chat({
			messages: [
				{role: 'user', content: 'read a'},
				{role: 'assistant', content: null, tool_calls: [{id: 'c1', type: 'function', function: {name: 'Read', arguments: '{"path":"a"}'}}]},
				{role: 'tool', tool_call_id: 'c1', content: 'file a'},
			],
		});
		const payload = gb.requests.at(-1)!.upstreamPayload as any;
		expect(payload.contents[1]).toEqual({role: 'model', parts: [{functionCall: {name: 'Read', args: {path: 'a'}}}]});
	});

	it('-search model: googleSearch tool only without function declarations; -image drops the system prompt', async () => {
		gb.enqueue(reply(text('a')), reply(text('b')), reply(text('c')));
		await chat({model: 'gemini-2.5-flash-search', messages: hello});
		expect((gb.requests.at(-1)!.upstreamPayload as any).tools).toEqual([{googleSearch: {}}]);
		await chat({
			model: 'gemini-2.5-flash-search',
			messages: hello,
			tools: [{type: 'function', function: {name: 'Read', parameters: {type: 'object', properties: {p: {type: 'string'}}}}}],
		});
		expect((gb.requests.at(-1)!.upstreamPayload as any).tools).toEqual([{functionDeclarations: [expect.objectContaining({name: 'Read'})]}]);
		await chat({model: 'gemini-2.0-flash-exp-image', messages: [{role: 'system', content: 's'}, ...hello]});
		const image = gb.requests.at(-1)!.upstreamPayload as any;
		expect(image.systemInstruction).toBeUndefined();
		expect(image.generationConfig.responseModalities).toEqual(['Text', 'Image']);
	});
});

/** Issue 13: what a run against the real Gemini Balance 2.2.8 showed; the fake must refuse the same. */
describe('fake Gemini Balance: rules from the real server', () => {
	const bash = {type: 'function', function: {name: 'Bash', parameters: {type: 'object', properties: {command: {type: 'string'}}}}};
	const asked = {role: 'user', content: 'list files'};
	const called = {role: 'assistant', content: null, tool_calls: [{id: 'call_1', type: 'function', function: {name: 'Bash', arguments: '{"command":"ls"}'}}]};

	it('turn order: narration as its own assistant message, then the call → Google 400 (stream: 400, non-stream: opaque 500)', async () => {
		const messages = [asked, {role: 'assistant', content: "I'll list them."}, called, {role: 'tool', tool_call_id: 'call_1', content: 'a.txt'}];
		const streamed = await chat({messages, tools: [bash], stream: true});
		expect(streamed.status).toBe(400);
		expect(streamed.text).toContain('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
		const whole = await chat({messages, tools: [bash]});
		expect([whole.status, JSON.parse(whole.text)]).toEqual([500, {error: {code: 'http_error', message: 'Internal server error during chat_completion'}}]);
		expect((await chat({messages: [asked, called, messages[3]], tools: [bash], stream: true})).status).toBe(200);
	});

	it('text and calls in one message lose the calls, list content too (only content null/"" keeps them)', async () => {
		const withText = {...called, content: 'Listing.'};
		const withList = {...called, content: [{type: 'text', text: 'Listing.'}]};
		for (const assistant of [withText, withList]) {
			await chat({messages: [asked, assistant, {role: 'tool', tool_call_id: 'call_1', content: 'a.txt'}], tools: [bash]});
			const request = gb.requests.at(-1)!;
			expect(request.diagnostics).toContain('dropped_tool_calls');
			expect(JSON.stringify(request.upstreamPayload)).not.toContain('functionCall');
		}
	});

	it('property names like keywords are deleted but stay in `required` → 400 required[1]; an optional one vanishes', async () => {
		const tool = (required: string[]) => ({
			type: 'function',
			function: {name: 'Search', parameters: {type: 'object', properties: {query: {type: 'string'}, examples: {type: 'array', items: {type: 'string'}}}, required}},
		});
		const refused = await chat({messages: hello, tools: [tool(['query', 'examples'])], stream: true});
		expect(refused.status).toBe(400);
		expect(refused.text).toContain('function_declarations[0].parameters.required[1]: property is not defined');
		expect((await chat({messages: hello, tools: [tool(['query'])], stream: true})).status).toBe(200);
		expect(JSON.stringify(gb.requests.at(-1)!.upstreamPayload)).not.toContain('examples');
	});

	it('an empty tool result has no parts and is dropped: the request ends on the call', async () => {
		await chat({messages: [asked, called, {role: 'tool', tool_call_id: 'call_1', content: ''}], tools: [bash]});
		const request = gb.requests.at(-1)!;
		expect(request.diagnostics).toContain('dropped_empty:tool');
		const contents = (request.upstreamPayload as {contents: Array<{role: string}>}).contents;
		expect(contents.map(content => content.role)).toEqual(['user', 'model']);
	});

	it('mid-conversation system messages all go into the system instruction; ids are stripped from calls', async () => {
		await chat({messages: [{role: 'system', content: 'A'}, asked, called, {role: 'tool', tool_call_id: 'call_1', content: 'x'}, {role: 'system', content: 'B'}], tools: [bash]});
		const request = gb.requests.at(-1)!;
		expect(request.diagnostics).toContain('system_moved_to_instruction');
		const payload = request.upstreamPayload as {systemInstruction: {parts: unknown[]}; contents: Array<{parts: Array<Record<string, unknown>>}>};
		expect(payload.systemInstruction.parts).toEqual([{text: 'A'}, {text: 'B'}]);
		expect(payload.contents[1]!.parts).toEqual([{functionCall: {name: 'Bash', args: {command: 'ls'}}}]);
	});

	it('failures count per key and show in /v1/keys/list; a deterministic 400 costs MAX_RETRIES (3) key failures', async () => {
		gb.enqueue({attempts: [{status: 400, message: 'Request contains an invalid argument.'}]});
		await chat({messages: hello, stream: true});
		const pool = (await (await fetch(`${gb.url}/v1/keys/list`, {headers: {authorization: `Bearer ${TOKEN}`}})).json()) as {data: {valid_keys: Record<string, number>}};
		expect(Object.values(pool.data.valid_keys)).toEqual([1, 1, 1]);
	});

	it('/openai/v1, gemini-3: calls carry extra_content.google.thought_signature; a call sent back without it → 400', async () => {
		const models = [{id: 'gemini-3-pro-preview'}];
		const g3 = await startFakeGeminiBalance({models});
		try {
			g3.enqueue(reply(call('Bash', {command: 'ls'}, 'sig-A')));
			const compat = (body: Record<string, unknown>) =>
				fetch(`${g3.url}/openai/v1/chat/completions`, {method: 'POST', headers: auth, body: JSON.stringify({model: 'gemini-3-pro-preview', ...body})});
			const first = (await (await compat({messages: [asked], tools: [bash]})).json()) as {choices: Array<{message: {tool_calls: unknown[]}}>};
			expect(first.choices[0]!.message.tool_calls[0]).toMatchObject({extra_content: {google: {thought_signature: 'sig-A'}}});
			const result = {role: 'tool', tool_call_id: 'call_1', content: 'a.txt'};
			expect((await compat({messages: [asked, called, result], tools: [bash]})).status).toBe(500);
			const signed = {...called, tool_calls: [{...called.tool_calls[0], extra_content: {google: {thought_signature: 'sig-A'}}}]};
			expect((await compat({messages: [asked, signed, result], tools: [bash], stream: true})).status).toBe(200);
		} finally {
			await g3.close();
		}
	});

	it('.env.example: fake stream = keep-alives without usage, ONE chunk (finish_reason "stop") holding only the thought, no closing choices: []', async () => {
		const env = await startFakeGeminiBalance(envExampleOptions({intervalMs: 5, addedMs: 12}));
		try {
			env.enqueue(reply([...thought('thinking it over'), ...text('pong')], {usage: {prompt: 5, candidates: 1, thoughts: 7}}));
			const response = await fetch(`${env.url}/v1/chat/completions`, {
				method: 'POST',
				headers: auth,
				body: JSON.stringify({model: 'gemini-2.5-flash', messages: hello, stream: true}),
			});
			const list = events(await response.text());
			expect(list.at(-1)).toBe('[DONE]');
			const chunks = list.slice(0, -1).map(item => JSON.parse(item) as {choices: Array<{delta: unknown; finish_reason: unknown}>; usage?: unknown});
			const keepAlives = chunks.slice(0, -1);
			expect(keepAlives.length).toBeGreaterThanOrEqual(2);
			expect(keepAlives.every(chunk => chunk.choices.length === 0 && chunk.usage === undefined)).toBe(true);
			expect(chunks.at(-1)!.choices).toEqual([{index: 0, delta: {content: '', reasoning_content: 'thinking it over', role: 'assistant'}, finish_reason: 'stop'}]);
			// The non-stream answer has both.
			env.enqueue(reply([...thought('thinking it over'), ...text('pong')]));
			const whole = await (
				await fetch(`${env.url}/v1/chat/completions`, {method: 'POST', headers: auth, body: JSON.stringify({model: 'gemini-2.5-flash', messages: hello})})
			).json();
			expect((whole as {choices: Array<{message: unknown}>}).choices[0]!.message).toMatchObject({content: 'pong', reasoning_content: 'thinking it over'});
			// -non-thinking variants are listed only with THINKING_MODELS (set by .env.example, empty by default).
			const listed = async (fake: FakeGeminiBalance) =>
				((await (await fetch(`${fake.url}/v1/models`, {headers: auth})).json()) as {data: Array<{id: string}>}).data.map(model => model.id);
			expect(await listed(env)).toContain('gemini-2.5-flash-non-thinking');
			expect((await listed(gb)).some(id => id.endsWith('-non-thinking'))).toBe(false);
		} finally {
			await env.close();
		}
	});
});
