/**
 * What goes upstream for one target (the dialect of its profile translates) and the list of
 * targets (routed one, then the scenario's fallbacks).
 */
import type {Config, ProviderConfig} from '../config/schema.js';
import type {ClientBetas, DialectContext, DialectRequest} from './dialects/dialect.js';
import {dialectFor} from './dialects/registry.js';
import {resolveTarget} from './router.js';
import type {Profile} from './translate/profiles.js';
import type {AnthropicRequest} from './translate/types.js';
import type {CallTarget} from './upstream-call.js';

export type Prepared = DialectRequest;

export function prepareFor(
	target: CallTarget,
	request: AnthropicRequest,
	profile: Profile,
	stream: boolean,
	context: DialectContext,
	options: {readonly nonStreamUpstream?: boolean; readonly client?: ClientBetas} = {},
): Prepared {
	// A non-streaming upstream call for a streaming client: the handler re-streams the whole answer.
	return dialectFor(profile).prepare(target, request, profile, stream && !options.nonStreamUpstream, context, options.client);
}

/** The routed target, then the scenario's fallback list (unknown or repeated entries skipped). */
export function buildTargets(config: Config, primary: CallTarget, scenario: string): {list: CallTarget[]; skipped: Array<{provider: string; model: string; reason: string}>} {
	const list: CallTarget[] = [primary];
	const skipped: Array<{provider: string; model: string; reason: string}> = [];
	const seen = new Set([targetKey(primary.provider, primary.model)]);
	const chain = (config.fallback as Record<string, readonly string[] | undefined> | undefined)?.[scenario] ?? [];
	for (const entry of chain) {
		const resolved = resolveTarget(config, entry);
		if ('error' in resolved) {
			const [provider = entry, model = ''] = entry.split(',');
			skipped.push({provider, model, reason: `fallback ${resolved.error}`});
			continue;
		}

		const key = targetKey(resolved.provider, resolved.model);
		if (seen.has(key)) continue;
		seen.add(key);
		list.push(resolved);
	}

	return {list, skipped};
}

function targetKey(provider: ProviderConfig, model: string): string {
	return `${provider.name.toLowerCase()},${model.toLowerCase()}`;
}
