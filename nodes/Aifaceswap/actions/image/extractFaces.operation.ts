import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ImageParameters } from '../../inputs/images';
import { readImage } from '../../inputs/images';
import { encodeBody } from '../../inputs/requestBody';
import { facesOutput } from '../../output/facesOutput';
import { PRICES } from '../../pricing/credits';
import { imageInputFields, requestOptionsField } from '../common.descriptions';
import type { OperationDeclaration, Run } from '../operation';
import { MODEL_INPUTS, TOOL_DESCRIPTIONS, toolDescriptionField } from '../tool.descriptions';

export const declaration = {
	option: {
		name: 'Extract Faces',
		value: 'extractFaces',
		description: 'Find all faces in an image, to choose them for a multiple face swap',
		action: 'Extract faces from an image',
	},
	endpoint: 'extract_face',
	fields: ['img'],
	price: PRICES.image.extractFaces,
} as const satisfies OperationDeclaration;

const image: ImageParameters = {
	input: 'imageInput',
	url: { label: 'Image URL', name: 'imageUrl' },
	binaryProperty: { label: 'Image Binary Property', name: 'imageBinaryProperty' },
};

const properties: INodeProperties[] = [
	...imageInputFields({
		label: 'Image',
		parameters: image,
		defaultBinaryProperty: 'data',
		urlPlaceholder: 'https://example.com/group-photo.jpg',
		description: 'The image whose faces to find',
		modelInput: MODEL_INPUTS.imageUrl,
	}),
	requestOptionsField,
	toolDescriptionField(TOOL_DESCRIPTIONS.imageExtractFaces),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['extractFaces'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: Run): Promise<INodeExecutionData> {
	const img = await readImage(this, itemIndex, run.api, image);
	const data = await run.api.request(declaration.endpoint, encodeBody({ img }), itemIndex);
	return facesOutput(this, itemIndex, data.faces, data.points, declaration.price);
}
