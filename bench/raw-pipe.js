/**
 * The floor: the cheapest possible Node hop. A node:http server that pipes each request to the
 * upstream unchanged (keep-alive agent) and pipes the answer back; a client abort aborts upstream.
 * No parsing, no translation. What ccr-tui adds beyond this is the cost of routing + translating.
 *   node bench/raw-pipe.js --upstream http://127.0.0.1:PORT [--port 0]   → prints {"url": …}
 */
import http from 'node:http';
import {pathToFileURL} from 'node:url';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'proxy-connection', 'upgrade', 'te', 'trailer']);

export async function startRawPipe({upstream, port = 0}) {
	const target = new URL(upstream);
	const agent = new http.Agent({keepAlive: true, maxSockets: 256});
	const server = http.createServer((req, res) => {
		const headers = {};
		for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
		const upstreamReq = http.request({agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers}, upstreamRes => {
			const out = {};
			for (const [name, value] of Object.entries(upstreamRes.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
			res.writeHead(upstreamRes.statusCode ?? 502, out);
			upstreamRes.pipe(res);
		});
		upstreamReq.on('error', () => {
			if (!res.headersSent) res.writeHead(502, {'content-type': 'application/json'});
			res.end('{"error":"upstream"}');
		});
		res.on('close', () => {
			if (!res.writableFinished) upstreamReq.destroy();
		});
		req.pipe(upstreamReq);
	});
	server.keepAliveTimeout = 60_000;
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	const address = server.address();
	return {
		url: `http://127.0.0.1:${address.port}`,
		port: address.port,
		close: () =>
			new Promise(resolve => {
				server.closeAllConnections();
				agent.destroy();
				server.close(() => resolve());
			}),
	};
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const args = process.argv.slice(2);
	const option = name => {
		const at = args.indexOf(`--${name}`);
		return at < 0 ? undefined : args[at + 1];
	};

	const pipe = await startRawPipe({upstream: option('upstream'), port: Number(option('port') ?? 0)});
	process.stdout.write(`${JSON.stringify({url: pipe.url, port: pipe.port, pid: process.pid})}\n`);
	const stop = () => {
		void pipe.close().then(() => process.exit(0));
	};

	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	process.on('disconnect', stop);
}
