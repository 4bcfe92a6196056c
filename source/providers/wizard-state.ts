/**
 * The add-provider wizard as a pure reducer, shared by the Gemini Balance wizard and the generic one.
 * The UI renders `state.step` and turns keys into these actions (ui/screens/wizard/wizard-commands.ts):
 * this module knows steps, not keys. A text field changes with `{type: 'text'}` on the current step's
 * field, so a value typed right after a step change lands in the new step's field. Side effects (HTTP checks, saving) run in the UI and
 * report back with the `runId` they were started under, so a late answer after Esc is ignored.
 */
import {envRefName} from '../config/env-refs.js';
import {SCENARIOS, type Scenario} from '../config/schema.js';
import type {TestResult} from './connection-test.js';
import {modelSuffix} from './gemini-balance.js';
import {toDiscoveredModels, type DiscoveredModel, type ModelListOutcome} from './model-list.js';
import {normalizeUrl, type ProviderEndpoint} from './normalize-url.js';
import {GEMINI_BALANCE_APIS, PRESET_IDS, PRESETS, type GeminiBalanceApi, type PresetId} from './presets.js';
import type {ProviderDraft} from './save-provider.js';
import type {StepOutcome, TestStep} from './test-step.js';

export type WizardStep = 'preset' | 'url' | 'checking-url' | 'token' | 'discovering' | 'models' | 'manual-models' | 'routes' | 'testing' | 'confirm' | 'saving' | 'done';

export type WizardError = {readonly message: string; readonly hint?: string};

export type RouteChoice = {readonly scenario: Scenario; readonly enabled: boolean; readonly model?: string};

/** Values from an existing provider for the same server (or command-line flags). */
export type WizardPrefill = {
	readonly url?: string;
	readonly token?: string;
	readonly api?: GeminiBalanceApi;
	readonly models?: readonly string[];
	readonly routes?: Readonly<Partial<Record<Scenario, string>>>;
};

export type WizardEnv = Readonly<Record<string, string | undefined>>;

export type WizardState = {
	readonly step: WizardStep;
	/** True when the caller fixed the preset (no preset step to go back to). */
	readonly presetLocked: boolean;
	readonly preset?: PresetId;
	readonly presetCursor: number;
	readonly prefill: WizardPrefill;
	/** Per preset, what to start from (the existing provider, flags); used when a preset is chosen. */
	readonly prefills: Readonly<Partial<Record<PresetId, WizardPrefill>>>;
	/** For `$VAR` tokens. */
	readonly env: WizardEnv;
	/** `--skip-test`: go from routes straight to confirm (r on the confirm step still tests). */
	readonly skipTest: boolean;
	/** Cursor in the current step's text input; undefined = at the end. */
	readonly inputCursor?: number;
	readonly api: GeminiBalanceApi;
	readonly urlInput: string;
	readonly endpoint?: ProviderEndpoint;
	readonly urlNotes: readonly string[];
	/** Last reachability outcome (a warning is shown on later steps). */
	readonly reach?: StepOutcome;
	readonly tokenInput: string;
	readonly models: readonly DiscoveredModel[];
	readonly modelFilter: string;
	readonly modelCursor: number;
	readonly selected: readonly string[];
	readonly manualInput: string;
	/** Models were typed by hand (no list on the server). */
	readonly manual: boolean;
	readonly routes: readonly RouteChoice[];
	readonly routeCursor: number;
	readonly testSteps: readonly TestStep[];
	readonly testResult?: TestResult;
	readonly error?: WizardError;
	readonly notice?: string;
	/** Bumped whenever an async step (re)starts or is left. */
	readonly runId: number;
	readonly savedName?: string;
	/** Confirm step of an update: index of the answer to the route question (wraps around). */
	readonly routeFix: number;
	/** After the save: the store's notice that the file's formatting could not be kept (shown until Enter). */
	readonly savedNotice?: string;
	readonly cancelled: boolean;
};

