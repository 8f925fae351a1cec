import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { named, PARAMETERS } from '../../inputs/parameters';
import { readBase64Image } from '../../inputs/images';
import { encodeBody } from '../../inputs/requestBody';
import { facesOutput } from '../../output/facesOutput';
import { PRICES } from '../../pricing/credits';
import { requestOptionsField } from '../common.descriptions';
import type { OperationDeclaration, Run } from '../operation';
import { notForModelsFields } from '../tool.descriptions';

export const declaration = {
	option: {
		name: 'Extract Faces From Frame',
		value: 'extractFaces',
		description: 'Find the faces in one video frame, for a multiple video face swap',
		action: 'Extract faces from a video frame',
	},
	endpoint: 'extract_base64_face',
	fields: ['base64_img'],
	price: PRICES.video.extractFaces,
	// A model cannot give the frame.
	notForModels: { operation: 'Extract Faces From Frame (video)', needs: 'a video frame as an image file' },
} as const satisfies OperationDeclaration;

const properties: INodeProperties[] = [
	{
		displayName: 'Frame Input',
		name: 'frameInput',
		type: 'options',
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A frame image in a binary property of the input item' },
			{ name: 'Base64 Text', value: 'base64', description: 'The frame image as base64 text' },
		],
		default: 'binary',
		description: 'Where the video frame comes from. Take a frame that shows every face you want to swap.',
	},
	{
		...named(PARAMETERS.frameBinaryProperty),
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property that holds the frame image',
		displayOptions: { show: { frameInput: ['binary'] } },
	},
	{
		...named(PARAMETERS.frameBase64),
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The frame image as base64 text (a "data:image/...;base64," prefix is allowed)',
		displayOptions: { show: { frameInput: ['base64'] } },
	},
	requestOptionsField,
	...notForModelsFields(declaration.notForModels),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['extractFaces'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number, run: Run): Promise<INodeExecutionData> {
	const input = this.getNodeParameter('frameInput', itemIndex) as 'binary' | 'base64';
	const value = this.getNodeParameter(input === 'binary' ? 'frameBinaryProperty' : 'frameBase64', itemIndex) as string;
	const base64Img = await readBase64Image(this, itemIndex, input, value, {
		base64: PARAMETERS.frameBase64,
		binaryProperty: PARAMETERS.frameBinaryProperty,
	});
	const data = await run.api.request(declaration.endpoint, encodeBody({ base64_img: base64Img }), itemIndex);
	return facesOutput(this, itemIndex, data.pos, data.points, declaration.price);
}
