/**
 * The tests that drive the built CLI or the proxy thread need `dist/` compiled from the current
 * source. `npm test` builds first; a missing or stale build fails these tests with the reason
 * (it used to skip them silently, hiding the only tests of the real dashboard topology).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
	});
}

/**
 * Why `dist/` cannot be used (a compiled file missing, or a source file changed after the last build),
 * or undefined when it is fresh. The build's stamp is tsc's build info: an up-to-date `tsc -b` renews it
 * without rewriting outputs whose source was only touched.
 */
function staleBuild(): string | undefined {
	const stamp = path.join(root, 'dist/.tsbuildinfo');
	if (!fs.existsSync(stamp)) return 'dist/.tsbuildinfo is missing';
	const builtAt = fs.statSync(stamp).mtimeMs;
	for (const file of sourceFiles(path.join(root, 'source'))) {
		const built = path.join(root, 'dist', path.relative(path.join(root, 'source'), file).replace(/\.tsx?$/, '.js'));
		if (!fs.existsSync(built)) return `${path.relative(root, built)} is missing`;
		if (fs.statSync(file).mtimeMs > builtAt) return `${path.relative(root, file)} changed after the last build`;
	}

	return undefined;
}

/** Throws unless `dist/` is built from the current source (for a `beforeAll`). */
export function requireFreshBuild(): void {
	const reason = staleBuild();
	if (reason) throw new Error(`dist/ is not built from the current source (${reason}): run \`npm run build\` (npm test does)`);
}
