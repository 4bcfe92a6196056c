import fs from 'node:fs';
import path from 'node:path';
import JSON5 from 'json5';
import {describe, expect, it} from 'vitest';
import {ConfigError, ConfigStore} from '../../source/config/store.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const json5Config = `{
  // comments and trailing commas are fine
  PORT: 3456,
  APIKEY: "$CCR_TEST_KEY",
  Providers: [
    {name: "deepseek", api_base_url: "https://api.deepseek.com/chat/completions", api_key: "\${DS_KEY}", models: ["deepseek-chat",],},
  ],
  Router: {default: "deepseek,deepseek-chat"},
  StatusLine: {enabled: true},
}`;

function store(dir: string, env: Record<string, string> = {}, watch = false) {
	return new ConfigStore({path: path.join(dir, 'config.json'), env, watch, debounceMs: 20});
}

describe('ConfigStore', () => {
	it('creates a missing file with safe defaults, mode 0600', () => {
		const dir = tempDir();
		const s = store(dir);
		const file = path.join(dir, 'config.json');
		expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({PORT: 3456, Providers: [], Router: {}});
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
		expect(s.getSnapshot().created).toBe(true);
		expect(s.getSnapshot().config.Router.longContextThreshold).toBe(60_000);
	});

	it('reads JSON5 and resolves $VAR/${VAR} without writing them back resolved', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'config.json'), json5Config);
		const s = store(dir, {CCR_TEST_KEY: 'secret-apikey', DS_KEY: 'sk-ds-1234'});
		const {config} = s.getSnapshot();
		expect(config.APIKEY).toBe('secret-apikey');
		expect(config.Providers[0]?.api_key).toBe('sk-ds-1234');
		expect((config as Record<string, unknown>)['StatusLine']).toEqual({enabled: true});

		s.setRoute('background', 'deepseek,deepseek-chat');
		// Still JSON5 (comments kept): read it as such.
		const written = JSON5.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
		expect(written.APIKEY).toBe('$CCR_TEST_KEY');
		expect(written.Providers[0].api_key).toBe('${DS_KEY}');
		expect(written.StatusLine).toEqual({enabled: true});
		expect(written.Router.background).toBe('deepseek,deepseek-chat');
		expect(s.getSnapshot().config.Router.background).toBe('deepseek,deepseek-chat');
	});

	it('keeps the 3 newest backups', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'config.json'), json5Config);
		const s = store(dir);
		for (let i = 0; i < 5; i++) s.setRoute('think', i % 2 ? 'deepseek,deepseek-chat' : undefined);
		const backups = fs.readdirSync(dir).filter(name => name.endsWith('.bak'));
		expect(backups).toHaveLength(3);
	});

	it('reports an invalid file by path, key and problem and never overwrites it', () => {
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		const broken = '{Providers: [{name: "x", api_base_url: "not a url", models: []}]}';
		fs.writeFileSync(file, broken);
		const s = store(dir);
		const issue = s.getSnapshot().issue;
		expect(issue?.path).toBe(file);
		expect(issue?.key).toBe('Providers[0].api_base_url');
		expect(issue?.message).toContain('http(s) URL');
		expect(() => s.setRoute('default', 'x,y')).toThrow(ConfigError);
		expect(fs.readFileSync(file, 'utf8')).toBe(broken);
	});

	it('reports JSON5 syntax errors with line and column', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'config.json'), '{\n  PORT: 3456,\n  Router: {default: }\n}');
		const issue = store(dir).getSnapshot().issue;
		expect(issue?.message).toMatch(/line 3, column \d+/);
	});

	it('refuses an invalid update and leaves the file as it was', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'config.json'), json5Config);
		const before = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
		const s = store(dir);
		expect(() => s.setRoute('default', 'no-comma')).toThrow(/Router.default/);
		expect(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).toBe(before);
	});

	it('picks up hand edits live, and keeps the last good config when the edit is broken', async () => {
		const dir = tempDir();
		const file = path.join(dir, 'config.json');
		fs.writeFileSync(file, json5Config);
		const s = store(dir, {}, true);
		try {
			fs.writeFileSync(file, json5Config.replace('Router: {default: "deepseek,deepseek-chat"}', 'Router: {default: "deepseek,deepseek-reasoner"}'));
			await waitFor(() => s.getSnapshot().config.Router.default === 'deepseek,deepseek-reasoner');
			fs.writeFileSync(file, '{oops');
			await waitFor(() => s.getSnapshot().issue);
			expect(s.getSnapshot().config.Router.default).toBe('deepseek,deepseek-reasoner');
		} finally {
			s.close();
		}
	});
});
