/**
 * What a provider save or delete changes, shown before it happens: keys (masked), models, URL,
 * headers, profile, and the routes and fallback entries that point at anything being removed.
 */
import {isEnvRef} from '../config/env-refs.js';
import {maskSecret} from '../config/redact.js';
import {parseRouteTarget, SCENARIOS, type RawConfig, type Scenario} from '../config/schema.js';

export type ProviderDiff = {
	readonly name: string;
	readonly mode: 'add' | 'update' | 'delete';
	readonly renamedFrom?: string;
	readonly url?: {readonly from?: string; readonly to?: string};
	readonly keysAdded: readonly string[];
	readonly keysRemoved: readonly string[];
	readonly keysReordered: boolean;
	readonly modelsAdded: readonly string[];
	readonly modelsRemoved: readonly string[];
	readonly headersChanged: readonly string[];
	readonly profile?: {readonly from?: string; readonly to?: string};
};

/** Routes (Router entries) and fallback entries that would point at a removed model or provider. */
export type RouteImpact = {
	readonly routes: readonly Scenario[];
	readonly fallbacks: ReadonlyArray<{readonly scenario: Scenario; readonly target: string}>;
};

/** What to do with the routes that point at something removed. */
export type RouteFix = {readonly kind: 'repoint'; readonly target: string} | {readonly kind: 'clear'} | {readonly kind: 'keep'};

/** How a key is shown anywhere: its `$ENV` reference, else its masked suffix. */
export function keyLabel(key: string): string {
	return isEnvRef(key) ? key.trim() : maskSecret(key);
}

