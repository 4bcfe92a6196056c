/**
 * How much reasoning a request asks for, on Claude Code's five-step effort scale — what the think
 * route compares with `Router.thinkEffort`. Claude Code 2.1.x puts `thinking: {type: "adaptive"}`
 * and `output_config.effort` on every main-loop request (`medium` for its default model, `high` for a
 * custom one, whatever `--effort` / `/effort` chose otherwise), so the type of thinking alone says
 * nothing; the effort does.
 */
import {EFFORTS, type Effort} from '../config/schema.js';

type EffortRequest = {
	readonly thinking?: {readonly type?: string; readonly budget_tokens?: unknown; readonly [key: string]: unknown} | null;
	readonly output_config?: {readonly effort?: unknown; readonly [key: string]: unknown} | null;
};

/**
 * The effort a request asks for: the higher of `output_config.effort` and what `thinking` implies
 * (an `enabled` budget mapped by {@link budgetEffort}; `adaptive` alone counts as `medium`,
 * Claude Code's default). Undefined when it asks for none.
 */
export function requestEffort(request: EffortRequest): Effort | undefined {
	const stated = isEffort(request.output_config?.effort) ? request.output_config.effort : undefined;
	const thinking = request.thinking;
	let implied: Effort | undefined;
	if (thinking?.type === 'enabled') {
		const budget = Number(thinking.budget_tokens);
		implied = budget > 0 ? budgetEffort(budget) : 'medium';
	} else if (thinking?.type === 'adaptive' && !stated) {
		implied = 'medium';
	}

	return higher(stated, implied);
}

/**
 * `thinking.budget_tokens` → effort. The steps follow Claude Code's own thinking keywords: "think"
 * (4,000 tokens) is medium, "think hard"/"megathink" (10,000) high, "ultrathink" (31,999) xhigh.
 * No budget maps to `max`: a budget is a ceiling, and `max` is only ever a deliberate `--effort max`.
 */
function budgetEffort(budget: number): Effort {
	if (budget <= 1024) return 'low';
	if (budget <= 8192) return 'medium';
	if (budget <= 24_576) return 'high';
	return 'xhigh';
}

export function effortAtLeast(effort: Effort, threshold: Effort): boolean {
	return EFFORTS.indexOf(effort) >= EFFORTS.indexOf(threshold);
}

function higher(a: Effort | undefined, b: Effort | undefined): Effort | undefined {
	if (!a || !b) return a ?? b;
	return effortAtLeast(a, b) ? a : b;
}

function isEffort(value: unknown): value is Effort {
	return typeof value === 'string' && (EFFORTS as readonly string[]).includes(value);
}
