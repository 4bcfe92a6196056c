import {useCallback, useEffect, useRef, useState} from 'react';
import type {ProviderConfig} from '../../config/schema.js';
import type {TestResult} from '../../providers/connection-test.js';
import {upsertStep, type ConnectionTester, type ProviderTestState} from '../connection-tests.js';

export type ConnectionTests = {
	/** Latest test per provider name (kept after it finishes). */
	readonly states: Readonly<Record<string, ProviderTestState>>;
	/** Start a test; ignored while one runs for the same provider. */
	readonly start: (provider: ProviderConfig) => void;
	readonly running: boolean;
	/** Keep a result obtained elsewhere (the wizard's own test) on the provider row. */
	readonly record: (providerName: string, result: Pick<TestResult, 'status' | 'steps'>) => void;
};

/** Runs connection tests from the providers panel, step by step; aborts them on unmount. */
export function useConnectionTests(tester: ConnectionTester): ConnectionTests {
	const [states, setStates] = useState<Record<string, ProviderTestState>>({});
	const controllers = useRef(new Map<string, AbortController>());

	useEffect(() => {
		const running = controllers.current;
		return () => {
			for (const controller of running.values()) controller.abort();
			running.clear();
		};
	}, []);

	const start = useCallback(
		(provider: ProviderConfig) => {
			const name = provider.name;
			if (controllers.current.has(name)) return;
			const controller = new AbortController();
			controllers.current.set(name, controller);
			const update = (patch: (state: ProviderTestState) => ProviderTestState): void => {
				if (controller.signal.aborted) return;
				setStates(previous => {
					const current = previous[name];
					return current ? {...previous, [name]: patch(current)} : previous;
				});
			};

			setStates(previous => ({...previous, [name]: {status: 'running', steps: [], startedAt: Date.now()}}));
			tester(provider, {signal: controller.signal, onStep: step => update(state => ({...state, steps: upsertStep(state.steps, step)}))})
				.then(result => {
					update(state => ({...state, status: result.status, steps: result.steps.length > 0 ? [...result.steps] : state.steps, finishedAt: Date.now()}));
				})
				.catch((error: unknown) => {
					const detail = error instanceof Error ? error.message : String(error);
					update(state => ({
						...state,
						status: 'fail',
						steps: upsertStep(
							state.steps.map(step => (step.status === 'running' ? {...step, status: 'fail' as const} : step)),
							{id: 'error', label: 'Test could not run', status: 'fail', detail},
						),
						finishedAt: Date.now(),
					}));
				})
				.finally(() => {
					controllers.current.delete(name);
				});
		},
		[tester],
	);

	const record = useCallback((providerName: string, result: Pick<TestResult, 'status' | 'steps'>) => {
		const now = Date.now();
		setStates(previous => ({...previous, [providerName]: {status: result.status, steps: [...result.steps], startedAt: now, finishedAt: now}}));
	}, []);

	const running = Object.values(states).some(state => state.status === 'running');
	return {states, start, running, record};
}
