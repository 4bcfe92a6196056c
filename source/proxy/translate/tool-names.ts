import {createHash} from 'node:crypto';
import type {PropertyRenames} from './property-names.js';

const MAX_NAME = 64;
const OPENAI_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Facts of one request that the response side needs: the outbound ⇄ original tool names (OpenAI
 * caps names at 64 chars, Claude Code MCP names exceed that), each tool's `required` list (to
 * strip empty optional arguments) and the stop sequences (to report `stop_sequence`).
 */
export class ToolNameMap {
	readonly stopSequences: readonly string[];
	readonly #dialect: 'openai' | 'gemini';
	readonly #toUpstream = new Map<string, string>();
	readonly #toOriginal = new Map<string, string>();
	readonly #required = new Map<string, ReadonlySet<string>>();
	readonly #renames = new Map<string, PropertyRenames>();
	/** lower-case name → original, or null when two tools differ only in case. */
	readonly #lower = new Map<string, string | null>();

	constructor(options: {dialect?: 'openai' | 'gemini'; stopSequences?: readonly string[]} = {}) {
		this.#dialect = options.dialect ?? 'openai';
		this.stopSequences = options.stopSequences ?? [];
	}

	/** Registers a tool offered in the request; returns the name to send upstream. */
	addTool(name: string, schema: unknown): string {
		const required = (schema as {required?: unknown} | undefined)?.required;
		this.#required.set(name, new Set(Array.isArray(required) ? required.filter(item => typeof item === 'string') : []));
		const lower = name.toLowerCase();
		this.#lower.set(lower, this.#lower.has(lower) && this.#lower.get(lower) !== name ? null : name);
		return this.upstreamName(name);
	}

	/** Outbound name for a tool name (tools, history `tool_use.name`, `tool_choice.name`). */
	upstreamName(name: string): string {
		if ((this.#dialect === 'gemini' ? GEMINI_NAME : OPENAI_NAME).test(name)) return name;
		let mapped = this.#toUpstream.get(name);
		if (mapped === undefined) {
			mapped = shortenName(name, this.#dialect);
			this.#toUpstream.set(name, mapped);
			this.#toOriginal.set(mapped, name);
		}

		return mapped;
	}

	/**
	 * Name to show Claude Code for a name the model produced: undo shortening, else the exact tool,
	 * else the unique case-insensitive match (models write `bash` for `Bash`), else unchanged.
	 */
	restore(name: string): string {
		const original = this.#toOriginal.get(name);
		if (original !== undefined) return original;
		if (this.#required.has(name)) return name;
		return this.#lower.get(name.toLowerCase()) ?? this.#toOriginal.get(name.toLowerCase()) ?? name;
	}

	/** Records that a tool's properties go upstream under other names (see property-names.ts). */
	setPropertyRenames(name: string, renames: PropertyRenames): void {
		this.#renames.set(name, renames);
	}

	/** Property renames of a tool (by its original name); undefined when none. */
	propertyRenamesOf(name: string): PropertyRenames | undefined {
		return this.#renames.get(name);
	}

	/** `required` of a tool offered in this request; undefined for unknown tools. */
	requiredOf(name: string): ReadonlySet<string> | undefined {
		return this.#required.get(name);
	}
}

/**
 * Names over 64 chars: `name[0:55] + "_" + sha256(name)[0:8]` (LiteLLM's scheme, spec §1.8).
 * Characters the dialect rejects become `_`; Gemini names must not start with a digit.
 */
function shortenName(name: string, dialect: 'openai' | 'gemini' = 'openai'): string {
	let safe = name.replace(dialect === 'gemini' ? /[^A-Za-z0-9_.:-]/g : /[^A-Za-z0-9_-]/g, '_');
	if (dialect === 'gemini' && !/^[A-Za-z_]/.test(safe)) safe = `_${safe}`;
	if (safe.length <= MAX_NAME && safe.length > 0) return safe;
	return `${safe.slice(0, 55)}_${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
