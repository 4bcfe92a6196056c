/** One line of a connection test, as the UI and `ccr-tui test` show it. */
type StepStatus = 'running' | 'pass' | 'warn' | 'fail';

export type TestStep = {
	/** Stable id: 'reach' | 'models' | 'model' | 'completion'. */
	id: string;
	label: string;
	status: StepStatus;
	durationMs?: number;
	/** What was observed, in a few words (never a secret). */
	detail?: string;
	/** What to do about it (on warn/fail). */
	hint?: string;
};

/** The outcome of one check, before it gets an id and a label. */
export type StepOutcome = {
	status: Exclude<StepStatus, 'running'>;
	detail: string;
	hint?: string;
	durationMs?: number;
};

const RANK: Record<StepStatus, number> = {running: 0, pass: 1, warn: 2, fail: 3};

/** Worst status among finished steps ('pass' for none). */
export function worstStatus(steps: readonly TestStep[]): 'pass' | 'warn' | 'fail' {
	let worst: 'pass' | 'warn' | 'fail' = 'pass';
	for (const step of steps) {
		if (step.status !== 'running' && RANK[step.status] > RANK[worst]) worst = step.status;
	}

	return worst;
}
