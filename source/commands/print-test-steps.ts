/** Connection-test steps as plain lines for `ccr-tui test` and `ccr-tui add-gemini-balance --yes`. */
import {formatDuration} from '../text/format.js';
import type {TestStep} from '../providers/test-step.js';

const MARK: Record<TestStep['status'], string> = {pass: '✔', warn: '▲', fail: '✖', running: '…'};

/** `  ✔ Reachable             12 ms  Gemini Balance is up` plus an indented hint on warn/fail. */
export function formatTestStep(step: TestStep): string {
	const took = step.durationMs === undefined ? '' : formatDuration(step.durationMs);
	let line = `  ${MARK[step.status]} ${step.label.padEnd(20)} ${took.padStart(7)}  ${step.detail ?? ''}`.trimEnd();
	if (step.hint && step.status !== 'pass') line += `\n      → ${step.hint}`;
	return `${line}\n`;
}
