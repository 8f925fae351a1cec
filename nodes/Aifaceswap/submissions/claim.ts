import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { stillRecorded, today } from './recordDays';
import type { ClaimOutcome } from './recordEntries';
import { submissionRecordOf } from './recordRegistry';

/**
 * At most one task per request: before a swap request leaves, its key (see `submissionKey`) is
 * claimed in the node's submission record (`submissionRecordOf`), which every execution, worker and re-run
 * of the node shares. A request recorded in the last 24 to 48 hours is not sent again.
 *
 * In this process, identical requests in flight at the same time are decided once: the first
 * claims, the others wait for how it ended and answer with its task ID (or claim themselves when
 * the API did not take it).
 */

/** How a claim of this process ended, for identical requests that come later. */
type Outcome = { taskId: string | undefined } | 'sendAgain';

/** A claim made in this process: its day, and how it ends (once its request was answered). */
interface ClaimInProcess {
	day: number;
	outcome: Promise<Outcome>;
}

const CLAIMS_KEPT = 10_000;
/** This process's latest claims by workflow, node and submission key (the oldest dropped first). */
const claimsInProcess = new Map<string, ClaimInProcess>();

function remember(processKey: string, entry: ClaimInProcess): void {
	claimsInProcess.delete(processKey);
	claimsInProcess.set(processKey, entry);
	if (claimsInProcess.size > CLAIMS_KEPT) claimsInProcess.delete(claimsInProcess.keys().next().value as string);
}

/** A request this item may send: report how it ended. */
export interface Claim {
	/**
	 * Just before the request leaves: undefined when it may, already submitted when another
	 * process's record took this claim's place while it waited (see `SubmissionRecord.leaving`).
	 * Throws when the record cannot tell (the request is not sent).
	 */
	beforeLeaving(): Promise<AlreadySubmitted | undefined>;
	/** The API created the task. */
	sent(taskId: string): void;
	/** It may have reached the API (a timeout, HTTP 500 ...): the record stays. */
	mayExist(): void;
	/**
	 * The API certainly created no task: the record is removed so that a re-run sends it.
	 * Never throws; false when the record could not be removed.
	 */
	notSent(): Promise<boolean>;
}

/** A request recorded before (by any execution or process, in the window): not sent again. */
export interface AlreadySubmitted {
	alreadySubmitted: true;
	/** The earlier task, when this process sent it. */
	taskId: string | undefined;
}

export async function claimSubmission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: string,
): Promise<Claim | AlreadySubmitted> {
	const processKey = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}/${key}`;
	for (;;) {
		const day = today();
		const earlier = claimsInProcess.get(processKey);
		if (earlier && stillRecorded(earlier.day, day)) {
			const outcome = await earlier.outcome;
			if (outcome === 'sendAgain') continue;
			return { alreadySubmitted: true, taskId: outcome.taskId };
		}

		let settle: (outcome: Outcome) => void = () => undefined;
		const entry: ClaimInProcess = { day, outcome: new Promise<Outcome>((resolve) => (settle = resolve)) };
		remember(processKey, entry);
		const sendAgain = () => {
			if (claimsInProcess.get(processKey) === entry) claimsInProcess.delete(processKey);
			settle('sendAgain');
		};

		// The node's record is looked up at each use: an idle one is dropped and made anew.
		const decided = async (deciding: Promise<ClaimOutcome>): Promise<AlreadySubmitted | undefined> => {
			let outcome: ClaimOutcome;
			try {
				outcome = await deciding;
			} catch (error) {
				sendAgain();
				throw notConfirmed(ctx, itemIndex, error as Error);
			}
			if (outcome === 'send') return undefined;
			settle({ taskId: undefined });
			return { alreadySubmitted: true, taskId: undefined };
		};
		const recorded = await decided(submissionRecordOf(ctx).claim(ctx, key, day));
		if (recorded) return recorded;
		return {
			beforeLeaving: async () => await decided(submissionRecordOf(ctx).leaving(ctx, key, day)),
			sent: (taskId) => {
				settle({ taskId });
				submissionRecordOf(ctx).healLater(ctx, key, day);
			},
			mayExist: () => {
				settle({ taskId: undefined });
				submissionRecordOf(ctx).healLater(ctx, key, day);
			},
			notSent: async () => {
				try {
					await submissionRecordOf(ctx).remove(ctx, key, day);
					return true;
				} catch {
					return false;
				} finally {
					sendAgain();
				}
			},
		};
	}
}

function notConfirmed(ctx: IExecuteFunctions, itemIndex: number, error: Error): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `The request was not sent: n8n's database could not confirm this run's record of it: ${error.message}`, {
		itemIndex,
		description:
			'The node records each request before sending it, so that a re-run does not send (and charge) it again. Turn off "Skip Already Submitted" in Options to send without the submission record.',
	});
}

export function isAlreadySubmitted(outcome: Claim | AlreadySubmitted): outcome is AlreadySubmitted {
	return 'alreadySubmitted' in outcome;
}
