/**
 * The editor's network work: the connection test (`t`, and after a URL edit) and the model-list
 * fetch (`f`). Both run on the provider object the save would write (`previewProviderSave`, i.e.
 * `providerFromDraft()`), resolved as the proxy resolves it, through the tester and transport the
 * dashboard's own `t` uses. One run per `check.id`; a newer request or leaving the screen aborts it.
 */
import {useEffect, useRef} from 'react';
import type {ProviderConfig} from '../../../config/schema.js';
import type {HttpFetch} from '../../../providers/http.js';
import {describeModelList, fetchModelList, toDiscoveredModels} from '../../../providers/model-list.js';
import {targetForProvider} from '../../../providers/provider-target.js';
import {type ConnectionTester, upsertStep} from '../../connection-tests.js';
import type {CheckRequest, EditorState} from './editor-state.js';

export type EditorChecks = {
	readonly tester: ConnectionTester;
	readonly fetch?: HttpFetch;
	/** Caps every network deadline (tests). */
	readonly timeoutMs?: number;
	/** The provider as it would be saved and as the proxy would read it; a string says why there is none. */
	readonly build: (state: EditorState) => ProviderConfig | string;
	readonly set: (patch: Partial<EditorState>) => void;
	readonly latest: () => EditorState;
};

export function useEditorChecks(check: CheckRequest | undefined, checks: EditorChecks): void {
	const current = useRef(checks);
	current.current = checks;
	useEffect(() => {
		if (!check) return;
		const controller = new AbortController();
		const {set, latest} = current.current;
		const provider = current.current.build(latest());
		if (typeof provider === 'string') {
			set({error: provider, fetching: false});
			return;
		}

		if (check.kind === 'test') void runTest(provider, current.current, controller.signal);
		else void fetchModels(provider, current.current, controller.signal);
		return () => controller.abort();
	}, [check?.id]);
}

async function runTest(provider: ProviderConfig, checks: EditorChecks, signal: AbortSignal): Promise<void> {
	const {set, latest} = checks;
	const steps = () => latest().test?.steps ?? [];
	set({test: {status: 'running', steps: []}});
	try {
		const result = await checks.tester(provider, {
			signal,
			timeoutMs: checks.timeoutMs,
			onStep: step => {
				if (!signal.aborted) set({test: {status: 'running', steps: upsertStep(steps(), step)}});
			},
		});
		if (!signal.aborted) set({test: {status: result.status, steps: result.steps.length > 0 ? result.steps : steps()}});
	} catch (error) {
		if (signal.aborted) return;
		const detail = error instanceof Error ? error.message : String(error);
		set({test: {status: 'fail', steps: upsertStep(steps(), {id: 'error', label: 'Test could not run', status: 'fail', detail})}});
	}
}

async function fetchModels(provider: ProviderConfig, checks: EditorChecks, signal: AbortSignal): Promise<void> {
	const {set, latest} = checks;
	const target = targetForProvider(provider);
	set({fetching: true, note: `Fetching the model list from ${target.endpoint.modelsUrl} …`});
	try {
		const outcome = await fetchModelList(target, {signal, fetch: checks.fetch, timeoutMs: checks.timeoutMs});
		if (signal.aborted) return;
		if (outcome.kind !== 'ok') {
			const step = describeModelList(outcome, target);
			set({fetching: false, note: undefined, error: `Model list: ${step.detail}${step.hint ? ` → ${step.hint}` : ''}`});
			return;
		}

		const ids = toDiscoveredModels(outcome.ids, target.endpoint.kind, target.endpoint.api).map(model => model.id);
		const missing = ids.filter(id => !latest().models.includes(id));
		const more = missing.length > 0 ? `; ${missing.length} not in this provider, listed below (enter adds one, d hides it)` : '; all of them are in this provider';
		set({fetching: false, serverModels: missing, note: `The server lists ${ids.length} models${more}.`});
	} catch (error) {
		if (!signal.aborted) set({fetching: false, note: undefined, error: `Model list: ${error instanceof Error ? error.message : String(error)}`});
	}
}
