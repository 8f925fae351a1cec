import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as image from './actions/image/Image.resource';
import { router } from './actions/router';
import * as video from './actions/video/Video.resource';

export class Aifaceswap implements INodeType {
	description: INodeTypeDescription = {
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

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
