// A strict OpenAI chat-completions fake for trying the real Claude Code through ccr-tui by hand:
//   node test/fakes/run-claude-code-upstream.mjs PORT LOG.jsonl
// Model `searchy` uses WebSearch (below); model `tooler` calls Bash with the id `call_a1` on every turn until 12 tool results are in the
// history, as providers that reuse ids do; any other model answers "answered by <model>". Tool
// messages must pair with the preceding assistant tool_calls (400 otherwise, like OpenAI).
import fs from 'node:fs';
import http from 'node:http';

const [port = '0', log = '/dev/null'] = process.argv.slice(2);
const TOOL_TURNS = 12;

function pairingError(messages) {
	let open;
	for (const message of messages) {
		if (message.role === 'tool') {
			if (!open?.delete(message.tool_call_id)) return `messages with role 'tool' must be a response to a preceeding message with 'tool_calls'`;
			continue;
		}
		if (open?.size) return `tool_call_ids did not have response messages: ${[...open].join(', ')}`;
		open = message.role === 'assistant' && message.tool_calls?.length ? new Set(message.tool_calls.map(call => call.id)) : undefined;
	}
	return undefined;
}

function reply(body) {
	const results = body.messages.filter(message => message.role === 'tool').length;
	if (body.model === 'tooler' && body.tools?.some(tool => tool.function?.name === 'Bash') && results < TOOL_TURNS) {
		return {tool: {id: 'call_a1', name: 'Bash', arguments: JSON.stringify({command: `echo turn-${results + 1}`, description: `turn ${results + 1}`})}};
	}
	// `searchy` makes Claude Code use its WebSearch tool (2.1.332 loads it through ToolSearch first).
	const has = name => body.tools?.some(tool => tool.function?.name === name);
	const called = name => body.messages.some(message => message.tool_calls?.some(call => call.function?.name === name));
	if (body.model === 'searchy' && has('WebSearch') && !called('WebSearch')) {
		return {tool: {id: 'call_a1', name: 'WebSearch', arguments: JSON.stringify({query: 'ccr-tui claude code router'})}};
	}
	if (body.model === 'searchy' && has('ToolSearch') && !called('ToolSearch') && !has('WebSearch')) {
		return {tool: {id: 'call_a1', name: 'ToolSearch', arguments: JSON.stringify({query: 'select:WebSearch'})}};
	}
	return {text: `answered by ${body.model} after ${results} tool results`};
}

http
	.createServer((req, res) => {
		const chunks = [];
		req.on('data', chunk => chunks.push(chunk));
		req.on('end', () => {
			const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
			fs.appendFileSync(log, `${JSON.stringify({url: req.url, body})}\n`);
			const problem = pairingError(body.messages ?? []);
			if (problem) {
				res.writeHead(400, {'content-type': 'application/json'});
				res.end(JSON.stringify({error: {message: problem, type: 'invalid_request_error'}}));
				return;
			}
			const answer = reply(body);
			const base = {id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: body.model};
			const delta = (value, finish = null) => `data: ${JSON.stringify({...base, choices: [{index: 0, delta: value, finish_reason: finish}]})}\n\n`;
			res.writeHead(200, {'content-type': 'text/event-stream'});
			res.write(delta({role: 'assistant', content: ''}));
			if (answer.tool) {
				res.write(delta({tool_calls: [{index: 0, id: answer.tool.id, type: 'function', function: {name: answer.tool.name, arguments: answer.tool.arguments}}]}));
				res.write(delta({}, 'tool_calls'));
			} else {
				res.write(delta({content: answer.text}));
				res.write(delta({}, 'stop'));
			}
			res.write(`data: ${JSON.stringify({...base, choices: [], usage: {prompt_tokens: 10, completion_tokens: 5, total_tokens: 15}})}\n\n`);
			res.end('data: [DONE]\n\n');
		});
	})
	.listen(Number(port), '127.0.0.1', function () {
		console.log(`fake upstream on http://127.0.0.1:${this.address().port}`);
	});
