import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { CREDITS } from '../../helpers/credits';
import type { ImageParameters } from '../../helpers/inputs';
import { readImage } from '../../helpers/inputs';
import { sendSwap } from '../../helpers/swap';
import { imageInputFields, resultFields } from '../common.descriptions';
import { MODEL_INPUTS, TOOL_DESCRIPTIONS, toolDescriptionField } from '../tool.descriptions';

const sourceImage: ImageParameters = {
	input: 'sourceImageInput',
	url: { label: 'Source Image URL', name: 'sourceImageUrl' },
	binaryProperty: { label: 'Source Image Binary Property', name: 'sourceImageBinaryProperty' },
};

const faceImage: ImageParameters = {
	input: 'faceImageInput',
	url: { label: 'Face Image URL', name: 'faceImageUrl' },
	binaryProperty: { label: 'Face Image Binary Property', name: 'faceImageBinaryProperty' },
};

const properties: INodeProperties[] = [
	...imageInputFields({
		label: 'Source Image',
		parameters: sourceImage,
		defaultBinaryProperty: 'data',
		urlPlaceholder: 'https://example.com/photo.jpg',
		description: 'The photo whose face is replaced',
		modelInput: MODEL_INPUTS.targetImageUrl,
	}),
	...imageInputFields({
		label: 'Face Image',
		parameters: faceImage,
		defaultBinaryProperty: 'face',
		urlPlaceholder: 'https://example.com/face.jpg',
		description: 'The face to put into the source image',
		modelInput: MODEL_INPUTS.faceImageUrl,
	}),
	...resultFields,
	toolDescriptionField(TOOL_DESCRIPTIONS.imageSwapFace),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['swapFace'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	return await sendSwap.call(this, itemIndex, {
		endpoint: 'faceswap',
		body: {
			source_image: await readImage(this, itemIndex, sourceImage),
			face_image: await readImage(this, itemIndex, faceImage),
		},
		estimatedCredits: CREDITS.imageSwap,
	});
}
