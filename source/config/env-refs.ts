/**
 * `$VAR` / `${VAR}` references in string values, resolved from the environment when the config is
 * read. Unknown variables are kept literally (as Claude Code Router does), so a typo stays visible.
 * Resolution returns a new tree: the raw tree (what is written back) is never touched.
 */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export type Env = Record<string, string | undefined>;

export function resolveEnvRefs<T>(value: T, env: Env = process.env): T {
	return resolve(value, env) as T;
}

function resolve(value: unknown, env: Env): unknown {
	if (typeof value === 'string') {
		if (!value.includes('$')) return value;
		return value.replace(REFERENCE, (whole, braced: string | undefined, bare: string | undefined) => {
			const name = braced ?? bare ?? '';
			const resolved = env[name];
			return resolved === undefined ? whole : resolved;
		});
	}

	if (Array.isArray(value)) return value.map(item => resolve(item, env));
	if (value && typeof value === 'object') {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) out[key] = resolve(item, env);
		return out;
	}

	return value;
}

const WHOLE_REFERENCE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** The variable a string names when it is (only) a reference, `$GB_TOKEN` or `${GB_TOKEN}`; else undefined. */
export function envRefName(value: string): string | undefined {
	const match = WHOLE_REFERENCE.exec(value.trim());
	return match ? (match[1] ?? match[2]) : undefined;
}

/** True when the string is (only) an env reference, e.g. a token stored as `$GB_TOKEN`. */
export function isEnvRef(value: string): boolean {
	return envRefName(value) !== undefined;
}

/**
 * Names of the references still left in an already resolved string: the resolver keeps a reference
 * to an unset variable literally, so any left means that variable was not set.
 */
export function unresolvedRefs(resolved: string): string[] {
	if (!resolved.includes('$')) return [];
	return [...resolved.matchAll(REFERENCE)].map(match => match[1] ?? match[2] ?? '');
}
