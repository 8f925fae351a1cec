import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Endpoint, RequestBody } from '../transport';
import { apiRequest, createdNothing } from '../transport';
import { TOOL_MAX_CREDITS } from './credits';
import { asNodeError } from './errors';
import { requestKey } from './requestKey';
import type { Claim } from './submissionLog';
import { claimSubmission, isAlreadySubmitted } from './submissionLog';
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
}

const ALREADY_SUBMITTED_NOTICE =
	'This node sent an identical request in the last 24 to 48 hours, so it was not sent (or charged) again. To send it again on purpose, turn off Options > Skip Already Submitted.';

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
	const { skipAlreadySubmitted = true } = options;
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

	let claim: Claim | undefined;
	if (skipAlreadySubmitted) {
		const outcome = await claimSubmission(this, itemIndex, requestKey(task.endpoint, task.body));
		if (isAlreadySubmitted(outcome)) {
			const json: IDataObject = {
				taskId: outcome.taskId ?? '',
				credits: 0,
				estimatedCredits,
				...task.output,
				alreadySubmitted: true,
				notice: ALREADY_SUBMITTED_NOTICE,
			};
			return { json };
		}
		claim = outcome;
	}

	let data: IDataObject;
	try {
		data = await apiRequest.call(this, task.endpoint, { ...task.body, webhook }, itemIndex);
	} catch (error) {
		if (createdNothing(error)) await claim?.refused();
		else claim?.unsure();
		throw asNodeError(this.getNode(), error, itemIndex);
	}
	const taskId = data.task_id;
	if (typeof taskId !== 'string' || taskId === '') {
		claim?.unsure();
		throw new NodeOperationError(
			this.getNode(),
			'The aifaceswap API accepted the task but returned no task ID',
			{ itemIndex, description: `Response data: ${JSON.stringify(data).slice(0, 300)}` },
		);
	}
	claim?.sent(taskId);
	const json: IDataObject = {
		taskId,
		credits: typeof data.points === 'number' ? data.points : Number(data.points ?? 0) || 0,
		estimatedCredits,
		...task.output,
		alreadySubmitted: false,
	};
	if (resultMode === 'wait') json.type = CALLBACK_TYPES[task.endpoint];
	return { json };
}
