/**
 * Every operation's declaration reaches every place built from it: the router, the Operation
 * option lists with their price texts, the tool variant, the editor hint, the trigger's callback
 * type names and the mock API. Every `*.operation.ts` file is registered in its resource index. A
 * throw-away extra operation, added the way CONTRIBUTING's "Add an operation" says, shows that a new
 * operation is picked up, and that a forgotten registration fails this test. No build needed.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Aifaceswap } from '../nodes/Aifaceswap/Aifaceswap.node';
import { submitWithoutCallbackHint } from '../nodes/Aifaceswap/actions/common.descriptions';
import type { AifaceswapMap } from '../nodes/Aifaceswap/actions/node.type';
import type { OperationModule } from '../nodes/Aifaceswap/actions/operation';
import { hasResultMode, resourceDescription } from '../nodes/Aifaceswap/actions/operation';
import type { OperationRegistry } from '../nodes/Aifaceswap/actions/router';
import { callbackTypeNames, findOperation, operationsWithResultMode, REGISTRY } from '../nodes/Aifaceswap/actions/router';
import { TOOL_DESCRIPTIONS, toolDescriptionField } from '../nodes/Aifaceswap/actions/tool.descriptions';
import type { Price, PriceRule } from '../nodes/Aifaceswap/pricing/credits';
import { PRICES, priceText } from '../nodes/Aifaceswap/pricing/credits';
import { callbackTypes, MOCK_ENDPOINTS } from './mock-api/server';
import { DECLARED } from './support/operations';

/** What a registry misses for its operations to work: one line per forgotten registration. */
function missingRegistrations(registry: OperationRegistry, prices: Record<string, Record<string, Price>> = PRICES): string[] {
	const missing: string[] = [];
	const withResultMode = operationsWithResultMode(registry);
	const hint = String(submitWithoutCallbackHint(withResultMode).displayCondition);
	const typeNames = callbackTypeNames(registry);
	for (const [resource, operations] of Object.entries(registry)) {
		const [operationField] = resourceDescription(resource, operations);
		for (const operation of operations) {
			const { declaration, description } = operation;
			const { value } = declaration.option;
			const name = `${resource} > ${value}`;
			if (prices[resource]?.[value] !== declaration.price) missing.push(`${name}: its price is not the price table's`);
			if (findOperation(registry, resource, value) !== operation) missing.push(`${name}: the router does not find it`);
			const option = operationField.options?.find((o) => 'value' in o && o.value === value) as INodePropertyOptions | undefined;
			if (!option) missing.push(`${name}: not in the Operation options`);
			else if (!String(option.description).endsWith(`(${priceText(declaration.price)})`)) missing.push(`${name}: its option does not name its price`);
			const shownFor = (p: INodeProperties) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(value);
			if (!description.some((p) => p.name === 'toolDescription' && shownFor(p))) missing.push(`${name}: no Tool Description for the tool variant`);
			if (hasResultMode(declaration) !== withResultMode.includes(value)) missing.push(`${name}: Result Mode not picked up`);
			if (hasResultMode(declaration) && !hint.includes(`"${value}"`)) missing.push(`${name}: not in the editor hint`);
			// Without `task` the router sends every item as it comes: Estimate Only would send (and charge) them.
			if (hasResultMode(declaration) && operation.task === undefined) missing.push(`${name}: no task, so Estimate Only and Max Credits per Run cannot price it before sending`);
			if (declaration.callbackType !== undefined && typeNames[declaration.callbackType] !== declaration.callbackName) {
				missing.push(`${name}: callback type ${declaration.callbackType} has another name elsewhere`);
			}
		}
	}
	return missing;
}

/**
 * A throw-away Video operation like a hypothetical Enhance Video (a callback of type 99, 1 credit a
 * second), named so that it never meets a real one, added as CONTRIBUTING's recipe says: its module
 * (declaration, fields, execute), its place in the resource's `operations`, its price in the price
 * table (a test-only copy here).
 */
const testPrices = { ...PRICES, video: { ...PRICES.video, throwAway: { text: '1 credit a second', credits: ({ durationSeconds }: { durationSeconds: number }) => durationSeconds } } };

const throwAway = {
	declaration: {
		option: { name: 'Throw Away', value: 'throwAway', description: 'Test only', action: 'Throw away a video' },
		endpoint: 'throw_away',
		fields: ['source_video', 'duration'],
		price: testPrices.video.throwAway,
		callbackType: 99,
		callbackName: 'Throw-away',
	},
	description: updateDisplayOptions({ show: { resource: ['video'], operation: ['throwAway'] } }, [toolDescriptionField('Test only.')]),
	task: async () => ({ endpoint: 'throw_away', fields: {}, estimatedCredits: 1, price: testPrices.video.throwAway, callbackType: 99 }),
	execute: async () => ({ json: {} }),
} as const satisfies OperationModule;

const withThrowAway = { ...REGISTRY, video: [...REGISTRY.video, throwAway] } as const;

test('every operation of the node is registered everywhere it must be', () => {
	expect(missingRegistrations(REGISTRY)).toEqual([]);
	expect(DECLARED.length).toBeGreaterThan(0);
});

