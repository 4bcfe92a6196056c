import {countTokens} from 'gpt-tokenizer/encoding/cl100k_base';
import {describe, expect, test} from 'vitest';
import {estimateInputTokens, quickEstimateInputTokens} from '../../source/proxy/dialects/openai-chat/index.js';
import {claudeCodeBody} from './claude-code-body.js';

describe('estimateInputTokens', () => {
	test('small requests are tokenized exactly (+ small per-message overhead)', () => {
		const text = 'Refactor the parser so it handles CRLF line endings.';
		const estimate = estimateInputTokens({model: 'm', max_tokens: 1, messages: [{role: 'user', content: text}]});
		expect(estimate).toBe(countTokens(text) + 4 + 3);
	});

	test('images have a fixed cost, independent of the base64 length', () => {
		const image = (length: number) =>
			estimateInputTokens({
				model: 'm',
				max_tokens: 1,
				messages: [{role: 'user', content: [{type: 'image', source: {type: 'base64', media_type: 'image/png', data: 'A'.repeat(length)}}]}],
			});
		expect(image(1000)).toBe(image(500_000));
		expect(image(1000)).toBeGreaterThan(1000);
	});

	test('a 1 MB Claude Code body is estimated within 15 % of full tokenization', () => {
		const body = claudeCodeBody(1_000_000, 7);
		const estimate = estimateInputTokens(body);
		// Reference: tokenize every text the estimator reads, completely.
		let exact = 0;
		for (const block of body.system as Array<{text: string}>) exact += countTokens(block.text);
		for (const tool of body.tools!) exact += countTokens(tool.name) + countTokens(tool.description!) + countTokens(JSON.stringify(tool.input_schema));
		for (const message of body.messages) {
			for (const block of message.content as Array<Record<string, any>>) {
				if (block['type'] === 'text') exact += countTokens(block['text']);
				else if (block['type'] === 'tool_result') exact += countTokens(block['content']);
				else if (block['type'] === 'tool_use') exact += countTokens(block['name']) + countTokens(JSON.stringify(block['input']));
			}
		}

		const textOnly = estimate - 1600 - body.messages.length * 4 - body.tools!.length * 8 - 3;
		expect(Math.abs(textOnly - exact) / exact).toBeLessThan(0.15);
		// A repeated request (same session) is answered consistently.
		expect(Math.abs(estimateInputTokens(body) - estimate) / estimate).toBeLessThan(0.15);
	});
});

describe('quickEstimateInputTokens (hot path, no tokenizer)', () => {
	// Good enough for message_start (the real usage follows in message_delta) and for long-context
	// decisions far from the threshold (near it the proxy tokenizes).
	test('stays within -40 %/+60 % of the tokenized estimate on English text and code', () => {
		const prose = 'The proxy routes each request to a provider and translates the answer back. '.repeat(400);
		const code = 'export function route(request: Request): Target {\n\treturn pick(request.model ?? "default");\n}\n'.repeat(300);
		for (const text of [prose, code]) {
			const request = {model: 'm', max_tokens: 1, messages: [{role: 'user' as const, content: text}]};
			const precise = estimateInputTokens(request);
			const quick = quickEstimateInputTokens(request);
			expect(quick / precise).toBeGreaterThan(0.6);
			expect(quick / precise).toBeLessThan(1.6);
		}
	});

	test('uses exact counts already known for the same strings', () => {
		const system = 'You are Claude Code. '.repeat(200);
		const request = {model: 'm', max_tokens: 1, system, messages: [{role: 'user' as const, content: 'hi'}]};
		const precise = estimateInputTokens(request);
		expect(quickEstimateInputTokens(request)).toBe(precise);
	});
});

describe('quickEstimateInputTokens from the body text (what the proxy uses)', () => {
	test('a Claude Code body reads within -20 %/+40 % of full tokenization of its texts', () => {
		for (const size of [20_000, 300_000]) {
			const body = claudeCodeBody(size, 3);
			const text = JSON.stringify(body);
			const precise = estimateInputTokens(body);
			const quick = quickEstimateInputTokens(body, text);
			expect(quick / precise).toBeGreaterThan(0.8);
			expect(quick / precise).toBeLessThan(1.4);
		}
	});

	test('base64 is priced per image or PDF, not per character (also inside tool results)', () => {
		const withImage = (length: number, nested: boolean) => {
			const image = {type: 'image' as const, source: {type: 'base64' as const, media_type: 'image/png', data: 'A'.repeat(length)}};
			const content = nested ? [{type: 'tool_result' as const, tool_use_id: 't1', content: [image]}] : [image];
			const request = {model: 'm', max_tokens: 1, messages: [{role: 'user' as const, content}]};
			return quickEstimateInputTokens(request, JSON.stringify(request));
		};

		for (const nested of [false, true]) {
			expect(withImage(500_000, nested) - withImage(1000, nested)).toBe(0);
			expect(withImage(1000, nested)).toBeGreaterThanOrEqual(1600);
		}

		const pdf = (length: number) => {
			const request = {
				model: 'm',
				max_tokens: 1,
				messages: [{role: 'user' as const, content: [{type: 'document' as const, source: {type: 'base64' as const, media_type: 'application/pdf', data: 'J'.repeat(length)}}]}],
			};
			return quickEstimateInputTokens(request, JSON.stringify(request));
		};

		expect(pdf(400_000) - pdf(0)).toBe(10_000);
	});

	test('non-ASCII text counts about a token per character', () => {
		const request = {model: 'm', max_tokens: 1, messages: [{role: 'user' as const, content: '把这个函数改成异步的。'.repeat(2000)}]};
		const quick = quickEstimateInputTokens(request, JSON.stringify(request));
		expect(quick).toBeGreaterThan(18_000);
		expect(quick).toBeLessThan(26_000);
	});
});
