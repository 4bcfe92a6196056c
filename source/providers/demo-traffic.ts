/**
 * Sample Claude Code traffic for `ccr-tui --demo`: every few seconds an Anthropic Messages request
 * to the proxy — a main turn (sometimes with tools, followed up with a tool result), a background
 * "haiku" title request alongside it, a thinking turn, now and then a long-context one — read to
 * the end like a real client. Plain fetch: the Anthropic SDK is only a dev dependency.
 */
import {createParser} from 'eventsource-parser';

type DemoScenario = 'default' | 'background' | 'think' | 'longContext' | 'tool-result';

export type DemoResult = {
	readonly scenario: DemoScenario;
	readonly stream: boolean;
	/** HTTP status (0 when the proxy could not be reached). */
	readonly status: number;
	readonly ok: boolean;
	readonly bytes: number;
	readonly durationMs: number;
	readonly error?: string;
};

export type DemoTrafficOptions = {
	/** The proxy, e.g. `http://127.0.0.1:3456`. */
	proxyUrl: string;
	/** Sent as `Authorization: Bearer` (the proxy's APIKEY when it has one). @default 'ccr-tui-demo' */
	token?: string;
	/** Pause between two rounds, [min, max] ms. @default [2500, 6000] */
	intervalMs?: readonly [number, number];
	/** @default Math.random */
	random?: () => number;
	/** Rounds are skipped while this many requests are still running. @default 3 */
	maxInFlight?: number;
	/** Characters of "source code" in the long-context request. @default 36000 (about 9-10k tokens) */
	longContextChars?: number;
	/** Called after each request finished (or failed). */
	onResult?: (result: DemoResult) => void;
};

export type DemoTraffic = {
	/** Requests sent so far. */
	sent(): number;
	/** Stop sending; in-flight requests are aborted. */
	stop(): Promise<void>;
};

const MAIN_MODEL = 'claude-sonnet-4-5-20250929';
const HAIKU_MODEL = 'claude-haiku-4-5-20251001';
const SYSTEM = 'You are Claude Code, running against ccr-tui in demo mode. Every answer comes from a simulated provider.';

const PROMPTS = [
	'How does the router decide where a request goes?',
	'Refactor the retry loop in src/upstream.ts so the backoff lives in one place.',
	'Why does the route parser fail for model ids with commas?',
	'Suggest how to validate the config file and report errors.',
	'Explain how streaming works end to end.',
	'Check src/router.ts and tell me if the error path is handled.',
];

const TOOLS = [
	{
		name: 'Read',
		description: 'Read a file from the local filesystem.',
		input_schema: {
			type: 'object',
			properties: {file_path: {type: 'string', description: 'Absolute path of the file'}},
			required: ['file_path'],
			additionalProperties: false,
		},
	},
	{
		name: 'Grep',
		description: 'Search file contents with a regular expression.',
		input_schema: {
			type: 'object',
			properties: {pattern: {type: 'string'}, path: {type: 'string'}},
			required: ['pattern'],
			additionalProperties: false,
		},
	},
];

type Message = {role: 'user' | 'assistant'; content: unknown};
type RequestBody = Record<string, unknown> & {messages: Message[]};
type ToolUse = {id: string; name: string; input: unknown};

