/**
 * The examples as a user imports them: every Callback URL reaches example 2's trigger with its
 * token, every parameter of an Aifaceswap node exists where it is set (a renamed or misplaced one
 * fails here), and each example explains itself on the canvas. The n8n nodes of the examples
 * (If, Edit Image, AI Agent ...) are checked by importing and running them in a real n8n
 * (test/e2e/n8n.e2e.test.ts, test/e2e/agent.e2e.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeParameters, INodeProperties, INodePropertyCollection, NodeParameterValueType } from 'n8n-workflow';

import { Aifaceswap } from '../nodes/Aifaceswap/Aifaceswap.node';
import { AifaceswapTrigger } from '../nodes/AifaceswapTrigger/AifaceswapTrigger.node';
import { DECLARED } from './support/operations';
import { creditsOf, TOOL_MAX_CREDITS } from '../nodes/Aifaceswap/pricing/credits';

interface ExampleNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}

const examplesDir = path.resolve(__dirname, '..', 'examples');
const examples = readdirSync(examplesDir)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')) as { nodes: ExampleNode[] } }));
const nodes = examples.flatMap(({ file, workflow }) => workflow.nodes.map((node) => ({ file, node })));

const PROPERTIES: Record<string, INodeProperties[]> = {
	'n8n-nodes-aifaceswap.aifaceswap': new Aifaceswap().description.properties,
	'n8n-nodes-aifaceswap.aifaceswapTool': new Aifaceswap().description.properties,
	'n8n-nodes-aifaceswap.aifaceswapTrigger': new AifaceswapTrigger().description.properties,
};

/** Whether a property is shown for these parameters (a tool node: `@tool` true). */
function isShown(property: INodeProperties, parameters: INodeParameters, isTool: boolean): boolean {
	const valueOf = (key: string) => (key === '@tool' ? isTool : parameters[key.replace(/^\//, '')] ?? PROPERTIES_DEFAULTS.get(key.replace(/^\//, '')));
	const { show = {}, hide = {} } = property.displayOptions ?? {};
	return (
		Object.entries(show).every(([key, values]) => (values as unknown[]).includes(valueOf(key))) &&
		!Object.entries(hide).some(([key, values]) => (values as unknown[]).includes(valueOf(key)))
	);
}
const PROPERTIES_DEFAULTS = new Map(Object.values(PROPERTIES).flat().map((p) => [p.name, p.default as unknown]));

/** The unknown parameter names in `value` of `property` (its collection options, its fixed collection's fields). */
function unknownIn(property: INodeProperties, value: NodeParameterValueType, parameters: INodeParameters, isTool: boolean): string[] {
	if (property.type === 'collection' && value && typeof value === 'object') {
		const known = (property.options as INodeProperties[]).filter((option) => isShown(option, parameters, isTool)).map((option) => option.name);
		return Object.keys(value).filter((key) => !known.includes(key)).map((key) => `${property.name}.${key}`);
	}
	if (property.type === 'fixedCollection' && value && typeof value === 'object') {
		return Object.entries(value).flatMap(([group, entries]) => {
			const collection = (property.options as INodePropertyCollection[]).find((option) => option.name === group);
			if (!collection) return [`${property.name}.${group}`];
			const known = collection.values.map((field) => field.name);
			return ([] as INodeParameters[]).concat(entries as INodeParameters[]).flatMap((entry) =>
				Object.keys(entry).filter((key) => !known.includes(key)).map((key) => `${property.name}.${group}.${key}`),
			);
		});
	}
	return [];
}

describe.each(nodes.filter(({ node }) => PROPERTIES[node.type]).map(({ file, node }) => [file, node.name, node]))('%s: %s', (_file, _name, node) => {
	test('every parameter exists and is shown where it is set', () => {
		const isTool = node.type.endsWith('Tool');
		const properties = PROPERTIES[node.type].filter((property) => isShown(property, node.parameters, isTool));
		const unknown = Object.entries(node.parameters).flatMap(([key, value]) => {
			const property = properties.find((p) => p.name === key);
			return property ? unknownIn(property, value, node.parameters, isTool) : [key];
		});
		expect(unknown).toEqual([]);
	});
});

test('every Callback URL is a trigger example\'s URL (example 2, or 9b for 9a) with its token, the same in every trigger example', () => {
	const triggers = nodes.filter(({ node }) => node.type === 'n8n-nodes-aifaceswap.aifaceswapTrigger');
	const tokens = new Set(triggers.map(({ node }) => (node.parameters.options as { secretToken: string }).secretToken));
	expect(tokens.size).toBe(1);
	const [token] = tokens;
	expect(token).toBeTruthy();
	const callbackUrls = nodes.filter(({ node }) => node.parameters.webhookUrl !== undefined);
	expect(callbackUrls.length).toBeGreaterThanOrEqual(4);
	for (const { file, node } of callbackUrls) {
		expect({ file, url: node.parameters.webhookUrl }).toEqual({ file, url: `https://YOUR-N8N/webhook/YOUR-TRIGGER-ID/task_callback?token=${token}` });
	}
});

test.each(examples.map(({ file, workflow }) => [file, workflow]))('%s explains itself in a sticky note on the canvas, in n8n 2.x words', (_file, workflow) => {
	const notes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
	expect(notes).toHaveLength(1);
	const text = String(notes[0].parameters.content);
	expect(text).toMatch(/^## /);
	// n8n 2.x publishes a workflow; "Activate" is n8n 1.x's word, named only beside Publish.
	expect(text.replace(/\(n8n 1\.x: \*\*Active\*\*\)|1\.x: \*\*Active\*\*/g, '')).not.toMatch(/\bActivat|\bActive\b/);
	if (JSON.stringify(workflow).includes('n8n-nodes-aifaceswap.aifaceswap"')) expect(text).toContain('credential');
});

/** What an Aifaceswap node of an example costs by the price list, where its parameters fix it (not from an expression). */
function estimateOf({ parameters }: ExampleNode): number | undefined {
	const declared = DECLARED.find(({ resource, operation }) => resource === parameters.resource && operation === parameters.operation);
	if (!declared) return undefined;
	const { price } = declared.declaration;
	if (typeof price === 'number') return price;
	if (parameters.durationSource !== 'manual' || typeof parameters.duration !== 'number') return undefined;
	const references = (parameters.references as { reference?: unknown[] } | undefined)?.reference;
	return creditsOf(price, { durationSeconds: parameters.duration, enhance: Number(parameters.enhance ?? 0), faceCount: references?.length });
}

test.each(examples.map(({ file, workflow }) => [file, workflow]))('%s: the credits its note names are its nodes\' prices or run caps, and its Max Credits covers them', (_file, workflow) => {
	const note = String(workflow.nodes.find((node) => node.type === 'n8n-nodes-base.stickyNote')?.parameters.content ?? '');
	const aifaceswap = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-aifaceswap.aifaceswap') && !node.type.endsWith('Trigger'));
	const estimates = aifaceswap.map(estimateOf).filter((credits) => credits !== undefined);
	const named = [...note.matchAll(/\b(\d+(?:\.\d+)?) credits?\b/g)].map((match) => Number(match[1]));
	// a number of credits a note names is a node's price, or the Max Credits per Run a node has set
	const runCaps = aifaceswap.map((node) => (node.parameters.options as { maxCreditsPerRun?: number } | undefined)?.maxCreditsPerRun).filter((cap) => cap !== undefined);
	expect({ named: named.filter((credits) => !estimates.includes(credits) && !runCaps.includes(credits)), estimates }).toEqual({ named: [], estimates });
	const maxCredits = [...note.matchAll(/Max Credits\*{0,2} (\d+)/g)].map((match) => Number(match[1]));
	// Max Credits as set, or the AI Agent tool's default
	const limitOf = (node: ExampleNode) => (node.parameters.options as { maxCredits?: number } | undefined)?.maxCredits ?? (node.type.endsWith('Tool') ? TOOL_MAX_CREDITS : undefined);
	const set = aifaceswap.map(limitOf).filter((limit) => limit !== undefined);
	expect(maxCredits.filter((limit) => !set.includes(limit))).toEqual([]);
	for (const node of aifaceswap) {
		const limit = limitOf(node);
		const estimate = estimateOf(node);
		if (limit && estimate !== undefined) expect({ node: node.name, covered: estimate <= limit }).toEqual({ node: node.name, covered: true });
	}
});
