/**
 * Every operation's declaration reaches every place built from it: the router, the Operation
 * option lists with their price texts, the tool variant, the editor hint and the mock API. A
 * throw-away extra operation, declared only here, shows that a new operation is picked up, and
 * that a forgotten registration fails this test. No build needed.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { Aifaceswap } from '../nodes/Aifaceswap/Aifaceswap.node';
import { submitWithoutCallbackHint } from '../nodes/Aifaceswap/actions/common.descriptions';
import * as image from '../nodes/Aifaceswap/actions/image/Image.resource';
import type { OperationModule } from '../nodes/Aifaceswap/actions/operation';
import { hasResultMode, resourceDescription } from '../nodes/Aifaceswap/actions/operation';
import type { OperationRegistry } from '../nodes/Aifaceswap/actions/router';
import { findOperation, operationsWithResultMode, REGISTRY } from '../nodes/Aifaceswap/actions/router';
import { TOOL_DESCRIPTIONS, toolDescriptionField } from '../nodes/Aifaceswap/actions/tool.descriptions';
import * as video from '../nodes/Aifaceswap/actions/video/Video.resource';
import type { Price } from '../nodes/Aifaceswap/pricing/credits';
import { PRICES, priceText } from '../nodes/Aifaceswap/pricing/credits';
import { callbackTypes, MOCK_ENDPOINTS } from './mock-api/server';

/** What a registry misses for its operations to work: one line per forgotten registration. */
function missingRegistrations(registry: OperationRegistry, mockEndpoints: string[], prices: Record<string, Record<string, Price>> = PRICES): string[] {
	const missing: string[] = [];
	const withResultMode = operationsWithResultMode(registry);
	const hint = String(submitWithoutCallbackHint(withResultMode).displayCondition);
	const mockTypes = callbackTypes(registry);
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
			if (!mockEndpoints.includes(declaration.endpoint)) missing.push(`${name}: the mock API does not answer ${declaration.endpoint}`);
			if (mockTypes[declaration.endpoint] !== declaration.callbackType) missing.push(`${name}: the mock API calls back with another type`);
		}
	}
	return missing;
}

/**
 * A throw-away Image operation like a hypothetical Enhance Face (a callback, 1 credit), named so
 * that it never meets a real one. Declared here only, with its price in a test-only table.
 */
const testPrices = { ...PRICES, image: { ...PRICES.image, throwAway: 1 } };

const throwAway: OperationModule = {
	declaration: {
		option: { name: 'Throw Away', value: 'throwAway', description: 'Test only', action: 'Throw away an image' },
		endpoint: 'throw_away',
		price: 1,
		callbackType: 1,
	},
	description: updateDisplayOptions({ show: { resource: ['image'], operation: ['throwAway'] } }, [toolDescriptionField('Test only.')]),
	execute: async () => ({ json: {} }),
};

test('every operation of the node is registered everywhere it must be', () => {
	expect(missingRegistrations(REGISTRY, MOCK_ENDPOINTS)).toEqual([]);
});

test.each([
	['image', image],
	['video', video],
])('the %s index lists every operation it exports', (_, resource) => {
	const exported = Object.values(resource).filter((m): m is OperationModule => typeof m === 'object' && m !== null && 'declaration' in m);
	expect(exported.filter((m) => !resource.operations.includes(m)).map((m) => m.declaration.option.value)).toEqual([]);
});

test("the node's Operation fields are the ones built from the registry", () => {
	const { properties } = new Aifaceswap().description;
	for (const [resource, operations] of Object.entries(REGISTRY)) {
		const field = properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource));
		expect(field).toEqual(resourceDescription(resource, operations)[0]);
	}
});

test('a new operation is picked up by the router, the option list, the tool variant, the hint and the mock', () => {
	const registry = { ...REGISTRY, image: [...REGISTRY.image, throwAway] };
	expect(missingRegistrations(registry, [...MOCK_ENDPOINTS, 'throw_away'], testPrices)).toEqual([]);
	expect(resourceDescription('image', registry.image)[0].options).toContainEqual(expect.objectContaining({ value: 'throwAway', description: 'Test only (1 credit)' }));
	expect(operationsWithResultMode(registry)).toContain('throwAway');
});

test('a forgotten registration fails, naming what was forgotten', () => {
	const registry = { ...REGISTRY, image: [...REGISTRY.image, throwAway] };
	expect(missingRegistrations(registry, MOCK_ENDPOINTS, testPrices)).toEqual(['image > throwAway: the mock API does not answer throw_away']);
	expect(missingRegistrations(registry, [...MOCK_ENDPOINTS, 'throw_away'])).toEqual(['image > throwAway: its price is not the price table\'s']);
	const noToolDescription = { ...throwAway, description: [] };
	expect(missingRegistrations({ ...REGISTRY, image: [...REGISTRY.image, noToolDescription] }, [...MOCK_ENDPOINTS, 'throw_away'], testPrices)).toEqual([
		'image > throwAway: no Tool Description for the tool variant',
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

	test('the tool descriptions charge what the table says', () => {
		expect(TOOL_DESCRIPTIONS.imageSwapFace).toContain(`credits (charged: ${PRICES.image.swapFace})`);
		expect(TOOL_DESCRIPTIONS.imageExtractFaces).toContain(`credits (charged: ${PRICES.image.extractFaces})`);
		const perSecond = PRICES.video.swapFace.credits({ durationSeconds: 1, enhance: 0 });
		expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain(`Costs ${perSecond} credits per second`);
	});
});
