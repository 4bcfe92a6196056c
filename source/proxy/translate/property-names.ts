/**
 * Gemini Balance's schema cleaner deletes every key named like a JSON Schema keyword it does not
 * support, property names included, and leaves them in `required` (Google then refuses the tool;
 * an optional one silently vanishes). MCP tools have parameters called `examples`, `const`, `not`…
 * So such properties go upstream under another name, and call arguments are mapped back.
 */

type Schema = Record<string, unknown>;

/** The names Gemini Balance's cleaner deletes wherever they appear. */
const GB_CLEANED_NAMES: ReadonlySet<string> = new Set([
	'exclusiveMaximum',
	'exclusiveMinimum',
	'const',
	'examples',
	'contentEncoding',
	'contentMediaType',
	'if',
	'then',
	'else',
	'allOf',
	'anyOf',
	'oneOf',
	'not',
	'definitions',
	'$schema',
	'$id',
	'$ref',
	'$comment',
	'readOnly',
	'writeOnly',
]);

/** How one object level is renamed: original → upstream name, and the levels below each property. */
export type PropertyRenames = {
	readonly toUpstream: ReadonlyMap<string, string>;
	readonly toOriginal: ReadonlyMap<string, string>;
	/** Nested renames by ORIGINAL property name (objects, and array items as `[]`). */
	readonly children: ReadonlyMap<string, PropertyRenames>;
};

const ITEMS = '[]';

/**
 * Renames keyword-named properties at any depth of an already Gemini-shaped schema (copies what
 * changes, keeps the rest). Returns undefined renames when nothing needed renaming (the common case).
 */
export function renameKeywordProperties(schema: Schema): {schema: Schema; renames: PropertyRenames | undefined} {
	const children = new Map<string, PropertyRenames>();
	let out = schema;
	const items = schema['items'];
	if (isObject(items)) {
		const inner = renameKeywordProperties(items);
		if (inner.renames) {
			children.set(ITEMS, inner.renames);
			out = {...out, items: inner.schema};
		}
	}

	const properties = schema['properties'];
	const toUpstream = new Map<string, string>();
	if (isObject(properties)) {
		const taken = new Set(Object.keys(properties));
		const renamed: Schema = {};
		let changed = false;
		for (const [name, child] of Object.entries(properties)) {
			const inner = isObject(child) ? renameKeywordProperties(child) : {schema: child as Schema, renames: undefined};
			if (inner.renames) children.set(name, inner.renames);
			const upstream = GB_CLEANED_NAMES.has(name) ? freeName(name, taken) : name;
			if (upstream !== name) toUpstream.set(name, upstream);
			changed ||= upstream !== name || inner.schema !== child;
			renamed[upstream] = inner.schema;
		}

		if (changed) {
			out = {...out, properties: renamed};
			const required = schema['required'];
			if (Array.isArray(required)) out['required'] = required.map(name => (typeof name === 'string' ? (toUpstream.get(name) ?? name) : name));
		}
	}

	if (toUpstream.size === 0 && children.size === 0) return {schema, renames: undefined};
	const toOriginal = new Map([...toUpstream].map(([original, upstream]) => [upstream, original]));
	return {schema: out, renames: {toUpstream, toOriginal, children}};
}

/** `examples` → `examples_` (more underscores while the name is taken or still a keyword). */
function freeName(name: string, taken: Set<string>): string {
	let candidate = `${name}_`;
	while (taken.has(candidate) || GB_CLEANED_NAMES.has(candidate)) candidate += '_';
	taken.add(candidate);
	return candidate;
}

/** Claude Code's tool input (history) → the argument object sent upstream. */
export function argumentsToUpstream(value: unknown, renames: PropertyRenames | undefined): unknown {
	return mapArguments(value, renames, 'toUpstream');
}

/** The model's arguments → the tool's real property names. */
export function argumentsFromUpstream(value: unknown, renames: PropertyRenames | undefined): unknown {
	return mapArguments(value, renames, 'toOriginal');
}

function mapArguments(value: unknown, renames: PropertyRenames | undefined, direction: 'toUpstream' | 'toOriginal'): unknown {
	if (!renames || value === null || typeof value !== 'object') return value;
	if (Array.isArray(value)) {
		const items = renames.children.get(ITEMS);
		return items ? value.map(item => mapArguments(item, items, direction)) : value;
	}

	const map = renames[direction];
	const out: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) {
		const mapped = map.get(key) ?? key;
		const original = direction === 'toUpstream' ? key : mapped;
		out[mapped] = mapArguments(item, renames.children.get(original), direction);
	}

	return out;
}

function isObject(value: unknown): value is Schema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
