#!/usr/bin/env node
/**
 * The strict fake of Google's native Gemini API, by hand (for Claude Code runs through ccr-tui):
 *
 *   node test/fakes/run-fake-gemini-native.mjs [--port 8010]
 *
 * The "model": when the request offers a Bash tool and the conversation has fewer than N tool
 * results (N from "run N commands" in the first user text, default 1), it calls Bash (`echo step-K`)
 * with a thought and a thought signature; otherwise it answers in text, naming the results it saw.
 * Serves /v1beta and /gemini/v1beta (Gemini Balance's native path). Ctrl+C stops it.
 */
import http from 'node:http';
import {register} from 'node:module';
import {parseArgs} from 'node:util';

register('./ts-loader.mjs', import.meta.url);
const {geminiNative} = await import('./gemini-native.ts');
const {values} = parseArgs({options: {port: {type: 'string', default: '8010'}}});

const textOf = content => (content.parts ?? []).map(part => part.text ?? '').join('');
const handler = geminiNative(request => {
	const contents = request.body.contents;
	const results = contents.flatMap(content => content.parts.filter(part => part.functionResponse));
	const firstText = textOf(contents.find(content => content.role === 'user' && textOf(content)) ?? {parts: []});
	const wanted = Number(/run (\d+) commands?/.exec(firstText)?.[1] ?? 1);
	const hasBash = (request.body.tools ?? []).some(tool => (tool.functionDeclarations ?? []).some(fn => fn.name === 'Bash'));
	if ((request.body.tools ?? []).some(tool => 'googleSearch' in tool)) {
		return {parts: [{text: 'Search result: the fake weather is sunny.'}], grounding: [{uri: 'https://weather.example/today', title: 'Fake weather'}]};
	}

	if (hasBash && /run \d+ commands?|use bash/i.test(firstText) && results.length < wanted) {
		const step = results.length + 1;
		return {
			parts: [
				{text: `I will run step ${step}.`, thought: true, thoughtSignature: `sig-think-${step}`},
				{text: `Running step ${step}.`},
				{functionCall: {name: 'Bash', args: {command: `echo step-${step}`, description: `step ${step}`}, id: `call_${step}_${Date.now()}`}, thoughtSignature: `sig-call-${step}`},
			],
		};
	}

	const media = contents.flatMap(content => content.parts.filter(part => part.inlineData)).map(part => part.inlineData.mimeType);
	const seen = results.map(part => JSON.stringify(part.functionResponse.response).slice(0, 60)).join(' | ');
	return {
		parts: [
			{text: 'Thinking about the answer.', thought: true, thoughtSignature: 'sig-final'},
			{text: `FAKE-GEMINI-ANSWER results=${results.length}${seen ? ` [${seen}]` : ''}${media.length ? ` media=${media.join(',')}` : ''}`},
		],
	};
});

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', chunk => chunks.push(chunk));
	req.on('end', () => {
		const raw = Buffer.concat(chunks).toString('utf8');
		let body;
		try {
			body = JSON.parse(raw);
		} catch {}
		handler({method: req.method, url: req.url, headers: req.headers, body, raw, receivedAt: Date.now(), closed: Promise.resolve(0), aborted: () => false}, res);
	});
});
server.listen(Number(values.port), '127.0.0.1', () => console.log(`fake Gemini native API on http://127.0.0.1:${values.port} (/v1beta, /gemini/v1beta)`));
