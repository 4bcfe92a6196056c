/**
 * A scripted OpenAI-compatible chat-completions server for tests (127.0.0.1, port 0).
 * Every request is recorded; a handler decides the answer. `answer(script)` builds handlers that
 * reply like a real provider would: SSE when the request asked for `stream: true`, JSON otherwise.
 */
import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';

export type RecordedRequest = {
	readonly method: string;
	/** Path and query, e.g. `/v1/chat/completions`. */
	readonly url: string;
	readonly headers: http.IncomingHttpHeaders;
	/** Parsed JSON body (undefined when the body was not JSON). */
	readonly body: any;
	readonly raw: string;
	readonly receivedAt: number;
	/** Resolves with the time the client side of this request went away or the answer ended. */
	readonly closed: Promise<number>;
	/** True once the proxy hung up before this handler finished its answer. */
	readonly aborted: () => boolean;
};

export type FakeUpstreamHandler = (req: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

export type FakeOpenAI = {
	readonly url: string;
	readonly requests: RecordedRequest[];
	/** Replace the handler for the next requests. */
	setHandler(handler: FakeUpstreamHandler): void;
	/** Sockets currently open from the proxy (keep-alive included). */
	openSockets(): number;
	/** Connections the proxy opened so far (1 for any number of requests when keep-alive works). */
	connections(): number;
	close(): Promise<void>;
};

export async function startFakeOpenAI(handler: FakeUpstreamHandler = answer({text: 'Hello from the fake upstream.'})): Promise<FakeOpenAI> {
	let current = handler;
	const requests: RecordedRequest[] = [];
	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: unknown;
			try {
				body = JSON.parse(raw);
			} catch {
				body = undefined;
			}

			let aborted = false;
			const closed = new Promise<number>(resolve => {
				res.once('close', () => {
					if (!res.writableFinished) aborted = true;
					resolve(performance.now());
				});
			});
			const recorded: RecordedRequest = {
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				headers: req.headers,
				body,
				raw,
				receivedAt: performance.now(),
				closed,
				aborted: () => aborted,
			};
			requests.push(recorded);
			Promise.resolve(current(recorded, res)).catch((error: unknown) => {
				if (!res.headersSent) sendJson(res, 500, {error: {message: `fake upstream handler threw: ${String(error)}`}});
				else res.destroy();
			});
		});
	});
	let connections = 0;
	server.on('connection', socket => {
		connections++;
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		setHandler(next) {
			current = next;
		},
		openSockets: () => sockets.size,
		connections: () => connections,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}

// ---------------------------------------------------------------- low-level writers

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	res.writeHead(status, {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers});
	res.end(text);
}

/** An OpenAI-style error body: `{"error":{"message","type","code"}}`. */
export function sendError(
	res: http.ServerResponse,
	status: number,
	message: string,
	options: {headers?: Record<string, string>; type?: string; code?: string | number} = {},
): void {
	sendJson(res, status, {error: {message, type: options.type ?? 'upstream_error', code: options.code ?? status}}, options.headers);
}

export function startSse(res: http.ServerResponse, headers: Record<string, string> = {}): void {
	res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers});
	res.flushHeaders();
}

export function writeChunk(res: http.ServerResponse, chunk: unknown): boolean {
	return res.write(`data: ${JSON.stringify(chunk)}\n\n`);
}

export function writeDone(res: http.ServerResponse): void {
	res.end('data: [DONE]\n\n');
}

// ---------------------------------------------------------------- scripted answers

type ScriptToolCall = {id?: string; name: string; arguments: string | Record<string, unknown>};

export type Script = {
	text?: string;
	reasoning?: string;
	toolCalls?: ScriptToolCall[];
	/** Default: 'tool_calls' with tool calls, else 'stop'. */
	finishReason?: string;
	usage?: {prompt_tokens: number; completion_tokens: number};
	/** Pieces per text/reasoning/argument string when streaming. @default 3 */
	pieces?: number;
	/** Delay between streamed chunks. @default 0 */
	chunkDelayMs?: number;
	/** Model echoed back. @default the requested model */
	model?: string;
};

const defaultUsage = {prompt_tokens: 21, completion_tokens: 9};

