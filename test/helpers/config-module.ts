import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * source/config transpiled (no type-check: that is `npm run typecheck`'s job) into node_modules, so
 * that a child process runs exactly the current source and resolves conf/zod/json5 from the project
 * (not a possibly stale dist/). Returns the path of store.js.
 */
export function transpiledConfigStore(name: string): string {
	const outDir = path.join(root, 'node_modules/.cache', name);
	fs.mkdirSync(path.join(outDir, 'config'), {recursive: true});
	for (const file of fs.readdirSync(path.join(root, 'source/config')).filter(file => file.endsWith('.ts'))) {
		const source = fs.readFileSync(path.join(root, 'source/config', file), 'utf8');
		const {outputText} = ts.transpileModule(source, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}, fileName: file});
		fs.writeFileSync(path.join(outDir, 'config', file.replace(/\.ts$/, '.js')), outputText);
	}

	return path.join(outDir, 'config/store.js');
}
