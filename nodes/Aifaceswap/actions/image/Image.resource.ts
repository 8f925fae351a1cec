import type { INodeProperties } from 'n8n-workflow';

import * as extractFaces from './extractFaces.operation';
import * as swapFace from './swapFace.operation';
import * as swapMultipleFaces from './swapMultipleFaces.operation';

export { extractFaces, swapFace, swapMultipleFaces };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Swap Face',
				value: 'swapFace',
				description: 'Put a face into a photo (2 credits)',
				action: 'Swap a face in an image',
			},
			{
				name: 'Extract Faces',
				value: 'extractFaces',
				description: 'Find all faces in an image, to choose them for a multiple face swap (2 credits)',
				action: 'Extract faces from an image',
			},
			{
				name: 'Swap Multiple Faces',
				value: 'swapMultipleFaces',
				description: 'Replace several faces of a photo at once (5 credits)',
				action: 'Swap multiple faces in an image',
			},
		],
		default: 'swapFace',
	},
	...swapFace.description,
	...extractFaces.description,
	...swapMultipleFaces.description,
];
