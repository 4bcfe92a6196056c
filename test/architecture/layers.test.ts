/**
 * The layer rule, checked on every import in source/ (CONTRIBUTING.md, "Layers"):
 * proxy, config and activity never import React or Ink (nor the UI); providers never import the UI
 * or the proxy; only ui/ knows Ink's key records (arrow flags and friends).
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const sourceDir = path.join(root, 'source');

type SourceFile = {readonly rel: string; readonly text: string; readonly imports: readonly string[]};

function listFiles(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return listFiles(full);
		return /\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

// Static `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')`.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function importsOf(text: string): string[] {
	return [...text.matchAll(IMPORT)].map(match => match[1]!);
}

const files: SourceFile[] = listFiles(sourceDir).map(full => {
	const text = fs.readFileSync(full, 'utf8');
	return {rel: path.relative(sourceDir, full).split(path.sep).join('/'), text, imports: importsOf(text)};
});

/** The source/ folder an import lands in ('' for the cli root), or the package name for a bare import. */
function target(file: SourceFile, specifier: string): {kind: 'layer' | 'package'; name: string} {
	if (!specifier.startsWith('.')) {
		const parts = specifier.split('/');
		return {kind: 'package', name: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!};
	}
	const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file.rel), specifier));
	return {kind: 'layer', name: resolved.includes('/') ? resolved.split('/')[0]! : ''};
}

function violations(layers: readonly string[], forbidden: (to: {kind: string; name: string}) => boolean): string[] {
	return files
		.filter(file => layers.includes(file.rel.split('/')[0]!))
		.flatMap(file => file.imports.filter(specifier => forbidden(target(file, specifier))).map(specifier => `${file.rel} imports ${specifier}`));
}

const isReactOrInk = (to: {kind: string; name: string}) => to.kind === 'package' && (to.name === 'react' || to.name === 'ink' || to.name.startsWith('ink-'));

// Ink's key record: the boolean flags useInput hands a handler. Outside ui/, nothing reads them.
const KEY_RECORD = /\b(?:upArrow|downArrow|leftArrow|rightArrow|pageUp|pageDown)\b/;

/** Files outside ui/ allowed to read key records: none (the wizard's keys live in ui/screens/wizard/wizard-commands.ts). */
const KEY_RECORD_ALLOWED_UNTIL_I17 = new Set<string>();

describe('layer rule (imports in source/)', () => {
	it('finds the source files and their imports (the scan itself works)', () => {
		expect(files.length).toBeGreaterThan(50);
		expect(files.find(file => file.rel === 'ui/app.tsx')?.imports).toContain('ink');
		expect(importsOf(`import x from './a.js';\nexport {y} from "../b.js";\nimport './c.js';\nawait import('d');`)).toEqual(['./a.js', '../b.js', './c.js', 'd']);
	});

	it('proxy, config and activity never import React, Ink or the UI', () => {
		const found = violations(['proxy', 'config', 'activity'], to => isReactOrInk(to) || (to.kind === 'layer' && to.name === 'ui'));
		expect(found).toEqual([]);
	});

	it('providers never import the UI or the proxy (nor React or Ink)', () => {
		const found = violations(['providers'], to => isReactOrInk(to) || (to.kind === 'layer' && (to.name === 'ui' || to.name === 'proxy')));
		expect(found).toEqual([]);
	});

	it('text/ (how durations and counts are written) imports no other layer and no package', () => {
		const found = violations(['text'], to => to.kind === 'package' || (to.kind === 'layer' && to.name !== 'text'));
		expect(found).toEqual([]);
		expect(files.some(file => file.rel === 'text/format.ts')).toBe(true);
	});

	it('only ui/ knows key records', () => {
		const readers = files.filter(file => !file.rel.startsWith('ui/') && KEY_RECORD.test(file.text)).map(file => file.rel);
		expect(readers.filter(rel => !KEY_RECORD_ALLOWED_UNTIL_I17.has(rel))).toEqual([]);
		// A stale allow-list entry is a failure too: remove the entry once the file no longer reads key records.
		expect([...KEY_RECORD_ALLOWED_UNTIL_I17].filter(rel => !readers.includes(rel))).toEqual([]);
	});
});
