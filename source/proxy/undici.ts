import {createRequire} from 'node:module';

type Undici = typeof import('undici');
let loaded: Undici | undefined;

/**
 * undici takes ~150 ms to load: loaded on the first upstream call (or by the warm-up shortly after
 * the proxy listens), so that `ccr-tui start` is listening sooner.
 */
export function undici(): Undici {
	loaded ??= createRequire(import.meta.url)('undici') as Undici;
	return loaded;
}
