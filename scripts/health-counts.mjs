#!/usr/bin/env node
// Counts the code-health figures CONTRIBUTING.md tracks: files over 300 lines,
// functions over 60 lines, `as` casts, non-null `!` assertions. Source only (not tests).
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import ts from 'typescript';

const root = process.argv[2] ?? 'source';
const verbose = process.argv.includes('--list');

function* walk(dir) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) yield* walk(path);
		else if (/\.tsx?$/.test(name)) yield path;
	}
}

const counts = {
	files: 0,
	filesOver300: 0,
	functionsOver60: 0,
	// Long functions without the one-line reason above them (`// Over 60 lines: …`, CONTRIBUTING.md Types).
	functionsOver60WithoutReason: 0,
	asCasts: 0,
	asUnknownAs: 0,
	nonNull: 0,
};
const long = [];
for (const path of walk(root)) {
	const text = readFileSync(path, 'utf8');
	counts.files++;
	const lines = text.split('\n').length;
	if (lines > 300) {
		counts.filesOver300++;
		long.push(`file ${relative('.', path)} ${lines}`);
	}
	const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
	const visit = node => {
		if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(file) === 'const')) {
			counts.asCasts++;
			if (ts.isAsExpression(node.expression) && node.expression.type.kind === ts.SyntaxKind.UnknownKeyword) counts.asUnknownAs++;
		}
		if (ts.isNonNullExpression(node)) counts.nonNull++;
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
			const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
			if (end - start + 1 > 60) {
				counts.functionsOver60++;
				const reason = /\/\/ Over 60 lines: \S/.test(text.split('\n')[start - 1] ?? '');
				if (!reason) counts.functionsOver60WithoutReason++;
				const name = node.name?.getText(file) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(file) : '(anonymous)');
				long.push(`function ${relative('.', path)}:${start + 1} ${name ?? '(anonymous)'} ${end - start + 1}${reason ? '' : ' (no reason given)'}`);
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
}
console.log(JSON.stringify(counts));
if (verbose) console.log(long.join('\n'));
