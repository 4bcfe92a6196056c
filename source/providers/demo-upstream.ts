/**
 * The demo provider: an in-process OpenAI-compatible server (127.0.0.1, random port) that answers
 * like a real model at a human-ish pace — text, sometimes reasoning or a tool call, usage, and now
 * and then a 429 — so `ccr-tui --demo` shows live traffic with no account and no network.
 * Everything it says is canned and labelled as demo output.
 */
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';

export const DEMO_PROVIDER = 'demo';
export const DEMO_MODELS = ['demo-chat', 'demo-mini', 'demo-reasoner'] as const;

export type DemoUpstreamOptions = {
	/** Multiplies every delay: 1 = human-ish pace, 0 = as fast as possible (tests). @default 1 */
	timeScale?: number;
	/** Source of randomness (inject a seeded one for repeatable tests). @default Math.random */
	random?: () => number;
	/** Share of streamed chat requests answered with a simulated 429. @default 0.07 */
	errorRate?: number;
	/** Share of tool-offering requests answered with a (read-only) tool call. @default 0.5 */
	toolRate?: number;
};

export type DemoUpstream = {
	/** `http://127.0.0.1:PORT` (the OpenAI API lives under `/v1`). */
	readonly url: string;
	readonly models: readonly string[];
	/** Chat requests answered so far (errors included). */
	chatRequests(): number;
	close(): Promise<void>;
};

/** Only tools that cannot change anything: Claude Code pointed at the demo must stay harmless. */
const SAFE_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS']);

const ANSWERS = [
	'(demo) The router reads each request, picks a route — default, background, think or longContext — and forwards it to the provider assigned to that route. Change a route in the dashboard and the very next request uses it; nothing needs a restart.',
	'(demo) Here is a small refactor: extract the retry loop into `withRetries(fn, {attempts: 3})`, keep the backoff in one place, and make the caller decide what counts as retryable. The tests stay the same, and the stack traces get shorter.',
	'(demo) The failing test expects `parseRoute("deepseek,deepseek-chat")` to split on the first comma only. The implementation uses `split(",")`, which breaks model ids that contain commas. Use `indexOf` and `slice` instead, then run the suite again.',
	'(demo) I would keep the config in one file and validate it at load time. When a value is wrong, say which key and why, keep serving the last good version, and show the problem in the dashboard instead of crashing.',
	'(demo) Streaming works in three steps: the provider sends OpenAI chunks, the proxy turns each one into Anthropic events as it arrives, and Claude Code renders them. No answer is buffered, so the first words show up as soon as the model writes them.',
	'(demo) Looking at the file, the function is called from two places. Only one of them handles the error case, so I will add the missing check there and leave a short comment explaining why the empty list is valid input.',
];

const SHORT_ANSWERS = ['(demo) Refactor retry logic', '(demo) Fix route parsing', '(demo) Explain the proxy', '(demo) Update config docs', '(demo) Streaming overview'];

const REASONING = [
	'The user wants the routing explained. Start with the order of the rules, then mention that changes apply to the next request. Keep it short.',
	'Two call sites, one handles errors. The safest change is local: add the check where it is missing, keep the signature. Tests should cover the empty input.',
	'Splitting on every comma is the bug. First comma only; model ids may contain commas. Verify against the failing case before answering.',
];

const AFTER_TOOL = [
	'(demo) The file looks fine: the exported function validates its input and the error path returns early. Nothing to change here.',
	'(demo) I found what I was looking for: the handler registers the route before the middleware, which explains the ordering you saw.',
];

type ChatBody = {
	model?: string;
	stream?: boolean;
	max_tokens?: number;
	max_completion_tokens?: number;
	messages?: Array<{role?: string; content?: unknown}>;
	tools?: Array<{type?: string; function?: {name?: string; parameters?: JsonSchema}}>;
	reasoning_effort?: string;
	reasoning?: {effort?: string; enabled?: boolean; max_tokens?: number};
	thinking?: {type?: string};
	enable_thinking?: boolean;
	stream_options?: {include_usage?: boolean};
};

type JsonSchema = {type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]};

type Plan = {
	readonly reasoning?: string;
	readonly text?: string;
	readonly toolCall?: {readonly id: string; readonly name: string; readonly arguments: string};
	readonly finishReason: 'stop' | 'tool_calls' | 'length';
	readonly promptTokens: number;
	readonly completionTokens: number;
};

