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
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Swap Face',
				value: 'swapFace',
				description: 'Put a face into a video (2, 4 or 6 credits a second by enhance level)',
				action: 'Swap a face in a video',
			},
			{
				name: 'Extract Faces From Frame',
				value: 'extractFaces',
				description: 'Find the faces in one video frame, for a multiple video face swap (2 credits)',
				action: 'Extract faces from a video frame',
			},
			{
				name: 'Swap Multiple Faces',
				value: 'swapMultipleFaces',
				description:
					'Replace up to 3 faces of a video ((faces + 1 + enhance) x 2 credits a second)',
				action: 'Swap multiple faces in a video',
			},
		],
		default: 'swapFace',
	},
	...swapFace.description,
	...extractFaces.description,
	...swapMultipleFaces.description,
];
