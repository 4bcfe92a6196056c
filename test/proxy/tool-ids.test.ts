/**
 * Providers reuse tool-call ids across turns (`call_a1` every time). Claude Code drops a call whose
 * id is already in the conversation (`[Tool use interrupted]`), so every id the client sees must be
 * unique across the conversation. The upstream is strict about tool-message pairing, so the history
 * sent back with the minted ids must still pair up (no mapping needed).
 */
import type Anthropic from '@anthropic-ai/sdk';
import {afterEach, describe, expect, it} from 'vitest';
import {answer} from '../fakes/openai-upstream.js';
import {strictToolPairs, toolPairingError} from '../fakes/openai-strict-tools.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';

const TURNS = 12;
const bash: Anthropic.Tool = {name: 'Bash', description: 'Run a shell command', input_schema: {type: 'object', properties: {command: {type: 'string'}}, required: ['command']}};

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('strict fake: tool-message pairing', () => {
	it('rejects an unanswered call and a stray tool message; accepts ids reused across turns', () => {
		const call = (id: string) => ({role: 'assistant', tool_calls: [{id}]});
		expect(toolPairingError([{role: 'user'}, call('a'), {role: 'user'}])).toMatch(/did not have response messages: a/);
		expect(toolPairingError([{role: 'user'}, call('a'), {role: 'tool', tool_call_id: 'b'}])).toMatch(/must be a response/);
		expect(toolPairingError([{role: 'user'}, call('a'), {role: 'tool', tool_call_id: 'a'}, call('a'), {role: 'tool', tool_call_id: 'a'}])).toBeUndefined();
	});
});

describe.each([
	['a JSON', false],
	['a streaming', true],
])('%s client against an upstream that calls every tool call_a1', (_kind, stream) => {
	it(`${TURNS} tool turns: every tool_use id is new to the conversation and every result pairs up upstream`, async () => {
		const h = (harness = await startHarness({upstream: strictToolPairs(answer({toolCalls: [{id: 'call_a1', name: 'Bash', arguments: {command: 'echo hi'}}]}))}));
		const messages: Anthropic.MessageParam[] = [{role: 'user', content: 'Run echo twelve times.'}];
		const seen = new Set<string>();
		for (let turn = 1; turn <= TURNS; turn++) {
			const params = {model: 'claude-opus-5-5', max_tokens: 1024, tools: [bash], messages};
			const message = stream ? await h.client.messages.stream(params).finalMessage() : await h.client.messages.create(params);
			const uses = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
			expect(uses, `turn ${turn}`).toHaveLength(1);
			const id = uses[0]!.id;
			// What Claude Code checks before it runs a call.
			expect(seen.has(id), `turn ${turn}: id ${id} was already used`).toBe(false);
			expect(id).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
			seen.add(id);
			messages.push({role: 'assistant', content: message.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: id, content: `hi ${turn}`}]});
		}

		expect(seen.size).toBe(TURNS);
		expect(h.upstreamRequests).toHaveLength(TURNS);
		for (const request of h.upstreamRequests) expect(request.raw).not.toContain('invalid_request_error');
		const last = h.upstreamRequests.at(-1)!.body.messages as Array<{role: string; tool_call_id?: string; tool_calls?: Array<{id: string}>}>;
		expect(last.filter(item => item.role === 'tool').map(item => item.tool_call_id)).toEqual([...seen].slice(0, TURNS - 1));
		expect(toolPairingError(last)).toBeUndefined();
	});
});
