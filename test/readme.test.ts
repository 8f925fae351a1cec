/**
 * README.md's tables against the node: operations and their credits (the price list), parameters
 * and options (label, name, default, where shown) and the output fields of real runs (n8n-core's
 * execution against the mock API). A renamed parameter, a changed default or label, a new option
 * or a changed price fails here until the README says so.
 *
 * "What it leaves open" and docs/how-it-works.md's section of it list exactly the cases the
 * simulation admits (test/sim/admitted.ts), one bullet per case, each label the judge's.
 *
 * Not covered here: the numbers in the prose (test/figures.test.ts) and the links (test/links.test.ts);
 * checked by reading: the trigger's and Wait for Result's fields, the advice (tunnels, queue mode)
 * and the error texts quoted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { Aifaceswap } from '../nodes/Aifaceswap/Aifaceswap.node';
import * as image from '../nodes/Aifaceswap/actions/image/Image.resource';
import { hasResultMode } from '../nodes/Aifaceswap/actions/operation';
import * as video from '../nodes/Aifaceswap/actions/video/Video.resource';
import { priceText, TOOL_MAX_CREDITS } from '../nodes/Aifaceswap/pricing/credits';
import * as admitted from './sim/admitted';
import { FACE_URL, SOURCE_URL } from './support/fixtures';
import { useMockApi } from './support/mock';
import { runAifaceswap } from './support/n8n';
import { creditsFor } from './support/operations';

const read = (file: string) => readFileSync(path.resolve(__dirname, '..', file), 'utf8');
const readme = read('README.md');

/** The rows of the README table whose header row starts with `firstHeader`, as cells without Markdown code marks. */
function table(firstHeader: string): string[][] {
	const lines = readme.split('\n');
	const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`));
	if (start < 0) throw new Error(`README has no table headed "${firstHeader}"`);
	const rows: string[][] = [];
	for (const line of lines.slice(start + 2)) {
		if (!line.startsWith('|')) break;
		rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
	}
	return rows;
}
const code = (cell: string) => cell.replace(/^`|`$/g, '');

const RESOURCES = { Image: image.operations, Video: video.operations };
const operations = Object.entries(RESOURCES).flatMap(([resource, modules]) =>
	modules.map(({ declaration }) => ({ resource, declaration, label: `${resource} > ${declaration.option.name}` })),
);
const properties = new Aifaceswap().description.properties;
/** The node's own properties, not the AI Agent tool's variants. */
const nodeProperties = properties.filter((p) => JSON.stringify(p.displayOptions?.show?.['@tool']) !== '[true]');

/** A count as the README writes it. */
const inWords = (count: number) => ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][count] ?? String(count);

/** A default as the README writes it: `''` for empty text, none for an empty collection. */
function defaultText(value: unknown): string {
	if (value === '') return "''";
	if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return 'none';
	return String(value);
}

test('Operations: every operation with its price-list credits, in the editor\'s order', () => {
	expect(table('Resource')).toEqual(operations.map(({ resource, declaration }) => [resource, declaration.option.name, priceText(declaration.price)]));
});

test('a charge the README names outside the Operations table is the price of the operation its Quick start runs (Image > Swap Face)', () => {
	const charges = [...readme.matchAll(/\((\d+) credits? (?:are|is) charged\)/g)].map((match) => Number(match[1]));
	expect(charges.filter((credits) => credits !== creditsFor('image', 'swapFace'))).toEqual([]);
});

describe('Parameters', () => {
	const rows = table('Parameter');
	const named = (name: string) => nodeProperties.filter((p) => p.name === name);

	test('every parameter of an operation is in the table, and only those', () => {
		const listed = rows.map((row) => code(row[1]));
		const own = [...new Set(nodeProperties.filter((p) => !['notice'].includes(p.type) && !['resource', 'operation', 'options', 'toolDescription'].includes(p.name)).map((p) => p.name))];
		expect([...listed].sort()).toEqual(own.sort());
	});

	test.each(rows.map((row) => [code(row[1]), row]))('%s: label, default and operations as the editor has them', (name, [label, , defaultCell, shownFor]) => {
		const found = named(name);
		for (const property of found) {
			expect(property.displayName).toBe(label);
			expect(defaultText(property.default)).toBe(code(defaultCell));
		}
		const shown = operations
			.filter(({ resource, declaration }) =>
				found.some((p) => p.displayOptions?.show?.resource?.includes(resource.toLowerCase()) && p.displayOptions?.show?.operation?.includes(declaration.option.value)),
			)
			.map(({ label: operation }) => operation);
		const swaps = operations.filter(({ declaration }) => hasResultMode(declaration)).map(({ label: operation }) => operation);
		expect(shown).toEqual(shownFor.startsWith('the ') ? swaps : shownFor.split(', '));
		if (shownFor.startsWith('the ')) expect(shownFor).toBe(`the ${inWords(swaps.length)} swaps`);
	});
});

test('the parameters shown only for one choice of another are named under the table', () => {
	const sentence = /A URL, binary property or Base64 field appears only[\s\S]*?\n\n/.exec(readme)![0].replace(/\s+/g, ' ');
	const conditioned = nodeProperties.filter((p) => p.type !== 'notice');
	let checked = 0;
	for (const property of conditioned) {
		const { show = {}, hide = {} } = property.displayOptions ?? {};
		const conditions = [
			...Object.entries(show).filter(([key]) => !['resource', 'operation', '@tool'].includes(key)).map(([key, values]) => ({ key, values, shown: true })),
			...Object.entries(hide).filter(([key]) => key !== '@tool').map(([key, values]) => ({ key, values, shown: false })),
		];
		for (const { key, values, shown } of conditions) {
			checked++;
			if (key.endsWith('Input')) {
				expect(property.displayName).toMatch(/URL|Binary Property|Base64/);
				expect(sentence).toContain('A URL, binary property or Base64 field appears only for that choice of its **Input**');
				continue;
			}
			const controller = nodeProperties.find((p) => p.name === key && p.options)!;
			const choices = (controller.options as INodePropertyOptions[]).filter((o) => (values ?? []).includes(o.value) === shown).map((o) => o.name);
			expect(sentence).toContain(`**${property.displayName}** only for ${controller.displayName} **${choices.join('** or **')}**`);
		}
	}
	expect(checked).toBeGreaterThan(0);
});

test('References: Face Reference Input and its default are named', () => {
	const references = nodeProperties.find((p) => p.name === 'references')!;
	const [{ values }] = references.options as Array<{ values: INodeProperties[] }>;
	const input = values.find((v) => v.name === 'faceRefInput')!;
	const byDefault = (input.options as INodePropertyOptions[]).find((o) => o.value === input.default)!.name;
	expect(readme.replace(/\s+/g, ' ')).toContain(`as **${input.displayName}** says (default ${byDefault}, or `);
});

test('AI Agent: the operations a model can use are the ones without notForModels', () => {
	const sentence = /\*\*AI Agent\*\* and pick ([^(]*?) \(the others need inputs a model cannot give/.exec(readme.replace(/\s+/g, ' '))![1];
	const forModels = operations.filter(({ declaration }) => !('notForModels' in declaration && declaration.notForModels)).map(({ label }) => label);
	expect(sentence.split(/, | or /)).toEqual(forModels);
});

describe('Options', () => {
	const swapOptions = (nodeProperties.find((p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('swapFace') && p.displayOptions?.show?.resource?.includes('image'))!.options ?? []) as INodeProperties[];
	const rows = table('Option');
	const resultModes = nodeProperties.find((p) => p.name === 'resultMode')!.options as INodePropertyOptions[];

	test('the swaps\' options are all in the table; Extract has Concurrency only', () => {
		expect(rows.map((row) => code(row[1])).sort()).toEqual(swapOptions.map((o) => o.name).sort());
		const extractOptions = nodeProperties.find((p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('extractFaces'))!.options as INodeProperties[];
		expect(extractOptions.map((o) => o.name)).toEqual(['concurrency']);
		const extracts = operations.filter(({ declaration }) => !hasResultMode(declaration));
		expect(readme).toContain(`The ${inWords(extracts.length)} Extract operations have **Concurrency** only`);
	});

	test.each(rows.map((row) => [code(row[1]), row]))('%s: label, default and when shown', (name, [label, , defaultCell, shownCell]) => {
		const option = swapOptions.find((o) => o.name === name)!;
		expect(option.displayName).toBe(label);
		expect(defaultText(option.default)).toBe(code(defaultCell));
		const { show = {}, hide = {} } = option.displayOptions ?? {};
		// The Result Modes it is shown in, by their names in the editor (without the parenthesis).
		const modes = resultModes.filter((mode) => (show['/resultMode'] ?? [mode.value]).includes(mode.value) && !(hide['/resultMode'] ?? []).includes(mode.value));
		const when = [
			modes.length === resultModes.length ? 'always' : modes.map((mode) => mode.name.replace(/ \(.*\)$/, '')).join(', '),
			...(show.downloadResult ? ['Download Result on'] : []),
		].join(', ');
		expect(when).toBe(shownCell);
	});

	test('the AI Agent tool\'s Max Credits default is the one the README gives', () => {
		const row = rows.find((r) => code(r[1]) === 'maxCredits')!;
		expect(row[4]).toContain(`\`${TOOL_MAX_CREDITS}\` in the AI Agent tool`);
		expect(readme).toContain(`**Max Credits** defaults to \`${TOOL_MAX_CREDITS}\` per call`);
	});
});

