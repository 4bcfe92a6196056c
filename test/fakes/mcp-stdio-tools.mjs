#!/usr/bin/env node
/**
 * A minimal MCP server over stdio (newline-delimited JSON-RPC) for end-to-end runs with Claude
 * Code: `lookup` has parameters named like JSON Schema keywords (`examples`, required), `silent`
 * returns an empty result. Tests only.
 */
import {createInterface} from 'node:readline';

const TOOLS = [
	{
		name: 'lookup',
		description: 'Look a query up; give sample phrasings in examples.',
		inputSchema: {
			type: 'object',
			properties: {query: {type: 'string'}, examples: {type: 'array', items: {type: 'string'}, description: 'sample phrasings'}},
			required: ['query', 'examples'],
		},
	},
	{name: 'silent', description: 'Does its work and prints nothing.', inputSchema: {type: 'object', properties: {}}},
];

function answer(id, result) {
	process.stdout.write(`${JSON.stringify({jsonrpc: '2.0', id, result})}\n`);
}

function callTool(name, args) {
	if (name === 'lookup') {
		const examples = Array.isArray(args?.examples) ? args.examples.length : 'missing';
		return {content: [{type: 'text', text: `lookup ok: q=${args?.query} examples=${examples}`}]};
	}

	return {content: [{type: 'text', text: ''}]};
}

createInterface({input: process.stdin}).on('line', line => {
	let message;
	try {
		message = JSON.parse(line);
	} catch {
		return;
	}

	if (message.id === undefined) return;
	switch (message.method) {
		case 'initialize':
			return answer(message.id, {protocolVersion: message.params?.protocolVersion ?? '2025-06-18', capabilities: {tools: {}}, serverInfo: {name: 't', version: '1.0.0'}});
		case 'tools/list':
			return answer(message.id, {tools: TOOLS});
		case 'tools/call':
			return answer(message.id, callTool(message.params?.name, message.params?.arguments));
		default:
			process.stdout.write(`${JSON.stringify({jsonrpc: '2.0', id: message.id, error: {code: -32601, message: 'method not found'}})}\n`);
	}
});
