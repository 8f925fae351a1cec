import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../output/itemErrors';
import type { ResultMode } from '../tasks/submitTask';
import { ApiClient } from '../transport';
import { RequestThrottle } from '../transport/throttle';
import { submitAndWait } from '../wait/waitForResult';
import { runBatch } from './batch';
import { runTaskBatch, submitWithinCap } from './taskBatch';
import * as image from './image/Image.resource';
import type { AifaceswapType } from './node.type';
import type { OperationModule, Run } from './operation';
import { hasResultMode } from './operation';
import { notForModelsMessage } from './tool.descriptions';
import * as video from './video/Video.resource';

/** Each resource's operations, in the order the editor lists them. */
export type OperationRegistry = Record<string, readonly OperationModule[]>;

/** The node's operations, from the resource indexes (`node.type.ts` derives the operation map from them too). */
export const REGISTRY = { image: image.operations, video: video.operations } satisfies OperationRegistry;

/** The operation a node's parameters choose, if the registry has it. */
export function findOperation(registry: OperationRegistry, resource: string, operation: string): OperationModule | undefined {
	return registry[resource]?.find(({ declaration }) => declaration.option.value === operation);
}

/** The operation values that have a Result Mode (they create a task that calls back). */
export function operationsWithResultMode(registry: OperationRegistry = REGISTRY): string[] {
	const values = Object.values(registry)
		.flat()
		.filter(({ declaration }) => hasResultMode(declaration))
		.map(({ declaration }) => declaration.option.value);
	return [...new Set(values)];
}

/** The name of each callback `type` the operations declare, for the Aifaceswap Trigger's `typeName`. */
export function callbackTypeNames(registry: OperationRegistry = REGISTRY): Record<number, string> {
	const names: Record<number, string> = {};
	for (const { declaration } of Object.values(registry).flat()) {
		if (declaration.callbackType !== undefined) names[declaration.callbackType] = declaration.callbackName;
	}
	return names;
}

/**
 * Picks the operation and how the run goes: as a batch (Submit Only, and the Extract operations),
 * or one item that pauses until its result comes (Wait for Result).
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as AifaceswapType['resource'];
	const operation = this.getNodeParameter('operation', 0) as AifaceswapType['operation'];
	const chosen = findOperation(REGISTRY, resource, operation);
	if (!chosen?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	const { execute, declaration, task } = chosen;

	// n8n names the AI Agent tool variant of a node by its type name + "Tool".
	const asTool = this.getNode().type.endsWith('Tool');
	if (asTool && declaration.notForModels) {
		// The answer to the model, as an error item (a thrown error would fail the whole agent in n8n 1.x).
		const refusal = new NodeOperationError(this.getNode(), notForModelsMessage(declaration.notForModels));
		return [this.getInputData().map((_, itemIndex) => errorItem(refusal, itemIndex))];
	}
	if (!hasResultMode(declaration) || !task) return await runBatch(this, execute, { asTool });
	const resultMode = resultModeOf(this);
	if (asTool && resultMode === 'estimate') {
		// The tool variant hides Result Mode; a workflow saved with it set must not answer the model with prices only.
		throw new NodeOperationError(this.getNode(), 'Result Mode "Estimate Only" (resultMode) does not work when the node is an AI Agent\'s tool, so nothing was sent.', {
			description: 'A tool call is the model asking for a face swap. Set Result Mode to "Submit Only" on the node before making it a tool.',
		});
	}
	if (resultMode !== 'wait') return await runTaskBatch(this, { task, execute }, { asTool, resultMode });

	if (asTool) {
		// The tool variant hides Result Mode; a workflow saved with it set still must not pause.
		throw new NodeOperationError(
			this.getNode(),
			'Result Mode "Wait for Result" (resultMode) does not work when the node is an AI Agent\'s tool, so nothing was sent.',
			{
				description:
					'A tool call must answer the agent at once, and Wait for Result pauses the whole execution until the task calls back, so the agent\'s caller would get no answer. Use Submit Only with a Callback URL to an Aifaceswap Trigger workflow.',
			},
		);
	}
	// One item, one request: no concurrency, and nothing to stop.
	const run: Run = { api: new ApiClient(this, new RequestThrottle(this.getNode(), 1, false)), resultMode: 'wait' };
	return await submitAndWait.call(this, async (itemIndex) => await submitWithinCap(this, { task, execute }, itemIndex, run));
}

/**
 * Result Mode of an operation that has one, read once: it decides how the whole run goes, so the field takes no
 * expression. n8n hands a value saved as an expression to the node as its text ("{{ ... }}"
 * without the "="): refused, so that such a workflow never sends in a mode it did not ask for.
 */
function resultModeOf(ctx: IExecuteFunctions): ResultMode {
	const value = ctx.getNodeParameter('resultMode', 0, 'submit') as unknown;
	if (value === 'submit' || value === 'wait' || value === 'estimate') return value;
	throw new NodeOperationError(
		ctx.getNode(),
		`Result Mode (resultMode) must be "Submit Only", "Wait for Result" or "Estimate Only (Sends Nothing)", not ${JSON.stringify(value)}, so nothing was sent.`,
		{ description: 'Result Mode applies to the whole run and cannot be an expression: choose one of its values in the node.' },
	);
}