describe('Output: the fields of real runs', () => {
	const api = useMockApi();
	const rows = table('Field');
	const fieldsIn = (...kinds: string[]) =>
		rows.filter((row) => row[1].split(', ').some((kind) => kinds.includes(kind))).flatMap((row) => row[0].split(', ').map(code)).sort();
	const keysOf = async (parameters: object, workflowId?: string) => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, workflowId });
		expect(result.error).toBeUndefined();
		return Object.keys(result.output![0].json).sort();
	};
	const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };

	test('a swap, and the same swap skipped', async () => {
		expect(await keysOf(imageSwap, 'readme-output')).toEqual(fieldsIn('swaps'));
		expect(await keysOf(imageSwap, 'readme-output')).toEqual(fieldsIn('swaps', 'skipped items'));
	});

	test('a video swap', async () => {
		const videoSwap = { resource: 'video', operation: 'swapFace', sourceVideoUrl: `${SOURCE_URL}.mp4`, faceImageUrl: FACE_URL, durationSource: 'manual', duration: 3 };
		expect(await keysOf(videoSwap)).toEqual(fieldsIn('swaps', 'video swaps'));
	});

	test('Estimate Only, an image swap and a video swap', async () => {
		expect(await keysOf({ ...imageSwap, resultMode: 'estimate' })).toEqual(fieldsIn('Estimate Only'));
		const videoEstimate = { resource: 'video', operation: 'swapFace', sourceVideoUrl: `${SOURCE_URL}.mp4`, faceImageUrl: FACE_URL, durationSource: 'manual', duration: 3, resultMode: 'estimate' };
		expect(await keysOf(videoEstimate)).toEqual(fieldsIn('Estimate Only', 'video swaps'));
	});

	test('an Extract', async () => {
		expect(await keysOf({ resource: 'image', operation: 'extractFaces', imageUrl: SOURCE_URL })).toEqual(fieldsIn('Extract'));
	});
});

