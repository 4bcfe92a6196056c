/**
 * One owner per fact (CONTRIBUTING.md): the facts a scan can see. Each check lists the files that
 * break the rule, so a second owner fails here with its name.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';

const sourceDir = path.resolve(import.meta.dirname, '../../source');

function sourceFiles(dir = sourceDir): Array<{rel: string; text: string}> {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		if (!/\.tsx?$/.test(entry.name)) return [];
		return [{rel: path.relative(sourceDir, full).split(path.sep).join('/'), text: fs.readFileSync(full, 'utf8')}];
	});
}

const files = sourceFiles();

describe('one owner per fact', () => {
	it('the scan sees the source', () => {
		expect(files.some(file => file.rel === 'proxy/request-reporter.ts')).toBe(true);
	});

	it('only the request reporter builds request:* events (request:error among them)', () => {
		const builders = files.filter(file => /type:\s*'request:[a-z-]+'\s*,/.test(file.text)).map(file => file.rel);
		expect(builders).toEqual(['proxy/request-reporter.ts']);
	});

	it('only translate/errors.ts builds an Anthropic error body', () => {
		const builders = files.filter(file => /type:\s*'error',\s*error:\s*\{/.test(file.text)).map(file => file.rel);
		expect(builders).toEqual(['proxy/translate/errors.ts']);
	});
});