// Over 60 lines: a fake server: the request handler and the scripted answers share its state.
export async function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
	const timeScale = options.timeScale ?? 1;
	const random = options.random ?? Math.random;
	const errorRate = options.errorRate ?? 0.07;
	const toolRate = options.toolRate ?? 0.5;
	const closing = new AbortController();
	const sockets = new Set<Socket>();
	let chatRequests = 0;
	let callIds = 0;

	const between = (min: number, max: number): number => (min + (max - min) * random()) * timeScale;
	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length) % items.length];

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
			if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
				sendJson(res, 200, {object: 'list', data: DEMO_MODELS.map(id => ({id, object: 'model', created: 1_735_689_600, owned_by: 'ccr-tui-demo'}))});
				return;
			}

			if (req.method === 'GET' && (path === '/' || path === '/v1' || path === '/health')) {
				sendJson(res, 200, {status: 'ok', demo: true});
				return;
			}

			if (req.method !== 'POST' || !(path === '/v1/chat/completions' || path === '/chat/completions')) {
				sendJson(res, 404, {error: {message: `demo provider: no route for ${req.method} ${path}`, type: 'invalid_request_error', code: 404}});
				return;
			}

			let body: ChatBody;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
			} catch {
				sendJson(res, 400, {error: {message: 'demo provider: the body is not JSON', type: 'invalid_request_error', code: 400}});
				return;
			}

			chatRequests++;
			void answer(body, res).catch(() => res.destroy());
		});
	});

	// Over 60 lines: one scripted answer per demo scenario.
	async function answer(body: ChatBody, res: http.ServerResponse): Promise<void> {
		const gone = new AbortController();
		res.once('close', () => gone.abort());
		const signal = AbortSignal.any([gone.signal, closing.signal]);
		const model = body.model ?? DEMO_MODELS[0];
		const reasoner = wantsReasoning(body);

		// Time to first byte: a reasoning model "thinks" longer before it starts.
		await sleep(reasoner ? between(500, 1300) : between(200, 800), signal);
		// Simulated 429s only hit proxied traffic (which always carries max_tokens), never the
		// dashboard's connection test: that should pass in the demo.
		const proxied = body.max_tokens !== undefined || body.max_completion_tokens !== undefined;
		if (body.stream && proxied && random() < errorRate) {
			sendJson(
				res,
				429,
				{error: {message: 'demo provider: rate limit reached (simulated, to show how errors look); try again in a moment', type: 'rate_limit_error', code: 429}},
				{'retry-after': '2'},
			);
			return;
		}

		const plan = planAnswer(body, reasoner);
		const id = `chatcmpl-demo-${Date.now().toString(36)}`;
		const created = Math.floor(Date.now() / 1000);
		if (!body.stream) {
			await sleep(between(300, 900), signal);
			const message: Record<string, unknown> = {role: 'assistant', content: plan.text ?? null};
			if (plan.reasoning) message['reasoning_content'] = plan.reasoning;
			if (plan.toolCall) message['tool_calls'] = [{id: plan.toolCall.id, type: 'function', function: {name: plan.toolCall.name, arguments: plan.toolCall.arguments}}];
			sendJson(res, 200, {
				id,
				object: 'chat.completion',
				created,
				model,
				choices: [{index: 0, message, finish_reason: plan.finishReason}],
				usage: usageOf(plan),
			});
			return;
		}

		res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive'});
		res.flushHeaders();
		const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): void => {
			res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [{index: 0, delta, finish_reason: finishReason}]})}\n\n`);
		};

		chunk({role: 'assistant', content: ''});
		for (const piece of pieces(plan.reasoning ?? '', random)) {
			await sleep(between(15, 45), signal);
			chunk({reasoning_content: piece});
		}

		for (const piece of pieces(plan.text ?? '', random)) {
			await sleep(between(25, 80), signal);
			chunk({content: piece});
		}

		if (plan.toolCall) {
			await sleep(between(50, 150), signal);
			chunk({tool_calls: [{index: 0, id: plan.toolCall.id, type: 'function', function: {name: plan.toolCall.name, arguments: ''}}]});
			for (const piece of pieces(plan.toolCall.arguments, random)) {
				await sleep(between(10, 30), signal);
				chunk({tool_calls: [{index: 0, function: {arguments: piece}}]});
			}
		}

		chunk({}, plan.finishReason);
		if (body.stream_options?.include_usage) {
			res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(plan)})}\n\n`);
		}

		res.end('data: [DONE]\n\n');
	}

	function planAnswer(body: ChatBody, reasoner: boolean): Plan {
		const messages = body.messages ?? [];
		const promptTokens = Math.max(1, Math.ceil(JSON.stringify(messages).length / 4) + Math.ceil(JSON.stringify(body.tools ?? []).length / 4));
		const limit = body.max_completion_tokens ?? body.max_tokens;
		const last = messages.at(-1);
		const reasoning = reasoner ? pick(REASONING) : undefined;
		const safeTools = (body.tools ?? []).filter(tool => SAFE_TOOLS.has(tool.function?.name ?? ''));

		if (last?.role !== 'tool' && safeTools.length > 0 && random() < toolRate) {
			const tool = pick(safeTools);
			const text = random() < 0.5 ? '(demo) Let me look at the code first.' : undefined;
			const toolCall = {
				id: `call_demo_${++callIds}`,
				name: tool.function?.name ?? 'Read',
				arguments: JSON.stringify(sampleArguments(tool.function?.parameters)),
			};
			const completionTokens = estimate(`${reasoning ?? ''}${text ?? ''}${toolCall.arguments}`) + 8;
			return {reasoning, text, toolCall, finishReason: 'tool_calls', promptTokens, completionTokens};
		}

		// The connection test asks for one exact word: play along so it passes.
		const echo = /reply with exactly one word:\s*(\S+)/i.exec(textOf(last?.content))?.[1];
		let text = echo ? echo : last?.role === 'tool' ? pick(AFTER_TOOL) : (limit ?? Infinity) <= 1024 || body.model === 'demo-mini' ? pick(SHORT_ANSWERS) : pick(ANSWERS);
		let finishReason: Plan['finishReason'] = 'stop';
		// Honour a tiny max_tokens the way a real model would: cut off, finish_reason "length".
		if (limit !== undefined && estimate(text) > limit) {
			text = text.slice(0, Math.max(1, limit * 4));
			finishReason = 'length';
		}

		return {reasoning, text, finishReason, promptTokens, completionTokens: estimate(`${reasoning ?? ''}${text}`)};
	}

	server.on('connection', socket => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const {port} = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		models: DEMO_MODELS,
		chatRequests: () => chatRequests,
		async close() {
			closing.abort();
			for (const socket of sockets) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}

/** Reasoning for the reasoner model, or when the request turned thinking on in any dialect. */
function wantsReasoning(body: ChatBody): boolean {
	if (body.model?.includes('reasoner')) return true;
	if (body.reasoning_effort && body.reasoning_effort !== 'none') return true;
	if (body.reasoning && body.reasoning.enabled !== false && (body.reasoning.effort || body.reasoning.max_tokens)) return true;
	return body.thinking?.type === 'enabled' || body.enable_thinking === true;
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content.map(part => (typeof (part as {text?: unknown})?.text === 'string' ? (part as {text: string}).text : '')).join('');
}

/** Plausible arguments from the tool's JSON schema (required properties only). */
function sampleArguments(schema: JsonSchema | undefined): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const name of schema?.required ?? []) {
		const type = [schema?.properties?.[name]?.type ?? 'string'].flat()[0];
		if (type === 'number' || type === 'integer') out[name] = 1;
		else if (type === 'boolean') out[name] = false;
		else if (type === 'array') out[name] = [];
		else if (type === 'object') out[name] = {};
		else out[name] = SAMPLE_STRINGS[name] ?? 'demo';
	}

	return out;
}

const SAMPLE_STRINGS: Record<string, string> = {
	file_path: 'src/router.ts',
	path: 'src',
	pattern: 'TODO',
};

/** Split text into 1-3 word pieces, the way tokens trickle out of a model. */
function pieces(text: string, random: () => number): string[] {
	const words = text.match(/\S+\s*/g) ?? [];
	const out: string[] = [];
	for (let index = 0; index < words.length; ) {
		const take = 1 + Math.floor(random() * 3);
		out.push(words.slice(index, index + take).join(''));
		index += take;
	}

	return out;
}

function estimate(text: string): number {
	return Math.max(1, Math.ceil(text.length / 4));
}

function usageOf(plan: Plan): Record<string, number> {
	return {prompt_tokens: plan.promptTokens, completion_tokens: plan.completionTokens, total_tokens: plan.promptTokens + plan.completionTokens};
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers});
	res.end(text);
}

/** A delay that ends early (by throwing) when the client hangs up or the demo closes. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
	signal.throwIfAborted();
	if (ms <= 0) return;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = (): void => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		signal.addEventListener('abort', onAbort, {once: true});
	});
}
