import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../helpers/errors';
import { submitAndWait } from '../helpers/wait';
import { openClaimWindow } from '../submissions/claimWindow';
import { RunStoppedError, startRun, stopRun } from '../transport';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './common.descriptions';
import * as image from './image/Image.resource';
import type { NotForModels } from './tool.descriptions';
import { notForModelsMessage } from './tool.descriptions';
import type { AifaceswapType } from './node.type';
import * as video from './video/Video.resource';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData>;

type ResourceOperations = { [O in AifaceswapType['operation']]: { execute: OperationExecute; notForModels?: NotForModels } };

const operations: { [R in AifaceswapType['resource']]: ResourceOperations } = { image, video };

/**
 * Runs the chosen operation once per input item, up to `options.concurrency` items at a time.
 * Every output item is paired with its input item and keeps its position; with Continue On Fail a
 * failed item becomes an error item and the other items still run, so the output always has as
 * many items as the input.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as AifaceswapType['resource'];
	const operation = this.getNodeParameter('operation', 0) as AifaceswapType['operation'];
	const chosen = operations[resource]?.[operation];
	if (!chosen?.execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}
	const { execute } = chosen;

	// n8n names the AI Agent tool variant of a node by its type name + "Tool".
	const asTool = this.getNode().type.endsWith('Tool');
	if (asTool && chosen.notForModels) {
		// The answer to the model, as an error item (a thrown error would fail the whole agent in n8n 1.x).
		const refusal = new NodeOperationError(this.getNode(), notForModelsMessage(chosen.notForModels));
		return [items.map((_, itemIndex) => errorItem(refusal, itemIndex))];
	}
	const isSwap = operation === 'swapFace' || operation === 'swapMultipleFaces';
	if (isSwap && this.getNodeParameter('resultMode', 0, 'submit') === 'wait') {
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
		return await submitAndWait.call(this, execute);
	}

	const concurrency = readConcurrency(this);
	const outputs: INodeExecutionData[] = new Array(items.length);
	const failures: Array<{ itemIndex: number; error: unknown }> = [];
	let nextItem = 0;

	// As an AI Agent's tool, a failed item is the model's answer (as n8n 2.x makes it; n8n 1.x
	// would fail the whole agent), so the model can correct its input.
	const stopOnFailure = !this.continueOnFail() && !asTool;
	startRun(this, { concurrency, stopOnFailure });
	openClaimWindow(this, concurrency);
	// Twice `concurrency` workers take the next item as soon as they are free: while `concurrency`
	// requests are in flight (the transport's limit), as many items are prepared and wait, so a
	// request leaves the moment a slot frees. Each output goes to its input's slot.
	const worker = async () => {
		while (nextItem < items.length && failures.length === 0) {
			const itemIndex = nextItem++;
			try {
				const result = await execute.call(this, itemIndex);
				outputs[itemIndex] = { ...result, pairedItem: { item: itemIndex } };
			} catch (error) {
				if (error instanceof RunStoppedError) continue; // never sent: the run stopped before it
				if (!stopOnFailure) outputs[itemIndex] = errorItem(error as Error, itemIndex);
				else {
					failures.push({ itemIndex, error });
					stopRun(this, itemIndex);
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(2 * concurrency, items.length) }, worker));

	if (failures.length > 0) {
		// Without Continue On Fail the first failed item stops the run (no new item starts).
		const { itemIndex, error } = failures.sort((a, b) => a.itemIndex - b.itemIndex)[0];
		throw withSentTasks(asNodeError(this.getNode(), error, itemIndex), outputs);
	}
	return [outputs];
}

function readConcurrency(ctx: IExecuteFunctions): number {
	const value = ctx.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY) as unknown;
	const concurrency = Number(value);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Concurrency (options.concurrency) must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${JSON.stringify(value)}`,
			{ description: 'Nothing was sent.' },
		);
	}
	return concurrency;
}

/**
 * The items that were already sent when the run stopped are not in any output, so their task IDs
 * go into the error: the user can find those tasks (and their credits) instead of sending them again.
 */
function withSentTasks<E extends NodeApiError | NodeOperationError>(error: E, outputs: INodeExecutionData[]): E {
	const sent = outputs.flatMap((output, itemIndex) =>
		typeof output?.json.taskId === 'string' && output.json.alreadySubmitted === false
			? [`item ${itemIndex}: ${output.json.taskId}`]
			: [],
	);
	if (sent.length === 0) return error;
	const list = sent.length > 20 ? `${sent.slice(0, 20).join(', ')} and ${sent.length - 20} more` : sent.join(', ');
	const before = typeof error.description === 'string' && error.description !== '' ? `${error.description} ` : '';
	error.description = `${before}Tasks already sent for other items in this run: ${list}.`;
	return error;
}
