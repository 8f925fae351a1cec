import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { callbackRequestProblem, constantTimeEqual, parseTaskCallback, REFERENCE_QUERY_PARAMETER } from '../shared/callback';
import { callbackTypeNames } from '../Aifaceswap/actions/router';
import { aifaceswapApiTest } from '../Aifaceswap/transport/credentialTest';
import type { DownloadSettings } from '../shared/download';
import { downloadResultFile } from '../shared/download';
import { NO_FILE_ON_ENGINE_V2, startsOnEngineV2 } from '../shared/engineV2';
import { allowedDownloadHostsOption, downloadResultOption, maxDownloadSizeOption } from '../shared/downloadOptions';

/** The callback types the action node's operations declare, by name. */
const CALLBACK_TYPE_NAMES = callbackTypeNames();

interface TriggerOptions extends DownloadSettings {
	secretToken?: string;
	downloadResult?: boolean;
}

/** A query parameter's text ('' when absent; the first when repeated). */
function queryText(query: IDataObject, name: string): string {
	const value = query[name];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' ? first : '';
}

export class AifaceswapTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Aifaceswap Trigger',
		name: 'aifaceswapTrigger',
		icon: { light: 'file:aifaceswap.svg', dark: 'file:aifaceswap.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + $parameter["events"].join(" and ") }}',
		// n8n's node panel shows this text under the package's one entry, which holds the action node too.
		description: 'Face swaps with aifaceswap.io: starts the workflow when a task\'s result arrives',
		defaults: { name: 'Aifaceswap Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aifaceswapApi',
				required: false,
				testedBy: 'aifaceswapApiTest',
				displayOptions: { show: { '/options.downloadResult': [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n then answers an accepted callback with {"message":"Workflow was started"}
				// (without it, n8n sends its default, the literal text "firstEntryJson").
				responseData: '',
				path: 'task_callback',
			},
		],
		properties: [
			{
				displayName:
					'Copy this node\'s Production URL (above) into the Callback URL of the Aifaceswap node, and publish this workflow (n8n 1.x: activate it). aifaceswap calls that URL from the internet, so the Aifaceswap node refuses one on localhost, a private address or a local name (such as n8n.local or a Docker service name): nothing is sent or charged. If n8n runs on your own computer or in Docker, give it a public address with a tunnel (cloudflared, ngrok), set the WEBHOOK_URL environment variable to that address and restart n8n.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					// `action` is the name n8n's trigger panel lists for each event.
					{ name: 'Task Succeeded', value: 'success', action: 'On task succeeded', description: 'The result is ready' },
					{ name: 'Task Failed', value: 'failure', action: 'On task failed', description: 'The task ended without a result' },
				],
				default: ['success', 'failure'],
				description: 'Which callbacks start the workflow; others are answered and ignored',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Secret Token',
						name: 'secretToken',
						type: 'string',
						typeOptions: { password: true },
						default: '',
						description:
							'When set, only callbacks whose URL has token=&lt;this value&gt; in its query (for example ...?token=&lt;this value&gt;) start the workflow (others get HTTP 401). Add it to the Callback URL of the Aifaceswap node.',
					},
					downloadResultOption,
					allowedDownloadHostsOption,
					maxDownloadSizeOption,
				],
			},
		],
	};

	methods = { credentialTest: { aifaceswapApiTest } };

	// aifaceswap has no API to register callbacks: each task carries its callback URL. So there is
	// nothing to create or delete when the workflow is activated or deactivated.
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

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const answer = (status: number, body: IDataObject): IWebhookResponseData => {
			response.status(status).json(body);
			return { noWebhookResponse: true };
		};
		const options = this.getNodeParameter('options', {}) as TriggerOptions;

		if (options.secretToken) {
			const { token } = this.getQueryData() as IDataObject;
			if (typeof token !== 'string' || !constantTimeEqual(token, options.secretToken)) {
				return answer(401, { error: 'Missing or wrong token' });
			}
		}

		const refused = callbackRequestProblem(this.getHeaderData() as Record<string, string | undefined>);
		if (refused) return answer(refused.status, { error: refused.problem });
		const parsed = parseTaskCallback(this.getBodyData(), CALLBACK_TYPE_NAMES);
		if ('problem' in parsed) return answer(400, { error: parsed.problem });
		const { callback } = parsed;

		const events = this.getNodeParameter('events', ['success', 'failure']) as string[];
		if (!events.includes(callback.success ? 'success' : 'failure')) {
			return answer(200, { received: true, started: false });
		}

		// The swap's Reference, which it added to the Callback URL as `ref`.
		const item: INodeExecutionData = { json: { ...callback, reference: queryText(this.getQueryData() as IDataObject, REFERENCE_QUERY_PARAMETER) } };
		if (options.downloadResult && callback.success && callback.resultUrl) {
			// Engine 2.0 refuses a trigger's file (HTTP 400) and starts nothing: keep the callback, without the file.
			const outcome = startsOnEngineV2(this)
				? { error: NO_FILE_ON_ENGINE_V2 }
				: await downloadResultFile(this, callback.resultUrl, callback.taskId, options);
			if ('binary' in outcome) item.binary = { data: outcome.binary };
			else item.json.downloadError = outcome.error;
		}
		return { workflowData: [[item]] };
	}
}