export type WizardAction =
	/** The current step's text field (URL, token, model ids, model filter) and its cursor. */
	| {readonly type: 'text'; readonly value: string; readonly cursor: number}
	| {readonly type: 'preset-move'; readonly delta: number}
	| {readonly type: 'preset-choose'; readonly preset?: PresetId; readonly prefill?: WizardPrefill}
	| {readonly type: 'url-change'; readonly value: string}
	| {readonly type: 'api-toggle'}
	| {readonly type: 'url-submit'}
	| {readonly type: 'url-checked'; readonly runId: number; readonly outcome: StepOutcome}
	| {readonly type: 'token-change'; readonly value: string}
	| {readonly type: 'token-submit'}
	| {readonly type: 'models-discovered'; readonly runId: number; readonly outcome: ModelListOutcome; readonly step: StepOutcome}
	| {readonly type: 'discover-retry'}
	| {readonly type: 'model-move'; readonly delta: number}
	| {readonly type: 'model-toggle'}
	| {readonly type: 'model-filter'; readonly value: string}
	| {readonly type: 'models-submit'}
	| {readonly type: 'manual-change'; readonly value: string}
	| {readonly type: 'manual-submit'}
	| {readonly type: 'route-move'; readonly delta: number}
	| {readonly type: 'route-toggle'}
	| {readonly type: 'route-model'; readonly delta: number}
	| {readonly type: 'routes-submit'}
	| {readonly type: 'test-step'; readonly runId: number; readonly step: TestStep}
	| {readonly type: 'test-finished'; readonly runId: number; readonly result: TestResult}
	| {readonly type: 'test-retry'}
	| {readonly type: 'confirm'}
	| {readonly type: 'saved'; readonly runId: number; readonly name: string; readonly notice?: string}
	/** Confirm step: the next or previous answer to the route question. */
	| {readonly type: 'route-fix'; readonly delta: number}
	/** Done step with a notice: the user has read it. */
	| {readonly type: 'finish'}
	| {readonly type: 'save-failed'; readonly runId: number; readonly message: string}
	| {readonly type: 'back'};

export function initWizardState(preset?: PresetId, options: {prefills?: Partial<Record<PresetId, WizardPrefill>>; env?: WizardEnv; skipTest?: boolean} = {}): WizardState {
	const prefills = options.prefills ?? {};
	const base: WizardState = {
		step: 'preset',
		presetLocked: preset !== undefined,
		presetCursor: 0,
		prefill: {},
		prefills,
		env: options.env ?? {},
		skipTest: options.skipTest ?? false,
		api: 'v1',
		urlInput: '',
		urlNotes: [],
		tokenInput: '',
		models: [],
		modelFilter: '',
		modelCursor: 0,
		selected: [],
		manualInput: '',
		manual: false,
		routes: [],
		routeCursor: 0,
		testSteps: [],
		runId: 0,
		routeFix: 0,
		cancelled: false,
	};
	return preset ? choosePreset(base, preset, prefills[preset] ?? {}) : base;
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
	const next = action.type === 'route-fix' || action.type === 'finish' ? reduceAfterTest(state, action) : reduce(state, action);
	// Every text input starts with its cursor at the end.
	return next.step === state.step || next.inputCursor === undefined ? next : {...next, inputCursor: undefined};
}

/** The route question of the confirm step, and leaving the done step once its notice was read. */
function reduceAfterTest(state: WizardState, action: Extract<WizardAction, {type: 'route-fix' | 'finish'}>): WizardState {
	if (action.type === 'route-fix') return state.step === 'confirm' ? {...state, routeFix: state.routeFix + action.delta} : state;
	return state.step === 'done' ? {...state, savedNotice: undefined} : state;
}