export function keyList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
	return list.filter((key): key is string => typeof key === 'string' && key.trim() !== '').map(key => key.trim());
}

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function headerMap(value: unknown): Record<string, unknown> {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Compare the provider before (undefined: new) with after (undefined: deleted). */
export function diffProvider(before: RawConfig | undefined, after: RawConfig | undefined): ProviderDiff {
	const name = String((after ?? before)?.['name'] ?? '');
	const mode = !before ? 'add' : after ? 'update' : 'delete';
	const keysBefore = keyList(before?.['api_key']);
	const keysAfter = keyList(after?.['api_key']);
	const modelsBefore = stringList(before?.['models']);
	const modelsAfter = stringList(after?.['models']);
	const kept = keysAfter.filter(key => keysBefore.includes(key));
	const headersBefore = headerMap(before?.['headers']);
	const headersAfter = headerMap(after?.['headers']);
	const headerNames = [...new Set([...Object.keys(headersBefore), ...Object.keys(headersAfter)])];
	const urlFrom = before?.['api_base_url'] as string | undefined;
	const urlTo = after?.['api_base_url'] as string | undefined;
	const profileFrom = before?.['profile'] as string | undefined;
	const profileTo = after?.['profile'] as string | undefined;
	const beforeName = before?.['name'] as string | undefined;
	return {
		name,
		mode,
		renamedFrom: before && after && beforeName !== name ? beforeName : undefined,
		url: mode === 'update' && urlFrom !== urlTo ? {from: urlFrom, to: urlTo} : undefined,
		keysAdded: keysAfter.filter(key => !keysBefore.includes(key)).map(keyLabel),
		keysRemoved: keysBefore.filter(key => !keysAfter.includes(key)).map(keyLabel),
		keysReordered: kept.join('\n') !== keysBefore.filter(key => keysAfter.includes(key)).join('\n'),
		modelsAdded: modelsAfter.filter(model => !modelsBefore.includes(model)),
		modelsRemoved: modelsBefore.filter(model => !modelsAfter.includes(model)),
		headersChanged: mode === 'update' ? headerNames.filter(header => headersBefore[header] !== headersAfter[header]) : [],
		profile: mode === 'update' && profileFrom !== profileTo ? {from: profileFrom, to: profileTo} : undefined,
	};
}

/**
 * Which routes point at something the change removes: a removed model of this provider, or the
 * provider itself (deleted). `keptModels` undefined means the provider is gone.
 */
export function routeImpact(raw: RawConfig, providerName: string, keptModels: readonly string[] | undefined, removedModels: readonly string[] = []): RouteImpact {
	const hits = (value: unknown): boolean => {
		const target = typeof value === 'string' ? parseRouteTarget(value) : undefined;
		if (!target || target.provider.toLowerCase() !== providerName.toLowerCase()) return false;
		return keptModels === undefined || (removedModels.includes(target.model) && !keptModels.includes(target.model));
	};

	const router = headerMap(raw['Router']);
	const fallback = headerMap(raw['fallback']);
	return {
		routes: SCENARIOS.filter(scenario => hits(router[scenario])),
		fallbacks: SCENARIOS.flatMap(scenario =>
			stringList(fallback[scenario])
				.filter(hits)
				.map(target => ({scenario, target})),
		),
	};
}

/**
 * Apply the user's answer to the route question, and always drop fallback entries that point at
 * something removed (a fallback to a missing model only adds a failing try).
 */
export function applyRouteFix(raw: RawConfig, impact: RouteImpact, fix: RouteFix): void {
	if (impact.routes.length > 0 && fix.kind !== 'keep') {
		const router = {...headerMap(raw['Router'])};
		for (const scenario of impact.routes) {
			if (fix.kind === 'repoint') router[scenario] = fix.target;
			else delete router[scenario];
		}

		raw['Router'] = router;
	}

	if (impact.fallbacks.length === 0) return;
	const fallback = {...headerMap(raw['fallback'])};
	for (const scenario of new Set(impact.fallbacks.map(entry => entry.scenario))) {
		const dropped = new Set(impact.fallbacks.filter(entry => entry.scenario === scenario).map(entry => entry.target));
		const rest = stringList(fallback[scenario]).filter(target => !dropped.has(target));
		if (rest.length > 0) fallback[scenario] = rest;
		else delete fallback[scenario];
	}

	raw['fallback'] = fallback;
}

/** One line per kind of change, e.g. `models: −gemini-2.5-pro` and `routes affected: default, longContext`. */
export function describeDiff(diff: ProviderDiff, impact?: RouteImpact): string[] {
	const lines: string[] = [];
	const list = (added: readonly string[], removed: readonly string[]) => [...added.map(item => `+${item}`), ...removed.map(item => `−${item}`)].join(' ');
	if (diff.mode === 'add') lines.push(`adds provider "${diff.name}"`);
	if (diff.mode === 'delete') lines.push(`deletes provider "${diff.name}"`);
	if (diff.renamedFrom) lines.push(`name: ${diff.renamedFrom} → ${diff.name}`);
	if (diff.url) lines.push(`url: ${diff.url.from ?? '—'} → ${diff.url.to ?? '—'}`);
	if (diff.mode !== 'delete' && (diff.keysAdded.length > 0 || diff.keysRemoved.length > 0)) lines.push(`keys: ${list(diff.keysAdded, diff.keysRemoved)}`);
	if (diff.keysReordered) lines.push('keys: reordered');
	if (diff.mode !== 'delete' && (diff.modelsAdded.length > 0 || diff.modelsRemoved.length > 0)) lines.push(`models: ${list(diff.modelsAdded, diff.modelsRemoved)}`);
	if (diff.headersChanged.length > 0) lines.push(`headers: ${diff.headersChanged.join(', ')} changed`);
	if (diff.profile) lines.push(`profile: ${diff.profile.from ?? 'auto'} → ${diff.profile.to ?? 'auto'}`);
	if (impact && impact.routes.length > 0) lines.push(`routes affected: ${impact.routes.join(', ')}`);
	if (impact && impact.fallbacks.length > 0) lines.push(`fallback entries removed: ${impact.fallbacks.map(entry => `${entry.scenario}: ${entry.target}`).join(', ')}`);
	if (lines.length === 0) lines.push('no changes');
	return lines;
}
