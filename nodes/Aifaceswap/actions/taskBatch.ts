import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, errorItem } from '../output/itemErrors';
import { roundCredits } from '../pricing/credits';
import type { CapDecision } from '../tasks/runCap';
import { commitCap, decideCap, overCapError, readMaxCreditsPerRun, refusedItemError } from '../tasks/runCap';
import type { Task } from '../tasks/submitTask';
import { checkTask, estimateOutput, submitTask } from '../tasks/submitTask';
import { ApiClient } from '../transport';
import { RequestThrottle } from '../transport/throttle';
import { readConcurrency, runBatch, stopsOnFailure } from './batch';
import type { OperationExecute, Run, TaskBuilder } from './operation';

/** An operation that creates a task: its `task` and its `execute` (`task`, then submitted). */
interface TaskOperation {
	task: TaskBuilder;
	execute: OperationExecute;
}

/** An item's task, checked as it would be before sending, or why it cannot be sent. */
type Priced = Task | Error;

/**
 * The four swaps as a batch: Submit Only, and Estimate Only. Without Max Credits per Run, Submit
 * Only is the plain batch (each item checked, priced and sent in turn). With it, and in Estimate
 * Only, every item is checked and priced first, the cap decides which items are within it, and
 * only then are those sent (or, Estimate Only, output with their prices).
 */
export async function runTaskBatch(
	ctx: IExecuteFunctions,
	operation: TaskOperation,
	{ asTool, resultMode }: { asTool: boolean; resultMode: 'submit' | 'estimate' },
): Promise<INodeExecutionData[][]> {
	const cap = readMaxCreditsPerRun(ctx);
	if (resultMode === 'submit' && cap === 0) return await runBatch(ctx, operation.execute, { asTool });

	const stopOnFailure = stopsOnFailure(ctx, asTool);
	const priced = await priceItems(ctx, operation.task, resultMode, stopOnFailure);
	const decision = decideCap(ctx, cap, priced.map((task) => (task instanceof Error ? undefined : roundCredits(task.estimatedCredits))));
	if (resultMode === 'estimate') {
		commitCap(ctx, decision);
		return [priced.map((task, itemIndex) => (task instanceof Error ? errorItem(task, itemIndex) : { json: estimateOutput(task, !decision.within[itemIndex]), pairedItem: { item: itemIndex } }))];
	}
	if (decision.firstRefused !== undefined && stopOnFailure) throw overCapError(ctx, decision);
	commitCap(ctx, decision);
	const settled = new Map<number, INodeExecutionData>();
	for (const [itemIndex, task] of priced.entries()) {
		if (task instanceof Error) settled.set(itemIndex, errorItem(task, itemIndex));
		else if (!decision.within[itemIndex]) settled.set(itemIndex, errorItem(refusedItemError(ctx, decision, itemIndex, roundCredits(task.estimatedCredits)), itemIndex));
	}
	const send = async function (this: IExecuteFunctions, itemIndex: number, run: Run) {
		return await submitTask(this, itemIndex, run, priced[itemIndex] as Task);
	};
	return await runBatch(ctx, send, { asTool, settled });
}

/**
 * Checks and prices every item, Concurrency at a time (a video's length is read from the file),
 * sending nothing. Without Continue On Fail the first failed item (in item order) stops the run.
 */
async function priceItems(ctx: IExecuteFunctions, build: TaskBuilder, resultMode: 'submit' | 'estimate', stopOnFailure: boolean): Promise<Priced[]> {
	const count = ctx.getInputData().length;
	const concurrency = readConcurrency(ctx);
	const run: Run = { api: new ApiClient(ctx, new RequestThrottle(ctx.getNode(), concurrency, false)), resultMode };
	const priced: Priced[] = new Array(count);
	let nextItem = 0;
	let failed = false;
	const worker = async () => {
		while (nextItem < count && !(stopOnFailure && failed)) {
			const itemIndex = nextItem++;
			try {
				const task = await build.call(ctx, itemIndex, run);
				await checkTask(ctx, itemIndex, run, task);
				priced[itemIndex] = task;
			} catch (error) {
				priced[itemIndex] = asNodeError(ctx.getNode(), error, itemIndex);
				failed = true;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	const firstFailure = priced.find((task) => task instanceof Error);
	if (stopOnFailure && firstFailure) throw firstFailure;
	return priced;
}

/**
 * Wait for Result's one item within Max Credits per Run: priced and checked, counted in the
 * execution's total, then submitted. Over the cap it is refused (nothing sent); with Continue On
 * Fail the refusal also stops later runs of the node in this execution.
 */
export async function submitWithinCap(ctx: IExecuteFunctions, operation: TaskOperation, itemIndex: number, run: Run): Promise<INodeExecutionData> {
	const cap = readMaxCreditsPerRun(ctx);
	if (cap === 0) return await operation.execute.call(ctx, itemIndex, run);
	const task = await operation.task.call(ctx, itemIndex, run);
	await checkTask(ctx, itemIndex, run, task);
	const decision: CapDecision = decideCap(ctx, cap, [roundCredits(task.estimatedCredits)]);
	if (decision.firstRefused !== undefined) {
		if (ctx.continueOnFail()) commitCap(ctx, decision);
		throw overCapError(ctx, decision);
	}
	commitCap(ctx, decision);
	return await submitTask(ctx, itemIndex, run, task);
}