// Over 60 lines: the wizard reducer: one case per intent over the same draft.
function reduce(state: WizardState, action: Exclude<WizardAction, {type: 'route-fix' | 'finish'}>): WizardState {
	switch (action.type) {
		case 'text':
			return setText(state, action.value, action.cursor);
		case 'preset-move':
			return {...state, presetCursor: wrap(state.presetCursor + action.delta, PRESET_IDS.length)};
		case 'preset-choose': {
			if (state.step !== 'preset') return state;
			const preset = action.preset ?? PRESET_IDS[state.presetCursor]!;
			return choosePreset(state, preset, action.prefill ?? state.prefills[preset] ?? {});
		}

		case 'url-change':
			return {...state, urlInput: action.value, inputCursor: undefined, error: undefined};
		case 'api-toggle':
			return state.preset === 'gemini-balance' ? {...state, api: GEMINI_BALANCE_APIS[wrap(GEMINI_BALANCE_APIS.indexOf(state.api) + 1, GEMINI_BALANCE_APIS.length)]!} : state;
		case 'url-submit':
			return submitUrl(state);
		case 'url-checked':
			if (action.runId !== state.runId || state.step !== 'checking-url') return state;
			if (action.outcome.status === 'fail') return {...state, step: 'url', error: errorOf(action.outcome)};
			return afterUrl({...state, reach: action.outcome});
		case 'token-change':
			return {...state, tokenInput: action.value, inputCursor: undefined, error: undefined};
		case 'token-submit':
			return submitToken(state, state.env);
		case 'models-discovered':
			if (action.runId !== state.runId || state.step !== 'discovering') return state;
			return applyDiscovery(state, action.outcome, action.step);
		case 'discover-retry':
			return state.step === 'discovering' && state.error ? {...state, error: undefined, runId: state.runId + 1} : state;
		case 'model-move':
			return {...state, modelCursor: wrap(state.modelCursor + action.delta, visibleModels(state).length)};
		case 'model-toggle': {
			const model = visibleModels(state)[state.modelCursor];
			if (!model) return state;
			const selected = state.selected.includes(model.id) ? state.selected.filter(id => id !== model.id) : [...state.selected, model.id];
			return {...state, selected, error: undefined};
		}

		case 'model-filter':
			return {...state, modelFilter: action.value, modelCursor: 0};
		case 'models-submit':
			if (state.step !== 'models') return state;
			if (state.selected.length === 0) {
				return {...state, error: {message: 'Select at least one chat model.', hint: 'Move with ↑/↓ and press Space to tick a model, then Enter.'}};
			}

			return toRoutes({...state, manual: false});
		case 'manual-change':
			return {...state, manualInput: action.value, inputCursor: undefined, error: undefined};
		case 'manual-submit': {
			if (state.step !== 'manual-models') return state;
			const ids = parseModelIds(state.manualInput);
			if (ids.length === 0) {
				return {...state, error: {message: 'Enter at least one model id.', hint: 'Separate several ids with commas, e.g. llama3.1:8b, qwen2.5-coder:7b'}};
			}

			return toRoutes({...state, manual: true, selected: ids});
		}

		case 'route-move':
			return {...state, routeCursor: wrap(state.routeCursor + action.delta, state.routes.length)};
		case 'route-toggle':
			return updateRoute(state, route => {
				if (route.enabled) return {...route, enabled: false};
				const model = route.model ?? routeCandidates(state, route.scenario)[0];
				return model ? {...route, enabled: true, model} : route;
			});
		case 'route-model':
			return updateRoute(state, route => {
				const candidates = routeCandidates(state, route.scenario);
				if (candidates.length === 0) return route;
				const index = route.model ? candidates.indexOf(route.model) : -1;
				return {...route, enabled: true, model: candidates[wrap(index + action.delta, candidates.length)]};
			});
		case 'routes-submit':
			if (state.step !== 'routes') return state;
			if (state.skipTest) return {...state, step: 'confirm', testSteps: [], testResult: undefined, error: undefined};
			return {...state, step: 'testing', testSteps: [], testResult: undefined, error: undefined, runId: state.runId + 1};
		case 'test-step': {
			if (action.runId !== state.runId || state.step !== 'testing') return state;
			const others = state.testSteps.filter(step => step.id !== action.step.id);
			const index = state.testSteps.findIndex(step => step.id === action.step.id);
			const testSteps = index === -1 ? [...others, action.step] : state.testSteps.map(step => (step.id === action.step.id ? action.step : step));
			return {...state, testSteps};
		}

		case 'test-finished':
			if (action.runId !== state.runId || state.step !== 'testing') return state;
			return {...state, step: 'confirm', testSteps: action.result.steps, testResult: action.result};
		case 'test-retry':
			return state.step === 'confirm' ? {...state, step: 'testing', testSteps: [], testResult: undefined, error: undefined, runId: state.runId + 1} : state;
		case 'confirm':
			return state.step === 'confirm' ? {...state, step: 'saving', error: undefined, runId: state.runId + 1} : state;
		case 'saved':
			if (action.runId !== state.runId || state.step !== 'saving') return state;
			return {...state, step: 'done', savedName: action.name, savedNotice: action.notice};
		case 'save-failed':
			if (action.runId !== state.runId || state.step !== 'saving') return state;
			return {...state, step: 'confirm', error: {message: `Not saved: ${action.message}`}};
		case 'back':
			return goBack(state);
		default:
			return assertNever(action);
	}
}

