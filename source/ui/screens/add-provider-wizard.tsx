/**
 * Add (or update) a provider step by step (contract 6): server URL → key → models → routes →
 * live connection test → confirm → save. The steps are a pure reducer (providers/wizard-state);
 * this component renders them and runs the HTTP checks and the save. It owns the keyboard while open.
 */
import {useEffect, useRef, type ReactNode} from 'react';
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {ProviderConfig} from '../../config/schema.js';
import type {ConfigStore} from '../../config/store.js';
import {runConnectionTest, type ConnectionTestOptions, type TestResult} from '../../providers/connection-test.js';
import {describeModelList, fetchModelList} from '../../providers/model-list.js';
import type {HttpFetch} from '../../providers/http.js';
import {GEMINI_BALANCE_API_INFO, GEMINI_BALANCE_APIS, PRESET_IDS, PRESETS, type GeminiBalanceApi, type PresetId} from '../../providers/presets.js';
import {testableProvider} from '../../providers/provider-draft.js';
import type {ProbeTarget} from '../../providers/provider-target.js';
import {checkReachability} from '../../providers/reachability.js';
import {planProviderSave, previewProviderSave, saveProvider, type SavePlan} from '../../providers/save-provider.js';
import {prefillFromConfig} from '../../providers/wizard-prefill.js';
import {
	draftFromState,
	initWizardState,
	resolveToken,
	routeCandidates,
	testModel,
	visibleModels,
	wizardReducer,
	type WizardAction,
	type WizardEnv,
	type WizardPrefill,
	type WizardState,
} from '../../providers/wizard-state.js';
import {useSyncReducer} from '../hooks/use-sync-reducer.js';
import {LAYER, useCommands} from '../input/dispatcher.js';
import {footerHints} from '../keymap.js';
import {GLYPHS, useTheme} from '../theme.js';
import {wizardAction, wizardContexts} from './wizard/wizard-commands.js';
import {ConfirmStep} from './wizard/confirm-step.js';
import {InputStep} from './wizard/input-step.js';
import {ModelsStep} from './wizard/models-step.js';
import {PresetStep} from './wizard/preset-step.js';
import {RoutesStep} from './wizard/routes-step.js';
import {TestStepLines} from './wizard/test-step-lines.js';
import {WizardFrame, type Hint} from './wizard/wizard-frame.js';
import {UpdateReview, type WizardReview, withRouteQuestion, wizardReview} from './wizard/wizard-review.js';

export type AddProviderWizardProps = {
	readonly store: ConfigStore;
	/** undefined: the user picks one first. */
	readonly preset: PresetId | undefined;
	/** Called once saved, with the wizard's connection-test result when the test ran. */
	readonly onDone: (providerName: string, test?: Pick<TestResult, 'status' | 'steps'>) => void;
	readonly onCancel: () => void;
	/** Values from command-line flags; they win over the existing provider's. */
	readonly initial?: WizardPrefill;
	/** For `$VAR` tokens. @default process.env */
	readonly env?: WizardEnv;
	/** @default runConnectionTest */
	readonly tester?: (provider: ProviderConfig, options: ConnectionTestOptions) => Promise<TestResult>;
	/** Caps every network deadline (tests). */
	readonly timeoutMs?: number;
	/** Save without the connection test (`--skip-test`). */
	readonly skipTest?: boolean;
	/** The network path of the checks: the proxy's own dispatcher (cli.tsx, add-gemini-balance). */
	readonly fetch?: HttpFetch;
};

