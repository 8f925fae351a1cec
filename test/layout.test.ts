/**
 * The layout of the node's code: each concern in its folder, dependencies pointing one way
 * (operations -> batch -> tasks / wait -> submissions / video -> inputs / output / pricing ->
 * transport -> shared). A module imports its own folder or a lower layer, never a higher one; the
 * transport imports nothing of the node but `shared/` (code both nodes use, which imports nothing).
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', 'nodes');

/** Each folder's layer: a module may import from its own folder or from a lower layer. */
const LAYERS: Record<string, number> = {
	'Aifaceswap/.': 7,
	'Aifaceswap/actions': 6,
	'Aifaceswap/tasks': 5,
	'Aifaceswap/wait': 5,
	'Aifaceswap/submissions': 4,
	'Aifaceswap/video': 4,
	'Aifaceswap/output': 3,
	'Aifaceswap/inputs': 2,
	'Aifaceswap/pricing': 2,
	'Aifaceswap/transport': 1,
	'AifaceswapTrigger/.': 7,
	'shared/.': 0,
};

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

/** The folder a file belongs to, as LAYERS names it (operations count as actions). */
function folderOf(file: string): string {
	const [node, folder] = path.relative(root, file).split(path.sep);
	const key = `${node}/${folder}`;
	return key in LAYERS ? key : `${node}/.`;
}

function importsOf(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	return [...text.matchAll(/^import[^;]*?from '(\.[^']+)';/gms)].map((match) => {
		const target = path.resolve(path.dirname(file), match[1]);
		return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
	});
}

const files = sourceFiles(root);

test('every folder of the node has its layer', () => {
	const folders = new Set(files.map(folderOf));
	expect([...folders].filter((folder) => !(folder in LAYERS))).toEqual([]);
	expect(files.length).toBeGreaterThan(30);
});

test('no module imports a higher layer, and the transport imports nothing above it', () => {
	const upward: string[] = [];
	for (const file of files) {
		const from = folderOf(file);
		for (const target of importsOf(file)) {
			expect(fs.existsSync(target)).toBe(true);
			const to = folderOf(target);
			if (to !== from && LAYERS[to] >= LAYERS[from]) upward.push(`${path.relative(root, file)} -> ${path.relative(root, target)}`);
		}
	}
	expect(upward).toEqual([]);
});
