/**
 * `ccr-tui add-gemini-balance`: add (or update) a Gemini Balance provider. Interactive: the same
 * wizard as the dashboard, as a standalone Ink app. With `--yes`: no prompts, each test step
 * printed, exit 0 saved / 1 failed (nothing saved) / 2 bad flags. The token is never printed.
 */
import {resolveConfigPath} from '../config/paths.js';
import {SCENARIOS, type Scenario} from '../config/schema.js';
import {ConfigStore} from '../config/store.js';
import {createCheckTransport} from '../proxy/check-transport.js';
import {runConnectionTest} from '../providers/connection-test.js';
import {modelSuffix} from '../providers/gemini-balance.js';
import {normalizeUrl} from '../providers/normalize-url.js';
import {GEMINI_BALANCE_API_INFO, isGeminiBalanceApi, PRESETS, type GeminiBalanceApi} from '../providers/presets.js';
import {testableProvider} from '../providers/provider-draft.js';
import {describeDiff} from '../providers/provider-diff.js';
import {previewProviderSave, saveProvider, type ProviderDraft} from '../providers/save-provider.js';
import {prefillFromConfig} from '../providers/wizard-prefill.js';
import {envRefName} from '../config/env-refs.js';
import {resolveToken, type WizardPrefill} from '../providers/wizard-state.js';
import {formatTestStep} from './print-test-steps.js';

export type AddGeminiBalanceOptions = {
	config?: string;
	url?: string;
	token?: string;
	/** Comma-separated model ids. */
	models?: string;
	/** Comma-separated scenarios. @default 'longContext' */
	route?: string;
	api?: string;
	name?: string;
	yes?: boolean;
	skipTest?: boolean;
	/** @default process.env */
	env?: NodeJS.ProcessEnv;
	stdout?: (text: string) => void;
	stderr?: (text: string) => void;
	/** Caps network deadlines (tests). */
	timeoutMs?: number;
};

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