export function AddProviderWizard(props: AddProviderWizardProps): ReactNode {
	const {store} = props;
	const env = props.env ?? process.env;
	const prefillFor = (preset: PresetId): WizardPrefill => {
		const snapshot = store.getSnapshot();
		// Flags win, but only those given (an undefined flag must not erase the existing value).
		const given = Object.fromEntries(Object.entries(props.initial ?? {}).filter(([, value]) => value !== undefined));
		return {...prefillFromConfig(snapshot.config, snapshot.raw, preset), ...given};
	};

	const [state, dispatch, latest] = useSyncReducer(wizardReducer, () => {
		const prefills = Object.fromEntries(PRESET_IDS.map(id => [id, prefillFor(id)]));
		return initWizardState(props.preset, {prefills, env, skipTest: props.skipTest});
	});
	useWizardEffects(state, dispatch, props, env);

	// Keys are read against the latest state (not the render's): a paste right after a step change lands in the new step.
	const contextsOf = (current: WizardState) => withRouteQuestion(wizardContexts(current), wizardReview(store, current));
	useCommands(
		LAYER.screen,
		() => contextsOf(latest()),
		(command, input) => {
			const action = wizardAction(latest(), command, input);
			if (action) dispatch(action);
			return action !== undefined;
		},
	);

	const preset = state.preset ? PRESETS[state.preset] : undefined;
	const title = preset ? (preset.kind === 'gemini-balance' ? 'Add Gemini Balance' : `Add ${preset.label}`) : 'Add a provider';
	const draft = draftFromState(state);
	// After saving, the plan would describe the saved provider as "same server": keep the one confirmed.
	const planned = useRef<SavePlan | undefined>(undefined);
	if (state.step !== 'done' && state.step !== 'saving') planned.current = draft ? planProviderSave(store.getSnapshot().config, draft) : undefined;
	const plan = planned.current;
	return (
		<WizardFrame
			title={title}
			step={state.step}
			skipKey={preset?.key === 'none'}
			error={state.error}
			notice={state.notice}
			hints={footerHints(contextsOf(state), state.step === 'done' ? {'form.submit': 'back to the dashboard'} : {}).map(({label, hint}): Hint => [label, hint])}
		>
			<StepBody state={state} planName={plan?.name ?? preset?.defaultName ?? ''} plan={plan} review={wizardReview(store, state)} />
		</WizardFrame>
	);
}

type StepBodyProps = {readonly state: WizardState; readonly planName: string; readonly plan: SavePlan | undefined; readonly review?: WizardReview};

// Over 60 lines: one render branch per wizard step.
function StepBody({state, planName, plan, review}: StepBodyProps): ReactNode {
	const theme = useTheme();
	const preset = state.preset ? PRESETS[state.preset] : undefined;
	const server = state.endpoint ? <ServerLine state={state} /> : null;
	switch (state.step) {
		case 'preset':
			return <PresetStep cursor={state.presetCursor} />;
		case 'url':
			return (
				<InputStep
					label={preset?.kind === 'gemini-balance' ? 'Gemini Balance URL (any form: host:port, …/v1, …/v1/chat/completions)' : `${preset?.label ?? ''} API URL`}
					value={state.urlInput}
					cursor={state.inputCursor}
					placeholder={preset?.urlPlaceholder}
				>
					{preset?.kind === 'gemini-balance' ? <ApiChoice api={state.api} /> : null}
				</InputStep>
			);
		case 'checking-url':
			return (
				<Text>
					<Spinner type="dots" />
					{` Checking ${state.endpoint?.healthUrl ?? state.endpoint?.root ?? ''} …`}
				</Text>
			);
		case 'token':
			return (
				<Box flexDirection="column">
					{server}
					<InputStep
						secret
						label={preset?.keyLabel ?? 'API key'}
						value={state.tokenInput}
						cursor={state.inputCursor}
						placeholder={preset?.key === 'optional' ? '(none)' : undefined}
					>
						{preset?.keyEnv ? <Text color={theme.muted}>{`Tip: type $${preset.keyEnv} to save a reference to that environment variable instead of the key.`}</Text> : null}
					</InputStep>
				</Box>
			);
		case 'discovering':
			return (
				<Box flexDirection="column">
					{server}
					{state.error ? (
						<Text>Could not get the model list.</Text>
					) : (
						<Text>
							<Spinner type="dots" />
							{` Fetching models from ${state.endpoint?.modelsUrl ?? ''} …`}
						</Text>
					)}
				</Box>
			);
		case 'models':
			return (
				<ModelsStep
					models={state.models}
					visible={visibleModels(state)}
					cursor={state.modelCursor}
					selected={state.selected}
					filter={state.modelFilter}
					gemini={state.endpoint?.kind === 'gemini-balance'}
				/>
			);
		case 'manual-models':
			return <InputStep label="Model ids, separated by commas" value={state.manualInput} cursor={state.inputCursor} placeholder="e.g. llama3.1:8b, qwen2.5-coder:7b" />;
		case 'routes':
			return <RoutesStep routes={state.routes} cursor={state.routeCursor} name={planName} candidates={route => routeCandidates(state, route.scenario)} />;
		case 'testing':
			return (
				<Box flexDirection="column">
					<Text>{`Testing ${planName} with ${testModel(state) ?? 'no model'} …`}</Text>
					<TestStepLines steps={state.testSteps} />
				</Box>
			);
		case 'confirm':
		case 'saving':
		case 'done': {
			if (!plan || !state.endpoint) return null;
			const routes: Record<string, string> = {};
			for (const route of state.routes) if (route.enabled && route.model) routes[route.scenario] = route.model;
			return (
				<Box flexDirection="column">
					{state.step === 'done' ? null : <TestStepLines steps={state.testSteps} />}
					<Box marginTop={state.step === 'done' ? 0 : 1}>
						<ConfirmStep plan={plan} endpoint={state.endpoint} token={state.tokenInput} routes={routes} test={state.testResult} saved={state.step === 'done'} />
					</Box>
					{review ? <UpdateReview review={review} /> : null}
					{state.step === 'done' && state.savedNotice ? <Text color={theme.warn} wrap="wrap">{`${GLYPHS.warn} ${state.savedNotice}`}</Text> : null}
				</Box>
			);
		}
	}
}

