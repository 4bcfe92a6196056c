/**
 * JSON Schema → the subset Google's `Schema` accepts (v1beta whitelist, gemini-balance.md §3.4).
 * Google answers 400 for any other key (`additionalProperties`, `$defs`, `strict` …), for arrays
 * without typed `items` and for string formats other than `enum`/`date-time`. Gemini Balance's own
 * cleaner additionally deletes `anyOf`, so alternatives are flattened here instead of forwarded.
 */

type Schema = Record<string, unknown>;

const SIMPLE_KEYS = [
	'title',
	'description',
	'maxItems',
	'minItems',
	'minProperties',
	'maxProperties',
	'minLength',
	'maxLength',
	'pattern',
	'example',
	'default',
	'minimum',
	'maximum',
	'propertyOrdering',
] as const;

const FORMATS: Record<string, ReadonlySet<string>> = {
	string: new Set(['enum', 'date-time']),
	number: new Set(['float', 'double']),
	integer: new Set(['int32', 'int64']),
};

const MAX_REF_DEPTH = 8;

export function toGeminiSchema(schema: unknown): Schema {
	const root = isObject(schema) ? schema : {};
	const cleaned = clean(root, root, 0);
	if (!cleaned['type']) cleaned['type'] = 'object';
	return cleaned;
}

function clean(node: Schema, root: Schema, depth: number): Schema {
	if (typeof node['$ref'] === 'string') {
		const target = depth < MAX_REF_DEPTH ? resolveRef(root, node['$ref']) : undefined;
		// An unresolvable or too deeply recursive reference degrades to a free-form object.
		const {$ref: _ref, ...rest} = node;
		return clean({...(target ?? {type: 'object'}), ...rest}, root, depth + 1);
	}

	const flat = flattenAlternatives(node);
	if (flat !== node) return clean(flat, root, depth);
	const out: Schema = {};
	let nullable = node['nullable'] === true;
	let type = node['type'];
	if (Array.isArray(type)) {
		nullable ||= type.includes('null');
		type = type.find(entry => entry !== 'null');
	}

	if (typeof type !== 'string') {
		type = isObject(node['properties']) ? 'object' : node['items'] === undefined ? (Array.isArray(node['enum']) ? 'string' : undefined) : 'array';
	}

	if (type === 'null') {
		nullable = true;
		type = undefined;
	}

	if (typeof type === 'string') out['type'] = type;
	if (nullable) out['nullable'] = true;
	for (const key of SIMPLE_KEYS) if (node[key] !== undefined) out[key] = node[key];
	const format = node['format'];
	if (typeof format === 'string' && typeof type === 'string' && FORMATS[type]?.has(format)) out['format'] = format;
	const values = Array.isArray(node['enum']) ? node['enum'] : node['const'] === undefined ? undefined : [node['const']];
	if (values?.every(value => typeof value === 'string') && (type === 'string' || type === undefined)) {
		out['enum'] = values;
		out['type'] = 'string';
	}

	if (isObject(node['properties'])) {
		const properties: Schema = {};
		for (const [name, value] of Object.entries(node['properties'])) {
			properties[name] = clean(isObject(value) ? value : {}, root, depth);
		}

		out['properties'] = properties;
		if (Array.isArray(node['required'])) {
			const required = node['required'].filter(name => typeof name === 'string' && name in properties);
			if (required.length > 0) out['required'] = required;
		}
	}

	if (type === 'array') {
		const items = isObject(node['items']) ? clean(node['items'], root, depth) : {};
		if (!items['type']) items['type'] = 'string';
		out['items'] = items;
	}

	return out;
}

/** `anyOf`/`oneOf` → first non-null variant (+ nullable); `allOf` → merged. */
function flattenAlternatives(node: Schema): Schema {
	const variants = (node['anyOf'] ?? node['oneOf']) as unknown;
	let result = node;
	if (Array.isArray(variants)) {
		const {anyOf: _a, oneOf: _o, ...rest} = node;
		const nonNull = variants.filter(variant => isObject(variant) && variant['type'] !== 'null') as Schema[];
		const nullable = nonNull.length < variants.length;
		result = {...(nonNull[0] ?? {}), ...rest};
		if (nullable) result['nullable'] = true;
	}

	if (Array.isArray(result['allOf'])) {
		const {allOf, ...rest} = result;
		const merged: Schema = {};
		const properties: Schema = {};
		const required: unknown[] = [];
		for (const part of allOf as unknown[]) {
			if (!isObject(part)) continue;
			Object.assign(merged, part);
			if (isObject(part['properties'])) Object.assign(properties, part['properties']);
			if (Array.isArray(part['required'])) required.push(...part['required']);
		}

		result = {...merged, ...rest};
		if (Object.keys(properties).length > 0) result['properties'] = {...properties, ...(rest['properties'] as Schema | undefined)};
		if (required.length > 0) result['required'] = [...new Set([...required, ...((rest['required'] as unknown[]) ?? [])])];
	}

	return result;
}

function resolveRef(root: Schema, ref: string): Schema | undefined {
	if (!ref.startsWith('#/')) return undefined;
	let current: unknown = root;
	for (const raw of ref.slice(2).split('/')) {
		const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
		if (!isObject(current)) return undefined;
		current = current[key];
	}

	return isObject(current) ? current : undefined;
}

function isObject(value: unknown): value is Schema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