describe('What it leaves open: the cases the simulation admits (test/sim/admitted.ts), each once', () => {
	/** The bold leads of a list's bullets, from `start` to the next blank line after it (README) or heading (how-it-works). */
	const leads = (text: string, start: string, end: RegExp) => {
		const from = text.indexOf(start);
		if (from < 0) throw new Error(`no "${start}"`);
		const section = text.slice(from, from + text.slice(from).search(end));
		return [...section.matchAll(/^- \*\*(.+?)\*\*/gm)].map(([, lead]) => lead);
	};
	const bullets = Object.keys(admitted.README_BULLETS);
	const labels = Object.values(admitted.README_BULLETS).flat();

	test.each([
		['README.md', '**What it leaves open**', /\n\n(?!-)/],
		['docs/how-it-works.md', '## What the submission record leaves open', /\n## /],
	])('%s: a bullet per case, in order, and no other', (file, start, end) => {
		expect(leads(read(file), start, end)).toEqual(bullets);
	});

	test('each label the module exports is under one bullet, and every bullet has one', () => {
		const exported = Object.values(admitted).filter((value) => typeof value === 'string');
		expect([...labels].sort()).toEqual([...exported].sort());
		expect(new Set(labels).size).toBe(labels.length);
		for (const [bullet, list] of Object.entries(admitted.README_BULLETS)) expect([bullet, list.length > 0]).toEqual([bullet, true]);
	});

	test('the judge gives every label (it can give no other: Finding.admitted is typed by them)', () => {
		const judge = read('test/sim/invariants.ts').replace(/^import[^;]*;$/gm, '');
		const unused = Object.entries(admitted).filter(([name, value]) => typeof value === 'string' && !new RegExp(`\\b${name}\\b`).test(judge));
		expect(unused.map(([name]) => name)).toEqual([]);
		expect(judge).toMatch(/admitted\?: AdmittedLabel;/);
	});
});