/** Where the wizard got to with the server, shown above the later steps. */
/** Gemini Balance's three APIs, the chosen one marked (tab switches). */
function ApiChoice({api}: {readonly api: GeminiBalanceApi}): ReactNode {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			<Text color={theme.muted}>API (tab: other API)</Text>
			{GEMINI_BALANCE_APIS.map(id => (
				<Text key={id} wrap="wrap" color={id === api ? undefined : theme.muted}>
					{`${id === api ? GLYPHS.pointer : ' '} ${GEMINI_BALANCE_API_INFO[id].label}: ${GEMINI_BALANCE_API_INFO[id].note}`}
				</Text>
			))}
		</Box>
	);
}

function ServerLine({state}: {readonly state: WizardState}): ReactNode {
	const theme = useTheme();
	if (!state.endpoint) return null;
	const reach = state.reach;
	const notes = state.urlNotes.length > 0 ? ` (${state.urlNotes.join('; ')})` : '';
	return (
		<Box flexDirection="column" marginBottom={1}>
			<Text wrap="truncate-end">
				<Text color={reach?.status === 'warn' ? theme.warn : theme.ok}>{reach?.status === 'warn' ? GLYPHS.warn : GLYPHS.ok}</Text>
				{` ${state.endpoint.root}`}
				<Text color={theme.muted}>{`  ${reach?.detail ?? ''}`}</Text>
			</Text>
			{notes ? <Text color={theme.muted}>{`  ${notes.trim()}`}</Text> : null}
			{reach?.status === 'warn' && reach.hint ? <Text color={theme.warn}>{`  ${reach.hint}`}</Text> : null}
		</Box>
	);
}

