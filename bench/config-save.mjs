// Config save cost: a minimal (format-preserving) edit against a full plain-JSON rewrite, and lock
// contention between processes. Run after `npm run build`: node bench/config-save.mjs
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import JSON5 from 'json5';
import {editPreserving} from '../dist/config/preserving-edit.js';
import {ConfigStore} from '../dist/config/store.js';

const providers = Array.from({length: 20}, (_, index) => `    // provider ${index}\n    {name: 'p${index}', api_base_url: 'https://example.com/${index}/v1/chat/completions', api_key: '$KEY_${index}', models: ['m-a', 'm-b', 'm-c',]},`);
const text = `// hand-written\n{\n  PORT: 3456,\n  Providers: [\n${providers.join('\n')}\n  ],\n  Router: {\n    default: 'p0,m-a', // main\n    think: 'p1,m-b',\n  },\n}\n`;

function time(label, runs, fn) {
	for (let index = 0; index < 20; index++) fn(index);
	const start = performance.now();
	for (let index = 0; index < runs; index++) fn(index);
	const each = (performance.now() - start) / runs;
	console.log(`${label.padEnd(58)} ${each.toFixed(3)} ms`);
	return each;
}

const before = JSON5.parse(text);
console.log(`config: ${text.length} bytes, ${providers.length} providers, comments on every provider`);
time('text only: minimal edit (route change)', 2000, index => editPreserving(text, before, {...before, Router: {...before.Router, default: `p${index % 20},m-b`}}));
time('text only: full rewrite (JSON.stringify)', 2000, index => JSON.stringify({...before, Router: {...before.Router, default: `p${index % 20},m-b`}}, undefined, 2));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccr-bench-save-'));
const kept = path.join(dir, 'kept.json');
const rewritten = path.join(dir, 'rewritten.json');
fs.writeFileSync(kept, text);
// A key written twice: no minimal edit is safe, every save rewrites the file.
fs.writeFileSync(rewritten, text.replace('  PORT: 3456,', '  PORT: 3456,\n  PORT: 3456,'));
for (const [label, file] of [['whole save (lock, backup, atomic write): minimal edit', kept], ['whole save (lock, backup, atomic write): full rewrite', rewritten]]) {
	const store = new ConfigStore({path: file, watch: false, env: {}});
	time(label, 200, index => {
		if (file === rewritten) fs.writeFileSync(file, text.replace('  PORT: 3456,', '  PORT: 3456,\n  PORT: 3456,'));
		store.setRoute('default', `p${index % 20},m-b`);
	});
	store.close();
}

// Lock contention: N processes × 50 saves on one file, all at once.
const root = fileURLToPath(new URL('..', import.meta.url));
const child = `
const {ConfigStore} = await import(${JSON.stringify(path.join(root, 'dist/config/store.js'))});
const store = new ConfigStore({path: process.argv[1], watch: false, env: {}});
const name = process.argv[2];
const start = performance.now();
for (let i = 0; i < 50; i++) store.update(d => { d.counters = {...d.counters, [name]: (d.counters?.[name] ?? 0) + 1}; });
process.stdout.write(String(performance.now() - start));`;
for (const count of [2, 4]) {
	const file = path.join(dir, `contended-${count}.json`);
	fs.writeFileSync(file, text);
	const start = performance.now();
	const times = await Promise.all(
		Array.from({length: count}, (_, index) =>
			new Promise(resolve => {
				let out = '';
				const proc = spawn(process.execPath, ['--input-type=module', '-e', child, file, `s${index}`]);
				proc.stdout.on('data', chunk => (out += chunk));
				proc.on('exit', () => resolve(Number(out)));
			}),
		),
	);
	const counters = JSON5.parse(fs.readFileSync(file, 'utf8')).counters;
	const lost = count * 50 - Object.values(counters).reduce((sum, value) => sum + value, 0);
	console.log(`${count} processes × 50 saves: ${(performance.now() - start).toFixed(0)} ms wall, slowest saver ${Math.max(...times).toFixed(0)} ms, lost updates ${lost}`);
}

fs.rmSync(dir, {recursive: true, force: true});