/** Answer every request with this script (SSE or JSON, following the request's `stream`). */
export function answer(script: Script): FakeUpstreamHandler {
	return async (req, res) => {
		if (req.body?.stream) await streamScript(req, res, script);
		else sendJson(res, 200, completionBody(req, script));
	};
}

/** Answer the n-th request with the n-th handler; the last one repeats. */
export function sequence(...handlers: FakeUpstreamHandler[]): FakeUpstreamHandler {
	let calls = 0;
	return (req, res) => {
		const handler = handlers[Math.min(calls, handlers.length - 1)];
		calls++;
		return handler?.(req, res);
	};
}

/** Answer with an HTTP error (OpenAI-shaped body). */
export function fail(status: number, message = `upstream failed with ${status}`, headers: Record<string, string> = {}): FakeUpstreamHandler {
	return (_req, res) => sendError(res, status, message, {headers});
}

/** Accept the request and never answer (until the proxy hangs up). */
export function hang(): FakeUpstreamHandler {
	return () => {};
}

function completionBody(req: RecordedRequest, script: Script): Record<string, unknown> {
	const calls = script.toolCalls ?? [];
	const message: Record<string, unknown> = {role: 'assistant', content: script.text ?? (calls.length > 0 ? null : '')};
	if (script.reasoning) message['reasoning_content'] = script.reasoning;
	if (calls.length > 0) {
		message['tool_calls'] = calls.map((call, index) => ({
			id: call.id ?? `call_${index + 1}`,
			type: 'function',
			function: {name: call.name, arguments: argumentText(call)},
		}));
	}

	return {
		id: 'chatcmpl-fake',
		object: 'chat.completion',
		created: 1_700_000_000,
		model: script.model ?? req.body?.model ?? 'fake-model',
		choices: [{index: 0, message, finish_reason: finishReason(script)}],
		usage: {...(script.usage ?? defaultUsage), total_tokens: sumUsage(script)},
	};
}

/** The chunks a streaming provider would send for this script (without `[DONE]`). */
export function streamChunks(req: RecordedRequest, script: Script): Array<Record<string, unknown>> {
	const model = script.model ?? req.body?.model ?? 'fake-model';
	const base = {id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model};
	const pieces = script.pieces ?? 3;
	const chunks: Array<Record<string, unknown>> = [];
	const delta = (value: Record<string, unknown>, finish: string | null = null) => chunks.push({...base, choices: [{index: 0, delta: value, finish_reason: finish}]});
	delta({role: 'assistant', content: ''});
	for (const part of split(script.reasoning ?? '', pieces)) delta({reasoning_content: part});
	for (const part of split(script.text ?? '', pieces)) delta({content: part});
	for (const [index, call] of (script.toolCalls ?? []).entries()) {
		const id = call.id ?? `call_${index + 1}`;
		const args = split(argumentText(call), pieces);
		delta({tool_calls: [{index, id, type: 'function', function: {name: call.name, arguments: args[0] ?? ''}}]});
		for (const part of args.slice(1)) delta({tool_calls: [{index, function: {arguments: part}}]});
	}

	delta({}, finishReason(script));
	chunks.push({...base, choices: [], usage: {...(script.usage ?? defaultUsage), total_tokens: sumUsage(script)}});
	return chunks;
}

async function streamScript(req: RecordedRequest, res: http.ServerResponse, script: Script): Promise<void> {
	startSse(res);
	for (const chunk of streamChunks(req, script)) {
		if (res.destroyed) return;
		writeChunk(res, chunk);
		if (script.chunkDelayMs) await new Promise(resolve => setTimeout(resolve, script.chunkDelayMs));
	}

	if (!res.destroyed) writeDone(res);
}

function finishReason(script: Script): string {
	return script.finishReason ?? ((script.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

function argumentText(call: ScriptToolCall): string {
	return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

function sumUsage(script: Script): number {
	const usage = script.usage ?? defaultUsage;
	return usage.prompt_tokens + usage.completion_tokens;
}

function split(text: string, pieces: number): string[] {
	if (!text) return [];
	const size = Math.max(1, Math.ceil(text.length / Math.max(1, pieces)));
	const parts: string[] = [];
	for (let index = 0; index < text.length; index += size) parts.push(text.slice(index, index + size));
	return parts;
}