// Over 60 lines: the demo script: its scenarios share one set of timers and the stop switch.
export function startDemoTraffic(options: DemoTrafficOptions): DemoTraffic {
	const random = options.random ?? Math.random;
	const [minPause, maxPause] = options.intervalMs ?? [2500, 6000];
	const maxInFlight = options.maxInFlight ?? 3;
	const endpoint = `${options.proxyUrl.replace(/\/+$/, '')}/v1/messages`;
	const sessionId = `demo-${Date.now().toString(36)}`;
	const stopping = new AbortController();
	const running = new Set<Promise<void>>();
	let sent = 0;
	let timer: NodeJS.Timeout | undefined;
	let stopped = false;
	let longContextText: string | undefined;

	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length) % items.length];

	function track(task: Promise<void>): void {
		running.add(task);
		void task.finally(() => running.delete(task));
	}

	async function send(scenario: DemoScenario, body: RequestBody): Promise<ToolUse | undefined> {
		sent++;
		const started = performance.now();
		const stream = body['stream'] === true;
		let status = 0;
		let bytes = 0;
		let text = '';
		try {
			const response = await fetch(endpoint, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'anthropic-version': '2023-06-01',
					authorization: `Bearer ${options.token ?? 'ccr-tui-demo'}`,
					'user-agent': 'ccr-tui-demo',
					'x-claude-code-session-id': sessionId,
				},
				body: JSON.stringify(body),
				signal: stopping.signal,
			});
			status = response.status;
			// Read to the very end, as Claude Code does, so the proxy sees a complete exchange.
			const decoder = new TextDecoder();
			const reader = response.body?.getReader();
			for (;;) {
				const chunk = await reader?.read();
				if (!chunk || chunk.done) break;
				bytes += chunk.value.byteLength;
				text += decoder.decode(chunk.value, {stream: true});
			}

			text += decoder.decode();
			const error = response.ok ? streamError(text, stream) : errorMessage(text, status);
			options.onResult?.({scenario, stream, status, ok: !error, bytes, durationMs: performance.now() - started, ...(error ? {error} : {})});
			return error ? undefined : stream ? toolUseFromSse(text) : toolUseFromJson(text);
		} catch (error) {
			if (!stopped) {
				const message = error instanceof Error ? error.message : String(error);
				options.onResult?.({scenario, stream, status, ok: false, bytes, durationMs: performance.now() - started, error: message});
			}

			return undefined;
		}
	}

	async function mainTurn(): Promise<void> {
		const prompt = pick(PROMPTS);
		const messages: Message[] = [{role: 'user', content: [{type: 'text', text: prompt}]}];
		const body: RequestBody = {model: MAIN_MODEL, max_tokens: 32_000, stream: true, system: SYSTEM, messages, tools: TOOLS};
		const toolUse = await send('default', body);
		if (!toolUse || stopped) return;
		// Claude Code runs the tool and sends its result straight back.
		await send('tool-result', {
			...body,
			messages: [
				...messages,
				{role: 'assistant', content: [{type: 'tool_use', id: toolUse.id, name: toolUse.name, input: toolUse.input}]},
				{role: 'user', content: [{type: 'tool_result', tool_use_id: toolUse.id, content: '(demo) export function route(request) {\n  return pickScenario(request);\n}\n'}]},
			],
		});
	}

	function backgroundTurn(): Promise<unknown> {
		return send('background', {
			model: HAIKU_MODEL,
			max_tokens: 512,
			stream: random() < 0.5,
			system: 'Write a 3-6 word title for this conversation. Reply with the title only.',
			messages: [{role: 'user', content: pick(PROMPTS)}],
		});
	}

	function thinkTurn(): Promise<unknown> {
		return send('think', {
			model: MAIN_MODEL,
			max_tokens: 16_000,
			stream: true,
			// What Claude Code sends after `--effort max` (the think route takes effort ≥ Router.thinkEffort).
			thinking: {type: 'adaptive'},
			output_config: {effort: 'max'},
			system: SYSTEM,
			messages: [{role: 'user', content: `Think it through: ${pick(PROMPTS)}`}],
		});
	}

	function longContextTurn(): Promise<unknown> {
		longContextText ??= sampleSource(options.longContextChars ?? 36_000);
		return send('longContext', {
			model: MAIN_MODEL,
			max_tokens: 8000,
			stream: true,
			system: SYSTEM,
			messages: [{role: 'user', content: [{type: 'text', text: `Summarise this file:\n\n${longContextText}`}]}],
		});
	}

	function round(): void {
		if (stopped) return;
		if (running.size < maxInFlight) {
			const roll = random();
			if (roll < 0.5) {
				track(mainTurn());
				// Claude Code fires a background request next to most main turns.
				if (random() < 0.5) track(backgroundTurn().then(() => undefined));
			} else if (roll < 0.72) {
				track(backgroundTurn().then(() => undefined));
			} else if (roll < 0.9) {
				track(thinkTurn().then(() => undefined));
			} else {
				track(longContextTurn().then(() => undefined));
			}
		}

		timer = setTimeout(round, minPause + (maxPause - minPause) * random());
		timer.unref();
	}

	// First request right away, so the dashboard comes alive at once.
	round();

	return {
		sent: () => sent,
		async stop() {
			stopped = true;
			clearTimeout(timer);
			stopping.abort();
			await Promise.allSettled([...running]);
		},
	};
}

/** The tool call in a streamed answer (content_block_start + input_json_delta), if any. */
function toolUseFromSse(text: string): ToolUse | undefined {
	let tool: ToolUse | undefined;
	let json = '';
	for (const event of parseSse(text)) {
		const block = event['content_block'] as {type?: string; id?: string; name?: string} | undefined;
		const delta = event['delta'] as {type?: string; partial_json?: string} | undefined;
		if (event['type'] === 'content_block_start' && block?.type === 'tool_use' && !tool) tool = {id: block.id ?? 'toolu_demo', name: block.name ?? 'Read', input: {}};
		else if (tool && event['type'] === 'content_block_delta' && delta?.type === 'input_json_delta') json += delta.partial_json ?? '';
	}

	if (!tool) return undefined;
	try {
		return {...tool, input: json ? JSON.parse(json) : {}};
	} catch {
		return tool;
	}
}

function toolUseFromJson(text: string): ToolUse | undefined {
	try {
		const message = JSON.parse(text) as {content?: Array<{type?: string; id?: string; name?: string; input?: unknown}>};
		const block = message.content?.find(item => item.type === 'tool_use');
		return block ? {id: block.id ?? 'toolu_demo', name: block.name ?? 'Read', input: block.input ?? {}} : undefined;
	} catch {
		return undefined;
	}
}

/** An `error` event inside a 200 stream (the upstream failed after the answer started). */
function streamError(text: string, stream: boolean): string | undefined {
	if (!stream) return undefined;
	for (const event of parseSse(text)) {
		if (event['type'] === 'error') return (event['error'] as {message?: string} | undefined)?.message ?? 'stream error';
	}

	return undefined;
}

function errorMessage(text: string, status: number): string {
	try {
		const body = JSON.parse(text) as {error?: {message?: string}};
		return body.error?.message ?? `HTTP ${status}`;
	} catch {
		return `HTTP ${status}`;
	}
}

function parseSse(text: string): Array<Record<string, unknown>> {
	const events: Array<Record<string, unknown>> = [];
	const parser = createParser({
		onEvent(event) {
			try {
				events.push(JSON.parse(event.data) as Record<string, unknown>);
			} catch {
				// Not JSON (a [DONE] marker): nothing to read.
			}
		},
	});
	parser.feed(text);
	return events;
}

/** Repetitive but plausible code: enough tokens to cross a long-context threshold. */
function sampleSource(chars: number): string {
	const lines: string[] = [];
	let size = 0;
	for (let index = 1; size < chars; index++) {
		const line =
			index % 7 === 0
				? `\n/** Handler number ${index}: retries up to ${index % 5} times before giving up. */`
				: `export function handler${index}(request: Request): Promise<Response> { return route(request, ${index}); }`;
		lines.push(line);
		size += line.length + 1;
	}

	return lines.join('\n');
}
