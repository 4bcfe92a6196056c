import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createLogFile} from '../../source/activity/log-file.js';
import {followActivity} from '../../source/commands/start.js';
import {createRedactor} from '../../source/config/redact.js';
import {echoSecrets, keyOf} from '../fakes/faulty-upstream.js';
import {answer, startSse, writeChunk} from '../fakes/openai-upstream.js';
import {startHarness, type Harness} from '../helpers/proxy-harness.js';
import {App} from '../../source/ui/app.js';
import {keys} from '../helpers/keys.js';
import {tempDir} from '../helpers/temp-dir.js';
import {settle, waitFor} from '../helpers/wait-for.js';
import {clientWith, fastTimings, outcome, params, rawMessages, recordFault} from './fault-kit.js';

/** Fake secrets in shapes no generic pattern knows: only config-aware redaction can catch them. */
const SECRETS = {
	poolA: 'planted-pool-key-AAAA1111',
	poolB: 'planted-pool-key-BBBB2222',
	proxy: 'planted-proxy-key-CCCC3333',
	query: 'planted-query-key-DDDD4444',
	env: 'planted-env-key-EEEE5555',
	header: 'planted-header-token-FFFF6666',
	shaped: 'sk-planted0000shaped0000GGGG7777',
} as const;
const ALL = Object.values(SECRETS);

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('redaction', () => {
	it('planted keys appear in no activity event, headless log line, log-file line or client error body', async () => {
		const dir = tempDir();
		const upstream = (req: Parameters<typeof keyOf>[0], res: Parameters<ReturnType<typeof echoSecrets>>[1]) => {
			const body = JSON.stringify(req.body ?? {});
			// Scenario 1: pool key A is "wrong", key B hits a server error; both bodies quote every secret.
			if (body.includes('"error-please"')) {
				return echoSecrets(keyOf(req) === SECRETS.poolA ? 401 : 500, ALL)(req, res);
			}

			// Scenario 2: a mid-stream error event quoting the secrets.
			if (body.includes('"midstream-please"')) {
				startSse(res);
				writeChunk(res, {id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{index: 0, delta: {content: 'partial '}, finish_reason: null}]});
				writeChunk(res, {error: {message: `stream failed for key ${keyOf(req)}; also ${ALL.join(' ')}`, code: 500}});
				res.end();
				return;
			}

			// Scenario 3: a Gemini-style URL key, rejected with a quote of the URL.
			if (req.url.includes('key=')) {
				return echoSecrets(400, [`${req.url}`, ...ALL])(req, res);
			}

			return answer({text: 'fine'})(req, res);
		};

		harness = await startHarness({
			timings: fastTimings,
			upstream,
			env: {PLANTED_ENV: SECRETS.env},
			config: url => ({
				APIKEY: SECRETS.proxy,
				LOG: true,
				LOG_LEVEL: 'debug',
				Providers: [
					{
						name: 'pool',
						api_base_url: `${url}/v1/chat/completions`,
						api_key: [SECRETS.poolA, SECRETS.poolB],
						models: ['m'],
						max_retries: 0,
						headers: {'X-Api-Token': SECRETS.header},
					},
					{name: 'gem', api_base_url: `${url}/v1/chat/completions?key=${SECRETS.query}`, api_key: '$PLANTED_ENV', models: ['g']},
					{name: 'shaped', api_base_url: `${url}/v1/chat/completions`, api_key: SECRETS.shaped, models: ['s']},
				],
				Router: {default: 'pool,m'},
			}),
		});
		const h = harness;
		const redact = (text: string) => createRedactor(h.store.getSnapshot().config)(text);
		const headless: string[] = [];
		const stopHeadless = followActivity(h.bus, line => headless.push(redact(line)));
		const logPath = path.join(dir, 'claude-code-router.log');
		const logFile = createLogFile({path: logPath, bus: h.bus, redact, level: 'debug'});
		const client = clientWith(h, {apiKey: SECRETS.proxy});
		const seenByClient: string[] = [];
		const started = performance.now();

		// 1. Upstream error bodies quoting secrets (401 on key A → key disabled; 500 on key B).
		const errored = await outcome(() => client.messages.create({...params, messages: [{role: 'user', content: 'error-please'}]}));
		expect(errored.ok).toBe(false);
		if (!errored.ok) seenByClient.push(errored.message, JSON.stringify(errored.error.error));

		// 2. Mid-stream error event quoting secrets.
		const streamed = await rawMessages(h, {...params, stream: true, messages: [{role: 'user', content: 'midstream-please'}]}, {'x-api-key': SECRETS.proxy});
		expect(streamed.events.at(-1)?.event).toBe('error');
		seenByClient.push(streamed.text);

		// 3. Provider with `?key=` in its URL and a key from the environment.
		const gem = await rawMessages(h, {...params, model: 'gem,g'}, {'x-api-key': SECRETS.proxy});
		expect(gem.status).toBe(400);
		seenByClient.push(gem.text);

		// 4. A prompt quoting a key: the debug body in the log file is redacted too.
		await client.messages.create({...params, messages: [{role: 'user', content: `why does ${SECRETS.poolB} fail?`}]});

		// 5. A well-known key shape quoted back.
		h.upstream.setHandler(echoSecrets(403, [SECRETS.shaped]));
		const shaped = await rawMessages(h, {...params, model: 'shaped,s'}, {'x-api-key': SECRETS.proxy});
		seenByClient.push(shaped.text);

		// 6. The proxy's own auth errors never echo what the client sent.
		const wrong = await rawMessages(h, params, {'x-api-key': SECRETS.poolA});
		expect(wrong.status).toBe(401);
		seenByClient.push(wrong.text);

		await logFile.close();
		stopHeadless();
		const ms = Math.round(performance.now() - started);
		const frames = await renderFrames(h);

		// Sanity: the secrets really reached the places that could leak them.
		expect(h.upstreamRequests.some(request => request.headers['authorization'] === `Bearer ${SECRETS.poolA}`)).toBe(true);
		expect(h.upstreamRequests.some(request => request.headers['authorization'] === `Bearer ${SECRETS.env}` && request.url.includes(SECRETS.query))).toBe(true);
		expect(h.upstreamRequests.some(request => request.headers['x-api-token'] === SECRETS.header)).toBe(true);

		const places = {
			// `request:debug` carries raw bodies for the log file only (which redacts them); nothing renders it.
			'activity events (TUI source)': h.events.filter(event => (event.type as string) !== 'request:debug').map(event => JSON.stringify(event)),
			'activity store snapshot': [JSON.stringify(h.activity.getSnapshot())],
			'headless log lines': headless,
			'log file lines': fs.readFileSync(logPath, 'utf8').split('\n'),
			'client-visible bodies': seenByClient,
			'TUI frames': frames,
		};
		const hits: string[] = [];
		for (const [place, texts] of Object.entries(places)) {
			for (const text of texts) {
				for (const secret of ALL) if (text.includes(secret)) hits.push(`${place}: ${secret} in ${text.slice(0, 300)}`);
				// Any fragment (a truncated key in a narrow column) counts too.
				if (/planted|AAAA1111|BBBB2222|CCCC3333|DDDD4444|EEEE5555|FFFF6666|GGGG7777/.test(text)) hits.push(`${place}: fragment in ${text.slice(0, 300)}`);
			}
		}

		expect(hits).toEqual([]);
		// The masks are there instead (so the check above is not vacuous).
		expect(places['client-visible bodies'].join('\n')).toContain('••••1111');
		expect(places['log file lines'].length).toBeGreaterThan(3);
		expect(places['log file lines'].join('\n')).toContain('why does ••••2222 fail?');
		expect(frames.join('\n')).toContain('Incorrect API key');
		recordFault(
			'planted keys (pool, APIKEY, ?key=, $ENV, header, sk-…) echoed by upstream errors',
			`0 hits in ${Object.values(places).flat().length} events / log lines / bodies`,
			ms,
		);
	});
});

/**
 * Every screen that shows request or provider details: the dashboard, each recent request's
 * detail view and the providers panel, rendered wide so nothing is hidden by truncation.
 */
async function renderFrames(h: Harness): Promise<string[]> {
	const instance = render(<App store={h.store} activity={h.activity} listenUrl={h.proxyUrl} env={{}} />);
	Object.defineProperty(instance.stdout, 'columns', {value: 220, configurable: true});
	Object.defineProperty(instance.stdout, 'rows', {value: 60, configurable: true});
	instance.stdout.emit('resize');
	const frames: string[] = [];
	const press = async (key: string) => {
		await settle();
		instance.stdin.write(key);
		await settle();
		frames.push(instance.lastFrame() ?? '');
	};

	try {
		await waitFor(() => (instance.lastFrame() ?? '').includes('Routes'));
		frames.push(instance.lastFrame() ?? '');
		await press('2');
		for (let index = 0; index < h.activity.getSnapshot().recent.length; index++) {
			await press(keys.enter);
			await press(keys.escape);
			await press(keys.down);
		}

		await press('3');
		for (let index = 0; index < 3; index++) await press(keys.down);
	} finally {
		instance.unmount();
	}

	return frames;
}