/** The `*.operation.ts` files under actions/, as `<resource>/<file>`. */
function operationFiles(): string[] {
	const actions = path.resolve(__dirname, '..', 'nodes', 'Aifaceswap', 'actions');
	return readdirSync(actions, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.operation.ts'))
		.map((file) => file.split(path.sep).join('/'));
}

/** The operation files no resource index registers. */
function unregistered(registry: OperationRegistry): string[] {
	const registered = Object.values(registry).flat();
	return operationFiles().filter((file) => {
		const module = require(`../nodes/Aifaceswap/actions/${file.replace(/\.ts$/, '')}`) as OperationModule;
		return !registered.includes(module);
	});
}

test('every *.operation.ts file is registered in its resource index', () => {
	expect(operationFiles().length).toBe(DECLARED.length);
	expect(unregistered(REGISTRY)).toEqual([]);
});

test('an operation file its index forgot fails, named', () => {
	const [first, ...rest] = REGISTRY.image;
	expect(unregistered({ ...REGISTRY, image: rest })).toEqual([`image/${first.declaration.option.value}.operation.ts`]);
	expect(first).toBeDefined();
});

test("the node's operation map type is the resource indexes' operations", () => {
	// A compile-time check: each side must be assignable to the other.
	const fromIndexes: { [R in keyof AifaceswapMap]: Array<AifaceswapMap[R]> } = {
		image: REGISTRY.image.map(({ declaration }) => declaration.option.value),
		video: REGISTRY.video.map(({ declaration }) => declaration.option.value),
	};
	expect(Object.keys(fromIndexes)).toEqual(Object.keys(REGISTRY));
});

test("the node's Operation fields are the ones built from the registry", () => {
	const { properties } = new Aifaceswap().description;
	for (const [resource, operations] of Object.entries(REGISTRY)) {
		const field = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
		expect(field).toEqual(resourceDescription(resource, operations)[0]);
	}
});

test('the mock API answers every declared endpoint and calls back with the declared type', () => {
	for (const { declaration } of DECLARED) {
		expect(MOCK_ENDPOINTS).toContain(declaration.endpoint);
		expect(callbackTypes()[declaration.endpoint]).toBe(declaration.callbackType);
	}
});

test('a new operation is picked up by the router, the option list, the tool variant, the hint, the callback names and the mock', () => {
	expect(missingRegistrations(withThrowAway, testPrices)).toEqual([]);
	expect(resourceDescription('video', withThrowAway.video)[0].options).toContainEqual(
		expect.objectContaining({ value: 'throwAway', description: 'Test only (1 credit a second)' }),
	);
	expect(operationsWithResultMode(withThrowAway)).toContain('throwAway');
	expect(callbackTypeNames(withThrowAway)[99]).toBe('Throw-away');
	expect(callbackTypes(withThrowAway).throw_away).toBe(99);
});

test('a forgotten registration fails, naming what was forgotten', () => {
	expect(missingRegistrations(withThrowAway)).toEqual(["video > throwAway: its price is not the price table's"]);
	const noToolDescription = { ...throwAway, description: [] };
	expect(missingRegistrations({ ...REGISTRY, video: [...REGISTRY.video, noToolDescription] }, testPrices)).toEqual([
		'video > throwAway: no Tool Description for the tool variant',
	]);
	const { task: _task, ...noTask } = throwAway;
	expect(missingRegistrations({ ...REGISTRY, video: [...REGISTRY.video, noTask] }, testPrices)).toEqual([
		'video > throwAway: no task, so Estimate Only and Max Credits per Run cannot price it before sending',
	]);
});

describe('prices: every text that names one agrees with the price table', () => {
	test.each(Object.entries(PRICES).flatMap(([resource, prices]) => Object.entries(prices).map(([operation, price]) => [resource, operation, price] as const)))(
		'%s > %s',
		(resource, operation, price) => {
			const declared = findOperation(REGISTRY, resource, operation);
			expect(declared?.declaration.price).toBe(price);
			const { properties } = new Aifaceswap().description;
			const field = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
			const option = field?.options?.find((o) => 'value' in o && o.value === operation);
			expect(option && 'description' in option && option.description).toMatch(new RegExp(`\\(${priceText(price).replace(/[()+]/g, '\\$&')}\\)$`));
		},
	);

	/** What a rule's text says a second costs, by enhance level and faces: its numbers, or its formula worked out. */
	function textSays(text: string, enhance: number, faces: number): number | undefined {
		const words = text.replace(/ credits? a second.*$/, '');
		if (/faces|enhance/.test(words)) {
			const formula = words.replace(/\bfaces\b/g, String(faces)).replace(/\benhance\b/g, String(enhance)).replace(/\bx\b/g, '*');
			if (!/^[\d\s+*()]+$/.test(formula)) return undefined;
			return Function(`return ${formula}`)() as number;
		}
		// one number: every enhance level; several: one per enhance level
		const numbers = [...words.matchAll(/\d+(?:\.\d+)?/g)].map((match) => Number(match[0]));
		return numbers.length === 1 ? numbers[0] : numbers[enhance];
	}

	test.each(DECLARED.filter(({ declaration }) => typeof declaration.price !== 'number').map((d) => [d.label, d.declaration.price as PriceRule] as const))(
		'%s: its price text says what its rule charges',
		(_label, price) => {
			for (const enhance of [0, 1, 2]) {
				for (const faces of [1, 2, 3]) {
					const rule = price.credits({ durationSeconds: 1, enhance, faceCount: faces });
					expect({ text: price.text, enhance, faces, costs: textSays(price.text, enhance, faces) }).toEqual({ text: price.text, enhance, faces, costs: rule });
				}
			}
		},
	);

	test('the tool descriptions charge what the table says', () => {
		expect(TOOL_DESCRIPTIONS.imageSwapFace).toContain(`credits (charged: ${PRICES.image.swapFace})`);
		expect(TOOL_DESCRIPTIONS.imageExtractFaces).toContain(`credits (charged: ${PRICES.image.extractFaces})`);
		const perSecond = PRICES.video.swapFace.credits({ durationSeconds: 1, enhance: 0 });
		expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain(`Costs ${perSecond} credits per second`);
	});
});
