/**
 * Anthropic pass-through keeps Claude Code's beta opt-ins: the `anthropic-beta` header and
 * `?beta=true` reach the upstream. The fake refuses a beta-only body field without its beta, as
 * Anthropic does, so dropping the header (the old behaviour) fails here.
 */
import type http from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import type {RawConfig} from '../../source/config/schema.js';
import {sendJson, type RecordedRequest} from '../fakes/openai-upstream.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';

/** Captured from Claude Code 2.1.332. */
const CLAUDE_CODE_BETAS = [
	'claude-code-20250219',
	'interleaved-thinking-2025-05-14',
	'context-management-2025-06-27',
	'per-turn-control-2026-07-01',
	'thinking-token-count-2026-05-13',
	'effort-2025-11-24',
];

/** Body fields Anthropic accepts only with their beta enabled. */
const BETA_FIELDS: Record<string, string> = {context_management: 'context-management-2025-06-27'};

function strictAnthropic(req: RecordedRequest, res: http.ServerResponse): void {
	const betas = String(req.headers['anthropic-beta'] ?? '').split(',');
	for (const [field, beta] of Object.entries(BETA_FIELDS)) {
		if (req.body?.[field] !== undefined && !betas.includes(beta)) {
			sendJson(res, 400, {type: 'error', error: {type: 'invalid_request_error', message: `${field}: Extra inputs are not permitted`}});
			return;
		}
	}

	sendJson(res, 200, {
		id: 'msg_up',
		type: 'message',
		role: 'assistant',
		model: req.body.model,
		content: [{type: 'text', text: 'ok'}],
		stop_reason: 'end_turn',
		stop_sequence: null,
		usage: {input_tokens: 3, output_tokens: 1},
	});
}

const config =
	(provider: Record<string, unknown> = {}) =>
	(url: string): RawConfig => ({
		Providers: [{name: 'anth', api_base_url: `${url}/v1`, api_key: 'sk-ant-upstream-0001', models: ['real-claude'], profile: 'anthropic', ...provider}],
		Router: {default: 'anth,real-claude'},
	});

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

/** What Claude Code sends: the SDK's beta API (the header), `?beta=true` and the beta-only fields. */
async function claudeCodeRequest(h: Harness) {
	return h.client.beta.messages.create(
		{
			model: 'claude-opus-5-5',
			max_tokens: 256,
			messages: [{role: 'user', content: 'hi'}],
			betas: CLAUDE_CODE_BETAS,
			thinking: {type: 'adaptive'},
			context_management: {edits: [{type: 'clear_thinking_20251015', keep: 'all'}]},
			output_config: {effort: 'medium'},
		} as never,
		{query: {beta: 'true'}},
	);
}

describe('Anthropic pass-through betas', () => {
	it('forwards anthropic-beta and ?beta=true with the beta-only fields', async () => {
		const h = (harness = await startHarness({upstream: strictAnthropic, config: config()}));
		const message = await claudeCodeRequest(h);
		expect(message.content).toEqual([expect.objectContaining({text: 'ok'})]);
		const sent = h.upstreamRequests[0]!;
		expect(sent.url).toBe('/v1/messages?beta=true');
		expect(sent.headers['anthropic-beta']).toBe(CLAUDE_CODE_BETAS.join(','));
		expect(sent.body.context_management).toEqual({edits: [{type: 'clear_thinking_20251015', keep: 'all'}]});
		expect(sent.body.output_config).toEqual({effort: 'medium'});
	});

	it('a request without betas gets neither', async () => {
		const h = (harness = await startHarness({upstream: strictAnthropic, config: config()}));
		await h.client.messages.create({model: 'claude-opus-5-5', max_tokens: 64, messages: [{role: 'user', content: 'hi'}]});
		expect(h.upstreamRequests[0]!.url).toBe('/v1/messages');
		expect(h.upstreamRequests[0]!.headers['anthropic-beta']).toBeUndefined();
	});

	it('strip_betas and strip_fields: an upstream that refuses a beta gets neither it nor its field', async () => {
		const h = (harness = await startHarness({
			upstream: strictAnthropic,
			config: config({strip_betas: ['context-management-2025-06-27', 'per-turn-control-2026-07-01'], strip_fields: ['context_management']}),
		}));
		await claudeCodeRequest(h);
		const sent = h.upstreamRequests[0]!;
		expect(sent.url).toBe('/v1/messages?beta=true');
		expect(sent.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14,thinking-token-count-2026-05-13,effort-2025-11-24');
		expect(sent.body).not.toHaveProperty('context_management');
		expect(sent.body.output_config).toEqual({effort: 'medium'});
	});

	it('strip_betas ["*"]: no beta header and no ?beta=true', async () => {
		const h = (harness = await startHarness({upstream: strictAnthropic, config: config({strip_betas: ['*'], strip_fields: ['context_management']})}));
		await claudeCodeRequest(h);
		expect(h.upstreamRequests[0]!.url).toBe('/v1/messages');
		expect(h.upstreamRequests[0]!.headers['anthropic-beta']).toBeUndefined();
	});

	it('without strip_fields, an upstream that refuses the field answers 400 and the client sees it', async () => {
		const h = (harness = await startHarness({upstream: strictAnthropic, config: config({strip_betas: ['*']})}));
		await expect(claudeCodeRequest(h)).rejects.toMatchObject({status: 400});
	});
});
