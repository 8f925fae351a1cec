import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as image from './actions/image/Image.resource';
import { submitWithoutCallbackHint } from './actions/common.descriptions';
import { operationsWithResultMode, router } from './actions/router';
import { resumeOnCallback } from './wait/waitForResult';
import * as video from './actions/video/Video.resource';
import { aifaceswapApiTest } from './transport/credentialTest';

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
		credentials: [{ name: 'aifaceswapApi', required: true, testedBy: 'aifaceswapApiTest' }],
		// Wait for Result: aifaceswap's callback to the resume URL lands here.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		hints: [submitWithoutCallbackHint(operationsWithResultMode())],
		waitingNodeTooltip:
			'Waiting for aifaceswap to call back with the result of the task (Wait for Result). It resumes when the callback arrives, or continues with timedOut = true when the wait limit passes.',
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

	methods = { credentialTest: { aifaceswapApiTest } };

	// The only webhook is the resume URL of a waiting execution (restartWebhook), which n8n serves by
	// itself: n8n never calls these for it (it leaves restart webhooks out when it activates a
	// workflow or listens for a test run, in n8n 1.x and 2.x). They are here because n8n's lint
	// (@n8n/community-nodes/webhook-lifecycle-complete, part of the verification scan) requires
	// them on every node with a webhook, and there is nothing to register with aifaceswap.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
