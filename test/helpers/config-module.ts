import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * source/config (and what it imports) transpiled (no type-check: that is `npm run typecheck`'s job) into node_modules, so
 * that a child process runs exactly the current source and resolves conf/zod/json5 from the project
 * (not a possibly stale dist/). Returns the path of store.js.
 */
export function transpiledConfigStore(name: string): string {
	const outDir = path.join(root, 'node_modules/.cache', name);
	// source/config and the one module outside it that it imports (the terminal-text check of the schema).
	const files = [
		...fs
			.readdirSync(path.join(root, 'source/config'))
			.filter(file => file.endsWith('.ts'))
			.map(file => `config/${file}`),
		'activity/sanitize.ts',
	];
	for (const file of files) {
		const source = fs.readFileSync(path.join(root, 'source', file), 'utf8');
		const {outputText} = ts.transpileModule(source, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}, fileName: file});
		fs.mkdirSync(path.dirname(path.join(outDir, file)), {recursive: true});
		fs.writeFileSync(path.join(outDir, file.replace(/\.ts$/, '.js')), outputText);
	}

	return path.join(outDir, 'config/store.js');
}