/** HTTP checks and the save, each tied to the step and run id it was started for. */
// Over 60 lines: the wizard’s side effects, keyed on its step.
function useWizardEffects(state: WizardState, dispatch: (action: WizardAction) => void, props: AddProviderWizardProps, env: WizardEnv): void {
	const {store} = props;
	const latest = useRef(props);
	latest.current = props;
	const {step, runId} = state;

	// Over 60 lines: the effect of each step, in one place so their order is visible.
	useEffect(() => {
		const controller = new AbortController();
		const check = {signal: controller.signal, timeoutMs: latest.current.timeoutMs, fetch: latest.current.fetch};
		const endpoint = state.endpoint;
		// A check that throws (a bug, not a network failure) must not leave the wizard spinning.
		const crashed = (failure: unknown) => ({status: 'fail' as const, detail: `check failed: ${failure instanceof Error ? failure.message : String(failure)}`});
		if (step === 'checking-url' && endpoint) {
			void checkReachability(endpoint, check)
				.catch(crashed)
				.then(outcome => {
					if (!controller.signal.aborted) dispatch({type: 'url-checked', runId, outcome});
				});
		}

		if (step === 'discovering' && endpoint && !state.error) {
			const target = probeTarget(state, env);
			void fetchModelList(target, check)
				.then(outcome => ({outcome, step: describeModelList(outcome, target)}))
				.catch((failure: unknown) => ({outcome: {kind: 'http-error' as const, status: 0, message: ''}, step: crashed(failure)}))
				.then(found => {
					if (!controller.signal.aborted) dispatch({type: 'models-discovered', runId, ...found});
				});
		}

		if (step === 'testing' && endpoint) {
			// The provider object the save will write (merged, headers, profile), resolved as the proxy resolves it.
			const preview = previewProviderSave(store.getSnapshot(), draftFromState(state)!);
			const plan = preview.plan;
			let provider: ProviderConfig;
			try {
				provider = testableProvider(preview.provider, env);
			} catch (failure) {
				const detail = failure instanceof Error ? failure.message : String(failure);
				const result: TestResult = {
					status: 'fail',
					steps: [{id: 'error', label: 'Provider is invalid', status: 'fail', detail}],
					provider: plan.name,
					summary: detail,
					finishedAt: Date.now(),
				};
				dispatch({type: 'test-finished', runId, result});
				return () => controller.abort();
			}

			const tester = latest.current.tester ?? runConnectionTest;
			void tester(provider, {...check, model: testModel(state), onStep: item => dispatch({type: 'test-step', runId, step: item})}).then(
				result => {
					if (!controller.signal.aborted) dispatch({type: 'test-finished', runId, result});
				},
				(failure: unknown) => {
					if (controller.signal.aborted) return;
					const detail = failure instanceof Error ? failure.message : String(failure);
					dispatch({
						type: 'test-finished',
						runId,
						result: {status: 'fail', steps: [{id: 'error', label: 'Test could not run', status: 'fail', detail}], provider: plan.name, summary: detail, finishedAt: Date.now()},
					});
				},
			);
		}

		if (step === 'saving') {
			const draft = draftFromState(state);
			try {
				if (!draft) throw new Error('nothing to save');
				const {plan, notice} = saveProvider(store, draft, {routeFix: wizardReview(store, state)?.fix});
				dispatch({type: 'saved', runId, name: plan.name, notice});
			} catch (failure) {
				dispatch({type: 'save-failed', runId, message: failure instanceof Error ? failure.message : String(failure)});
			}
		}

		return () => controller.abort();
		// Each async step runs once per (step, runId); the rest of the state is read as of that moment.
	}, [step, runId]);

	const {savedName, savedNotice, cancelled} = state;
	useEffect(() => {
		// A notice (formatting not kept) stays on screen until Enter.
		if (step === 'done' && savedName && !savedNotice) latest.current.onDone(savedName, state.testResult);
	}, [step, savedName, savedNotice]);

	useEffect(() => {
		if (cancelled) latest.current.onCancel();
	}, [cancelled]);
}

function probeTarget(state: WizardState, env: WizardEnv): ProbeTarget {
	const preset = PRESETS[state.preset!];
	return {
		name: preset.defaultName,
		endpoint: state.endpoint!,
		apiKey: preset.key === 'none' ? undefined : resolveToken(state.tokenInput, env),
		poolSize: 1,
		keys: [],
		headers: {},
		keyless: preset.key !== 'required',
	};
}
