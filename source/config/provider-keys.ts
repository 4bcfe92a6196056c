import {isEnvRef} from './env-refs.js';
import type {ProviderConfig} from './schema.js';

/**
 * `api_key` as the list of keys the proxy really sends, in pool order: empty strings and unresolved
 * `$VARS` dropped, duplicates once. The proxy's key pool and the providers panel both number keys by it.
 */
export function providerKeys(provider: Pick<ProviderConfig, 'api_key'>): string[] {
	const raw = provider.api_key;
	const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
	return [...new Set(list.map(key => key.trim()).filter(key => key !== '' && !isEnvRef(key)))];
}
