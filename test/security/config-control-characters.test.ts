import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {sanitizeTerminalText} from '../../source/activity/sanitize.js';
import {ConfigStore} from '../../source/config/store.js';
import {tempDir} from '../helpers/temp-dir.js';

const provider = {name: 'ok', api_base_url: 'https://api.example.com/v1', models: ['m']};

/** Text in the config that the dashboard shows, each carrying something that would drive a terminal. */
const cases: Array<{label: string; config: Record<string, unknown>; key: string; code: string}> = [
	{label: 'an OSC title change in a provider name', config: {Providers: [{...provider, name: 'x\u001b]2;owned\u0007'}]}, key: 'Providers[0].name', code: 'U+001B'},
	{
		label: 'a left-to-right mark pasted with a URL',
		config: {Providers: [{...provider, api_base_url: 'https://\u200eapi.example.com/v1'}]},
		key: 'Providers[0].api_base_url',
		code: 'U+200E',
	},
	{label: 'a line break forging a log line in a model', config: {Providers: [{...provider, models: ['m\nFAKE LINE']}]}, key: 'Providers[0].models[0]', code: 'U+000A'},
	{label: 'a bidi override in a route target', config: {Providers: [provider], Router: {default: 'ok,\u202em'}}, key: 'Router.default', code: 'U+202E'},
	{label: 'a CSI colour in a fallback target', config: {Providers: [provider], fallback: {default: ['ok,\u001b[31mm']}}, key: 'fallback.default[0]', code: 'U+001B'},
	{label: 'a C1 control in a header name', config: {Providers: [{...provider, headers: {'X-\u009bA': 'v'}}]}, key: 'Providers[0].headers', code: 'U+009B'},
	{label: 'an escape in HOST', config: {HOST: '127.0.0.1\u001b[2J'}, key: 'HOST', code: 'U+001B'},
];

describe('config text the dashboard shows never carries terminal controls', () => {
	for (const {label, config, key, code} of cases) {
		it(`refuses ${label}, naming the key and the character, and leaves the file alone`, () => {
			const dir = tempDir();
			const file = path.join(dir, 'config.json');
			const text = JSON.stringify(config, undefined, 2);
			fs.writeFileSync(file, text);
			const issue = new ConfigStore({path: file, env: {}, watch: false}).getSnapshot().issue;
			expect(issue?.key).toContain(key);
			expect(issue?.message).toContain(`control character ${code}`);
			// The message itself is safe to print: it names the character, it does not contain it.
			expect(sanitizeTerminalText(`${issue?.key} ${issue?.message}`)).toBe(`${issue?.key} ${issue?.message}`);
			expect(fs.readFileSync(file, 'utf8')).toBe(text);
		});
	}

	it('accepts names, models and URLs in any script', () => {
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		fs.writeFileSync(
			file,
			JSON.stringify({Providers: [{name: '深度求索', api_base_url: 'https://例子.example/v1', models: ['模型-é-🚀']}], Router: {default: '深度求索,模型-é-🚀'}}),
		);
		const snapshot = new ConfigStore({path: file, env: {}, watch: false}).getSnapshot();
		expect(snapshot.issue).toBeUndefined();
		expect(snapshot.config.Providers[0]?.name).toBe('深度求索');
	});
});

describe('a config that does not parse', () => {
	it('names a control character in its syntax error without printing it', () => {
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		fs.writeFileSync(file, '{PORT: \u009b31m}');
		const issue = new ConfigStore({path: file, env: {}, watch: false}).getSnapshot().issue;
		expect(issue?.message).toContain("at line 1, column 8: invalid character '<U+009B>'");
		expect(sanitizeTerminalText(issue?.message ?? '')).toBe(issue?.message);
	});
});
