import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as image from './image/Image.resource';
import * as video from './video/Video.resource';

export const versionDescription: INodeTypeDescription = {
	displayName: 'Aifaceswap',
	name: 'aifaceswap',
	icon: { light: 'file:aifaceswap.svg', dark: 'file:aifaceswap.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{ $parameter["resource"] + ": " + $parameter["operation"] }}',
	description: 'Swap faces in images and videos with the aifaceswap.io API',
	defaults: { name: 'Aifaceswap' },
	usableAsTool: true,
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'aifaceswapApi', required: true }],
	properties: [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Image', value: 'image' },
				{ name: 'Video', value: 'video' },
			],
			default: 'image',
		},
		...image.description,
		...video.description,
	],
};
