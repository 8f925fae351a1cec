/**
 * The built package as n8n loads it: every file the n8n section of package.json names, with its
 * icons and codex. Needs `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('every file the n8n section names is built, with its icons and codex', () => {
	for (const file of [...pkg.n8n.credentials, ...pkg.n8n.nodes]) {
		expect(existsSync(path.join(root, file))).toBe(true);
	}
	for (const file of [
		'dist/nodes/Aifaceswap/aifaceswap.svg',
		'dist/nodes/Aifaceswap/aifaceswap.dark.svg',
		'dist/nodes/Aifaceswap/Aifaceswap.node.json',
		'dist/credentials/aifaceswap.svg',
		'dist/credentials/aifaceswap.dark.svg',
	]) {
		expect(existsSync(path.join(root, file))).toBe(true);
	}
	const codex = JSON.parse(readFileSync(path.join(root, 'dist/nodes/Aifaceswap/Aifaceswap.node.json'), 'utf8'));
	expect(codex.node).toBe('n8n-nodes-aifaceswap.aifaceswap');
	const triggerCodex = JSON.parse(readFileSync(path.join(root, 'dist/nodes/AifaceswapTrigger/AifaceswapTrigger.node.json'), 'utf8'));
	expect(triggerCodex.node).toBe('n8n-nodes-aifaceswap.aifaceswapTrigger');
});

test.each(['Aifaceswap/Aifaceswap', 'AifaceswapTrigger/AifaceswapTrigger'])(
	'%s codex: a category the node panel search lists, and the search aliases',
	(file) => {
		const codex = JSON.parse(readFileSync(path.join(root, `dist/nodes/${file}.node.json`), 'utf8'));
		// The AI category with an AI subcategory hid both nodes from n8n 2.40.7's node panel search.
		expect(codex.categories).toEqual(['Marketing & Content']);
		expect(codex.subcategories).toBeUndefined();
		expect(codex.alias).toEqual(expect.arrayContaining(['face swap', 'swap face']));
	},
);
