/**
 * The connection test (contract 5): reachability, auth + model list, model listed, one tiny
 * streamed completion. Stops at the first hard failure. Never sends a made-up model name: Gemini
 * Balance counts every failed request against its real keys.
 */
import {sanitizeTerminalText} from '../activity/sanitize.js';
import {envRefName, isEnvRef} from '../config/env-refs.js';
import type {ProviderConfig} from '../config/schema.js';
import {describeCompletion, probeCompletion, type CompletionMetrics} from './completion-probe.js';
import {formatDuration} from '../text/format.js';
import {isListedOnGeminiBalance} from './gemini-balance.js';
import {describeKeyPool, fetchKeyPoolStatus} from './key-pool-status.js';
import {describeModelList, fetchModelList} from './model-list.js';
import {targetForProvider, type ProbeTarget} from './provider-target.js';
import {checkReachability, type CheckOptions} from './reachability.js';
import type {HttpFetch} from './http.js';
import {maskSecret, redactorFor} from '../config/redact.js';
import {worstStatus, type StepOutcome, type TestStep} from './test-step.js';

export type {TestStep} from './test-step.js';

export type TestResult = {
	status: 'pass' | 'warn' | 'fail';
	steps: TestStep[];
	provider: string;
	/** The model the completion used (or would have). */
	model?: string;
	/** Every id the model list offered (undefined when it was not fetched). */
	models?: string[];
	metrics?: CompletionMetrics;
	/** One line for rows and logs. */
	summary: string;
	/** Per key of a pool (two or more keys): masked label and whether it works. */
	keys?: KeyCheck[];
	finishedAt: number;
};

export type ConnectionTestOptions = {
	/** Model for the completion. @default first of provider.models */
	model?: string;
	signal?: AbortSignal;
	/** Called when a step starts ('running') and when it finishes. */
	onStep?: (step: TestStep) => void;
	/** Caps every deadline (defaults: 5 s reach, 15 s models, 30 s headers / 60 s total completion). */
	timeoutMs?: number;
	/** Run the completion even when the model is not listed (the user insisted). */
	allowUnlisted?: boolean;
	/** Stop after reachability and the auth + model list step: nothing is spent (`ccr-tui doctor`). */
	quick?: boolean;
	/** The network path: the proxy's own dispatcher in the CLI and the dashboard (see proxy/check-transport). */
	fetch?: HttpFetch;
};

/** What the per-key checks of a pool found (undefined for a single key). */
type KeyCheck = {readonly label: string; readonly works: boolean};

const LABELS = {
	reach: 'Reachable',
	models: 'Auth and model list',
	model: 'Model listed',
	completion: 'Streamed completion',
	keys: 'Key pool',
} as const;
type StepId = keyof typeof LABELS;

// Over 60 lines: the test steps in order, each feeding the next.
export async function runConnectionTest(provider: ProviderConfig, options: ConnectionTestOptions = {}): Promise<TestResult> {
	let target = targetForProvider(provider);
	const model = options.model ?? provider.models[0];
	const steps: TestStep[] = [];
	const redact = redactorFor([target.apiKey, provider.admin_token, ...(Array.isArray(provider.api_key) ? provider.api_key : [provider.api_key])]);
	const run = async (id: StepId | `key-${number}`, check: () => Promise<StepOutcome> | StepOutcome, label: string = LABELS[id as StepId]): Promise<TestStep> => {
		const started = performance.now();
		options.onStep?.({id, label, status: 'running'});
		const outcome = await check();
		const step: TestStep = {
			id,
			label,
			status: outcome.status,
			durationMs: Math.round(outcome.durationMs ?? performance.now() - started),
			// Details quote what servers answered: shown in the dashboard and printed by `ccr-tui test`.
			detail: sanitizeTerminalText(redact(outcome.detail)),
			...(outcome.hint ? {hint: sanitizeTerminalText(redact(outcome.hint))} : {}),
		};
		steps.push(step);
		options.onStep?.(step);
		return step;
	};

	let keys: KeyCheck[] | undefined;
	const finish = (models?: string[], metrics?: CompletionMetrics): TestResult => {
		const status = worstStatus(steps);
		return {status, steps, provider: provider.name, model, models, metrics, summary: summarize(target, steps, status), finishedAt: Date.now(), keys};
	};

	const check = {timeoutMs: options.timeoutMs, signal: options.signal, fetch: options.fetch};
	const reach = await run('reach', () => checkReachability(target.endpoint, check));
	if (reach.status === 'fail') return finish();
	// Also when a later step fails: an exhausted key pool is a likely reason.
	const done = async (models?: string[], metrics?: CompletionMetrics): Promise<TestResult> => {
		if (provider.admin_token && target.endpoint.kind === 'gemini-balance') await run('keys', () => checkKeyPool(target, provider.admin_token!, check));
		return finish(models, metrics);
	};

	if (target.keys.length > 1) {
		const pool = await checkPool(target, check, run);
		keys = pool.checks;
		// The remaining steps use a key that works (the first one when none does: its error explains).
		if (pool.working) target = {...target, apiKey: pool.working, missingEnv: undefined};
	}

	const list = await fetchModelList(target, check);
	const listed = await run('models', () => describeModelList(list, target));
	if (listed.status === 'fail' && !(list.kind === 'null' && options.allowUnlisted)) return done();
	const ids = list.kind === 'ok' ? [...list.ids] : undefined;
	if (options.quick) return finish(ids);

	const modelStep = await run('model', () => checkModelListed(target, model, ids, list.kind === 'null'));
	if (modelStep.status === 'fail' || !model) return done(ids);
	if (modelStep.status === 'warn' && !options.allowUnlisted) {
		await run('completion', () => ({
			status: 'warn',
			detail: 'skipped: the model is not listed',
			hint:
				target.endpoint.kind === 'gemini-balance'
					? 'Pick a listed model; a wrong name fails upstream and counts against Gemini Balance keys.'
					: 'Pick a listed model, or check the spelling.',
		}));
		return done(ids);
	}

	let metrics: CompletionMetrics | undefined;
	await run('completion', async () => {
		const outcome = await probeCompletion(target, model, check);
		if (outcome.kind === 'answer') metrics = outcome;
		return describeCompletion(outcome, target, model);
	});
	return done(ids, metrics);
}

