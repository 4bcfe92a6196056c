/**
 * Claude Code 2.1.332's main-loop body, as captured: adaptive thinking with `display: "omitted"`,
 * `output_config.effort`, `context_management`, `metadata.user_id` as a JSON string. Accepted, and
 * none of the Anthropic-only fields reaches an OpenAI-dialect upstream; the effort still maps to the
 * upstream's reasoning knob.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {ProfileName, RawConfig} from '../../source/config/schema.js';
import {answer} from '../fakes/openai-upstream.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';

const CLAUDE_CODE_BODY = {
	model: 'claude-opus-5-5',
	max_tokens: 128_000,
	stream: true,
	thinking: {type: 'adaptive', display: 'omitted'},
	output_config: {effort: 'medium'},
	context_management: {edits: [{type: 'clear_thinking_20251015', keep: 'all'}]},
	metadata: {user_id: JSON.stringify({device_id: '4725fa03', account_uuid: '', session_id: 'f9a4adaf-3d57-4f31-83a2-5b55a8b3a433'})},
	system: [
		{type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.0b8; cc_entrypoint=sdk-cli;'},
		{type: 'text', text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.", cache_control: {type: 'ephemeral'}},
	],
	tools: [
		{name: 'Bash', description: 'Run a command', input_schema: {type: 'object', properties: {command: {type: 'string'}}, required: ['command']}},
		{name: 'DeferredToolPlaceholder', description: 'never call this tool', input_schema: {type: 'object', properties: {}}, defer_loading: true},
	],
	messages: [
		{role: 'user', content: [{type: 'text', text: 'say hi'}]},
		{role: 'system', content: [{type: 'text', text: '# Environment'}]},
	],
};

const config =
	(profile: ProfileName) =>
	(url: string): RawConfig => ({
		Providers: [{name: 'up', api_base_url: `${url}/v1/chat/completions`, api_key: 'sk-up-0001', models: ['m'], profile}],
		Router: {default: 'up,m'},
	});

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe.each(['openai', 'deepseek', 'gemini-balance', 'gemini-openai'] as const)('Claude Code 2.1.332 body → %s upstream', profile => {
	it('is answered; context_management, display, output_config, metadata never go upstream', async () => {
		const h = (harness = await startHarness({upstream: answer({text: 'hi'}), config: config(profile)}));
		const response = await fetch(`${h.proxyUrl}/v1/messages?beta=true`, {
			method: 'POST',
			headers: {'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,context-management-2025-06-27,effort-2025-11-24'},
			body: JSON.stringify(CLAUDE_CODE_BODY),
		});
		expect(response.status).toBe(200);
		expect(await response.text()).toContain('event: message_stop');
		const sent = h.upstreamRequests[0]!;
		for (const field of ['context_management', 'output_config', 'metadata', 'display', 'defer_loading', 'anthropic-beta']) {
			expect(sent.raw, field).not.toContain(`"${field}"`);
		}

		// DeepSeek's own switch is `thinking: {type}`; nothing of Anthropic's thinking object goes anywhere.
		if (profile === 'deepseek') expect(sent.body.thinking).toEqual({type: 'enabled'});
		else expect(sent.body).not.toHaveProperty('thinking');

		expect(sent.headers['anthropic-beta']).toBeUndefined();
		expect(sent.url).toBe('/v1/chat/completions');
	});
});
