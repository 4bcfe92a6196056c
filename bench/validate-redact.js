/**
 * Request validation and secret redaction, timed (not a test): `npm run build && node bench/validate-redact.js`.
 * The budgets the security tests used to assert live here; the tests now check only that the work is
 * linear (a megabyte of adversarial text, a million messages), which a busy machine cannot fail.
 *   validate  5,000 messages of 200 characters (the old test's body), then a million one-character messages
 *   redact    a megabyte of prose (the old test's text), then the near misses the test feeds the shapes
 * Targets: validate 5,000 messages ≤ 1,000 ms; redact the megabyte of prose ≤ 200 ms (the old asserts).
 * Flags: --json (machine-readable output only).
 */
import {configSchema} from '../dist/config/schema.js';
import {createRedactor} from '../dist/config/redact.js';
import {validateMessagesRequest} from '../dist/proxy/validate-request.js';

const json = process.argv.includes('--json');
const MEGABYTE = 1 << 20;

/** Median wall time of `runs` calls, in ms (one call first, to warm up). */
function median(runs, work) {
	work();
	const times = [];
	for (let index = 0; index < runs; index++) {
		const started = performance.now();
		work();
		times.push(performance.now() - started);
	}

	times.sort((a, b) => a - b);
	return Number(times[Math.floor(times.length / 2)].toFixed(2));
}

function messagesBody(count, text) {
	return {model: 'm', max_tokens: 1024, messages: Array.from({length: count}, (_, index) => ({role: index % 2 ? 'assistant' : 'user', content: [{type: 'text', text}]}))};
}

function must(ok, what) {
	if (!ok) throw new Error(`${what}: wrong result`);
}

const small = messagesBody(5000, 'x'.repeat(200));
const million = {model: 'm', max_tokens: 1024, messages: Array.from({length: 1_000_000}, (_, index) => ({role: index % 2 ? 'assistant' : 'user', content: 'x'}))};
const validate = {
	messages5k: median(9, () => must(validateMessagesRequest(small).ok, 'validate 5k')),
	messages1m: median(3, () => must(validateMessagesRequest(million).ok, 'validate 1m')),
};

const redact = createRedactor(
	configSchema.parse({APIKEY: 'proxy-apikey-0001', Providers: [{name: 'ds', api_base_url: 'https://api.deepseek.com/v1', api_key: 'ds-key-aaaaaaaaaaaa1111', models: ['m']}]}),
);
const texts = {
	prose: 'lorem ipsum dolor sit amet '.repeat(40_000),
	longToken: 'A'.repeat(MEGABYTE),
	bearerNoDigit: `bearer ${'a'.repeat(MEGABYTE)}`,
	userInfoNoAt: `a://${'b'.repeat(MEGABYTE / 2)}:${'c'.repeat(MEGABYTE / 2)}`,
	keyPrefixes: 'sk-abcdefg AIzaabcdefghijklmnopqrs '.repeat(MEGABYTE / 35),
	keyFragment: 'ds-key-aaaaaaaa '.repeat(MEGABYTE / 16),
};
const redactMs = Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, median(9, () => must(redact(text) === text, name))]));

const results = {node: process.version, validateMs: validate, redactMs};
if (json) console.log(JSON.stringify(results, null, 2));
else {
	console.log(`validate-redact (node ${results.node})`);
	console.log(`validate  5,000 messages × 200 chars  ${validate.messages5k} ms  (target ≤ 1,000 ms)`);
	console.log(`          1,000,000 messages (32 MB)   ${validate.messages1m} ms`);
	for (const [name, ms] of Object.entries(redactMs)) console.log(`redact    ${name.padEnd(15)} 1 MB  ${ms} ms${name === 'prose' ? '  (target ≤ 200 ms)' : ''}`);
}
