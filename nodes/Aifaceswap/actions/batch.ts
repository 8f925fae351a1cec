import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../output/itemErrors';
import { ClaimWindow, maxItemsHeld } from '../submissions/claimWindow';
import { leftRecorded } from '../tasks/submitTask';
import { ApiClient, executionStopped } from '../transport';
import { RunStoppedError } from '../transport/errors';
import { RequestThrottle } from '../transport/throttle';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './common.descriptions';
import type { OperationExecute, Run } from './operation';

/**
 * Runs an operation once per input item (Submit Only, and the operations without a result mode),
 * up to Concurrency items' requests at a time. Every output item is paired with its input item and
 * keeps its position; with Continue On Fail a failed item becomes an error item and the other
 * items still run, so the output has as many items as the input. Without it, the first failed
 * item stops the run: no later item sends anything, and the error lists the tasks already sent.
 * A stopped execution takes no further item, and a request that has not left by then is not sent.
 */
export async function runBatch(
	ctx: IExecuteFunctions,
	execute: OperationExecute,
	{ asTool, settled }: { asTool: boolean; settled?: Map<number, INodeExecutionData> },
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const concurrency = readConcurrency(ctx);
	// As an AI Agent's tool, a failed item is the model's answer (as n8n 2.x makes it; n8n 1.x
	// would fail the whole agent), so the model can correct its input.
	const stopOnFailure = stopsOnFailure(ctx, asTool);
	const throttle = new RequestThrottle(ctx.getNode(), concurrency, stopOnFailure);
	const claimWindow = new ClaimWindow(concurrency, () => throttle.averageRequestMs());
	const run: Run = { api: new ApiClient(ctx, throttle), resultMode: 'submit', claimWindow };

	const outputs: INodeExecutionData[] = new Array(items.length);
	const failures: Array<{ itemIndex: number; error: unknown }> = [];
	/** Items the stop left unsent but recorded (their record could not be taken out). */
	const kept: number[] = [];
	let nextItem = 0;
	// Workers take the next item as soon as they are free: while `concurrency` requests are in
	// flight (the throttle's limit), the claim window's items claim and wait, so a request leaves
	// the moment a slot frees; one worker per item that can be held at once. Each output goes to
	// its input's slot.
	const worker = async () => {
		while (nextItem < items.length && failures.length === 0 && !executionStopped(ctx)) {
			const itemIndex = nextItem++;
			const outcome = settled?.get(itemIndex);
			if (outcome) {
				outputs[itemIndex] = outcome; // decided before the run (an error item): nothing to send
				continue;
			}
			try {
				const result = await execute.call(ctx, itemIndex, run);
				outputs[itemIndex] = { ...result, pairedItem: { item: itemIndex } };
			} catch (error) {
				if (leftRecorded(error)) kept.push(itemIndex);
				if (error instanceof RunStoppedError) continue; // never sent: the run stopped before it
				if (!stopOnFailure) outputs[itemIndex] = errorItem(error as Error, itemIndex);
				else {
					failures.push({ itemIndex, error });
					throttle.stopAfter(itemIndex);
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(maxItemsHeld(concurrency), items.length) }, worker));

	if (failures.length > 0) {
		const [{ itemIndex, error }, ...others] = failures.sort((a, b) => a.itemIndex - b.itemIndex);
		// The first failed item's own error says whether it stays recorded; the others are named here.
		throw withKeptItems(withOtherFailures(withSentTasks(asNodeError(ctx.getNode(), error, itemIndex), outputs), others), kept.filter((other) => other !== itemIndex));
	}
	// Stopped (Stop, a workflow timeout): n8n shows no output, so its log names what stays recorded.
	if (kept.length > 0 && executionStopped(ctx)) ctx.logger.warn(`Aifaceswap: the execution was stopped; not sent, but their submission record could not be removed, so a re-run reports them as already submitted: ${listed(kept.sort((a, b) => a - b).map((index) => `item ${index}`))}`);
	// A stopped execution leaves the items it did not take without output.
	return [outputs.filter((output) => output !== undefined)];
}

/** Whether the first failed item stops the run: not with Continue On Fail, nor as an AI Agent's tool. */
export function stopsOnFailure(ctx: IExecuteFunctions, asTool: boolean): boolean {
	return !ctx.continueOnFail() && !asTool;
}

/** Concurrency (`options.concurrency`), read from the first item: one value per run. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const value = ctx.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY) as unknown;
	const concurrency = Number(value);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Concurrency (options.concurrency) must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${JSON.stringify(value)}`,
			{ description: 'Nothing was sent.' },
		);
	}
	return concurrency;
}

/**
 * The items that were already sent when the run stopped are not in any output, so their task IDs
 * go into the error: the user can find those tasks (and their credits) instead of sending them again.
 */
function withSentTasks<E extends NodeApiError | NodeOperationError>(error: E, outputs: INodeExecutionData[]): E {
	const sent = outputs.flatMap((output, itemIndex) =>
		typeof output?.json.taskId === 'string' && output.json.alreadySubmitted === false
			? [`item ${itemIndex}: ${output.json.taskId}`]
			: [],
	);
	if (sent.length === 0) return error;
	return described(error, `Tasks already sent for other items in this run: ${listed(sent)}.`);
}

/** Items whose request was under way when the run stopped and that failed too: their errors may say what stays recorded. */
function withOtherFailures<E extends NodeApiError | NodeOperationError>(error: E, others: Array<{ itemIndex: number; error: unknown }>): E {
	if (others.length === 0) return error;
	return described(error, `Other items failed too: ${listed(others.map((other) => `item ${other.itemIndex}: ${(other.error as Error).message}`))}.`);
}

/** The stop left these items recorded but unsent: a re-run would report them as already submitted. */
function withKeptItems<E extends NodeApiError | NodeOperationError>(error: E, kept: number[]): E {
	if (kept.length === 0) return error;
	const items = listed(kept.sort((a, b) => a - b).map((itemIndex) => `item ${itemIndex}`));
	return described(
		error,
		`Not sent, but their submission record could not be removed from n8n's database, so a re-run reports them as already submitted: ${items}. Turn off Options > Skip Already Submitted to send them.`,
	);
}

function listed(entries: string[]): string {
	return entries.length > 20 ? `${entries.slice(0, 20).join(', ')} and ${entries.length - 20} more` : entries.join(', ');
}

function described<E extends NodeApiError | NodeOperationError>(error: E, more: string): E {
	const before = typeof error.description === 'string' && error.description !== '' ? `${error.description} ` : '';
	error.description = `${before}${more}`;
	return error;
}
