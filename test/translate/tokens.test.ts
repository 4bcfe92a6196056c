import {countTokens} from 'gpt-tokenizer/encoding/cl100k_base';
import {describe, expect, test} from 'vitest';
import {estimateInputTokens, quickEstimateInputTokens} from '../../source/proxy/translate/index.js';
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
