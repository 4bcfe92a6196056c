import {
	defineProfile,
	StreamTranslator,
	toOpenAIRequest,
	ToolNameMap,
	type AnthropicRequest,
	type AnthropicTool,
	type Profile,
	type TranslateIds,
} from '../../source/proxy/dialects/openai-chat/index.js';

/** Spec §6.0 determinism hooks. */
export function testIds(): TranslateIds {
	let tools = 0;
	return {
		message: () => 'msg_TEST',
		toolUse: () => `toolu_GEN${++tools}`,
		signature: () => 'sig_TEST',
		request: () => 'req_TEST',
	};
}

/** Spec §6.0 default profile. */
export const TEST_PROFILE: Profile = defineProfile({
	reasoning: 'openai',
	flattenText: true,
	streamUsage: true,
	toolArgsMode: 'buffered',
	supportsImages: true,
	assistantToolContent: null,
});

/** `C{…}` / `C{…}!stop` of the spec notation: one OpenAI chunk frame. */
export function C(delta: Record<string, unknown>, finish: string | null = null): string {
	return `data: ${JSON.stringify({
		id: 'c1',
		object: 'chat.completion.chunk',
		model: 'up-model',
		choices: [{index: 0, delta, finish_reason: finish}],
	})}\n\n`;
}

/** `U{…}`: usage-only chunk with `choices: []`. */
export function U(usage: Record<string, unknown>): string {
	return `data: ${JSON.stringify({id: 'c1', object: 'chat.completion.chunk', choices: [], usage})}\n\n`;
}

export const DONE = 'data: [DONE]\n\n';

