import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../helpers/errors';
import { submitAndWait } from '../helpers/wait';
import * as image from './image/Image.resource';
import type { AifaceswapType } from './node.type';
import * as video from './video/Video.resource';

type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData>;

type ResourceOperations = { [O in AifaceswapType['operation']]: { execute: OperationExecute } };

const operations: { [R in AifaceswapType['resource']]: ResourceOperations } = { image, video };

/**
 * Runs the chosen operation once per input item. Every output item is paired with its input item;
 * with Continue On Fail a failed item becomes an error item and the other items still run, so the
 * output always has as many items as the input.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as AifaceswapType['resource'];
	const operation = this.getNodeParameter('operation', 0) as AifaceswapType['operation'];
	const execute = operations[resource]?.[operation]?.execute;
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}

	const isSwap = operation === 'swapFace' || operation === 'swapMultipleFaces';
	if (isSwap && this.getNodeParameter('resultMode', 0, 'submit') === 'wait') {
		return await submitAndWait.call(this, execute);
	}

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await execute.call(this, itemIndex);
			returnData.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push(errorItem(error as Error, itemIndex));
				continue;
			}
			throw asNodeError(this.getNode(), error, itemIndex);
		}
	}
	return [returnData];
}
