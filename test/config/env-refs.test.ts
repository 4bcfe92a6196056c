import {describe, expect, it} from 'vitest';
import {envRefName, isEnvRef, resolveEnvRefs} from '../../source/config/env-refs.js';
import {providerKeys} from '../../source/config/provider-keys.js';

describe('env references (the one owner: config/env-refs.ts)', () => {
	it('names the variable of a whole `$VAR` or `${VAR}` reference', () => {
		expect(envRefName('$GB_TOKEN')).toBe('GB_TOKEN');
		expect(envRefName(' ${GB_TOKEN} ')).toBe('GB_TOKEN');
		expect(isEnvRef('$_x1')).toBe(true);
	});

	it('half-braced or embedded text is not a reference (resolving leaves it as it is, so nothing else may treat it as one)', () => {
		for (const text of ['${FOO', '$FOO}', 'sk-$FOO', '$1abc', '$', '${}']) {
			expect(envRefName(text), text).toBeUndefined();
		}

		expect(resolveEnvRefs('${FOO', {FOO: 'x'})).toBe('${FOO');
	});

	it('the key pool drops exactly what is a reference', () => {
		const keys = providerKeys({name: 'p', api_base_url: 'http://x', models: [], api_key: ['$UNSET_KEY', '${FOO', 'sk-real-1234']} as never);
		expect(keys).toEqual(['${FOO', 'sk-real-1234']);
	});
});
