import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ImageParameters } from '../../inputs/images';
import { readImage } from '../../inputs/images';
import { PARAMETERS } from '../../inputs/parameters';
import { PRICES } from '../../pricing/credits';
import type { Task } from '../../tasks/submitTask';
import { imageInputFields, resultFields } from '../common.descriptions';
import type { OperationDeclaration, Run } from '../operation';
import { submitting } from '../operation';
import { MODEL_INPUTS, TOOL_DESCRIPTIONS, toolDescriptionField } from '../tool.descriptions';

export const declaration = {
	option: { name: 'Swap Face', value: 'swapFace', description: 'Put a face into a photo', action: 'Swap a face in an image' },
	endpoint: 'faceswap',
	fields: ['source_image', 'face_image'],
	price: PRICES.image.swapFace,
	callbackType: 1,
	callbackName: 'Single face swap',
} as const satisfies OperationDeclaration;

const sourceImage: ImageParameters = {
	input: 'sourceImageInput',
	url: PARAMETERS.sourceImageUrl,
	binaryProperty: { label: 'Source Image Binary Property', name: 'sourceImageBinaryProperty' },
};

const faceImage: ImageParameters = {
	input: 'faceImageInput',
	url: PARAMETERS.faceImageUrl,
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

/** The item's task, checked and priced; `execute` submits it. */
export async function task(this: IExecuteFunctions, itemIndex: number, run: Run): Promise<Task> {
	return {
		endpoint: declaration.endpoint,
		fields: {
			source_image: await readImage(this, itemIndex, run.api, sourceImage),
			face_image: await readImage(this, itemIndex, run.api, faceImage),
		},
		estimatedCredits: declaration.price,
		price: declaration.price,
		callbackType: declaration.callbackType,
	};
}

export const execute = submitting(task);