/** The text field a step edits (undefined: the step has none). */
export function textFieldOf(state: WizardState): {value: string; cursor?: number} | undefined {
	switch (state.step) {
		case 'url':
			return {value: state.urlInput, cursor: state.inputCursor};
		case 'token':
			return {value: state.tokenInput, cursor: state.inputCursor};
		case 'manual-models':
			return {value: state.manualInput, cursor: state.inputCursor};
		case 'models':
			return {value: state.modelFilter};
		default:
			return undefined;
	}
}

function setText(state: WizardState, value: string, cursor: number): WizardState {
	switch (state.step) {
		case 'url':
			return {...state, urlInput: value, inputCursor: cursor, error: undefined};
		case 'token':
			return {...state, tokenInput: value, inputCursor: cursor, error: undefined};
		case 'manual-models':
			return {...state, manualInput: value, inputCursor: cursor, error: undefined};
		case 'models':
			// The filter takes no spaces (Space ticks a model).
			return {...state, modelFilter: value.trim(), modelCursor: 0};
		default:
			return state;
	}
}

function choosePreset(state: WizardState, preset: PresetId, prefill: WizardPrefill): WizardState {
	return {
		...state,
		step: 'url',
		preset,
		presetCursor: PRESET_IDS.indexOf(preset),
		prefill,
		api: prefill.api ?? 'v1',
		urlInput: prefill.url ?? PRESETS[preset].defaultUrl,
		tokenInput: prefill.token ?? '',
		error: undefined,
		notice: undefined,
	};
}

function submitUrl(state: WizardState): WizardState {
	if (state.step !== 'url' || !state.preset) return state;
	const preset = PRESETS[state.preset];
	const result = normalizeUrl(state.urlInput, {kind: preset.kind, api: state.api, preset: state.preset});
	if (!result.ok) return {...state, error: {message: result.error, hint: result.hint}};
	return {
		...state,
		step: 'checking-url',
		endpoint: result.endpoint,
		api: result.endpoint.api ?? state.api,
		urlNotes: result.notes,
		error: undefined,
		notice: undefined,
		runId: state.runId + 1,
	};
}

function afterUrl(state: WizardState): WizardState {
	const preset = PRESETS[state.preset!];
	if (preset.key === 'none') return {...state, step: 'discovering', error: undefined, runId: state.runId + 1};
	return {...state, step: 'token', error: undefined};
}

/** The token to send: a `$VAR` resolved from env, a pasted `Bearer x` reduced to `x`. */
export function resolveToken(input: string, env: WizardEnv): string | undefined {
	const trimmed = input.trim().replace(/^Bearer\s+/i, '');
	const name = envRefName(trimmed);
	if (name) return env[name];
	return trimmed === '' ? undefined : trimmed;
}

