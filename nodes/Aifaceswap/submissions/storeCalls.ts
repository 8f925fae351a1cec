import type { IDeduplicationOutput, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/**
 * The calls to n8n's processed-data store for one node's submission record. n8n keeps the record
 * as one row per workflow and node, and each call reads the row, changes it and writes it back
 * whole, with no lock: two calls that overlap read the same row and the later write wins.
 *
 * Each call has a deadline: a call that never returns (a stuck database connection) fails after
 * `deadlineMs` instead of holding every claim of the node. It may still write later: its entries
 * treat it like any failed call that may have written; when it does end, its own `onLate` gets its
 * answer after all, and `onLateEnd` its start, since its write may have erased what other calls
 * recorded meanwhile.
 */
export const storeCallLimits = { deadlineMs: 30_000 };

/** Values kept in the store per node: two per request sent, plus a few transient ones. */
const MAX_VALUES = 40_000;
const STORE_OPTIONS = { mode: 'entries', maxEntries: MAX_VALUES } as const;
/** How often a call that lost a concurrent first insert of the row is made again. */
const INSERT_RACE_ATTEMPTS = 3;

/**
 * How long to wait after a write before checking that it survived: this many times the slowest of
 * the recent calls (another process's calls take about as long on the same database), within these
 * bounds. A call's time is mostly waiting for a database connection before its read: n8n's SQLite
 * took up to 8 s per call while 60 executions started at once, so the wait stops at MAX_SETTLE_MS.
 */
const SETTLE_FACTOR = 4;
const RECENT_CALLS = 16;
const MIN_SETTLE_MS = 40;
const MAX_SETTLE_MS = 1_000;

/** The other call won the race to insert the node's row (SQLite, Postgres, MySQL/MariaDB wording). */
function lostInsertRace(error: unknown): boolean {
	return /unique constraint|duplicate key|duplicate entry/i.test((error as Error)?.message ?? '');
}

class StoreCallTimeout extends Error {
	constructor() {
		super(`n8n's database did not answer within ${Math.round(storeCallLimits.deadlineMs / 1000)} s`);
	}
}

export class StoreCalls {
	private recentMs: number[] = [];
	/** How long the latest call took. */
	lastMs = 0;

	/** Start times of calls past their deadline that have not ended yet. */
	private lateCalls = new Set<number>();
	/** Start time of the call under way within its deadline. */
	private current: number | undefined;

	/** `ctx`: the execution whose helpers make the calls (the record's latest). */
	constructor(
		private readonly ctx: () => IExecuteFunctions,
		private readonly onLateEnd: (startedAt: number) => void,
	) {}

	/** When the oldest call that has not ended (under way, or past its deadline) started: it may still erase what was written since. */
	oldestOpenCall(): number | undefined {
		const late = this.oldestLateCall();
		return this.current === undefined ? late : Math.min(this.current, late ?? Infinity);
	}

	/** When the oldest call that passed its deadline and has not ended started. */
	oldestLateCall(): number | undefined {
		return this.lateCalls.size > 0 ? Math.min(...this.lateCalls) : undefined;
	}

	/**
	 * Writes `values`; returns those that were there before. `onLate`: when the call passed its
	 * deadline (it threw) and ends after all, what it found (undefined when it failed).
	 */
	async record(values: string[], onLate?: (found: Set<string> | undefined) => void): Promise<Set<string>> {
		const found = (output: IDeduplicationOutput) => new Set(output.processed.map(String));
		const output = await this.call(
			async (ctx) => await ctx.helpers.checkProcessedAndRecord(values, 'node', STORE_OPTIONS),
			(late) => onLate?.(late === undefined ? undefined : found(late)),
		);
		return found(output);
	}

	async remove(values: string[]): Promise<void> {
		await this.call(async (ctx) => await ctx.helpers.removeProcessed(values, 'node', STORE_OPTIONS));
	}

	settleMs(): number {
		const slowest = Math.max(0, ...this.recentMs);
		return Math.min(MAX_SETTLE_MS, Math.max(MIN_SETTLE_MS, SETTLE_FACTOR * slowest));
	}

	/** A store call within its deadline; made again when it lost a concurrent first insert of the row. */
	private async call<T>(work: (ctx: IExecuteFunctions) => Promise<T>, onLate?: (value: T | undefined) => void): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			const startedAt = performance.now();
			const ctx = this.ctx();
			this.current = startedAt;
			try {
				return await withDeadline(work(ctx), () => this.late(startedAt, onLate));
			} catch (error) {
				if (!lostInsertRace(error) || attempt >= INSERT_RACE_ATTEMPTS) {
					throw new NodeOperationError(ctx.getNode(), error as Error);
				}
			} finally {
				this.current = undefined;
				this.lastMs = performance.now() - startedAt;
				this.recentMs.push(this.lastMs);
				if (this.recentMs.length > RECENT_CALLS) this.recentMs.shift();
			}
		}
	}

	/** Returns what to do when the late call ends. */
	private late<T>(startedAt: number, onLate?: (value: T | undefined) => void): (outcome: Outcome<T>) => void {
		this.lateCalls.add(startedAt);
		return (outcome) => {
			this.lateCalls.delete(startedAt);
			onLate?.('value' in outcome ? outcome.value : undefined);
			this.onLateEnd(startedAt);
		};
	}
}

/** How often a call in flight is looked at against its deadline (no timer outlives a call by more). */
const DEADLINE_STEP_MS = 250;

type Outcome<T> = { value: T } | { error: unknown };

/** `late`: called when the deadline passes; what it returns runs when the call ends after all. */
async function withDeadline<T>(work: Promise<T>, late: () => (outcome: Outcome<T>) => void): Promise<T> {
	const startedAt = performance.now();
	const outcome: Promise<Outcome<T>> = work.then(
		(value) => ({ value }),
		(error: unknown) => ({ error }),
	);
	for (;;) {
		const step = Math.min(DEADLINE_STEP_MS, storeCallLimits.deadlineMs);
		const done = await Promise.race([outcome, sleep(step).then(() => undefined)]);
		if (done !== undefined) {
			if ('error' in done) throw done.error;
			return done.value;
		}
		if (performance.now() - startedAt >= storeCallLimits.deadlineMs) {
			void outcome.then(late());
			throw new StoreCallTimeout();
		}
	}
}