export async function runAddGeminiBalance(options: AddGeminiBalanceOptions = {}): Promise<number> {
	const err = options.stderr ?? (text => process.stderr.write(text));
	const env = options.env ?? process.env;
	const api = options.api ?? 'v1';
	if (!isGeminiBalanceApi(api)) {
		err(`ccr-tui: --api must be 'v1' (/v1, Gemini Balance's own API, the default), 'openai' (/openai/v1) or 'native' (Gemini native /v1beta), not "${api}".\n`);
		return EXIT_USAGE;
	}

	const routes = parseList(options.route ?? 'longContext');
	const unknown = routes.filter(route => !(SCENARIOS as readonly string[]).includes(route));
	if (unknown.length > 0) {
		err(`ccr-tui: unknown route ${unknown.map(route => `"${route}"`).join(', ')}; use any of ${SCENARIOS.join(', ')}.\n`);
		return EXIT_USAGE;
	}

	const configPath = resolveConfigPath(options.config, env);
	let store: ConfigStore;
	try {
		// A failed or cancelled add must leave a missing file missing.
		store = new ConfigStore({path: configPath, env, watch: false, createIfMissing: false});
	} catch (error) {
		err(`ccr-tui: cannot open the config ${configPath}: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT_FAIL;
	}

	try {
		const issue = store.getSnapshot().issue;
		if (issue) {
			err(`ccr-tui: ${issue.message}\nFix the file first; nothing was changed.\n`);
			return EXIT_FAIL;
		}

		if (options.yes) return await nonInteractive(store, {...options, api}, routes as Scenario[], env);
		if (!process.stdin.isTTY || !process.stdout.isTTY) {
			err(
				'ccr-tui: add-gemini-balance needs a terminal to ask its questions.\n' +
					"For scripts, pass everything as flags: --url http://127.0.0.1:8000 --token '$GB_TOKEN' --models gemini-2.5-pro --yes\n",
			);
			return EXIT_USAGE;
		}

		// React's production build: the development one is much slower (see cli.tsx); set before React loads.
		process.env['NODE_ENV'] ??= 'production';
		const {runWizardApp} = await import('./add-gemini-balance-app.js');
		const initial: WizardPrefill = {
			url: options.url,
			token: options.token,
			api: options.api === undefined ? undefined : api,
			models: options.models === undefined ? undefined : parseList(options.models),
		};
		return await runWizardApp({store, initial, env, skipTest: options.skipTest ?? false, stdout: options.stdout, stderr: err});
	} finally {
		store.close();
	}
}

// Over 60 lines: a linear script of steps, each printed as it happens.
async function nonInteractive(store: ConfigStore, options: AddGeminiBalanceOptions & {api: GeminiBalanceApi}, routes: Scenario[], env: NodeJS.ProcessEnv): Promise<number> {
	const out = options.stdout ?? (text => process.stdout.write(text));
	const err = options.stderr ?? (text => process.stderr.write(text));
	const snapshot = store.getSnapshot();
	const existing = prefillFromConfig(snapshot.config, snapshot.raw, 'gemini-balance', options.api);

	const normalized = normalizeUrl(options.url ?? existing.url ?? PRESETS['gemini-balance'].defaultUrl, {kind: 'gemini-balance', api: options.api});
	if (!normalized.ok) {
		err(`ccr-tui: --url: ${normalized.error}${normalized.hint ? ` ${normalized.hint}` : ''}\n`);
		return EXIT_USAGE;
	}

	const {endpoint} = normalized;
	const tokenInput = (options.token ?? existing.token ?? '').trim();
	if (tokenInput === '') {
		err("ccr-tui: --token is required with --yes: one of Gemini Balance's ALLOWED_TOKENS, or a reference such as '$GB_TOKEN' (single quotes keep the shell from expanding it).\n");
		return EXIT_USAGE;
	}

	const envName = envRefName(tokenInput);
	const token = resolveToken(tokenInput, env);
	if (envName && token === undefined) {
		err(`ccr-tui: --token refers to $${envName}, which is not set in this shell. export ${envName}=… first.\n`);
		return EXIT_USAGE;
	}

	// Re-running merges: the existing provider's models and keys stay, the given ones are added.
	const models = options.models === undefined ? [...(existing.models ?? [])] : parseList(options.models);
	if (models.length === 0) {
		err('ccr-tui: --models is required with --yes, e.g. --models gemini-2.5-pro,gemini-2.5-flash-search\n');
		return EXIT_USAGE;
	}

	const routed = assignRoutes(routes, models, out);
	const draft: ProviderDraft = {preset: 'gemini-balance', endpoint, keys: [tokenInput], models, routes: routed, name: options.name, merge: {removedModels: []}};
	const preview = previewProviderSave(snapshot, draft);
	const notes = normalized.notes.length > 0 ? ` (${normalized.notes.join('; ')})` : '';
	out(`Gemini Balance at ${endpoint.root}${notes}, API ${GEMINI_BALANCE_API_INFO[endpoint.api ?? 'v1'].label}\n`);
	out(`Changes: ${describeDiff(preview.diff, preview.impact).join('; ')}\n`);

	if (options.skipTest) {
		out('Connection test skipped (--skip-test).\n');
	} else {
		const failed = await testDraft(preview.provider, routed.longContext ?? models.find(id => !modelSuffix(id)) ?? models[0]!, {store, env, options, out});
		if (failed) {
			err(`ccr-tui: the connection test failed${failed}. Nothing was saved.\n`);
			return EXIT_FAIL;
		}
	}

	try {
		const {plan, notice} = saveProvider(store, draft);
		out(`Saved: ${plan.reason} in ${store.path}\n`);
		if (notice) out(`  ▲ ${notice}\n`);
		for (const [scenario, model] of Object.entries(routed)) out(`  Router.${scenario} = "${plan.name},${model}"\n`);
		out('A running ccr-tui picks this up with the next request (no restart).\n');
		return EXIT_OK;
	} catch (error) {
		err(`ccr-tui: not saved: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT_FAIL;
	}
}

/** Test the provider object the save will write, through the proxy's network path. Returns the failure, if any. */
async function testDraft(
	raw: Record<string, unknown>,
	model: string,
	context: {store: ConfigStore; env: NodeJS.ProcessEnv; options: AddGeminiBalanceOptions; out: (text: string) => void},
): Promise<string | undefined> {
	const {store, env, options, out} = context;
	out(`Testing with ${model}:\n`);
	const transport = createCheckTransport({proxyUrl: () => store.getSnapshot().config.PROXY_URL, env});
	try {
		const provider = testableProvider(raw, env);
		const result = await runConnectionTest(provider, {
			model,
			timeoutMs: options.timeoutMs,
			fetch: transport.fetch,
			onStep: step => {
				if (step.status !== 'running') out(formatTestStep(step));
			},
		});
		if (result.models) {
			const listed = new Set(result.models.map(id => id.replace(/^models\//, '')));
			const missing = provider.models.filter(id => !listed.has(id) && !(id.endsWith('-non-thinking') && listed.has(id.slice(0, -'-non-thinking'.length))));
			if (missing.length > 0) out(`  ▲ not listed by this server: ${missing.join(', ')} (each failed request counts against Gemini Balance's keys)\n`);
		}

		if (result.status !== 'fail') return undefined;
		const failed = result.steps.find(step => step.status === 'fail');
		return failed ? ` at "${failed.label}": ${failed.detail ?? ''}` : '';
	} finally {
		await transport.close();
	}
}

/**
 * Each route gets the first fitting model: a `-search` one for webSearch, an `-image` one for image
 * (falling back to a plain model), the first plain model for the rest.
 */
function assignRoutes(routes: Scenario[], models: string[], out: (text: string) => void): Partial<Record<Scenario, string>> {
	const plain = models.find(id => !modelSuffix(id)) ?? models[0]!;
	const assigned: Partial<Record<Scenario, string>> = {};
	for (const route of routes) {
		if (route === 'webSearch') {
			const search = models.find(id => modelSuffix(id) === 'search');
			if (!search) out(`  ▲ webSearch: no -search model in --models; using ${plain} (answers without Google Search grounding)\n`);
			assigned[route] = search ?? plain;
		} else if (route === 'image') {
			assigned[route] = models.find(id => modelSuffix(id) === 'image') ?? plain;
		} else {
			assigned[route] = plain;
		}
	}

	return assigned;
}

function parseList(value: string): string[] {
	return [
		...new Set(
			value
				.split(',')
				.map(item => item.trim())
				.filter(Boolean),
		),
	];
}
