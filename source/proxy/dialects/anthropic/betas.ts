/**
 * Claude Code's beta opt-ins, forwarded to Anthropic-compatible upstreams: the `anthropic-beta`
 * header (`claude-code-20250219,…,context-management-2025-06-27,…,effort-2025-11-24`) and the
 * `?beta=true` query. The body carries beta-only fields (`context_management`, `output_config`), so
 * an upstream that gets the fields without the header refuses them. Some compatible upstreams refuse
 * a beta or a field instead: a provider's `strip_betas` (`"*"` for all) and `strip_fields` say so.
 */
import type {ProviderConfig} from '../../../config/schema.js';
import type {ClientBetas} from '../dialect.js';

const ALL = '*';

export function forwardedBetas(client: ClientBetas, provider: Pick<ProviderConfig, 'strip_betas'>): ClientBetas {
	const strip = provider.strip_betas ?? [];
	if (strip.includes(ALL)) return {query: false};
	const query = client.query === true;
	if (!client.header) return {query};
	const dropped = new Set(strip.map(name => name.trim().toLowerCase()));
	const kept = client.header
		.split(',')
		.map(name => name.trim())
		.filter(name => name && !dropped.has(name.toLowerCase()));
	return kept.length > 0 ? {header: kept.join(','), query} : {query};
}

/** A copy of the (cached, shared) upstream URL with `beta=true`. */
export function withBetaQuery(url: URL): URL {
	const copy = new URL(url);
	copy.searchParams.set('beta', 'true');
	return copy;
}

export function withoutFields<T extends Record<string, unknown>>(body: T, fields: readonly string[] | undefined): T {
	if (!fields || fields.length === 0) return body;
	const copy: Record<string, unknown> = {...body};
	for (const field of fields) if (field !== 'model' && field !== 'messages') delete copy[field];
	return copy as T;
}
