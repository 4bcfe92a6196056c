/**
 * A tiny Node module hook so plain `node` can run the TypeScript fakes (for trying ccr-tui by hand;
 * tests run them through vitest). `./x.js` falls back to `./x.ts`; `.ts` is transpiled, not checked.
 */
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

export async function resolve(specifier, context, next) {
	try {
		return await next(specifier, context);
	} catch (error) {
		if (/^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) return next(`${specifier.slice(0, -3)}.ts`, context);
		throw error;
	}
}

export async function load(url, context, next) {
	if (!url.endsWith('.ts')) return next(url, context);
	const fileName = fileURLToPath(url);
	const {outputText} = ts.transpileModule(await readFile(fileName, 'utf8'), {
		fileName,
		compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
	});
	return {format: 'module', source: outputText, shortCircuit: true};
}
