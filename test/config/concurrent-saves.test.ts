/**
 * 14.6 concurrent saves (two processes never lose each other's change), 14.9 a symlinked config is
 * reloaded after hand edits of its target, 14.10 a read-only config is never replaced.
 */
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import JSON5 from 'json5';
import {beforeAll, describe, expect, it} from 'vitest';
import {ConfigError, ConfigStore} from '../../source/config/store.js';
import {transpiledConfigStore} from '../helpers/config-module.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const saver = path.join(root, 'test/fixtures/config-concurrent-saver.mjs');
const cli = path.join(root, 'dist/cli.js');
let storeModule: string;
beforeAll(() => {
	storeModule = transpiledConfigStore('ccr-tui-concurrent-saves');
});

const base = {
	PORT: 3456,
	Providers: [{name: 'fake', api_base_url: 'http://127.0.0.1:9/v1/chat/completions', api_key: 'k-123456789', models: ['m']}],
	Router: {default: 'fake,m'},
};

function writeConfig(text = `${JSON.stringify(base, undefined, 2)}\n`): string {
	const file = path.join(tempDir(), 'config.json');
	fs.writeFileSync(file, text, {mode: 0o600});
	return file;
}

type Child = {ready: Promise<void>; done: Promise<{code: number | null; out: string; err: string}>; go: () => void};

function startSaver(file: string, name: string, route: string, count: number): Child {
	const child = spawn(process.execPath, [saver, storeModule, file, name, route, String(count)], {stdio: ['pipe', 'pipe', 'pipe']});
	let out = '';
	let err = '';
	let resolveReady!: () => void;
	const ready = new Promise<void>(resolve => {
		resolveReady = resolve;
	});
	child.stdout.on('data', (chunk: Buffer) => {
		out += chunk.toString();
		if (out.includes('ready')) resolveReady();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		err += chunk.toString();
	});
	const done = new Promise<{code: number | null; out: string; err: string}>(resolve => {
		child.once('exit', code => {
			resolveReady();
			resolve({code, out, err});
		});
	});
	return {ready, done, go: () => child.stdin.end('go\n')};
}

