import {useMemo} from 'react';
import type {KeyHealthMap} from '../../activity/key-health.js';
import type {ConfigSnapshot} from '../../config/store.js';
import type {ProviderView} from '../components/providers-panel.js';
import type {ProviderTestState} from '../connection-tests.js';

/** Each configured provider with its key as written in the file, its pool's key health and its last connection test. */
export function useProviderViews(config: ConfigSnapshot, keys: KeyHealthMap, tests: Readonly<Record<string, ProviderTestState>>): ProviderView[] {
	const rawProviders = useMemo(() => {
		const raw = config.raw['Providers'] ?? config.raw['providers'];
		return Array.isArray(raw) ? (raw as unknown[]) : [];
	}, [config.raw]);
	return useMemo(
		() =>
			config.config.Providers.map((provider, index) => ({
				provider,
				rawKey: (rawProviders[index] as {api_key?: unknown} | undefined)?.api_key,
				keys: keys[provider.name],
				test: tests[provider.name],
			})),
		[config.config.Providers, rawProviders, keys, tests],
	);
}
