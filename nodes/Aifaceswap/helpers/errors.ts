import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** The item Continue On Fail outputs for a failed input item. */
export function errorItem(
	error: Error & { description?: unknown; httpCode?: unknown },
	itemIndex: number,
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (typeof error.description === 'string' && error.description !== '') json.description = error.description;
	if (typeof error.httpCode === 'string' && error.httpCode !== '') json.httpCode = error.httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

/** n8n's own errors pass as they are; anything else becomes a NodeOperationError for the item. */
export function asNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	return error instanceof NodeOperationError || error instanceof NodeApiError
		? error
		: new NodeOperationError(node, error as Error, { itemIndex });
}
