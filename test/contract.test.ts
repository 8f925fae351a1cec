/**
 * The names saved workflows depend on (the contract): package, credential, node type, parameters
 * and their values. Read from the source (no build needed); test/package.test.ts checks the built files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { Aifaceswap } from '../nodes/Aifaceswap/Aifaceswap.node';
import { AifaceswapTrigger } from '../nodes/AifaceswapTrigger/AifaceswapTrigger.node';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

test('package.json is an n8n community package with no runtime dependencies', () => {
	expect(pkg.name).toBe('n8n-nodes-aifaceswap');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	expect(pkg.files).toEqual(['dist']);
	for (const script of ['install', 'preinstall', 'postinstall', 'prepare']) expect(pkg.scripts[script]).toBeUndefined();
	expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
});

describe('the Aifaceswap node', () => {
	const description: INodeTypeDescription = new Aifaceswap().description;

	// The AI Agent tool variant has properties of its own (`@tool`: the tool description, the URL
	// fields pre-filled for the model); the node's parameters are the others.
	const toolOnly = (p: INodeProperties) => JSON.stringify(p.displayOptions?.show?.['@tool']) === '[true]';
	const shownFor = (resource: string, operation: string) =>
		description.properties
			.filter((p) => {
				const show = p.displayOptions?.show;
				return p.type !== 'notice' && !toolOnly(p) && show?.resource?.includes(resource) && show?.operation?.includes(operation);
			})
			.map((p) => p.name);
	const property = (resource: string, operation: string, name: string): INodeProperties =>
		description.properties.find(
			(p) =>
				p.name === name &&
				!toolOnly(p) &&
				p.displayOptions?.show?.resource?.includes(resource) &&
				p.displayOptions?.show?.operation?.includes(operation),
		)!;
	const values = (p: INodeProperties) => (p.options as Array<{ value: unknown }>).map((o) => o.value);

	test('type, version, tool use, credential', () => {
		expect(description.name).toBe('aifaceswap');
		expect(description.version).toBe(1);
		expect(description.usableAsTool).toBe(true);
		expect(description.subtitle).toContain('$parameter["operation"]');
		expect(description.credentials).toEqual([{ name: 'aifaceswapApi', required: true, testedBy: 'aifaceswapApiTest' }]);
	});

	test('resources and operations', () => {
		expect(values(description.properties.find((p) => p.name === 'resource')!)).toEqual(['image', 'video']);
		const operations = description.properties.filter((p) => p.name === 'operation');
		// Saved workflows need these values; a new operation adds one (test/operations.test.ts checks it is registered).
		for (const op of operations) expect(values(op)).toEqual(expect.arrayContaining(['swapFace', 'extractFaces', 'swapMultipleFaces']));
		expect(operations).toHaveLength(2);
	});

	const swapExtras = ['resultMode', 'webhookUrl', 'options'];
	test.each([
		['image', 'swapFace', ['sourceImageInput', 'sourceImageUrl', 'sourceImageBinaryProperty', 'faceImageInput', 'faceImageUrl', 'faceImageBinaryProperty', ...swapExtras]],
		// `options` (only `concurrency`) on the extract operations goes beyond the contract: an addition (README)
		['image', 'extractFaces', ['imageInput', 'imageUrl', 'imageBinaryProperty', 'options']],
		['image', 'swapMultipleFaces', ['sourceImageUrl', 'faces', ...swapExtras]],
		['video', 'swapFace', ['sourceVideoUrl', 'faceImageUrl', 'durationSource', 'duration', 'enhance', ...swapExtras]],
		['video', 'extractFaces', ['frameInput', 'frameBinaryProperty', 'frameBase64', 'options']],
		['video', 'swapMultipleFaces', ['sourceVideoUrl', 'references', 'durationSource', 'duration', 'enhance', ...swapExtras]],
	])('%s.%s has exactly the contract parameters', (resource, operation, names) => {
		expect(shownFor(resource, operation)).toEqual(names);
	});

	test('parameter values and defaults', () => {
		expect(values(property('image', 'swapFace', 'sourceImageInput'))).toEqual(['url', 'binary']);
		expect(property('image', 'swapFace', 'sourceImageBinaryProperty').default).toBe('data');
		expect(property('image', 'swapFace', 'faceImageBinaryProperty').default).toBe('face');
		expect(property('image', 'extractFaces', 'imageBinaryProperty').default).toBe('data');
		expect(values(property('video', 'extractFaces', 'frameInput'))).toEqual(['binary', 'base64']);
		expect(property('video', 'extractFaces', 'frameBinaryProperty').default).toBe('data');
		expect(values(property('video', 'swapFace', 'enhance'))).toEqual([0, 1, 2]);
		for (const operation of ['swapFace', 'swapMultipleFaces']) {
			const durationSource = property('video', operation, 'durationSource');
			expect(values(durationSource)).toEqual(['video', 'manual']);
			expect(durationSource.default).toBe('video');
			expect(property('video', operation, 'duration').displayOptions?.show?.durationSource).toEqual(['manual']);
		}
		const resultMode = property('image', 'swapFace', 'resultMode');
		expect(values(resultMode)).toEqual(['submit', 'wait', 'estimate']);
		expect(resultMode.default).toBe('submit');
		const options = property('video', 'swapMultipleFaces', 'options').options as INodeProperties[];
		// `maxDownloadSize` goes beyond the contract: an addition (README); n8n's lint wants them sorted
		expect(options.map((o) => o.name)).toEqual(['downloadResult', 'allowedDownloadHosts', 'maxDownloadSize', 'maxCredits', 'maxCreditsPerRun', 'reference', 'skipAlreadySubmitted', 'dedupeValue', 'concurrency', 'waitLimit']);
		expect(options.find((o) => o.name === 'maxCreditsPerRun')).toMatchObject({ type: 'number', default: 0 });
		expect(options.find((o) => o.name === 'reference')).toMatchObject({ type: 'string', default: '' });
		expect(options.find((o) => o.name === 'maxDownloadSize')).toMatchObject({ type: 'number', default: 100, displayOptions: { show: { downloadResult: [true] } } });
		expect(options.find((o) => o.name === 'skipAlreadySubmitted')).toMatchObject({ type: 'boolean', default: true });
		expect(options.find((o) => o.name === 'dedupeValue')).toMatchObject({ type: 'string', default: '' });
		for (const operation of ['extractFaces']) {
			for (const resource of ['image', 'video']) {
				const extractOptions = property(resource, operation, 'options').options as INodeProperties[];
				expect(extractOptions.map((o) => [o.name, o.default])).toEqual([['concurrency', 5]]);
			}
		}
		expect(options.find((o) => o.name === 'concurrency')).toMatchObject({ default: 5, typeOptions: { minValue: 1, maxValue: 20 } });
		const faces = property('image', 'swapMultipleFaces', 'faces');
		expect(faces.typeOptions?.multipleValues).toBe(true);
		expect((faces.options as Array<{ name: string; values: INodeProperties[] }>)[0]).toMatchObject({ name: 'face' });
		expect((faces.options as Array<{ values: INodeProperties[] }>)[0].values.map((v) => v.name)).toEqual(['index', 'faceImageUrl']);
		const references = property('video', 'swapMultipleFaces', 'references');
		expect(references.typeOptions?.maxAllowedFields).toBe(3);
		const reference = (references.options as Array<{ name: string; values: INodeProperties[] }>)[0];
		expect(reference.name).toBe('reference');
		expect(reference.values.map((v) => v.name)).toEqual(['faceRefInput', 'faceRefBase64', 'faceRefBinaryProperty', 'faceImageUrl']);
		expect(values(reference.values[0])).toEqual(['base64', 'binary']);
	});

	test('each operation states its credit price', () => {
		const descriptions = description.properties
			.filter((p) => p.name === 'operation')
			.flatMap((p) => (p.options as Array<{ description: string }>).map((o) => o.description));
		for (const text of descriptions) expect(text).toMatch(/credit/);
	});
});

describe('the Aifaceswap Trigger node', () => {
	const description: INodeTypeDescription = new AifaceswapTrigger().description;

	test('type, version, one POST webhook at task_callback answered on receipt, not a tool', () => {
		expect(description.name).toBe('aifaceswapTrigger');
		expect(description.version).toBe(1);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.inputs).toEqual([]);
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'task_callback' },
		]);
	});

	test('events and options', () => {
		const events = description.properties.find((p) => p.name === 'events')!;
		expect(events.type).toBe('multiOptions');
		expect((events.options as Array<{ value: string }>).map((o) => o.value)).toEqual(['success', 'failure']);
		expect(events.default).toEqual(['success', 'failure']);
		const options = description.properties.find((p) => p.name === 'options')!.options as INodeProperties[];
		expect(options.map((o) => o.name)).toEqual(['secretToken', 'downloadResult', 'allowedDownloadHosts', 'maxDownloadSize']);
		expect(options.find((o) => o.name === 'maxDownloadSize')).toMatchObject({ type: 'number', default: 100 });
	});
});

test('the action node resumes waiting executions through a restart webhook', () => {
	const description: INodeTypeDescription = new Aifaceswap().description;
	expect(description.webhooks).toEqual([
		{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true },
	]);
	expect(description.waitingNodeTooltip).toMatch(/^Waiting for aifaceswap/);
});