/** Gemini Balance's key pool (only with its admin token); read-only, no upstream call. */
async function checkKeyPool(target: ProbeTarget, adminToken: string, check: {timeoutMs?: number; signal?: AbortSignal}): Promise<StepOutcome> {
	const token = adminToken.trim();
	if (isEnvRef(token)) return {status: 'warn', detail: `admin_token refers to ${token}, which is not set; key status skipped`};
	return describeKeyPool(await fetchKeyPoolStatus(target.endpoint.root, token, check));
}

type StepRunner = (id: `key-${number}`, check: () => Promise<StepOutcome>, label: string) => Promise<TestStep>;

/**
 * A pool: every key once (the authenticated model list, which costs no completion), one masked line
 * each. The pool works when one key does; dead keys are warnings then, failures when none works.
 */
async function checkPool(target: ProbeTarget, check: CheckOptions, run: StepRunner): Promise<{checks: KeyCheck[]; working?: string}> {
	const outcomes = await Promise.all(target.keys.map(async key => ({key, outcome: await keyOutcome(target, key, check)})));
	const anyWorks = outcomes.some(({outcome}) => outcome.works);
	const checks: KeyCheck[] = [];
	for (const [index, {key, outcome}] of outcomes.entries()) {
		const label = `Key ${index + 1} ${keyLabel(key)}`;
		const status = outcome.works ? 'pass' : anyWorks ? 'warn' : 'fail';
		// One at a time: the steps are reported in key order.
		await run(`key-${index + 1}`, async () => ({status, detail: outcome.detail, hint: outcome.works ? undefined : outcome.hint}), label);
		checks.push({label: keyLabel(key), works: outcome.works});
	}

	return {checks, working: outcomes.find(({outcome}) => outcome.works)?.key};
}

async function keyOutcome(target: ProbeTarget, key: string, check: CheckOptions): Promise<{works: boolean; detail: string; hint?: string}> {
	const missing = envRefName(key);
	if (missing) return {works: false, detail: `${key.trim()} is not set`, hint: `export ${missing}=… before starting ccr-tui.`};
	const list = await fetchModelList({...target, apiKey: key, missingEnv: undefined}, check);
	if (list.kind === 'ok' || list.kind === 'null' || list.kind === 'unsupported')
		return {works: true, detail: list.kind === 'unsupported' ? 'accepted (no model list to check it against)' : 'works'};
	const step = describeModelList(list, {...target, apiKey: key});
	if (list.kind === 'auth') return {works: false, detail: `rejected (HTTP ${list.status})`, hint: 'Remove or replace this key (e to edit the provider).'};
	return {works: false, detail: step.detail, hint: step.hint};
}

/** How a key is named in output: its `$ENV` reference, else its masked suffix. */
function keyLabel(key: string): string {
	return isEnvRef(key) ? key.trim() : maskSecret(key);
}

function checkModelListed(target: ProbeTarget, model: string | undefined, ids: string[] | undefined, listUnavailable: boolean): StepOutcome {
	if (!model) return {status: 'fail', detail: 'no model to test', hint: 'Add a model to the provider (or pass --model).'};
	if (listUnavailable) return {status: 'warn', detail: `${model}: cannot check (no model list)`};
	if (!ids) return {status: 'pass', detail: `${model} (the server has no model list; the completion checks it)`};
	const bare = ids.map(id => id.replace(/^models\//, ''));
	const found = target.endpoint.kind === 'gemini-balance' ? isListedOnGeminiBalance(model, bare) : bare.includes(model) || ids.includes(model);
	if (found) return {status: 'pass', detail: model};
	return {
		status: 'warn',
		detail: `${model} is not in the model list`,
		hint:
			target.endpoint.kind === 'gemini-balance'
				? 'Gemini Balance would forward it anyway, and each failure counts against its keys; pick a listed model.'
				: 'Check the spelling, or pick one of the listed models.',
	};
}

function summarize(target: ProbeTarget, steps: readonly TestStep[], status: TestResult['status']): string {
	const mark = {pass: '✓', warn: '⚠', fail: '✗', running: '…'} as const;
	const kind = target.endpoint.kind === 'gemini-balance' ? 'Gemini Balance' : target.name;
	const parts = steps.map(step => {
		const took = step.id === 'completion' || step.id === 'model' || step.durationMs === undefined ? '' : ` ${formatDuration(step.durationMs)}`;
		return `${mark[step.status]} ${step.label.toLowerCase()}${took}`;
	});
	return `${kind} ${status === 'pass' ? 'OK' : status === 'warn' ? 'passed with warnings' : 'FAILED'}: ${parts.join(' · ')}`;
}
