import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PARAMETERS } from '../inputs/parameters';
import { requirePublicHttpUrl, requireReachableByApi } from '../inputs/publicUrl';
import type { RequestFields } from '../inputs/requestBody';
import { encodeBody } from '../inputs/requestBody';
import { asNodeError } from '../output/itemErrors';
import { requireWithinBudget } from '../pricing/budget';
import type { Price } from '../pricing/credits';
import { roundCredits } from '../pricing/credits';
import type { AlreadySubmitted, Claim } from '../submissions/claim';
import { claimSubmission, isAlreadySubmitted } from '../submissions/claim';
import type { ClaimWindow } from '../submissions/claimWindow';
import type { ResultDestination } from '../submissions/submissionKey';
import { submissionKey } from '../submissions/submissionKey';
import type { ApiClient, Endpoint, RequestResult } from '../transport';
import { RunStoppedError } from '../transport/errors';
import { readReference, withReference } from './reference';

/** Result Mode (`resultMode`): one value per run. Estimate Only prices the items and sends nothing. */
export type ResultMode = 'submit' | 'wait' | 'estimate';

/** What a task needs of its run: the API client, the result mode, and the claim window of a batch. */
export interface TaskRun {
	api: ApiClient;
	resultMode: ResultMode;
	claimWindow?: ClaimWindow;
}

/** A task ready to send: validated body fields and the cost from the price list. */
export interface Task {
	endpoint: Endpoint;
	fields: RequestFields;
	estimatedCredits: number;
	/** The operation's price, which the budget's advice names. */
	price: Price;
	/** The `type` aifaceswap puts in the task's callback (1 single face swap, 2 multiple face swap), declared by the operation. */
	callbackType: number;
	/** More output fields (the video swaps' `duration`). */
	output?: IDataObject;
}

interface TaskOptions {
	maxCredits?: number;
	skipAlreadySubmitted?: boolean;
	dedupeValue?: unknown;
}

const SEND_ANYWAY =
	'To send it anyway, turn off Options > Skip Already Submitted, or change Options > Value to Dedupe On.';

/** What an error adds when the request may have created a task: with the submission record (Skip Already Submitted on), or without. */
function mayExistText(recorded: boolean): string {
	return recorded
		? 'The task may have been created and charged. Skip Already Submitted keeps this request in the submission record, so a re-run reports it as already submitted (alreadySubmitted = true) instead of sending it: check your tasks on aifaceswap.io first.'
		: 'The task may have been created and charged: check your tasks on aifaceswap.io before running it again (Skip Already Submitted is off, so a re-run sends it again).';
}

/** What an item that was not sent says: what is known of the earlier request, and how to send anyway. */
function alreadySubmittedNotice(taskId: string | undefined): string {
	return taskId
		? `Not sent (or charged) again: this node sent the same request (task ${taskId}) in the last 24 to 48 hours. ${SEND_ANYWAY}`
		: `Not sent (or charged) again: this node's submission record holds the same request from the last 24 to 48 hours, sent by another execution or an earlier run. That request was sent then, or its run stopped right before sending it, or the API was refusing it at that moment (then its record is taken out and a re-run sends it); your tasks in the aifaceswap.io account tell which. ${SEND_ANYWAY}`;
}

/** Value to Dedupe On as text ('' when not set); numbers and other values by their text. */
function dedupeValueOf(value: unknown): string {
	if (value === undefined || value === null) return '';
	return (typeof value === 'string' ? value : JSON.stringify(value)).trim();
}

/** Where the result goes and the URL sent as `webhook` (Reference added to the Callback URL as `ref`). */
interface Delivery {
	destination: ResultDestination;
	webhook?: string;
	reference: string;
}

/**
 * Where the item's result goes: nowhere, the Callback URL (`webhookUrl`) with the Reference, or
 * in Wait for Result this execution's resume URL (the Reference stays on the item, not in n8n's URL).
 */
async function delivery(ctx: IExecuteFunctions, itemIndex: number, resultMode: ResultMode, api: ApiClient): Promise<Delivery> {
	const reference = readReference(ctx, itemIndex);
	if (resultMode === 'wait') {
		const resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex) as string;
		await requireReachableByApi(ctx, itemIndex, api, { ...PARAMETERS.resultMode, label: `${PARAMETERS.resultMode.label} "Wait for Result"` }, resumeUrl, { kind: 'resume' });
		return { destination: { kind: 'wait' }, webhook: resumeUrl, reference };
	}
	const entered = ctx.getNodeParameter(PARAMETERS.callbackUrl.name, itemIndex, '') as string;
	if (entered.trim() === '') return { destination: { kind: 'none' }, reference };
	const url = await requirePublicHttpUrl(ctx, itemIndex, api, PARAMETERS.callbackUrl, entered, { kind: 'callback' });
	return { destination: { kind: 'callback', url }, webhook: withReference(ctx, itemIndex, url, reference), reference };
}

/** A task's output, the same fields in both result modes (Wait for Result adds the result when it comes). */
function taskOutput(task: Task, delivered: Delivery, taskId: string, credits: number, alreadySubmitted: boolean): IDataObject {
	return {
		taskId,
		reference: delivered.reference,
		credits,
		estimatedCredits: roundCredits(task.estimatedCredits),
		...task.output,
		type: task.callbackType,
		alreadySubmitted,
	};
}

/**
 * The checks of an item that need no request, as every result mode makes them before anything is
 * sent (Estimate Only too): Max Credits, the Callback URL or resume URL, and Reference.
 */
