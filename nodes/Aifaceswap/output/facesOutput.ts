import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** One detected face: its index (for the multiple face swaps) and its box in pixels. */
export interface FaceBox {
	index: number;
	x1: number;
	y1: number;
	x2: number;
	y2: number;
}

/**
 * Turns the API's `[[x1, y1, x2, y2], ...]` into the extract operations' output. The input item's
 * binary files pass through, so the next node (Edit Image > Crop) can cut each face out of the frame.
 */
export function facesOutput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	boxes: unknown,
	points: unknown,
	listedCredits: number,
): INodeExecutionData {
	if (boxes !== undefined && !Array.isArray(boxes)) {
		throw new NodeOperationError(ctx.getNode(), 'The aifaceswap API returned faces in an unknown format', {
			itemIndex,
			description: `Expected a list of [x1, y1, x2, y2] boxes, got: ${JSON.stringify(boxes).slice(0, 200)}`,
		});
	}
	const faces: FaceBox[] = (boxes ?? []).map((box: unknown, index: number) => {
		const [x1, y1, x2, y2] = Array.isArray(box) ? box.map(Number) : [];
		return { index, x1, y1, x2, y2 };
	});
	const json: IDataObject = {
		faces: faces as unknown as IDataObject[],
		faceCount: faces.length,
		// The API's own charge where it reports one; Extract Faces From Frame reports none, so the
		// price list's cost stands in for it.
		credits: typeof points === 'number' ? points : listedCredits,
	};
	const binary = ctx.getInputData()[itemIndex]?.binary;
	return binary ? { json, binary } : { json };
}
