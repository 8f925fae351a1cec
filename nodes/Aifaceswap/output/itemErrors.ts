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

/**
 * The error of an item: n8n's own errors as they are, marked with the item when they do not name
 * one (the transport's errors know no items); anything else becomes a NodeOperationError.
 */
export function asNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) {
		return new NodeOperationError(node, error as Error, { itemIndex });
	}
	error.context.itemIndex ??= itemIndex;
	return error;
}
