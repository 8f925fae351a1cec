/**
 * The node's operations as tests use them, taken from the declarations (the resource indexes):
 * per-operation lists, endpoints, callback types and prices. Tests build their rows from these, so
 * a new operation or a new price needs no test edited; test/api/facts.test.ts alone holds the
 * declarations to the API documentation.
 */
import type { AifaceswapDeclaration, AifaceswapMap } from '../../nodes/Aifaceswap/actions/node.type';
import type { OperationDeclaration, OperationModule } from '../../nodes/Aifaceswap/actions/operation';
import { hasResultMode } from '../../nodes/Aifaceswap/actions/operation';
import { REGISTRY } from '../../nodes/Aifaceswap/actions/router';
import type { VideoPriceInputs } from '../../nodes/Aifaceswap/pricing/credits';
import { creditsOf } from '../../nodes/Aifaceswap/pricing/credits';
import { API_PATH } from '../../nodes/Aifaceswap/transport';
import { CHECK_ENDPOINT } from '../../nodes/Aifaceswap/transport/credentialTest';

export type Resource = keyof AifaceswapMap;

/** A declared endpoint. */
export type EndpointName = AifaceswapDeclaration['endpoint'];

/** One registered operation: where it is, its editor label ("Image > Swap Face") and its module. */
export interface Declared {
	resource: Resource;
	operation: string;
	label: string;
	module: OperationModule;
	declaration: OperationDeclaration;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Every operation, in the editor's order. */
export const DECLARED: Declared[] = Object.entries(REGISTRY).flatMap(([resource, modules]) =>
	modules.map((module) => ({
		resource: resource as Resource,
		operation: module.declaration.option.value,
		label: `${capitalized(resource)} > ${module.declaration.option.name}`,
		module,
		declaration: module.declaration,
	})),
);
if (DECLARED.length === 0) throw new Error('No operations registered: the tests would check nothing');

/** The operations that create a task delivered by callback (they have Result Mode): the swaps. */
export const SWAPS = DECLARED.filter(({ declaration }) => hasResultMode(declaration));

/** The operations an AI Agent's model can use. */
export const FOR_MODELS = DECLARED.filter(({ declaration }) => !declaration.notForModels);

/** The declaration of one operation. */
export function declarationOf<R extends Resource>(resource: R, operation: AifaceswapMap[R]): OperationDeclaration {
	const found = DECLARED.find((d) => d.resource === resource && d.operation === operation);
	if (!found) throw new Error(`No operation ${resource} > ${operation}`);
	return found.declaration;
}

/** The endpoint an operation POSTs to. */
export function endpointOf<R extends Resource>(resource: R, operation: AifaceswapMap[R]): EndpointName {
	return declarationOf(resource, operation).endpoint as EndpointName;
}

/** The callback `type` of an operation's tasks. */
export function callbackTypeOf<R extends Resource>(resource: R, operation: AifaceswapMap[R]): number {
	const { callbackType } = declarationOf(resource, operation);
	if (callbackType === undefined) throw new Error(`${resource} > ${operation} has no callback`);
	return callbackType;
}

/** What a task of the operation costs by the price list (a video's `durationSeconds`, `enhance`, `faceCount`). */
export function creditsFor<R extends Resource>(resource: R, operation: AifaceswapMap[R], inputs?: Partial<VideoPriceInputs>): number {
	return creditsOf(declarationOf(resource, operation).price, { durationSeconds: 0, enhance: 0, ...inputs });
}

/** The path an operation POSTs to. */
export function pathOf<R extends Resource>(resource: R, operation: AifaceswapMap[R]): string {
	return `${API_PATH}${endpointOf(resource, operation)}`;
}

/** The path the credential test POSTs to (an endpoint that creates no task). */
export const CREDENTIAL_CHECK_PATH = `${API_PATH}${CHECK_ENDPOINT}`;

/** What a swap's output says it cost, and its callback type: `credits` (as the mock charges), `estimatedCredits`, `type`. */
export function charged<R extends Resource>(resource: R, operation: AifaceswapMap[R], inputs?: Partial<VideoPriceInputs>) {
	const credits = creditsFor(resource, operation, inputs);
	return { credits, estimatedCredits: credits, type: callbackTypeOf(resource, operation) };
}
