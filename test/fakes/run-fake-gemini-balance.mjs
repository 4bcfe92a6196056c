#!/usr/bin/env node
/**
 * Run the fake Gemini Balance by hand (no Google account, no network):
 *
 *   node test/fakes/run-fake-gemini-balance.mjs [--port 8000] [--token sk-gb-example] [--models-null]
 *
 * Every chat answer echoes the last user message, streamed in a few chunks. `--models-null` makes
 * /v1/models answer `null` (Gemini Balance cannot reach Google). Ctrl+C stops it.
 */
import {register} from 'node:module';
import {parseArgs} from 'node:util';

register('./ts-loader.mjs', import.meta.url);
const {startFakeGeminiBalance, reply, text} = await import('./gemini-balance.ts');

const {values} = parseArgs({
	options: {
		port: {type: 'string', default: '8000'},
		token: {type: 'string', default: 'sk-gb-example'},
		'models-null': {type: 'boolean', default: false},
	},
});

const gb = await startFakeGeminiBalance({
	port: Number(values.port),
	allowedTokens: [values.token],
	thinkingModels: ['gemini-2.5-flash', 'gemini-2.5-pro'],
	upstreamModelsFail: values['models-null'],
});

gb.setDefault(request => {
	const messages = Array.isArray(request.body?.messages) ? request.body.messages : [];
	const last = [...messages].reverse().find(message => message.role === 'user' || message.role === 'tool');
	const said = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
	const answer = `Hello from the fake Gemini Balance (${request.body?.model}). You said: ${said.slice(0, 120)}`;
	return {...reply(text(answer, {split: 4}), {usage: {prompt: Math.ceil(JSON.stringify(messages).length / 4), candidates: Math.ceil(answer.length / 4)}}), chunkIntervalMs: 120};
});

console.log(`fake Gemini Balance on ${gb.url} (token ${values.token}${values['models-null'] ? ', /v1/models answers null' : ''})`);
let last = 0;
setInterval(() => {
	for (const request of gb.requests.slice(last)) console.log(`${new Date().toISOString().slice(11, 19)} ${request.method} ${request.path} → ${request.status}`);
	last = gb.requests.length;
}, 250).unref();
const stop = () => void gb.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise(() => {});
