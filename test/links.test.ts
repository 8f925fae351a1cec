/**
 * Every link the package shows resolves, offline: the credential's documentation URL, the codex
 * files' documentation URLs, package.json's homepage, and the links of the Markdown files (README,
 * CONTRIBUTING, CHANGELOG, docs/). The npm page's URL is the README as npm shows it, so its anchor
 * must be a README heading; a relative path must exist in the tree, and its anchor must be a
 * heading of the file it names. Anchors are computed from the headings as GitHub (and npm) slug
 * them. Other web pages cannot be checked offline: they are listed here, so that a new one is a
 * change someone looks at.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { AifaceswapApi } from '../credentials/AifaceswapApi.credentials';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { name: string; homepage: string };
const NPM_PAGE = `https://www.npmjs.com/package/${packageJson.name}`;

/** Web pages linked that are not this package's: checked by hand when added. */
const EXTERNAL = [
	'https://aifaceswap.io',
	'https://docs.n8n.io/integrations/community-nodes/installation/',
	'https://docs.n8n.io/integrations/#community-nodes',
	'https://semver.org/',
];

const MARKDOWN = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The Markdown outside fenced code blocks and inline code, where links and headings count. */
function prose(markdown: string): string {
	return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, (code) => code.replace(/[[\]()#]/g, ' '));
}

/** GitHub's heading anchor (github-slugger): the heading's text, lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
	const text = heading
		.replace(/!\[[^\]]*\]\([^)]*\)/g, '')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/[`*]/g, '');
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings; a repeated heading gets -1, -2 ... as on GitHub. */
export function anchors(markdown: string): Set<string> {
	const seen = new Map<string, number>();
	const result = new Set<string>();
	const withoutFences = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
	for (const [, heading] of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
		const base = slug(heading);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		result.add(count === 0 ? base : `${base}-${count}`);
	}
	return result;
}

/** The links of a Markdown file: `[text](target)` and `![alt](target)`, with an optional title dropped. */
function linksOf(markdown: string): string[] {
	return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(([, target]) => target);
}

/** What is wrong with a link shown from `from` (a file of the package), or undefined when it resolves. */
export function problem(from: string, target: string): string | undefined {
	const [address, anchor] = target.split('#') as [string, string | undefined];
	if (/^https?:\/\//.test(address)) {
		if (address === NPM_PAGE) return anchor === undefined || anchors(read('README.md')).has(anchor) ? undefined : `README.md has no heading with the anchor #${anchor}`;
		return EXTERNAL.includes(target) ? undefined : `a web page this test does not know (add it to EXTERNAL once checked)`;
	}
	if (/^[a-z]+:/i.test(address)) return 'a link of an unexpected kind';
	const file = address === '' ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), address));
	if (file.startsWith('..') || !existsSync(path.join(root, file))) return `${file} does not exist`;
	if (anchor === undefined) return undefined;
	if (!file.endsWith('.md') || statSync(path.join(root, file)).isDirectory()) return `an anchor into ${file}, which is not Markdown`;
	return anchors(read(file)).has(anchor) ? undefined : `${file} has no heading with the anchor #${anchor}`;
}

const codexFiles = ['nodes/Aifaceswap/Aifaceswap.node.json', 'nodes/AifaceswapTrigger/AifaceswapTrigger.node.json'];
const codexUrls = codexFiles.flatMap((file) => {
	const { resources } = JSON.parse(read(file)) as { resources: Record<string, Array<{ url: string }>> };
	return Object.entries(resources).flatMap(([kind, entries]) => entries.map(({ url }) => [`${file} ${kind}`, url]));
});

describe('slugs as GitHub makes them', () => {
	test.each([
		['Re-runs and the submission record', 're-runs-and-the-submission-record'],
		["n8n's Engine 2.0 (`N8N_ENABLED_MODULES=engine-v2`)", 'n8ns-engine-20-n8n_enabled_modulesengine-v2'],
		['URLs aifaceswap cannot reach', 'urls-aifaceswap-cannot-reach'],
		['Use it from an **AI Agent**', 'use-it-from-an-ai-agent'],
	])('%s', (heading, anchor) => {
		expect(slug(heading)).toBe(anchor);
	});

	test('a repeated heading is numbered; a heading in a code block is none', () => {
		expect([...anchors('## Output\n\n```md\n## Fenced\n```\n\n### Output\n')]).toEqual(['output', 'output-1']);
	});
});

test('the editor\'s documentation links (credential and codex files) and the homepage resolve', () => {
	const shown = [['credential documentationUrl', new AifaceswapApi().documentationUrl], ['package.json homepage', packageJson.homepage], ...codexUrls];
	expect(shown.length).toBe(2 + 2 * codexFiles.length);
	expect(shown.filter(([, url]) => !url.startsWith(NPM_PAGE))).toEqual([]);
	expect(shown.map(([where, url]) => [where, url, problem('README.md', url)]).filter(([, , why]) => why)).toEqual([]);
});

test.each(MARKDOWN)('every link in %s resolves', (file) => {
	const links = linksOf(read(file));
	expect(links.map((link) => [link, problem(file, link)]).filter(([, why]) => why)).toEqual([]);
});

test('the README links its examples, screenshots and docs, and the test finds them', () => {
	const links = linksOf(read('README.md'));
	expect(links).toEqual(expect.arrayContaining(['docs/task-flow.svg', 'docs/how-it-works.md', '#quick-start']));
	expect(links.filter((link) => link.startsWith('examples/')).length).toBeGreaterThanOrEqual(8);
});

test('what this test reports for a broken link', () => {
	expect(problem('README.md', `${NPM_PAGE}#credential`)).toBe('README.md has no heading with the anchor #credential');
	expect(problem('README.md', 'docs/missing.md')).toBe('docs/missing.md does not exist');
	expect(problem('docs/how-it-works.md', '../README.md#quick-start')).toBeUndefined();
	expect(problem('docs/how-it-works.md', '../CONTRIBUTING.md#no-such-part')).toBe('CONTRIBUTING.md has no heading with the anchor #no-such-part');
	expect(problem('README.md', 'https://example.com/')).toMatch(/does not know/);
});