describe('saves from several processes', () => {
	it('three processes saving 40 times each at once: every change is in the file, none lost', async () => {
		const file = writeConfig();
		const savers = [startSaver(file, 'a', 'think', 40), startSaver(file, 'b', 'background', 40), startSaver(file, 'c', 'longContext', 40)];
		await Promise.all(savers.map(async child => child.ready));
		for (const child of savers) child.go();
		const results = await Promise.all(savers.map(async child => child.done));
		for (const result of results) {
			expect(result.err).toBe('');
			expect(result.code).toBe(0);
			expect(JSON.parse(result.out.split('\n').at(-2)!)).toEqual({saved: 40});
		}

		const final = JSON5.parse(fs.readFileSync(file, 'utf8')) as {counters: Record<string, number>; Router: Record<string, string>};
		// Each saver reported 40 saves: all 40 of each are in the file.
		expect(final.counters).toEqual({a: 40, b: 40, c: 40});
		expect(final.Router).toEqual({default: 'fake,m', think: 'fake,a-40', background: 'fake,b-40', longContext: 'fake,c-40'});
		expect(fs.existsSync(`${file}.lock`)).toBe(false);
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
	}, 120_000);

	it.skipIf(!fs.existsSync(cli))(
		'two `add-gemini-balance --yes` runs at once both land (each provider saved, names distinct)',
		async () => {
			const file = writeConfig();
			const run = async (port: number): Promise<number | null> =>
				new Promise(resolve => {
					const child = spawn(
						process.execPath,
						[
							cli,
							'add-gemini-balance',
							'--url',
							`http://127.0.0.1:${port}`,
							'--token',
							'sk-gb-token-123456',
							'--models',
							'gemini-2.5-pro',
							'--route',
							'longContext',
							'--yes',
							'--skip-test',
							'--config',
							file,
						],
						{stdio: 'ignore', env: {...process.env, CCR_TUI_CONFIG: ''}},
					);
					child.once('exit', code => resolve(code));
				});
			expect(await Promise.all([run(9101), run(9102)])).toEqual([0, 0]);
			const final = JSON5.parse(fs.readFileSync(file, 'utf8')) as {Providers: Array<{name: string; api_base_url: string}>};
			expect(final.Providers.map(provider => provider.api_base_url).sort()).toEqual([
				'http://127.0.0.1:9/v1/chat/completions',
				'http://127.0.0.1:9101/v1/chat/completions',
				'http://127.0.0.1:9102/v1/chat/completions',
			]);
			expect(new Set(final.Providers.map(provider => provider.name)).size).toBe(3);
		},
		60_000,
	);

	it("a store saving on a stale view applies its change to the current file (the other store's change stays)", () => {
		const file = writeConfig();
		const first = new ConfigStore({path: file, watch: false, env: {}});
		const second = new ConfigStore({path: file, watch: false, env: {}});
		first.setRoute('think', 'fake,m');
		// `second` never reloaded: its snapshot predates the think route.
		expect(second.getSnapshot().config.Router.think).toBeUndefined();
		const result = second.setRoute('background', 'fake,m');
		expect(result.snapshot.config.Router).toMatchObject({think: 'fake,m', background: 'fake,m'});
		expect(JSON5.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({Router: {think: 'fake,m', background: 'fake,m'}});
	});

	it('a file changed during the save: the mutation runs again on the new content', () => {
		const file = writeConfig();
		const store = new ConfigStore({path: file, watch: false, env: {}});
		let calls = 0;
		const result = store.save(draft => {
			calls++;
			// An editor saving at this very moment (it takes no lock).
			if (calls === 1) fs.writeFileSync(file, JSON.stringify({...base, Router: {default: 'fake,m', think: 'fake,by-hand'}}));
			draft['Router'] = {...(draft['Router'] as object), background: 'fake,m'};
		});
		expect(result.attempts).toBe(2);
		expect(JSON5.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({Router: {think: 'fake,by-hand', background: 'fake,m'}});
	});

	it('a change that no longer applies fails clearly and leaves the file alone', () => {
		const file = writeConfig();
		const store = new ConfigStore({path: file, watch: false, env: {}});
		const before = fs.readFileSync(file, 'utf8');
		expect(() =>
			store.save(draft => {
				if (!(draft['Providers'] as Array<{name: string}>).some(provider => provider.name === 'gone')) {
					throw new ConfigError({path: file, key: 'Providers', problem: 'provider "gone" was removed meanwhile', message: 'provider "gone" was removed meanwhile; nothing saved'});
				}
			}),
		).toThrow(/removed meanwhile; nothing saved/);
		expect(fs.readFileSync(file, 'utf8')).toBe(before);
		expect(fs.existsSync(`${file}.lock`)).toBe(false);
	});

	it('a lock left by a killed process is taken over', () => {
		const file = writeConfig();
		// A pid that is certainly not running: a child that has exited.
		const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'}).stdout;
		fs.writeFileSync(`${file}.lock`, `${dead}\n`);
		const store = new ConfigStore({path: file, watch: false, env: {}});
		expect(store.setRoute('think', 'fake,m').formatting).toBe('kept');
		expect(fs.existsSync(`${file}.lock`)).toBe(false);
	});
});

describe('symlinked and read-only configs', () => {
	it('a symlinked config is reloaded when its target is edited, and a save keeps the link', async () => {
		const real = path.join(tempDir('ccr-dotfiles-'), 'ccr-config.json');
		fs.writeFileSync(real, JSON.stringify(base), {mode: 0o600});
		const link = path.join(tempDir(), 'config.json');
		fs.symlinkSync(real, link);
		const store = new ConfigStore({path: link, env: {}, debounceMs: 20});
		try {
			// An editor saving the target atomically (write a temp file beside it, rename over it).
			fs.writeFileSync(`${real}.tmp`, JSON.stringify({...base, Router: {default: 'fake,edited'}}));
			fs.renameSync(`${real}.tmp`, real);
			await waitFor(() => store.getSnapshot().config.Router.default === 'fake,edited');
			store.setRoute('think', 'fake,m');
			expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
			expect(JSON5.parse(fs.readFileSync(real, 'utf8'))).toMatchObject({Router: {default: 'fake,edited', think: 'fake,m'}});
		} finally {
			store.close();
		}
	});

	it('a read-only (0444) config is never replaced: the save fails with a clear message', () => {
		const file = writeConfig();
		fs.chmodSync(file, 0o444);
		const before = fs.readFileSync(file, 'utf8');
		const store = new ConfigStore({path: file, watch: false, env: {}});
		expect(() => store.setRoute('think', 'fake,m')).toThrow(/read-only \(mode 0444\).*chmod 600/);
		expect(fs.readFileSync(file, 'utf8')).toBe(before);
		expect(fs.statSync(file).mode & 0o777).toBe(0o444);
		expect(fs.readdirSync(path.dirname(file))).toEqual(['config.json']);
	});
});