/** A raw `data:` frame. */
export function D(payload: unknown): string {
	return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export type SseEvent = [name: string, data: any];

/** Anthropic SSE text → [event name, parsed data]; asserts the frame shape the SDK relies on. */
export function parseSse(text: string): SseEvent[] {
	const events: SseEvent[] = [];
	if (!text) return events;
	if (!text.endsWith('\n\n')) throw new Error(`SSE text does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
	for (const frame of text.slice(0, -2).split('\n\n')) {
		const match = /^event: ([a-z_]+)\ndata: (.*)$/.exec(frame);
		if (!match) throw new Error(`malformed frame: ${JSON.stringify(frame)}`);
		const data = JSON.parse(match[2]!);
		if (data.type !== match[1]) throw new Error(`event name ${match[1]} != data.type ${data.type}`);
		events.push([match[1]!, data]);
	}

	return events;
}

const MS = {
	type: 'message_start',
	message: {
		id: 'msg_TEST',
		type: 'message',
		role: 'assistant',
		model: 'claude-sonnet-4-5',
		content: [],
		stop_reason: null,
		stop_sequence: null,
		usage: {input_tokens: 42, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0},
	},
};

/**
 * Spec §6.0 compact notation → expected events. `ERR <type>` matches any message (the data is
 * compared by type only, see `normalize`).
 */
export function expectedEvents(notation: string): SseEvent[] {
	return notation.split(' | ').map(item => {
		const [code, ...rest] = item.trim().split(' ');
		const index = Number(rest[0]);
		const tail = rest.slice(1).join(' ');
		switch (code) {
			case 'MS':
				return ['message_start', MS];
			case 'PING':
				return ['ping', {type: 'ping'}];
			case 'CBS': {
				const [kind, id, name] = rest.slice(1);
				const block = kind === 'text' ? {type: 'text', text: ''} : kind === 'thinking' ? {type: 'thinking', thinking: '', signature: ''} : {type: 'tool_use', id, name, input: {}};
				return ['content_block_start', {type: 'content_block_start', index, content_block: block}];
			}

			case 'TD':
				return ['content_block_delta', {type: 'content_block_delta', index, delta: {type: 'text_delta', text: JSON.parse(tail)}}];
			case 'THD':
				return ['content_block_delta', {type: 'content_block_delta', index, delta: {type: 'thinking_delta', thinking: JSON.parse(tail)}}];
			case 'SIG':
				// `SIG 0` is the proxy's own signature; `SIG 0 <value>` the upstream's (Gemini's thoughtSignature).
				return ['content_block_delta', {type: 'content_block_delta', index, delta: {type: 'signature_delta', signature: tail || 'sig_TEST'}}];
			case 'JD':
				return ['content_block_delta', {type: 'content_block_delta', index, delta: {type: 'input_json_delta', partial_json: JSON.stringify(JSON.parse(tail))}}];
			case 'CBX':
				return ['content_block_stop', {type: 'content_block_stop', index}];
			case 'MD': {
				const stop = rest[0];
				const [input, output, write, read] = JSON.parse(rest.slice(1).join(''));
				return [
					'message_delta',
					{
						type: 'message_delta',
						delta: {stop_reason: stop, stop_sequence: null},
						usage: {input_tokens: input, output_tokens: output, cache_creation_input_tokens: write, cache_read_input_tokens: read},
					},
				];
			}

			case 'MX':
				return ['message_stop', {type: 'message_stop'}];
			case 'ERR':
				return ['error', {type: 'error', error: {type: rest[0]}}];
			default:
				throw new Error(`unknown notation item: ${item}`);
		}
	});
}

/** Error events compare by type only (messages are free text). */
export function normalize(events: SseEvent[]): SseEvent[] {
	return events.map(([name, data]) => (name === 'error' ? [name, {type: 'error', error: {type: data.error.type}}] : [name, data]));
}

export type StreamRun = {text: string; events: SseEvent[]; translator: StreamTranslator};

export type StreamSetup = {profile?: Profile; toolNames?: ToolNameMap; requestedModel?: string};

export function newTranslator(setup: StreamSetup = {}): StreamTranslator {
	return new StreamTranslator({
		requestedModel: setup.requestedModel ?? 'claude-sonnet-4-5',
		inputTokens: 42,
		profile: setup.profile ?? TEST_PROFILE,
		toolNames: setup.toolNames ?? new ToolNameMap(),
		ids: testIds(),
		postFinishGraceMs: 5000,
	});
}

/**
 * Feeds the pieces (strings or bytes) then EOF, unless `eof: false` (the connection stays open, so
 * the proxy's grace timer would be the one to finalize).
 */
export function runStream(pieces: ReadonlyArray<string | Uint8Array>, setup: StreamSetup & {eof?: boolean} = {}): StreamRun {
	const translator = newTranslator(setup);
	let text = translator.start();
	for (const piece of pieces) text += translator.push(piece);
	if (setup.eof !== false) text += translator.end();
	return {text, events: parseSse(text), translator};
}

/** The request-side name map a fixture's tools produce (long-name mapping, required lists). */
export function toolNamesFor(fixture: {tools?: AnthropicTool[]; profile?: Profile}): ToolNameMap {
	if (!fixture.tools) return new ToolNameMap();
	const request: AnthropicRequest = {
		model: 'claude-sonnet-4-5',
		max_tokens: 1024,
		messages: [{role: 'user', content: 'x'}],
		tools: fixture.tools,
	};
	return toOpenAIRequest(request, {model: 'up-model', profile: fixture.profile ?? TEST_PROFILE, stream: true}).toolNames;
}

export type Block = Record<string, any>;

/** The content and final delta the notation describes (an accumulator independent of the proxy's). */
export function expectedMessage(events: SseEvent[]): {content: Block[]; stopReason: string; usage: number[]} {
	const content: Block[] = [];
	const json = new Map<number, string>();
	let stopReason = '';
	let usage: number[] = [];
	for (const [name, data] of events) {
		if (name === 'content_block_start') content[data.index] = {...data.content_block};
		else if (name === 'content_block_delta') {
			const block = content[data.index]!;
			if (data.delta.type === 'text_delta') block['text'] += data.delta.text;
			else if (data.delta.type === 'thinking_delta') block['thinking'] += data.delta.thinking;
			else if (data.delta.type === 'signature_delta') block['signature'] = data.delta.signature;
			else if (data.delta.type === 'input_json_delta') json.set(data.index, (json.get(data.index) ?? '') + data.delta.partial_json);
		} else if (name === 'content_block_stop' && json.has(data.index)) content[data.index]!['input'] = JSON.parse(json.get(data.index)!);
		else if (name === 'message_delta') {
			stopReason = data.delta.stop_reason;
			usage = [data.usage.input_tokens, data.usage.output_tokens, data.usage.cache_creation_input_tokens, data.usage.cache_read_input_tokens];
		}
	}

	return {content, stopReason, usage};
}

/** Only what the fixture pins: proxy-generated ids and signatures are random on the real server. */
export function comparable(block: Block): Block {
	switch (block['type']) {
		case 'text':
			return {type: 'text', text: block['text']};
		case 'thinking':
			return {type: 'thinking', thinking: block['thinking'], signed: typeof block['signature'] === 'string' && block['signature'].length > 0};
		default:
			return {
				type: 'tool_use',
				id: String(block['id']).startsWith('toolu_GEN') || String(block['id']).startsWith('toolu_') ? 'generated' : block['id'],
				name: block['name'],
				input: block['input'],
			};
	}
}
