import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * At most one task per request: before a swap request leaves, its key (see `requestKey`) is
 * recorded in n8n's processed-data store, the one the Remove Duplicates node uses. That store is
 * n8n's database (SQLite or Postgres), scoped to this node of this workflow, so every process of
 * n8n sees it: a worker that runs the batch again after another worker died, Retry On Fail, the
 * editor's Execute again. A request already recorded is not sent again.
 *
 * Window: a record is kept per UTC day and the previous day is looked at too, so an identical
 * request is recognised for at least 24 and at most 48 hours after it was sent.
 *
 * The record is written before the request leaves. A crash between the two leaves that request
 * recorded but unsent: it comes out as already submitted without a task ID. That is at most the
 * items in flight and the ones prepared to go next (2 x concurrency), and it can never charge
 * twice. A request the API certainly refused (it answered with an error, or was never reached)
 * is removed again.
 */

/** Values kept in the store per node, two per request (today's and yesterday's): 10,000 requests. */
const MAX_RECORDS = 20_000;
const STORE_OPTIONS = { mode: 'entries', maxEntries: MAX_RECORDS } as const;
const DAY_MS = 86_400_000;

/**
 * What became of the requests this n8n process sent, by workflow, node and request: the task ID
 * an "already submitted" item can show, or REFUSED when the API created no task after all.
 */
const REFUSED = Symbol('refused');
type Sent = string | undefined | typeof REFUSED;
const KNOWN_TASKS_LIMIT = 10_000;
const knownTasks = new Map<string, Promise<Sent>>();

function rememberTask(key: string, outcome: Promise<Sent>): void {
	knownTasks.delete(key);
	knownTasks.set(key, outcome);
	if (knownTasks.size > KNOWN_TASKS_LIMIT) knownTasks.delete(knownTasks.keys().next().value as string);
}

/** A request that may be sent: report how it ended. */
export interface Claim {
	sent(taskId: string): void;
	/** The API certainly created no task: forget the record so that a re-run sends it. */
	refused(): Promise<void>;
	/** It may have reached the API (timeout, HTTP 500 ...): keep the record. */
	unsure(): void;
}

/** A request sent before (by any run of this node, in the window): not sent again. */
export interface AlreadySubmitted {
	taskId: string | undefined;
}

interface Pending {
	key: string;
	resolve: (outcome: Recorded) => void;
	reject: (error: unknown) => void;
}

/** Whether `record` wrote the key (false: it was there before), and the day it looked at. */
interface Recorded {
	recorded: boolean;
	day: number;
}

/**
 * One node run's access to the store. Claims that arrive while the store is busy are written
 * together in one call; calls never overlap, because the store reads and rewrites one record.
 */
class SubmissionLog {
	private pending: Pending[] = [];
	private queue: Promise<unknown> = Promise.resolve();

	constructor(private readonly ctx: IExecuteFunctions) {}

	private enqueue<T>(work: () => Promise<T>): Promise<T> {
		const next = this.queue.then(work);
		this.queue = next.catch(() => undefined);
		return next;
	}

	static values(key: string, day: number): [current: string, previous: string] {
		return [`${key}@${day}`, `${key}@${day - 1}`];
	}

	/** Records the key; `recorded` is false when it was there before (or comes twice in this batch). */
	record(key: string): Promise<Recorded> {
		return new Promise<Recorded>((resolve, reject) => {
			this.pending.push({ key, resolve, reject });
			if (this.pending.length === 1) void this.enqueue(async () => await this.flush());
		});
	}

	private async flush(): Promise<void> {
		const batch = this.pending.splice(0);
		const day = Math.floor(Date.now() / DAY_MS);
		try {
			// Each value once: the store would keep a value twice, and `forget` removes one copy.
			const values = [...new Set(batch.flatMap(({ key }) => SubmissionLog.values(key, day)))];
			const { processed } = await this.ctx.helpers.checkProcessedAndRecord(values, 'node', STORE_OPTIONS);
			const known = new Set(processed.map(String));
			const seen = new Set<string>();
			const unslide: string[] = [];
			const outcomes = batch.map(({ key }) => {
				const [current, previous] = SubmissionLog.values(key, day);
				const repeated = seen.has(key);
				seen.add(key);
				// Recorded yesterday only: today's record was just added and would stretch the window.
				if (!known.has(current) && known.has(previous) && !repeated) unslide.push(current);
				return { recorded: !repeated && !known.has(current) && !known.has(previous), day };
			});
			// The store is up to date before any item goes on (and so before this node run can end).
			if (unslide.length > 0) await this.ctx.helpers.removeProcessed(unslide, 'node', STORE_OPTIONS);
			batch.forEach(({ resolve }, index) => resolve(outcomes[index]));
		} catch (error) {
			for (const { reject } of batch) reject(error);
		}
	}

	/** Removes what `record` wrote for a request the API refused. */
	async forget(key: string, recordedOn: number): Promise<void> {
		await this.enqueue(
			async () =>
				await this.ctx.helpers.removeProcessed(SubmissionLog.values(key, recordedOn), 'node', STORE_OPTIONS),
		);
	}
}

const logOfRun = new WeakMap<IExecuteFunctions, SubmissionLog>();

function submissionLog(ctx: IExecuteFunctions): SubmissionLog {
	let log = logOfRun.get(ctx);
	if (!log) {
		log = new SubmissionLog(ctx);
		logOfRun.set(ctx, log);
	}
	return log;
}

/**
 * Records a request right before it is sent. Returns a Claim to report the outcome, or
 * AlreadySubmitted when this node sent the same request within the window.
 */
export async function claimSubmission(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: string,
): Promise<Claim | AlreadySubmitted> {
	const node = ctx.getNode();
	const taskKey = `${ctx.getWorkflow().id ?? ''}/${node.id}/${key}`;
	const log = submissionLog(ctx);
	let outcome: Recorded;
	for (;;) {
		try {
			outcome = await log.record(key);
		} catch (error) {
			throw new NodeOperationError(
				node,
				`Could not record the request in n8n's database before sending it, so it was not sent: ${(error as Error).message}`,
				{
					itemIndex,
					description:
						'The node records each request so that a re-run never sends (and charges) it twice. Turn off "Skip Already Submitted" in Options to send without that record.',
				},
			);
		}
		if (outcome.recorded) break;
		// Recorded before. If this process sent it (an identical item of this batch, or an earlier
		// run here), wait for how that ended: the same task, or a refusal that frees the request.
		const earlier = await knownTasks.get(taskKey);
		if (earlier !== REFUSED) return { taskId: earlier };
	}

	let settle: (sent: Sent) => void = () => undefined;
	const sent = new Promise<Sent>((resolve) => (settle = resolve));
	rememberTask(taskKey, sent);
	const { day } = outcome;
	return {
		sent: (taskId) => settle(taskId),
		unsure: () => settle(undefined),
		refused: async () => {
			await log.forget(key, day);
			settle(REFUSED);
			if (knownTasks.get(taskKey) === sent) knownTasks.delete(taskKey);
		},
	};
}

export function isAlreadySubmitted(outcome: Claim | AlreadySubmitted): outcome is AlreadySubmitted {
	return 'taskId' in outcome;
}
