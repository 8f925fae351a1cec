import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { callbackRequestProblem, parseTaskCallback } from '../../shared/callback';
import type { DownloadSettings } from '../../shared/download';
import { downloadResultFile } from '../../shared/download';
import { ENGINE_V2_SETTING, runsOnEngineV2 } from '../../shared/engineV2';
import { asNodeError, errorItem } from '../output/itemErrors';

export const DEFAULT_WAIT_MINUTES = 60;

interface WaitOptions extends DownloadSettings {
	waitLimit?: number;
	downloadResult?: boolean;
}

/**
 * Wait for Result: sends the one item's task with this execution's resume URL as `webhook`, then
 * pauses the execution. What this returns is the output if the wait limit passes first
 * (`timedOut: true`); a callback in time replaces it (see `resumeOnCallback`).
 */
export async function submitAndWait(
	this: IExecuteFunctions,
	submit: (itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (runsOnEngineV2(this)) {
		// Checked before anything is sent or recorded: the result of a task sent here could never come back.
		const refusal = cannotWaitOnEngineV2(this);
		if (this.continueOnFail()) return [items.map((_, itemIndex) => errorItem(refusal, itemIndex))];
		throw refusal;
	}
	if (items.length !== 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Result Mode "Wait for Result" (resultMode) takes one item each time the node runs, but ${items.length} items arrived, so nothing was sent.`,
			{
				description:
					'A paused execution resumes once for one callback. Put a Loop Over Items node (batch size 1) before this node: it passes one item at a time in the same execution, or use "Submit Only" with the Aifaceswap Trigger for batches.',
			},
		);
	}
	let submitted: INodeExecutionData;
	try {
		submitted = await submit(0);
	} catch (error) {
		if (this.continueOnFail()) return [[errorItem(error as Error, 0)]];
		throw asNodeError(this.getNode(), error, 0);
	}
	if (submitted.json.alreadySubmitted === true) {
		// Sent before by another execution: its callback went to that execution, so there is nothing
		// to wait for. The item says so (alreadySubmitted, notice) and claims no result (no `success`).
		return [[{ json: submitted.json, pairedItem: { item: 0 } }]];
	}
	const { waitLimit = DEFAULT_WAIT_MINUTES } = this.getNodeParameter('options', 0, {}) as WaitOptions;
	const waitTill = waitLimit > 0 ? new Date(Date.now() + waitLimit * 60_000) : WAIT_INDEFINITELY;
	const timedOut: INodeExecutionData = {
		json: { ...submitted.json, success: false, resultUrl: '', timedOut: true },
		pairedItem: { item: 0 },
	};
	// When the wait limit passes, n8n runs on from this node by passing its input on unchanged. Making
	// the timed-out item that input (a new data object: the previous node's output is untouched)
	// lets the item continue with its task ID. A callback in time replaces it with the result.
	this.getExecuteData().data = { main: [[timedOut]] };
	try {
		await this.putExecutionToWait(waitTill);
	} catch (error) {
		throw cannotPause(this, error as Error, submitted.json.taskId);
	}
	return [[timedOut]];
}

function cannotWaitOnEngineV2(ctx: IExecuteFunctions): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Result Mode "Wait for Result" (resultMode) does not work in a workflow that runs on n8n's Engine 2.0 (${ENGINE_V2_SETTING}), so nothing was sent.`,
		{
			description:
				'Engine 2.0 cannot pause an execution yet, so the result of a task sent from here could never come back. Use Result Mode "Submit Only" with a Callback URL to an Aifaceswap Trigger workflow, or remove the engineType setting to run this workflow on the default engine. A workflow called by another (Execute Workflow) runs on the default engine and can wait.',
		},
	);
}

/**
 * n8n refused to pause the execution after the task was sent. On Engine 2.0 the node refuses
 * before sending (see `runsOnEngineV2`); this stays for any other engine that cannot pause.
 */
function cannotPause(ctx: IExecuteFunctions, error: Error, taskId: unknown): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`n8n could not pause this execution to wait for the result (${error.message}). Task ${String(taskId)} was sent and is charged; its callback will find no waiting execution.`,
		{
			description:
				'Find the result by the task ID in your aifaceswap.io account. Result Mode "Submit Only" with a Callback URL to an Aifaceswap Trigger workflow does not need n8n to pause.',
		},
	);
}

/**
 * The task this execution waits for. Before pausing, the node made its timed-out item (with the
 * task ID) its own input (see `submitAndWait`), and a webhook call sees a waiting node's input as
 * `$json`.
 */
function submittedTask(ctx: IWebhookFunctions): IDataObject | undefined {
	try {
		const json = ctx.evaluateExpression('{{ $json }}', 0);
		if (typeof json === 'object' && json !== null && 'taskId' in json) return json as IDataObject;
	} catch {
		// no input item: nothing this execution could be waiting for
	}
	return undefined;
}

/**
 * The callback that resumes a waiting execution. Only the callback of the task this execution
 * sent resumes it; any other body is answered with an error and the execution keeps waiting.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const refuse = (status: number, error: string): IWebhookResponseData => {
		response.status(status).json({ error });
		return { noWebhookResponse: true };
	};
	const refused = callbackRequestProblem(this.getHeaderData() as Record<string, string | undefined>);
	if (refused) return refuse(refused.status, refused.problem);
	const parsed = parseTaskCallback(this.getBodyData());
	if ('problem' in parsed) return refuse(400, parsed.problem);
	const { callback } = parsed;
	const task = submittedTask(this);
	if (!task || task.taskId !== callback.taskId) {
		return refuse(409, `This execution waits for task ${String(task?.taskId ?? 'unknown')}, not ${callback.taskId}.`);
	}

	const json: IDataObject = {
		...task,
		taskId: callback.taskId,
		success: callback.success,
		resultUrl: callback.resultUrl,
		type: callback.type || task.type,
		timedOut: false,
	};
	const node = this.getNode();
	if (!callback.success) {
		const message = `The aifaceswap task ${callback.taskId} failed: aifaceswap reported no result`;
		if (node.continueOnFail || node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput') {
			return { workflowData: [[{ json: { ...json, error: message }, pairedItem: { item: 0 } }]] };
		}
		throw new NodeOperationError(node, message, {
			description: 'aifaceswap reported that the task ended without a result. Look the task up by its ID in your aifaceswap.io account.',
		});
	}

	const item: INodeExecutionData = { json, pairedItem: { item: 0 } };
	const options = this.getNodeParameter('options', {}) as WaitOptions;
	if (options.downloadResult && callback.resultUrl) {
		const outcome = await downloadResultFile(this, callback.resultUrl, callback.taskId, options);
		if ('binary' in outcome) item.binary = { data: outcome.binary };
		else json.downloadError = outcome.error;
	}
	response.status(200).json({ received: true });
	return { noWebhookResponse: true, workflowData: [[item]] };
}