function submitToken(state: WizardState, env: WizardEnv): WizardState {
	if (state.step !== 'token' || !state.preset) return state;
	const preset = PRESETS[state.preset];
	const input = state.tokenInput.trim().replace(/^Bearer\s+/i, '');
	if (input === '' && preset.key === 'required') {
		const what = preset.kind === 'gemini-balance' ? 'access token' : 'API key';
		return {...state, error: {message: `Enter the ${what}.`, hint: preset.keyEnv ? `You can also enter $${preset.keyEnv} to keep it in the environment.` : undefined}};
	}

	const name = envRefName(input);
	if (name && env[name] === undefined) {
		return {...state, error: {message: `$${name} is not set in this shell.`, hint: `export ${name}=… before starting ccr-tui, or paste the token itself.`}};
	}

	if (!name && /\s/.test(input)) return {...state, error: {message: 'A token cannot contain spaces.', hint: 'Paste only the token itself.'}};
	return {...state, tokenInput: input, step: 'discovering', error: undefined, runId: state.runId + 1};
}

function applyDiscovery(state: WizardState, outcome: ModelListOutcome, step: StepOutcome): WizardState {
	const kind = state.endpoint?.kind ?? 'openai-compatible';
	switch (outcome.kind) {
		case 'ok': {
			const models = toDiscoveredModels(outcome.ids, kind, state.endpoint?.api, state.endpoint?.native);
			if (models.length === 0) {
				if (kind === 'gemini-balance') {
					return {...state, error: {message: 'Gemini Balance lists no Gemini chat models.', hint: 'Check its FILTERED_MODELS setting and API_KEYS, then retry.'}};
				}

				return {...state, step: 'manual-models', manualInput: (state.prefill.models ?? []).join(', '), notice: 'The server lists no models; enter model ids.'};
			}

			const ids = new Set(models.map(model => model.id));
			const kept = state.selected.length > 0 ? state.selected : (state.prefill.models ?? []);
			return {
				...state,
				step: 'models',
				models,
				selected: kept.filter(id => ids.has(id)),
				modelCursor: 0,
				modelFilter: '',
				error: undefined,
				notice: undefined,
			};
		}

		case 'unsupported':
			if (kind === 'gemini-balance') return {...state, step: 'url', error: errorOf(step)};
			return {
				...state,
				step: 'manual-models',
				manualInput: state.manualInput || (state.prefill.models ?? []).join(', '),
				notice: 'This server does not list its models; enter the model ids yourself.',
				error: undefined,
			};
		case 'auth':
		case 'no-key':
			if (PRESETS[state.preset!].key === 'none') return {...state, step: 'url', error: errorOf(step)};
			return {...state, step: 'token', error: errorOf(step)};
		case 'redirect':
		case 'bad-body':
		case 'failure':
			if (outcome.kind === 'failure' && outcome.failure.kind === 'timeout') return {...state, error: errorOf(step)};
			return {...state, step: 'url', error: errorOf(step)};
		case 'null':
		case 'http-error':
			// Stay here: the server is right, it just cannot list models now. Enter retries.
			return {...state, error: errorOf(step)};
		default:
			return assertNever(outcome);
	}
}

function toRoutes(state: WizardState): WizardState {
	const preset = PRESETS[state.preset!];
	const draft = {...state, step: 'routes' as const, error: undefined, notice: undefined, routeCursor: 0};
	const selectedSuffixes = new Set(state.selected.map(modelSuffix));
	const routes = SCENARIOS.map((scenario): RouteChoice => {
		const candidates = routeCandidates(draft, scenario);
		const previous = state.routes.find(route => route.scenario === scenario);
		if (previous?.enabled && previous.model && candidates.includes(previous.model)) return previous;
		const prefilled = state.prefill.routes?.[scenario];
		if (prefilled && candidates.includes(prefilled)) return {scenario, enabled: true, model: prefilled};
		const wanted =
			preset.defaultRoutes.includes(scenario) || (scenario === 'webSearch' && selectedSuffixes.has('search')) || (scenario === 'image' && selectedSuffixes.has('image'));
		const model = candidates[0];
		return {scenario, enabled: wanted && model !== undefined, model};
	});
	return {...draft, routes};
}

/**
 * Models offered for a route: `-search` ones for webSearch, `-image` ones first for image, plain chat
 * models first for the rest. Discovered-but-unticked `-search` models are offered too (saving adds them).
 */
