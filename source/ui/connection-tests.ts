import type {ProviderConfig} from '../config/schema.js';
import type {ConnectionTestOptions, TestResult, TestStep} from '../providers/connection-test.js';

export type {TestStep} from '../providers/connection-test.js';

/**
The connection-test runner as the UI uses it (contract 5). The App takes it as a prop so tests can
script it; `runConnectionTest` is the default.
*/
export type ConnectionTester = (provider: ProviderConfig, options: ConnectionTestOptions) => Promise<Pick<TestResult, 'status' | 'steps'>>;

/** What the providers panel keeps per provider: live while running, the result afterwards. */
export type ProviderTestState = {
	readonly status: TestStep['status'];
	readonly steps: readonly TestStep[];
	readonly startedAt: number;
	readonly finishedAt?: number;
};

/** Steps arrive as `running`, then finished under the same id: replace in place, keep order. */
export function upsertStep(steps: readonly TestStep[], step: TestStep): TestStep[] {
	const index = steps.findIndex(item => item.id === step.id);
	if (index === -1) return [...steps, step];
	const next = [...steps];
	next[index] = step;
	return next;
}

/** The step that explains a finished test: the first failure, else the first warning. */
export function keyStep(steps: readonly TestStep[]): TestStep | undefined {
	return steps.find(step => step.status === 'fail') ?? steps.find(step => step.status === 'warn');
}
