import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Endpoint, RequestBody } from '../transport';
import { apiRequest, createdNothing } from '../transport';
import { TOOL_MAX_CREDITS } from './credits';
import { asNodeError } from './errors';
import type { Claim } from '../submissions/claim';
import { claimSubmission, isAlreadySubmitted } from '../submissions/claim';
import type { ResultDestination } from '../submissions/recordKey';
import { recordKey } from '../submissions/recordKey';
import { enterClaimWindow } from '../submissions/claimWindow';
import { requirePublicHttpUrl, requireReachableByApi } from './publicUrl';

export type ResultMode = 'submit' | 'wait';

/** A swap task ready to send: validated body fields and the cost from the price list. */
export interface SwapTask {
	endpoint: Endpoint;
	body: RequestBody;
	estimatedCredits: number;
	/** More output fields (the video swaps' `duration`). */
	output?: IDataObject;
}

/** The `type` aifaceswap puts in a task's callback: 1 single face swap, 2 multiple face swap. */
const CALLBACK_TYPES: Partial<Record<Endpoint, number>> = {
	faceswap: 1,
	video_faceswap: 1,
	multi_faceswap: 2,
	multi_video_faceswap: 2,
};

interface SwapOptions {
	maxCredits?: number;
	skipAlreadySubmitted?: boolean;
	dedupeValue?: unknown;
}

const SEND_ANYWAY =
	'To send it anyway, turn off Options > Skip Already Submitted, or change Options > Value to Dedupe On.';

/** What an item that was not sent says: what is known of the earlier request, and how to send anyway. */
function alreadySubmittedNotice(taskId: string | undefined): string {
	return taskId
		? `Not sent (or charged) again: this node sent the same request (task ${taskId}) in the last 24 to 48 hours. ${SEND_ANYWAY}`
		: `Not sent (or charged) again: this node recorded the same request in the last 24 to 48 hours, in another execution or an earlier run. That request was sent then, or its run stopped right before sending it; your tasks in the aifaceswap.io account tell which. ${SEND_ANYWAY}`;
}

function resultDestination(resultMode: ResultMode, webhook: string | undefined): ResultDestination {
	if (resultMode === 'wait') return { kind: 'wait' };
	return webhook === undefined ? { kind: 'none' } : { kind: 'callback', url: webhook };
}

/** Value to Dedupe On as text ('' when not set); numbers and other values by their text. */
function dedupeValueOf(value: unknown): string {
	if (value === undefined || value === null) return '';
	return (typeof value === 'string' ? value : JSON.stringify(value)).trim();
}

/** The URL aifaceswap calls back: the user's (submit mode) or this execution's resume URL (wait mode). */
async function callbackUrl(ctx: IExecuteFunctions, itemIndex: number, resultMode: ResultMode): Promise<string | undefined> {
	if (resultMode === 'wait') {
		const resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex) as string;
		await requireReachableByApi(ctx, itemIndex, { label: 'Result Mode "Wait for Result"', name: 'resultMode' }, resumeUrl, { kind: 'resume' });
		return resumeUrl;
	}
	const webhookUrl = ctx.getNodeParameter('webhookUrl', itemIndex, '') as string;
	if (webhookUrl.trim() === '') return undefined;
	return await requirePublicHttpUrl(ctx, itemIndex, { label: 'Callback URL', name: 'webhookUrl' }, webhookUrl, { kind: 'callback' });
}

function roundCredits(credits: number): number {
	return Math.round(credits * 100) / 100;
}

/**
 * Sends a swap task after the last checks (budget, callback URL) and outputs
 * `taskId`, `credits` (what the API charged) and `estimatedCredits`.
 */
export async function sendSwap(
	this: IExecuteFunctions,
	itemIndex: number,
	task: SwapTask,
): Promise<INodeExecutionData> {
	const estimatedCredits = roundCredits(task.estimatedCredits);
	const options = this.getNodeParameter('options', itemIndex, {}) as SwapOptions;
	const { skipAlreadySubmitted = true, dedupeValue } = options;
	// As an AI Agent's tool (n8n's type name + "Tool") Max Credits not set is a budget, not "no limit".
	const maxCredits = options.maxCredits ?? (this.getNode().type.endsWith('Tool') ? TOOL_MAX_CREDITS : 0);
	if (maxCredits > 0 && estimatedCredits > maxCredits) {
		throw new NodeOperationError(
			this.getNode(),
			`Max Credits (options.maxCredits) is ${maxCredits}, but this task is estimated at ${estimatedCredits} credits, so it was not sent.`,
			{
				itemIndex,
				description: 'Raise Max Credits, or lower the duration, the number of faces or the enhance level.',
			},
		);
	}
	const resultMode = this.getNodeParameter('resultMode', itemIndex, 'submit') as ResultMode;
	const webhook = await callbackUrl(this, itemIndex, resultMode);

	if (!skipAlreadySubmitted) return swapOutput(task, resultMode, await sendTask(this, task, webhook, itemIndex));

	const key = recordKey(task.endpoint, task.body, resultDestination(resultMode, webhook), dedupeValueOf(dedupeValue));
	const leaveClaimWindow = await enterClaimWindow(this);
	try {
		const outcome = await claimSubmission(this, itemIndex, key);
		if (isAlreadySubmitted(outcome)) {
			const json: IDataObject = {
				taskId: outcome.taskId ?? '',
				credits: 0,
				estimatedCredits,
				...task.output,
				alreadySubmitted: true,
				notice: alreadySubmittedNotice(outcome.taskId),
			};
			return { json };
		}
		return swapOutput(task, resultMode, await sendTask(this, task, webhook, itemIndex, outcome, leaveClaimWindow));
	} finally {
		leaveClaimWindow();
	}
}

/** Sends the task and reports to the claim (if any) how it ended; returns the new task's ID and credits. */
async function sendTask(
	ctx: IExecuteFunctions,
	task: SwapTask,
	webhook: string | undefined,
	itemIndex: number,
	claim?: Claim,
	slotTaken?: () => void,
): Promise<{ taskId: string; credits: number }> {
	let data: IDataObject;
	try {
		data = await apiRequest.call(ctx, task.endpoint, { ...task.body, webhook }, itemIndex, slotTaken);
	} catch (error) {
		const failure = asNodeError(ctx.getNode(), error, itemIndex);
		if (!createdNothing(error)) claim?.mayExist();
		else if (claim && !(await claim.notSent())) {
			failure.description = `${failure.description ?? ''} The record of this request could not be removed from n8n's database, so a re-run reports it as already submitted: turn off Options > Skip Already Submitted to send it again.`.trim();
		}
		throw failure;
	}
	const taskId = data.task_id;
	if (typeof taskId !== 'string' || taskId === '') {
		claim?.mayExist();
		throw new NodeOperationError(ctx.getNode(), 'The aifaceswap API accepted the task but returned no task ID', {
			itemIndex,
			description: `Response data: ${JSON.stringify(data).slice(0, 300)}`,
		});
	}
	claim?.sent(taskId);
	return { taskId, credits: typeof data.points === 'number' ? data.points : Number(data.points ?? 0) || 0 };
}

function swapOutput(task: SwapTask, resultMode: ResultMode, sent: { taskId: string; credits: number }): INodeExecutionData {
	const json: IDataObject = {
		taskId: sent.taskId,
		credits: sent.credits,
		estimatedCredits: roundCredits(task.estimatedCredits),
		...task.output,
		alreadySubmitted: false,
	};
	if (resultMode === 'wait') json.type = CALLBACK_TYPES[task.endpoint];
	return { json };
}
