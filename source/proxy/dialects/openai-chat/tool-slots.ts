import JSON5 from 'json5';
import type {TranslateIds} from '../../translate/ids.js';
import {argumentsFromUpstream} from '../../translate/property-names.js';
import type {ToolNameMap} from '../../translate/tool-names.js';

/** One upstream tool call being assembled from fragments (spec §2.7.1). */
export type ToolSlot = {
	id: string | null;
	upIndex: number;
	name: string;
	args: string;
	googleSignature: string | null;
	/** Passthrough mode: Anthropic block index once opened, -1 before. */
	block: number;
	closed: boolean;
};

export type ToolCallDelta = {
	index?: unknown;
	id?: unknown;
	function?: {name?: unknown; arguments?: unknown} | null;
	extra_content?: {google?: {thought_signature?: unknown}} | null;
};

/**
 * Slot resolution by id first, index second: a NEW id is a new call even when the index repeats
 * (Ollama gives every parallel call index 0, Gemini Balance restarts the index per chunk); a
 * fragment without id continues the slot of its index (OpenAI/DeepSeek send the id only once);
 * no index at all continues the last slot (old Ollama).
 */
export class ToolSlots {
	readonly slots: ToolSlot[] = [];
	readonly #cumulative: boolean;
	readonly #byId = new Map<string, ToolSlot>();
	readonly #byIndex = new Map<number, ToolSlot>();
	#last: ToolSlot | null = null;

	constructor(cumulative: boolean) {
		this.#cumulative = cumulative;
	}

	/** Applies one `tool_calls[]` fragment; returns its slot and the newly appended argument text. */
	apply(delta: ToolCallDelta): {slot: ToolSlot; appended: string} {
		const slot = this.#resolve(delta);
		const fn = delta.function;
		if (fn) {
			if (typeof fn.name === 'string' && fn.name && !slot.name) slot.name = fn.name;
			const args = fn.arguments;
			let appended = '';
			if (args && typeof args === 'object') {
				// Ollama-native style: arguments as an object.
				slot.args = JSON.stringify(args);
				appended = slot.args;
			} else if (typeof args === 'string' && args.length > 0) {
				if (this.#cumulative && args.startsWith(slot.args)) {
					appended = args.slice(slot.args.length);
					slot.args = args;
				} else {
					appended = args;
					slot.args += args;
				}
			}

			const signature = delta.extra_content?.google?.thought_signature;
			if (typeof signature === 'string' && signature) slot.googleSignature = signature;
			return {slot, appended};
		}

		return {slot, appended: ''};
	}

	#resolve(delta: ToolCallDelta): ToolSlot {
		const id = typeof delta.id === 'string' && delta.id.trim() ? delta.id : null;
		const key = Number.isInteger(delta.index) ? (delta.index as number) : (this.#last?.upIndex ?? 0);
		if (id !== null) {
			const known = this.#byId.get(id);
			if (known) return known;
		} else {
			const known = this.#byIndex.get(key);
			if (known) return known;
		}

		const slot: ToolSlot = {id, upIndex: key, name: '', args: '', googleSignature: null, block: -1, closed: false};
		this.slots.push(slot);
		if (id !== null) this.#byId.set(id, slot);
		this.#byIndex.set(key, slot);
		this.#last = slot;
		return slot;
	}
}

export type FinishedToolCall = {id: string; name: string; input: Record<string, unknown>; googleSignature: string | null};

export type FinishContext = {
	names: ToolNameMap;
	ids: TranslateIds;
	/** Upstream finish_reason (truncated calls are dropped on `length`). */
	finish: string | null;
	usedIds: Set<string>;
	onWarning?: (message: string) => void;
};

/** Spec §2.7.2 steps 1–5; null when the call must not reach Claude Code. */
export function finishToolCall(slot: ToolSlot, context: FinishContext): FinishedToolCall | null {
	if (!slot.name) {
		context.onWarning?.('upstream tool call without a name was skipped');
		return null;
	}

	const name = context.names.restore(slot.name);
	const parsed = parseToolArguments(slot.args);
	if (context.finish === 'length' && !parsed.strict) {
		context.onWarning?.(`tool call ${name} was cut off by max_tokens and dropped`);
		return null;
	}

	if (parsed.failed) context.onWarning?.(`unparseable arguments for tool ${name}: ${slot.args.slice(0, 500)}`);
	const renames = context.names.propertyRenamesOf(name);
	if (renames) parsed.input = argumentsFromUpstream(parsed.input, renames) as Record<string, unknown>;
	const required = context.names.requiredOf(name);
	if (required) {
		for (const key of Object.keys(parsed.input)) {
			const value = parsed.input[key];
			// Models fill optional parameters with "" (Claude Code's Read rejects `pages: ""`).
			if ((value === '' || value === null) && !required.has(key)) delete parsed.input[key];
		}
	}

	return {id: uniqueId(context), name, input: parsed.input, googleSignature: slot.googleSignature};
}

/**
 * Every `tool_use` id the client sees is minted here (`toolu_` + 24 random base62), never the
 * upstream's: providers reuse ids across turns (`call_a1` on every turn) or send invalid ones (Kimi
 * `functions.Bash:0`, Gemini ""), and an id already in the conversation makes Claude Code drop the
 * call (`[Tool use interrupted]`). No mapping back is needed: the next request carries these ids in
 * both the assistant's tool calls and the tool results, so the upstream sees a consistent pair —
 * exactly as in a session that began on Anthropic. The upstream id only matches stream fragments.
 */
function uniqueId(context: FinishContext): string {
	let id = context.ids.toolUse();
	while (context.usedIds.has(id)) id = context.ids.toolUse();
	context.usedIds.add(id);
	return id;
}

export type ParsedArguments = {input: Record<string, unknown>; strict: boolean; failed: boolean};

/** `""` → {}; JSON, else JSON5 (single quotes, trailing commas); double-encoded strings unwrapped. */
export function parseToolArguments(raw: string): ParsedArguments {
	if (raw.trim() === '') return {input: {}, strict: false, failed: false};
	let value: unknown;
	let strict = true;
	try {
		value = JSON.parse(raw);
	} catch {
		strict = false;
		try {
			value = JSON5.parse(raw);
		} catch {
			return {input: {}, strict: false, failed: true};
		}
	}

	if (typeof value === 'string') {
		try {
			const inner: unknown = JSON.parse(value);
			if (inner && typeof inner === 'object' && !Array.isArray(inner)) value = inner;
		} catch {
			// A plain string argument: wrapped below.
		}
	}

	if (value === null) return {input: {}, strict, failed: false};
	if (typeof value !== 'object' || Array.isArray(value)) return {input: {value}, strict, failed: false};
	return {input: value as Record<string, unknown>, strict, failed: false};
}
