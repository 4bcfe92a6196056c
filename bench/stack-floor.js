/**
 * Floors for the stack ccr-tui is built on, to tell "the cost of the stack" from "the cost of our
 * code" (non-stream latency phase only):
 *   --mode proxy      h3 2 (node:http + toNodeHandler, like ccr-tui) with h3's own `proxyRequest`:
 *                     the framework floor of the reference method.
 *   --mode json       h3 2 + undici doing the least any translating proxy must: read the body,
 *                     JSON.parse it, JSON.stringify it upstream (keep-alive), read the answer,
 *                     JSON.parse it, JSON.stringify it back. No routing, validation or translation.
 *   --mode node-json  the same JSON work on plain node:http server and client (no h3, no undici).
 *   node bench/stack-floor.js --upstream http://127.0.0.1:PORT --mode proxy|json|node-json [--port 0]  → prints {"url": …}
 */
import http from 'node:http';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {H3, HTTPResponse, proxyRequest} from 'h3';
import {toNodeHandler} from 'h3/node';

const require = createRequire(import.meta.url);

export async function startStackFloor({upstream, mode, port = 0}) {
	const app = new H3();
	if (mode === 'proxy') {
		app.post('/**', event => proxyRequest(event, `${upstream}${event.url.pathname}`));
	} else if (mode === 'json') {
		const undici = require('undici');
		const agent = new undici.Agent({keepAliveTimeout: 30_000});
		const target = new URL('/v1/chat/completions', upstream);
		app.post('/**', async event => {
			const node = event.runtime.node.req;
			const chunks = [];
			for await (const chunk of node) chunks.push(chunk);
			const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			const answer = await undici.request(target, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(request), dispatcher: agent});
			const parsed = JSON.parse(await answer.body.text());
			return new HTTPResponse(JSON.stringify(parsed), {status: answer.statusCode, headers: {'content-type': 'application/json'}});
		});
	}

	const server = http.createServer(mode === 'node-json' ? nodeJson(upstream) : toNodeHandler(app));
	server.keepAliveTimeout = 60_000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const address = server.address();
	return {url: `http://127.0.0.1:${address.port}`, port: address.port, close: () => new Promise(resolve => server.close(() => resolve()))};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const argv = process.argv.slice(2);
	const option = name => argv[argv.indexOf(`--${name}`) + 1];
	const started = await startStackFloor({upstream: option('upstream'), mode: option('mode') ?? 'json', port: Number(argv.includes('--port') ? option('port') : 0)});
	process.stdout.write(`${JSON.stringify({url: started.url, port: started.port, pid: process.pid})}\n`);
}

/** node:http in, node:http out (keep-alive agent), JSON parsed and re-serialized both ways. */
function nodeJson(upstream) {
	const agent = new http.Agent({keepAlive: true});
	const target = new URL('/v1/chat/completions', upstream);
	return (req, res) => {
		const chunks = [];
		req.on('data', c => chunks.push(c));
		req.on('end', () => {
			const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			const up = http.request(target, {method: 'POST', agent, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}}, ures => {
				const parts = [];
				ures.on('data', c => parts.push(c));
				ures.on('end', () => {
					const out = JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8')));
					res.writeHead(ures.statusCode, {'content-type': 'application/json', 'content-length': Buffer.byteLength(out)});
					res.end(out);
				});
			});
			up.end(body);
		});
	};
}