export function routeCandidates(state: WizardState, scenario: Scenario): string[] {
	const selected = [...state.selected];
	const isGb = state.endpoint?.kind === 'gemini-balance';
	if (!isGb) return selected;
	const withSuffix = (suffix: 'search' | 'image') => {
		const chosen = selected.filter(id => modelSuffix(id) === suffix);
		const more = state.models.map(model => model.id).filter(id => modelSuffix(id) === suffix && !chosen.includes(id));
		return [...chosen, ...more];
	};

	if (scenario === 'webSearch') return withSuffix('search');
	const plain = selected.filter(id => modelSuffix(id) !== 'search' && modelSuffix(id) !== 'image');
	if (scenario === 'image') return [...withSuffix('image'), ...plain];
	return plain.length > 0 ? plain : selected;
}

/** The model list as shown: filtered by what the user typed. */
export function visibleModels(state: WizardState): readonly DiscoveredModel[] {
	const filter = state.modelFilter.trim().toLowerCase();
	if (!filter) return state.models;
	return state.models.filter(model => model.id.toLowerCase().includes(filter));
}

/** The model the connection test uses: the first routed plain model, else the first chosen. */
export function testModel(state: WizardState): string | undefined {
	const routed = state.routes.find(route => route.enabled && route.model && !modelSuffix(route.model))?.model;
	return routed ?? state.selected.find(id => !modelSuffix(id)) ?? state.selected[0];
}

/** What gets saved: merged into the existing provider (keys and models added; unticked models removed). */
export function draftFromState(state: WizardState): ProviderDraft | undefined {
	if (!state.preset || !state.endpoint) return undefined;
	const routes: Partial<Record<Scenario, string>> = {};
	for (const route of state.routes) if (route.enabled && route.model) routes[route.scenario] = route.model;
	const typed = state.tokenInput.trim().replace(/^Bearer\s+/i, '');
	// What the user saw and left out: unticked listed models, or ids deleted from the typed list.
	const seen = state.manual ? (state.prefill.models ?? []) : state.models.map(model => model.id);
	return {
		preset: state.preset,
		endpoint: state.endpoint,
		keys: PRESETS[state.preset].key === 'none' || typed === '' ? [] : [typed],
		models: state.selected,
		routes,
		merge: {removedModels: seen.filter(id => !state.selected.includes(id))},
	};
}

function goBack(state: WizardState): WizardState {
	const cleared = {...state, error: undefined, notice: undefined, runId: state.runId + 1};
	const keyless = state.preset ? PRESETS[state.preset].key === 'none' : false;
	switch (state.step) {
		case 'preset':
			return {...cleared, cancelled: true};
		case 'url':
			return state.presetLocked ? {...cleared, cancelled: true} : {...cleared, step: 'preset'};
		case 'checking-url':
		case 'token':
			return {...cleared, step: 'url'};
		case 'discovering':
		case 'models':
		case 'manual-models':
			return {...cleared, step: keyless ? 'url' : 'token'};
		case 'routes':
			return {...cleared, step: state.manual ? 'manual-models' : 'models'};
		case 'testing':
		case 'confirm':
			return {...cleared, step: 'routes'};
		case 'saving':
		case 'done':
			return state;
		default:
			return assertNever(state.step);
	}
}

function updateRoute(state: WizardState, change: (route: RouteChoice) => RouteChoice): WizardState {
	const current = state.routes[state.routeCursor];
	if (!current) return state;
	const routes = state.routes.map((route, index) => (index === state.routeCursor ? change(route) : route));
	return {...state, routes};
}

function parseModelIds(text: string): string[] {
	return [
		...new Set(
			text
				.split(/[\s,]+/)
				.map(id => id.trim())
				.filter(Boolean),
		),
	];
}

function errorOf(outcome: StepOutcome): WizardError {
	return {message: outcome.detail, hint: outcome.hint};
}

function wrap(index: number, length: number): number {
	if (length <= 0) return 0;
	return ((index % length) + length) % length;
}

function assertNever(value: never): never {
	throw new Error(`unhandled wizard case: ${JSON.stringify(value)}`);
}
