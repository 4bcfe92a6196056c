import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {ProviderConfig} from '../../source/config/schema.js';
import {runConnectionTest, type TestResult, type TestStep} from '../../source/providers/connection-test.js';
import {call, envExampleOptions, google429, reply, startFakeGeminiBalance, text, thought, type FakeGeminiBalance} from '../fakes/gemini-balance.js';

const TOKEN = 'sk-test-token-1234567890';

let gb: FakeGeminiBalance;
beforeAll(async () => {
	gb = await startFakeGeminiBalance({allowedTokens: [TOKEN], thinkingModels: ['gemini-2.5-flash']});
});
afterAll(async () => gb.close());
afterEach(() => {
	gb.reset();
	gb.configure({upstreamModelsFail: false});
});

function provider(overrides: Partial<ProviderConfig> = {}): ProviderConfig {
	return {
		name: 'gemini-balance',
		api_base_url: `${gb.url}/v1/chat/completions`,
		api_key: TOKEN,
		models: ['gemini-2.5-flash'],
		profile: 'gemini-balance',
		...overrides,
	};
}

function step(result: TestResult, id: string): TestStep {
	const found = result.steps.find(item => item.id === id);
	if (!found) throw new Error(`no step ${id} in ${JSON.stringify(result.steps)}`);
	return found;
}

/** Every result must keep the token out of what it reports. */
async function test(p: ProviderConfig, options: Parameters<typeof runConnectionTest>[1] = {}): Promise<TestResult> {
	const seen: TestStep[] = [];
	const result = await runConnectionTest(p, {...options, onStep: item => seen.push(item)});
	const printed = JSON.stringify({result, seen});
	expect(printed).not.toContain(TOKEN);
	// Each step is announced as running, then reported once finished.
	for (const finished of result.steps) {
		expect(seen.filter(item => item.id === finished.id).map(item => item.status)).toEqual(['running', finished.status]);
	}

	return result;
}

const chatRequests = () => gb.requests.filter(request => request.path.endsWith('/chat/completions'));

