/**
 * `ccr-tui test [provider] [--model m]`: run the connection test and print each step as it
 * finishes. Exit 0 when every test passed, 3 when one passed with warnings, 1 when one failed.
 */
import {parseRouteTarget, SCENARIOS, type Config, type ProviderConfig} from '../config/schema.js';
import {createCheckTransport} from '../proxy/check-transport.js';
import {runConnectionTest, type ConnectionTestOptions, type TestResult} from '../providers/connection-test.js';
import {formatTestStep} from './print-test-steps.js';
import {readConfig} from './read-config.js';

export type TestOptions = {
	config?: string;
	provider?: string;
	model?: string;
	/** @default process.env */
	env?: NodeJS.ProcessEnv;
	stdout?: (text: string) => void;
	stderr?: (text: string) => void;
	/** Caps network deadlines (tests). */
	timeoutMs?: number;
	signal?: AbortSignal;
};

const EXIT_PASS = 0;
const EXIT_FAIL = 1;
const EXIT_WARN = 3;

export async function runTest(options: TestOptions = {}): Promise<number> {
	const out = options.stdout ?? (text => process.stdout.write(text));
	const err = options.stderr ?? (text => process.stderr.write(text));
	const read = readConfig(options.config, options.env ?? process.env);
	if (!read.ok) {
		err(`ccr-tui: ${read.issue.message}\n`);
		return EXIT_FAIL;
	}

	const {config} = read;
	if (config.Providers.length === 0) {
		err(`ccr-tui: no providers in ${read.path}.\nAdd one with \`ccr-tui add-gemini-balance\`, or from the dashboard (\`ccr-tui\`, then a).\n`);
		return EXIT_FAIL;
	}

	let providers = config.Providers;
	if (options.provider) {
		const wanted = options.provider.toLowerCase();
		providers = config.Providers.filter(provider => provider.name.toLowerCase() === wanted);
		if (providers.length === 0) {
			err(`ccr-tui: no provider named "${options.provider}" in ${read.path}. Known: ${config.Providers.map(provider => provider.name).join(', ')}.\n`);
			return EXIT_FAIL;
		}
	}

	const results: TestResult[] = [];
	// The proxy's own network path: its dispatcher, PROXY_URL / HTTPS_PROXY / NO_PROXY, its connect timeout.
	const transport = createCheckTransport({proxyUrl: () => config.PROXY_URL, env: options.env ?? process.env});
	try {
		for (const provider of providers) results.push(await testOne(config, provider, options, out, transport.fetch));
	} finally {
		await transport.close();
	}

	if (results.length > 1) {
		const failed = results.filter(result => result.status === 'fail').map(result => result.provider);
		const warned = results.filter(result => result.status === 'warn').map(result => result.provider);
		out(
			`${results.length} providers: ${results.length - failed.length - warned.length} passed${warned.length > 0 ? `, ${warned.length} with warnings (${warned.join(', ')})` : ''}${failed.length > 0 ? `, ${failed.length} failed (${failed.join(', ')})` : ''}\n`,
		);
	}

	if (results.some(result => result.status === 'fail')) return EXIT_FAIL;
	if (results.some(result => result.status === 'warn')) return EXIT_WARN;
	return EXIT_PASS;
}

async function testOne(config: Config, provider: ProviderConfig, options: TestOptions, out: (text: string) => void, fetch: ConnectionTestOptions['fetch']): Promise<TestResult> {
	const model = options.model ?? defaultModel(config, provider);
	out(`${provider.name}  ${provider.api_base_url}${model ? `  (model ${model})` : ''}\n`);
	const result = await runConnectionTest(provider, {
		model,
		timeoutMs: options.timeoutMs,
		signal: options.signal,
		fetch,
		onStep: step => {
			if (step.status !== 'running') out(formatTestStep(step));
		},
	});
	const dead = result.keys?.filter(key => !key.works).map(key => key.label) ?? [];
	const working = result.keys?.filter(key => key.works).map(key => key.label) ?? [];
	if (result.keys && working.length > 0 && dead.length > 0) {
		out(`  ▲ key pool: ${working.length} of ${result.keys.length} keys work (${working.join(', ')}); dead: ${dead.join(', ')}\n`);
	}

	out(`  → ${result.status === 'pass' ? 'passed' : result.status === 'warn' ? 'passed with warnings' : 'FAILED'}\n\n`);
	return result;
}

/** The model the user relies on: the first route pointing at this provider, else its first model. */
function defaultModel(config: Config, provider: ProviderConfig): string | undefined {
	for (const scenario of SCENARIOS) {
		const target = parseRouteTarget(config.Router[scenario]);
		if (target?.provider === provider.name && target.model) return target.model;
	}

	return provider.models[0];
}
