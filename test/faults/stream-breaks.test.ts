import {describe, expect, it} from 'vitest';
import {breakStream} from '../fakes/faulty-upstream.js';
import {answer, sequence, streamChunks} from '../fakes/openai-upstream.js';
import {params, rawMessages, recordFault, streamOutcome, useFaultHarness} from './fault-kit.js';

const start = useFaultHarness();

const toolParams = {
	...params,
	stream: true,
	tools: [{name: 'Read', description: 'read a file', input_schema: {type: 'object', properties: {file_path: {type: 'string'}}, required: ['file_path']}}],
};

describe('upstream drops the connection mid-stream', () => {
	it('mid-text: the text so far, then event: error api_error; nothing after it; not retried', async () => {
		const h = await start({upstream: sequence(breakStream({text: 'the answer is cut right here'}, {afterChunks: 3, mode: 'drop'}), answer({text: 'retry must not happen'}))});
		const result = await streamOutcome(h);
		expect(result).toMatchObject({ok: false, type: 'api_error'});
		if (result.ok) return;
		expect(result.text.length).toBeGreaterThan(0);
		expect('the answer is cut right here'.startsWith(result.text)).toBe(true);
		expect(result.message).toMatch(/broke mid-stream/);
		expect(result.types).not.toContain('message_stop');
		expect(h.upstreamRequests).toHaveLength(1);
		recordFault('drop mid-text (socket destroyed after 2 text chunks)', 'text so far, then `event: error` `api_error` "connection broke mid-stream"', result.ms);

		h.upstream.setHandler(breakStream({text: 'the answer is cut right here'}, {afterChunks: 3, mode: 'drop'}));
		const raw = await rawMessages(h, {...params, stream: true});
		const names = raw.events.map(event => event.event);
		expect(names).toContain('content_block_delta');
		expect(names.at(-1)).toBe('error');
		expect(names.filter(name => name === 'error')).toHaveLength(1);
		expect(names).not.toContain('message_delta');
	});

	it('mid-tool-call: the incomplete tool_use block is never closed before the error', async () => {
		const script = {toolCalls: [{id: 'call_1', name: 'Read', arguments: {file_path: '/etc/hosts'}}], pieces: 4};
		// role, tool start (+first args piece), one more args piece, then drop.
		const h = await start({upstream: breakStream(script, {afterChunks: 3, mode: 'drop'})});
		const started = performance.now();
		const raw = await rawMessages(h, toolParams);
		const ms = Math.round(performance.now() - started);
		const names = raw.events.map(event => event.event);
		expect(raw.status).toBe(200);
		expect(names.at(-1)).toBe('error');
		expect(raw.events.at(-1)?.data).toMatchObject({type: 'error', error: {type: 'api_error'}});
		// A complete tool_use would make Claude Code run the tool with truncated input.
		const toolStarts = raw.events.filter(event => event.event === 'content_block_start' && event.data.content_block.type === 'tool_use');
		for (const start of toolStarts) {
			expect(raw.events.some(event => event.event === 'content_block_stop' && event.data.index === start.data.index)).toBe(false);
		}

		expect(names).not.toContain('message_delta');
		expect(names).not.toContain('message_stop');

		const sdk = await streamOutcome(h, toolParams);
		expect(sdk).toMatchObject({ok: false, type: 'api_error'});
		recordFault('drop mid-tool-call (arguments half sent)', '`event: error` `api_error`; the tool_use block is left open (never a truncated complete call)', Math.max(ms, sdk.ms));
	});

	it('a tool call whose stream ends without finish_reason or [DONE] is an error, not a complete call', async () => {
		const script = {toolCalls: [{id: 'call_1', name: 'Read', arguments: {file_path: '/etc/hosts'}}], pieces: 2};
		const h = await start({
			upstream: async (req, res) => {
				res.writeHead(200, {'content-type': 'text/event-stream'});
				// Everything up to (not including) the finish chunk, then a clean end of the body.
				const chunks = streamChunks(req, script);
				for (const chunk of chunks.slice(0, -2)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
				res.end();
			},
		});
		const raw = await rawMessages(h, toolParams);
		expect(raw.events.at(-1)).toMatchObject({event: 'error'});
		expect(raw.events.map(event => event.event)).not.toContain('message_stop');
		recordFault('clean EOF mid-tool-call (no finish_reason, no [DONE])', '`event: error`, tool_use block left open', 0);
	});
});