export async function checkTask(ctx: IExecuteFunctions, itemIndex: number, run: TaskRun, task: Task): Promise<{ options: TaskOptions; delivered: Delivery }> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as TaskOptions;
	requireWithinBudget(ctx, itemIndex, roundCredits(task.estimatedCredits), options.maxCredits, task.price);
	return { options, delivered: await delivery(ctx, itemIndex, run.resultMode, run.api) };
}

/** Estimate Only's output of a checked task: its price, and whether Max Credits per Run would refuse it; nothing sent or recorded. */
export function estimateOutput(task: Task, overRunCap: boolean): IDataObject {
	return { estimatedCredits: roundCredits(task.estimatedCredits), ...task.output, overRunCap };
}

/**
 * Sends a task (one that calls back) after the last checks (budget, callback URL, reference,
 * submission record) and outputs `taskId`, `reference`, `credits` (what the API charged),
 * `estimatedCredits`, `type` and `alreadySubmitted`.
 */
export async function submitTask(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: TaskRun,
	task: Task,
): Promise<INodeExecutionData> {
	const { options, delivered } = await checkTask(ctx, itemIndex, run, task);
	const { skipAlreadySubmitted = true, dedupeValue } = options;

	if (!skipAlreadySubmitted) return await sendTask(ctx, itemIndex, run.api, task, delivered);

	const key = submissionKey(task.endpoint, task.fields, delivered.destination, dedupeValueOf(dedupeValue), delivered.reference);
	const place = await run.claimWindow?.enter();
	const leaveClaimWindow = () => place?.leave();
	try {
		const claim = await claimSubmission(ctx, itemIndex, key);
		place?.claimed();
		if (isAlreadySubmitted(claim)) return alreadySubmittedOutput(task, delivered, claim);
		return await sendTask(ctx, itemIndex, run.api, task, delivered, claim, leaveClaimWindow);
	} finally {
		leaveClaimWindow();
	}
}

function alreadySubmittedOutput(task: Task, delivered: Delivery, earlier: AlreadySubmitted): INodeExecutionData {
	const json = taskOutput(task, delivered, earlier.taskId ?? '', 0, true);
	json.notice = alreadySubmittedNotice(earlier.taskId);
	return { json };
}

/**
 * An item of a stopped run that was never sent, whose claim could not be taken out of the
 * submission record: the run's error names it, since a re-run reports it as already submitted.
 */
export class RecordKeptError extends RunStoppedError {}

/** Failed items' errors whose request was not sent but stays recorded (the record could not be taken out). */
const keptErrors = new WeakSet<object>();

/** Whether the item that failed with `error` was left recorded but unsent: a re-run reports it as already submitted. */
export function leftRecorded(error: unknown): boolean {
	return error instanceof RecordKeptError || (typeof error === 'object' && error !== null && keptErrors.has(error));
}

/** Sends the task and tells the claim (if any) how it ended. */
async function sendTask(
	ctx: IExecuteFunctions,
	itemIndex: number,
	api: ApiClient,
	task: Task,
	delivered: Delivery,
	claim?: Claim,
	slotTaken?: () => void,
): Promise<INodeExecutionData> {
	let result: RequestResult;
	// The claim's last word before the request leaves: another run's record, or an error.
	let heldBack: AlreadySubmitted | Error | undefined;
	const mayLeave =
		claim &&
		(async () => {
			heldBack = await claim.beforeLeaving().catch((error: Error) => error);
			if (heldBack instanceof Error) throw heldBack;
			return heldBack === undefined;
		});
	try {
		result = await api.send(task.endpoint, encodeBody({ ...task.fields, webhook: delivered.webhook }), itemIndex, { slotTaken, mayLeave });
	} catch (error) {
		// Not a failure the transport could describe: whether the request left is not known.
		claim?.mayExist();
		const failure = asNodeError(ctx.getNode(), error, itemIndex);
		failure.description = `${failure.description ?? ''} ${mayExistText(claim !== undefined)}`.trim();
		throw failure;
	}
	if (heldBack instanceof Error) throw heldBack;
	if (heldBack) return alreadySubmittedOutput(task, delivered, heldBack);
	if (!result.ok) {
		const { error, taskMayExist } = result.failure;
		const failure = asNodeError(ctx.getNode(), error, itemIndex);
		if (taskMayExist) {
			claim?.mayExist();
			failure.description = `${failure.description ?? ''} ${mayExistText(claim !== undefined)}`.trim();
		} else if (claim && !(await claim.notSent())) {
			if (error instanceof RunStoppedError) throw new RecordKeptError(ctx.getNode());
			failure.description = `${failure.description ?? ''} The submission record of this request could not be removed from n8n's database, so a re-run reports it as already submitted: turn off Options > Skip Already Submitted to send it again.`.trim();
			keptErrors.add(failure);
		}
		throw failure;
	}
	const { data } = result;
	const taskId = data.task_id;
	if (typeof taskId !== 'string' || taskId === '') {
		claim?.mayExist();
		throw new NodeOperationError(ctx.getNode(), 'The aifaceswap API accepted the task but returned no task ID', {
			itemIndex,
			description: `Response data: ${JSON.stringify(data).slice(0, 300)}`,
		});
	}
	claim?.sent(taskId);
	const credits = typeof data.points === 'number' ? data.points : Number(data.points ?? 0) || 0;
	return { json: taskOutput(task, delivered, taskId, credits, false) };
}