describe('runConnectionTest against the fake Gemini Balance', () => {
	it('passes: /health fingerprint, token + models, model listed, streamed pong with timing and usage', async () => {
		gb.enqueue(reply(text('pong', {split: 2}), {usage: {prompt: 9, candidates: 1, thoughts: 32}}));
		const result = await test(provider());
		expect(result.status).toBe('pass');
		expect(result.steps.map(item => [item.id, item.status])).toEqual([
			['reach', 'pass'],
			['models', 'pass'],
			['model', 'pass'],
			['completion', 'pass'],
		]);
		expect(step(result, 'reach').detail).toMatch(/Gemini Balance is up/);
		expect(step(result, 'models').detail).toMatch(/token accepted · \d+ models, \d+ chat models/);
		expect(step(result, 'completion').detail).toMatch(/gemini-2\.5-flash · TTFT \d+ ms · total \d+ ms · 9\/1\/42 tokens · reply "pong"/);
		expect(result.metrics).toMatchObject({reply: 'pong', done: true, usage: {prompt: 9, completion: 1, total: 42}});
		expect(result.metrics!.ttftMs).toBeGreaterThanOrEqual(result.metrics!.ttfbMs);
		expect(result.models).toContain('gemini-2.5-flash-search');
		expect(result.summary).toMatch(/^Gemini Balance OK/);
		// The probe request is the documented one: streamed, temperature 0, no max_tokens, Bearer token.
		const [probe] = chatRequests();
		expect(probe!.body).toEqual({model: 'gemini-2.5-flash', stream: true, temperature: 0, messages: [{role: 'user', content: 'Reply with exactly one word: pong'}]});
		expect(probe!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
		expect(gb.requests.find(request => request.path === '/health')!.headers['authorization']).toBeUndefined();
	});

	it('fault: bad token → 401 Invalid token, hint names ALLOWED_TOKENS / AUTH_TOKEN', async () => {
		const result = await test(provider({api_key: 'sk-wrong-token-999999'}));
		expect(result.status).toBe('fail');
		expect(step(result, 'models')).toMatchObject({status: 'fail'});
		expect(step(result, 'models').detail).toMatch(/token rejected \(HTTP 401: Invalid token\)/);
		expect(step(result, 'models').hint).toMatch(/ALLOWED_TOKENS.*AUTH_TOKEN/);
		expect(result.steps.map(item => item.id)).toEqual(['reach', 'models']);
		expect(JSON.stringify(result)).not.toContain('sk-wrong-token-999999');
	});

	it('fault: transient 429 recovered by key rotation → pass, latency includes the retry delay', async () => {
		gb.enqueue({attempts: [google429(), google429(), {ok: {chunks: text('pong'), usage: {prompt: 8, candidates: 1}}}], headersDelayMs: 150});
		const result = await test(provider());
		expect(result.status).toBe('pass');
		expect(result.metrics!.ttfbMs).toBeGreaterThanOrEqual(140);
		expect(Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0)).toBe(2);
	});

	it('fault: 429 exhausted (stream) → 429 RESOURCE_EXHAUSTED, quota hint', async () => {
		gb.enqueue({attempts: [google429()]});
		const result = await test(provider());
		expect(step(result, 'completion').status).toBe('fail');
		expect(step(result, 'completion').detail).toMatch(/HTTP 429 \(RESOURCE_EXHAUSTED\): Resource has been exhausted/);
		expect(step(result, 'completion').hint).toMatch(/rate-limited or out of quota/);
	});

	it('fault: upstream 500/503 → nested status, points at GB /logs', async () => {
		gb.enqueue({attempts: [{status: 503}]});
		const result = await test(provider());
		expect(step(result, 'completion').detail).toMatch(/HTTP 503 \(UNAVAILABLE\)/);
		expect(step(result, 'completion').hint).toMatch(/\/logs/);
	});

	it('fault: unknown model → not listed, completion skipped (no probe burns key failures)', async () => {
		const result = await test(provider(), {model: 'nope-1'});
		expect(result.status).toBe('warn');
		expect(step(result, 'model')).toMatchObject({status: 'warn', detail: 'nope-1 is not in the model list'});
		expect(step(result, 'completion')).toMatchObject({status: 'warn', detail: 'skipped: the model is not listed'});
		expect(chatRequests()).toHaveLength(0);
		expect(gb.keyFailures()).toEqual({});
	});

	it('fault: unknown model, user insists → 404 NOT_FOUND and three key failures', async () => {
		const result = await test(provider(), {model: 'nope-1', allowUnlisted: true});
		expect(step(result, 'completion').detail).toMatch(/HTTP 404 \(NOT_FOUND\): models\/nope-1 is not found/);
		expect(step(result, 'completion').hint).toMatch(/Model not found/);
		expect(Object.values(gb.keyFailures()).reduce((sum, count) => sum + count, 0)).toBe(3);
	});

	it('fault: filtered or bad suffix (gemini-2.0-flash-search) → not listed; forced → 400 not supported', async () => {
		const skipped = await test(provider(), {model: 'gemini-2.0-flash-search'});
		expect(step(skipped, 'model').status).toBe('warn');
		const forced = await test(provider(), {model: 'gemini-2.0-flash-search', allowUnlisted: true});
		expect(step(forced, 'completion').detail).toMatch(/HTTP 400: Model gemini-2\.0-flash-search is not supported/);
	});

	it('a -non-thinking name counts as listed (Gemini Balance accepts it for any model)', async () => {
		const result = await test(provider(), {model: 'gemini-2.5-pro-non-thinking'});
		expect(step(result, 'model').status).toBe('pass');
		expect(result.status).toBe('pass');
	});

	it('fault: slow first byte → header timeout', async () => {
		gb.enqueue({headersDelayMs: 20_000});
		const result = await test(provider(), {timeoutMs: 300});
		expect(step(result, 'completion')).toMatchObject({status: 'fail', detail: 'no response headers within 300 ms'});
		expect(step(result, 'completion').hint).toMatch(/retrying slow or failing keys/);
	});

	it('fault: slow tokens → the stream does not finish in time, reported as interrupted', async () => {
		// Headers must come within the limit even on a busy machine; the tokens then never finish in time.
		gb.enqueue({...reply(text('one two three', {split: 3})), chunkIntervalMs: 30_000});
		const result = await test(provider(), {timeoutMs: 2000});
		expect(step(result, 'completion').status).toBe('fail');
		expect(step(result, 'completion').detail).toMatch(/stream interrupted after .* did not finish within 2\.0 s; no \[DONE\]/);
	});

	it('fault: mid-stream drop → stream interrupted, no [DONE]', async () => {
		gb.enqueue({...reply(text('a b c d', {split: 4})), dropAfterEvents: 2});
		const result = await test(provider());
		expect(step(result, 'completion').status).toBe('fail');
		expect(step(result, 'completion').detail).toMatch(/stream interrupted/);
		expect(step(result, 'completion').detail).toMatch(/no \[DONE\]/);
	});

	it('fault: hang → no answer within the deadline', async () => {
		gb.enqueue({hang: true});
		const result = await test(provider(), {timeoutMs: 250});
		expect(step(result, 'completion')).toMatchObject({status: 'fail', detail: 'no response headers within 250 ms'});
	});

	it('fault: empty answer → warn with the -non-thinking advice', async () => {
		gb.enqueue({attempts: [{ok: {chunks: [], empty: true}}]});
		const result = await test(provider());
		expect(result.status).toBe('warn');
		expect(step(result, 'completion').detail).toMatch(/^empty answer/);
		expect(step(result, 'completion').hint).toMatch(/-non-thinking/);
	});

	it(".env.example (fake stream + thoughts shown): names Gemini Balance's fake streaming and the server-side fix, not Gemini", async () => {
		const env = await startFakeGeminiBalance({...envExampleOptions({intervalMs: 5, addedMs: 10}), allowedTokens: [TOKEN]});
		try {
			env.enqueue(reply([...thought('The user wants pong.'), ...text('pong')]));
			const result = await test(provider({api_base_url: `${env.url}/v1/chat/completions`}));
			const completion = step(result, 'completion');
			expect(completion.status).toBe('warn');
			expect(completion.detail).toMatch(/^answer lost by Gemini Balance's fake streaming/);
			expect(completion.hint).toContain('FAKE_STREAM_ENABLED=false');
			expect(completion.hint).toContain('SHOW_THINKING_PROCESS=false');
			expect(completion.hint).not.toMatch(/-non-thinking|Gemini sometimes/);
		} finally {
			await env.close();
		}
	});

	it('admin token: the key pool from /v1/keys/list as counts and at most the last 4 characters; never a reset route', async () => {
		gb.enqueue({attempts: [{status: 429}, {status: 429}, {ok: {chunks: [[{text: 'pong'}]]}}]});
		const result = await test(provider({admin_token: TOKEN}));
		const keys = step(result, 'keys');
		expect(keys).toMatchObject({label: 'Key pool', status: 'pass', detail: '3 valid · 0 invalid · 2 failures · ••••ke-0 1 failures · ••••ke-1 1 failures'});
		expect(JSON.stringify(result)).not.toMatch(/AIza-fake-\d/);
		expect(gb.requests.some(request => /reset|verify/.test(request.path))).toBe(false);
		const refused = await test(provider({admin_token: 'wrong-admin-token'}));
		expect(step(refused, 'keys')).toMatchObject({status: 'warn', detail: 'admin token refused (HTTP 401); key status skipped'});
		const unset = await test(provider({admin_token: '$GB_ADMIN_TOKEN_UNSET'}));
		expect(step(unset, 'keys').detail).toContain('$GB_ADMIN_TOKEN_UNSET');
		expect((await test(provider())).steps.map(item => item.id)).not.toContain('keys');
	});

	it('admin token: every key invalid → the key pool step fails and says so, even when the completion failed first', async () => {
		const small = await startFakeGeminiBalance({allowedTokens: [TOKEN], maxFailures: 1, apiKeys: ['AIza-small-key-0001']});
		try {
			small.setDefault({attempts: [{status: 429}]});
			const result = await test(provider({api_base_url: `${small.url}/v1/chat/completions`, admin_token: TOKEN}));
			expect(step(result, 'completion').status).toBe('fail');
			expect(step(result, 'keys')).toMatchObject({status: 'fail', detail: '0 valid · 1 invalid · 3 failures · ••••0001 invalid'});
		} finally {
			await small.close();
		}
	});

	it('fault: blocked prompt (choices: []) → warn, empty answer', async () => {
		gb.enqueue({attempts: [{ok: {chunks: [], blocked: true, usage: {prompt: 5, candidates: 0}}}]});
		const result = await test(provider());
		expect(step(result, 'completion')).toMatchObject({status: 'warn'});
	});

	it('a tool-call-only answer is not mistaken for content', async () => {
		gb.enqueue(reply(call('Read', {path: 'a'})));
		const result = await test(provider());
		expect(step(result, 'completion').detail).toMatch(/^empty answer/);
	});

	it('fault: models upstream down (/v1/models → null) → GB cannot reach Google; insisting runs the completion', async () => {
		gb.configure({upstreamModelsFail: true});
		const result = await test(provider());
		expect(result.status).toBe('fail');
		expect(step(result, 'models').detail).toMatch(/could not list models from Google/);
		expect(step(result, 'models').hint).toMatch(/API_KEYS, PROXIES/);
		expect(chatRequests()).toHaveLength(0);

		const insisted = await test(provider(), {allowUnlisted: true});
		expect(step(insisted, 'model').status).toBe('warn');
		expect(step(insisted, 'completion').status).toBe('pass');
	});

	it('fault: wrong base path (admin prefix) → 307 to the login page, "remove the extra path"', async () => {
		const result = await test(provider({api_base_url: `${gb.url}/admin/v1/chat/completions`}));
		expect(step(result, 'reach').status).toBe('fail');
		expect(step(result, 'reach').detail).toMatch(/redirected to \/: this URL serves the Gemini Balance admin UI/);
		expect(step(result, 'reach').hint).toMatch(/Remove the extra path/);
	});

	it('unreachable host → host, port 8000 and firewall hint', async () => {
		const closed = http.createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const {port} = closed.address() as AddressInfo;
		await new Promise(resolve => closed.close(resolve));
		const result = await test(provider({api_base_url: `http://127.0.0.1:${port}/v1/chat/completions`}));
		expect(step(result, 'reach').status).toBe('fail');
		expect(step(result, 'reach').detail).toMatch(/unreachable: connection refused .*ECONNREFUSED/);
		expect(step(result, 'reach').hint).toMatch(/port.*8000.*firewall/);
	});

	it('an unset $ENV token is reported, not sent', async () => {
		const result = await test(provider({api_key: '$GB_TOKEN_NOT_SET'}));
		expect(step(result, 'models')).toMatchObject({status: 'fail', detail: 'the key refers to $GB_TOKEN_NOT_SET, which is not set'});
		expect(gb.requests.some(request => request.path === '/v1/models')).toBe(false);
	});

	it('the /openai/v1 flavour lists models/… ids and passes', async () => {
		const result = await test(provider({api_base_url: `${gb.url}/openai/v1/chat/completions`, profile: 'gemini-openai'}));
		expect(result.status).toBe('pass');
		expect(gb.requests.some(request => request.path === '/openai/v1/models')).toBe(true);
		expect(chatRequests()[0]!.path).toBe('/openai/v1/chat/completions');
	});

	it('a Claude Code Router-era provider named gemini-balance without a profile is recognised', async () => {
		const result = await test(provider({profile: undefined}));
		expect(step(result, 'reach').detail).toMatch(/Gemini Balance is up/);
	});
});

describe('runConnectionTest against a generic OpenAI-compatible server', () => {
	let server: http.Server;
	let url: string;
	let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
	beforeAll(async () => {
		server = http.createServer((req, res) => handler(req, res));
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => new Promise(resolve => server.close(resolve)));

	const ollama = (): ProviderConfig => ({name: 'ollama', api_base_url: `${url}/v1/chat/completions`, api_key: 'ollama', models: ['llama3.2'], profile: 'ollama'});

	it('no /models on the server → the completion checks the model; passes', async () => {
		handler = (req, res) => {
			if (req.url === '/v1/chat/completions') {
				res.writeHead(200, {'content-type': 'text/event-stream'});
				res.write('data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"pong"},"finish_reason":null}]}\n\n');
				res.write('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n');
				res.end('data: [DONE]\n\n');
				return;
			}

			res.writeHead(404).end('404 page not found');
		};
		const result = await runConnectionTest(ollama());
		expect(result.status).toBe('pass');
		expect(result.steps.find(item => item.id === 'models')!.detail).toMatch(/no model list/);
		expect(result.metrics!.usage).toEqual({prompt: 5, completion: 1, total: 6});
	});

	it('a rejected key fails at the model list with a key hint', async () => {
		handler = (_req, res) => {
			res.writeHead(401, {'content-type': 'application/json'}).end('{"error":{"message":"Authentication Fails (no such user)"}}');
		};
		const result = await runConnectionTest({
			name: 'deepseek',
			api_base_url: `${url}/chat/completions`,
			api_key: 'sk-deepseek-secret-123',
			models: ['deepseek-chat'],
			profile: 'deepseek',
		});
		const models = result.steps.find(item => item.id === 'models')!;
		expect(models).toMatchObject({status: 'fail'});
		expect(models.detail).toMatch(/key rejected \(HTTP 401: Authentication Fails/);
		expect(JSON.stringify(result)).not.toContain('sk-deepseek-secret-123');
	});

	it('a server answering with terminal controls: its words are shown, its escape sequences are not', async () => {
		const hostile = 'Authentication \u001b]2;owned\u0007Fails \u001b[31mred\u001b[0m \u202enoitca'; // title change, colour, bidi override
		handler = (_req, res) => {
			res.writeHead(401, {'content-type': 'application/json'}).end(JSON.stringify({error: {message: hostile}}));
		};
		const result = await runConnectionTest({name: 'x', api_base_url: `${url}/chat/completions`, api_key: 'sk-x-secret-1234567', models: ['m'], profile: 'openai'});
		const models = result.steps.find(item => item.id === 'models')!;
		expect(models.detail).toContain('Authentication Fails red noitca');
		expect(JSON.stringify(result.steps)).not.toMatch(/\\u001b|\\u0007|\u202e/);
	});

	it('model ids carrying terminal controls are not offered (they could be neither shown nor saved)', async () => {
		handler = (req, res) => {
			if (req.url === '/v1/models') {
				res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({data: [{id: 'good-model'}, {id: 'evil\u001b]52;c;aGk=\u0007'}]}));
				return;
			}

			res.writeHead(200, {'content-type': 'text/event-stream'});
			res.write('data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"pong"},"finish_reason":"stop"}]}\n\n');
			res.end('data: [DONE]\n\n');
		};
		const result = await runConnectionTest({name: 'x', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-x-secret-1234567', models: ['good-model'], profile: 'openai'});
		expect(result.models).toEqual(['good-model']);
	});

	it('a server echoing the key back never gets it printed', async () => {
		handler = (req, res) => {
			res.writeHead(500, {'content-type': 'text/plain'}).end(`bad key ${req.headers.authorization}`);
		};
		const result = await runConnectionTest({name: 'custom', api_base_url: `${url}/v1`, api_key: 'sk-echoed-secret-abcdef', models: ['m']});
		expect(JSON.stringify(result)).not.toContain('sk-echoed-secret-abcdef');
		expect(result.steps.find(item => item.id === 'models')!.detail).toMatch(/••••cdef/);
	});
});
