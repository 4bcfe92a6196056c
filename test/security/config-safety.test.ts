import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {beforeAll, describe, expect, it} from 'vitest';
import {ConfigError, ConfigStore} from '../../source/config/store.js';
import {transpiledConfigStore} from '../helpers/config-module.js';
import {startHarness} from '../helpers/proxy-harness.js';
import {tempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = path.join(root, 'test/fixtures/config-save-loop.mjs');
const storeModule = path.join(root, 'node_modules/.cache/ccr-tui-config-safety/config/store.js');

const goodConfig = {
	PORT: 3456,
	Providers: [{name: 'fake', api_base_url: 'http://127.0.0.1:9/v1/chat/completions', api_key: 'k-123456789', models: ['up-model']}],
	Router: {default: 'fake,up-model'},
};

function writeGood(dir: string): string {
	const file = path.join(dir, 'config.json');
	fs.writeFileSync(file, `${JSON.stringify(goodConfig, undefined, 2)}\n`, {mode: 0o600});
	return file;
}

/** Start the save loop, wait until it has saved 5 times, let it run a random few ms, SIGKILL it. */
async function killMidSave(configPath: string, delayMs: number): Promise<void> {
	const child = spawn(process.execPath, [fixture, storeModule, configPath], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = new Promise<void>(resolve => {
		child.once('exit', () => resolve());
	});
	await new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			if (chunk.toString().includes('ready')) resolve();
		});
		child.once('exit', code => reject(new Error(`save loop exited early (${code}): ${stderr}`)));
	});
	await new Promise(resolve => setTimeout(resolve, delayMs));
	child.kill('SIGKILL');
	await exited;
}

/** The file must be exactly one complete version the loop wrote (or the untouched original). */
function assertWholeVersion(configPath: string): number {
	const text = fs.readFileSync(configPath, 'utf8');
	const value = JSON.parse(text) as {counter?: number; padding?: string; Router: {default: string}; Providers: unknown};
	if (value.counter === undefined) {
		expect(value).toEqual(goodConfig);
		return 0;
	}

	expect(value.padding).toHaveLength(16 * 1024);
	expect(value.Router.default).toBe(`fake,m${value.counter}`);
	expect(value.Providers).toEqual(goodConfig.Providers);
	expect(text).toBe(`${JSON.stringify(value, undefined, 2)}\n`);
	return value.counter;
}

describe('config safety', () => {
	beforeAll(() => {
		transpiledConfigStore('ccr-tui-config-safety');
	});

	it('a save killed with SIGKILL at any point leaves a whole old or new version (20 kills), mode 0600', async () => {
		const dirs = Array.from({length: 20}, () => tempDir('ccr-kill-'));
		const counters: number[] = [];
		const backups: string[] = [];
		// Five save loops at a time keeps the test short; each has its own file.
		for (let batch = 0; batch < dirs.length; batch += 5) {
			await Promise.all(
				dirs.slice(batch, batch + 5).map(async (dir, index) => {
					const file = writeGood(dir);
					await killMidSave(file, ((batch + index) * 7) % 50);
					counters.push(assertWholeVersion(file));
					expect(fs.statSync(file).mode & 0o777).toBe(0o600);
					for (const name of fs.readdirSync(dir).filter(name => name.endsWith('.bak'))) {
						expect(fs.statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
						backups.push(fs.readFileSync(path.join(dir, name), 'utf8'));
					}

					// A fresh store (the next run) loads the survivor without complaint.
					const store = new ConfigStore({path: file, watch: false, env: {}});
					expect(store.getSnapshot().issue).toBeUndefined();
					store.close();
				}),
			);
		}

		// Every kill landed inside the loop (after 5 saves), i.e. while saving.
		expect(Math.min(...counters)).toBeGreaterThanOrEqual(5);
		// Backups are copies taken before each save; a kill during the copy must not leave a torn one.
		const torn = backups.filter(text => {
			try {
				JSON.parse(text);
				return false;
			} catch {
				return true;
			}
		});
		expect(torn, `${torn.length} of ${backups.length} backups are torn`).toHaveLength(0);
		// ~5 s on an idle 2-core machine (20 Node start-ups); generous for loaded CI runners.
	}, 120_000);

	it('creates the config folder 0700 and the file 0600', () => {
		const dir = path.join(tempDir(), 'new', '.claude-code-router');
		const store = new ConfigStore({path: path.join(dir, 'config.json'), watch: false, env: {}});
		store.setRoute('default', undefined);
		expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
		expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600);
		store.close();
	});

	it.each([
		['broken JSON', '{"Providers": [ {"name": "x",'],
		['empty file', ''],
		['null', 'null'],
		['an array', '[]'],
		['a string', '"config"'],
		['wrong type', '{"Providers": 5}'],
		['bad route', '{"Router": {"default": "no-comma"}}'],
	])('a hand-written file with %s is reported and never overwritten', (_name, text) => {
		const file = path.join(tempDir(), 'config.json');
		fs.writeFileSync(file, text, {mode: 0o600});
		const store = new ConfigStore({path: file, watch: false, env: {}});
		expect(store.getSnapshot().issue?.message).toContain(file);
		expect(() => store.setRoute('default', 'fake,up-model')).toThrow(ConfigError);
		store.reload();
		store.close();
		expect(fs.readFileSync(file, 'utf8')).toBe(text);
		expect(fs.readdirSync(path.dirname(file))).toEqual(['config.json']);
	});

	it('a hand edit that breaks the file keeps the last good config serving, and a fix is picked up', async () => {
		const dir = tempDir();
		const file = writeGood(dir);
		const store = new ConfigStore({path: file, env: {}, debounceMs: 20});
		try {
			const broken = '{"Router": {"default": "fake,up-model",}, oops';
			fs.writeFileSync(file, broken);
			const snapshot = await waitFor(() => store.getSnapshot().issue && store.getSnapshot());
			expect(snapshot.issue?.message).toMatch(/not valid JSON/);
			expect(snapshot.config.Router.default).toBe('fake,up-model');
			expect(snapshot.config.Providers[0]?.name).toBe('fake');
			expect(() => store.setRoute('default', 'fake,other')).toThrow(/Fix the file by hand first/);
			expect(fs.readFileSync(file, 'utf8')).toBe(broken);

			fs.writeFileSync(file, JSON.stringify({...goodConfig, Router: {default: 'fake,fixed'}}));
			await waitFor(() => !store.getSnapshot().issue && store.getSnapshot().config.Router.default === 'fake,fixed');
		} finally {
			store.close();
		}
	});

	it('the running proxy keeps serving the last good config while the file is broken', async () => {
		const h = await startHarness();
		try {
			fs.writeFileSync(h.configPath, '{"Providers": [ oops');
			await waitFor(() => h.store.getSnapshot().issue);
			const message = await h.client.messages.create({model: 'claude-sonnet-fault-test', max_tokens: 10, messages: [{role: 'user', content: 'hi'}]});
			expect(message.content[0]).toMatchObject({type: 'text'});
			expect(h.upstreamRequests).toHaveLength(1);
			expect(fs.readFileSync(h.configPath, 'utf8')).toBe('{"Providers": [ oops');
		} finally {
			await h.close();
		}
	});
});
