// n8n's verification scan, run here as n8n runs it on a published version: the scanner's own
// analyzePackage (ESLint with its flat config and inline disables ignored) over the source files
// n8n scans (package.json, nodes/, credentials/) and over the packed tarball's .js files and
// package.json. Exits 1 when either fails.
//
// Why a wrapper and not `npx @n8n/scan-community-package`: the CLI scans a version already on the
// npm registry (with its provenance), and the scanner's published tree resolves TypeScript 7,
// which has no JavaScript API, and lacks n8n-workflow. Here it runs from this project's
// devDependencies: TypeScript 6 and n8n-workflow at the top of node_modules are what its parser
// and rules resolve. (npm `overrides` would pin them too, but the scan itself forbids an
// `overrides` field in package.json.) The checks below fail with a clear message if that changes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import glob from 'fast-glob';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** What the scanner's parser and rules resolve from where the scanner is installed. */
function checkScannerDependencies() {
	const fromScanner = createRequire(createRequire(import.meta.url).resolve('@n8n/scan-community-package/package.json'));
	const fromParser = createRequire(fromScanner.resolve('@typescript-eslint/parser/package.json'));
	let ts = {};
	try {
		ts = fromParser('typescript');
	} catch {
		// TypeScript 7 has no JavaScript entry point at all
	}
	if (!ts.Extension) {
		throw new Error(`The scanner's TypeScript parser finds no TypeScript with a JavaScript API (found: ${ts.version ?? 'none loadable'}): keep typescript 6.x in devDependencies.`);
	}
	fromScanner.resolve('n8n-workflow');
	return ts.version;
}

/** Packs the package as `npm publish` would and unpacks it, as the scanner does with a download. */
function packTarball() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aifaceswap-scan-'));
	const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
	const packageDir = path.join(dir, 'package');
	execFileSync('tar', ['-xzf', path.join(dir, path.basename(filename)), '-C', dir]);
	return { dir, packageDir };
}

/** The files analyzePackage lints, found the way it finds them. */
function countFiles(dir, patterns) {
	return glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] }).length;
}

async function scan(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	const files = countFiles(dir, patterns);
	if (result.message === 'No files found to analyze') {
		return { label, passed: false, text: `${label}: no files found to analyze in ${dir}` };
	}
	const head = `${label}: ${result.passed ? 'passed' : 'FAILED'} (${files} files)`;
	return { label, passed: result.passed, text: result.passed ? head : `${head}\n${result.message}\n${result.details ?? ''}` };
}

const tsVersion = checkScannerDependencies();
if (!fs.existsSync(path.join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` before the scan.');
const results = [await scan(`source (${SOURCE_FILE_PATTERNS.join(', ')})`, root, SOURCE_FILE_PATTERNS)];
const { dir, packageDir } = packTarball();
try {
	results.push(await scan(`packed tarball (${TARBALL_FILE_PATTERNS.join(', ')})`, packageDir, TARBALL_FILE_PATTERNS));
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`n8n verification scan (@n8n/scan-community-package analyzePackage, TypeScript ${tsVersion}):`);
for (const r of results) console.log(`- ${r.text}`);
if (!results.every((r) => r.passed)) process.exit(1);
