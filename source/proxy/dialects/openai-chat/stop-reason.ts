import type {StopReason} from '../../translate/types.js';

export type StopFacts = {
	/** Last upstream `finish_reason` (null when none was sent, e.g. Gemini Balance streams). */
	finish: string | null;
	refusal: boolean;
	emittedTools: number;
	/** Stop string the upstream reported as matched (vLLM `stop_reason`), if it is one of the request's. */
	matchedStop: string | null;
};

/**
 * Spec §2.9. A tool block means `tool_use` whatever the upstream said: Gemini and Ollama report
 * `stop` for tool calls, Gemini Balance nothing at all. Unknown values become `end_turn`, never an
 * invalid stop reason.
 */
export function mapStopReason(facts: StopFacts, refusalStopReason: 'refusal' | 'end_turn'): StopReason {
	if (facts.finish === 'length') return 'max_tokens';
	if (facts.refusal || facts.finish === 'content_filter') return refusalStopReason;
	if (facts.emittedTools > 0) return 'tool_use';
	if (facts.matchedStop !== null) return 'stop_sequence';
	return 'end_turn';
}

/** vLLM reports which stop string matched in `choices[].stop_reason`; only trusted if the request had it. */
export function matchedStopSequence(choice: {stop_reason?: unknown}, stopSequences: readonly string[]): string | null {
	const value = choice.stop_reason;
	return typeof value === 'string' && stopSequences.includes(value) ? value : null;
}
