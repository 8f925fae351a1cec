import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, randomString, sleep } from 'n8n-workflow';

/**
 * One node's submission record in n8n's processed-data store (the store the Remove Duplicates node
 * uses), shared by every execution of that node in this n8n process.
 *
 * The store keeps one row per workflow and node, and every call reads the row, changes it and
 * writes it back whole, with no lock. So:
 * - In this process every call for a node goes through one queue, and claims of all executions
 *   that wait at the same time are written in one call: no write of this process is lost.
 * - Another process (a queue-mode worker, a second main) can still rewrite the row from a read
 *   taken before our write, which erases what we wrote. When two processes rewrite the row from the
 *   same read, exactly one of the two writes survives. So each write also records a value unique to
 *   it (a nonce), and a claim wins only when, once concurrent writes have settled (`settleMs`), a
 *   later call finds that nonce still there. A claim whose nonce vanished looks again: its request
 *   was recorded by the other process meanwhile (not sent), or it is recorded anew and checked
 *   again. A double send then needs another process's call to take longer than `settleMs` (40 ms
 *   to 1 s) from its read to its write.
 * - Values that are not records (nonces, and the previous day's values a claim only checks) are
 *   removed again when the record is idle (or many wait), and once more a few seconds later (another
 *   process's write may have put them back), so the row holds about one value per request.
 * - A record that another process's slow write erased after the request was sent is written again
 *   (healed) `HEAL_AFTER_MS` after the send, so a later replay still finds it.
 * - The first write of a node inserts its row; two processes inserting it at once make one fail
 *   (unique constraint). Nothing was written by the failed call, so it is made again.
 */

/** Values kept in the store per node: one per request sent, plus a few transient ones. */
const MAX_VALUES = 20_000;
const STORE_OPTIONS = { mode: 'entries', maxEntries: MAX_VALUES } as const;
const DAY_MS = 86_400_000;

/**
 * How long to wait after a write before checking that it survived: this many times the slowest of
 * our recent store calls (another process's calls take about as long on the same database), within
 * these bounds. A call's time is mostly waiting for a database connection before its read: n8n's
 * SQLite took up to 8 s per call while 60 executions started at once, which would hold every claim
 * far too long, so the wait stops at MAX_SETTLE_MS.
 */
const SETTLE_FACTOR = 4;
const RECENT_CALLS = 16;
const MIN_SETTLE_MS = 40;
const MAX_SETTLE_MS = 1_000;
/** When a sent request's record is checked (and written again if it vanished). */
const HEAL_AFTER_MS = 3_000;
/** Values that are not records are removed when the record is idle, or once this many wait. */
const CLEANUP_BATCH = 500;
/** How often a claim is written before it gives up, when another process's write erases it each time. */
const MAX_CLAIM_ATTEMPTS = 5;
/** How often a store call that lost a concurrent first insert is made again. */
const INSERT_RACE_ATTEMPTS = 3;

/** The record's values for a request key: today's, and the previous UTC day's (only checked). */
function dayValues(key: string, day: number): { current: string; previous: string } {
	return { current: `${key}@${day}`, previous: `${key}@${day - 1}` };
}

export function today(): number {
	return Math.floor(Date.now() / DAY_MS);
}

/** The other store call won the race to insert the node's row (SQLite and Postgres wording). */
function lostInsertRace(error: unknown): boolean {
	return /unique constraint|duplicate key/i.test((error as Error)?.message ?? '');
}

interface PendingClaim {
	current: string;
	previous: string;
	/** Writes of this claim that another process's write erased, plus one. */
	attempts: number;
	/** true: recorded, and the record survived: send. false: recorded before: do not send. */
	resolve: (won: boolean) => void;
	reject: (error: unknown) => void;
}

/** Claims written in one call, waiting to see that call's nonce survive. */
interface Verification {
	nonce: string;
	claims: PendingClaim[];
	settled: boolean;
}

interface PendingRemoval {
	values: string[];
	done: (error?: unknown) => void;
}


class SubmissionRecord {
	private newClaims: PendingClaim[] = [];
	private verifications: Verification[] = [];
	private heals: string[] = [];
	/** Heals and second clean-ups whose time has not come: the record stays awake for them. */
	private waitingLater = 0;
	private removals: PendingRemoval[] = [];
	/** Values written only to check something; removed at the end of the round. */
	private cleanup = new Set<string>();
	/** Values removed once already, to remove again (see cleanUpAgainLater). */
	private lastCleanup = new Set<string>();
	private recentCallMs: number[] = [];
	private running = false;
	private wake: (() => void) | undefined;

	/** The execution whose helpers make the store calls: the latest to ask (same workflow and node). */
	constructor(
		private readonly id: string,
		private ctx: IExecuteFunctions,
	) {}

	/** Records `key` for today unless it is recorded for today or yesterday. Resolves true to send. */
	claim(ctx: IExecuteFunctions, key: string, day: number): Promise<boolean> {
		return new Promise<boolean>((resolve, reject) => {
			this.newClaims.push({ ...dayValues(key, day), attempts: 1, resolve, reject });
			this.poke(ctx);
		});
	}

	/** Removes the record of a request the API did not take. */
	remove(ctx: IExecuteFunctions, key: string, day: number): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const { current, previous } = dayValues(key, day);
			// The previous day's value may still wait for the clean-up: it goes too (a claim that
			// won found none, so none was recorded before).
			this.removals.push({
				values: [current, previous],
				done: (error) => (error === undefined ? resolve() : reject(error)),
			});
			this.poke(ctx);
		});
	}

	/** After a send: check the record again later and write it again if it vanished. */
	healLater(ctx: IExecuteFunctions, key: string, day: number): void {
		this.waitingLater++;
		void sleep(HEAL_AFTER_MS).then(() => {
			this.waitingLater--;
			this.heals.push(dayValues(key, day).current);
			this.poke(ctx);
		});
	}

	private poke(ctx: IExecuteFunctions): void {
		this.ctx = ctx;
		if (this.wake) this.wake();
		else if (!this.running) void this.run();
	}

	private hasWork(): boolean {
		return (
			this.newClaims.length > 0 ||
			this.removals.length > 0 ||
			this.heals.length > 0 ||
			this.verifications.some((verification) => verification.settled)
		);
	}

	private async run(): Promise<void> {
		this.running = true;
		try {
			for (;;) {
				if (this.hasWork()) {
					await this.round();
					continue;
				}
				// Idle: take out what is not a record before waiting.
				if (this.cleanup.size > 0 || this.lastCleanup.size > 0) {
					await this.removeCleanupAnd([]);
					continue;
				}
				if (this.verifications.length === 0 && this.waitingLater === 0) {
					// Idle: nothing of it is needed any more (nor the execution it holds).
					if (records.get(this.id) === this) records.delete(this.id);
					return;
				}
				await new Promise<void>((resolve) => (this.wake = resolve));
				this.wake = undefined;
			}
		} finally {
			this.running = false;
		}
	}

	private settleMs(): number {
		const slowest = Math.max(0, ...this.recentCallMs);
		return Math.min(MAX_SETTLE_MS, Math.max(MIN_SETTLE_MS, SETTLE_FACTOR * slowest));
	}

	/** A store call; made again when it lost a concurrent first insert of the row. */
	private async call<T>(work: (ctx: IExecuteFunctions) => Promise<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			const startedAt = Date.now();
			try {
				return await work(this.ctx);
			} catch (error) {
				if (!lostInsertRace(error) || attempt >= INSERT_RACE_ATTEMPTS) {
					throw new NodeOperationError(this.ctx.getNode(), error as Error);
				}
			} finally {
				this.recentCallMs.push(Date.now() - startedAt);
				if (this.recentCallMs.length > RECENT_CALLS) this.recentCallMs.shift();
			}
		}
	}

	/** One write with everything waiting, then one removal of what is not a record. */
	private async round(): Promise<void> {
		const claims = this.newClaims.splice(0);
		const due = this.verifications.filter((verification) => verification.settled);
		this.verifications = this.verifications.filter((verification) => !verification.settled);
		const heals = this.heals.splice(0);
		const removals = this.removals.splice(0);
		const next: Verification = { nonce: `nonce ${randomString(20)}`, claims: [], settled: false };

		if (claims.length > 0 || due.length > 0 || heals.length > 0) {
			const values = new Set<string>(heals);
			if (claims.length > 0 || due.length > 0) {
				values.add(next.nonce);
				this.cleanup.add(next.nonce);
			}
			for (const claim of claims) values.add(claim.current).add(claim.previous);
			for (const verification of due) {
				values.add(verification.nonce);
				for (const claim of verification.claims) values.add(claim.current).add(claim.previous);
			}
			try {
				const { processed } = await this.call(
					async (ctx) => await ctx.helpers.checkProcessedAndRecord([...values], 'node', STORE_OPTIONS),
				);
				const found = new Set(processed.map(String));
				this.decideNew(claims, found, next);
				this.decideVerified(due, found, next);
			} catch (error) {
				// Nothing is sent for these. What they may have written stays: it could as well be the
				// record of an earlier send, and a record too many only says "already submitted".
				for (const claim of [...claims, ...due.flatMap((verification) => verification.claims)]) claim.reject(error);
			}
		}
		if (next.claims.length > 0) {
			this.cleanup.delete(next.nonce);
			this.verifications.push(next);
			void sleep(this.settleMs()).then(() => {
				next.settled = true;
				this.poke(this.ctx);
			});
		}
		// Removals of refused requests go at once; the rest waits for a quiet moment or a full list.
		if (removals.length > 0 || this.cleanup.size >= CLEANUP_BATCH) await this.removeCleanupAnd(removals);
	}

	/** New claims: recorded today or yesterday means sent before; else wait for the write to settle. */
	private decideNew(claims: PendingClaim[], found: Set<string>, next: Verification): void {
		for (const claim of claims) {
			// The previous day's value is only looked at, and today's is not kept for a request
			// recorded only yesterday: that would stretch the window day after day.
			if (!found.has(claim.previous)) this.cleanup.add(claim.previous);
			if (found.has(claim.current) || found.has(claim.previous)) {
				// at once, not at the next quiet moment: a crash before then would stretch the window
				if (!found.has(claim.current)) this.removals.push({ values: [claim.current], done: () => undefined });
				claim.resolve(false);
			} else {
				next.claims.push(claim);
			}
		}
	}

	/** Settled writes: nonce still there: the claims won. Gone: another process's write erased it. */
	private decideVerified(due: Verification[], found: Set<string>, next: Verification): void {
		for (const verification of due) {
			this.cleanup.add(verification.nonce);
			if (found.has(verification.nonce)) {
				for (const claim of verification.claims) claim.resolve(true);
				continue;
			}
			for (const claim of verification.claims) {
				if (!found.has(claim.previous)) this.cleanup.add(claim.previous);
				// Recorded by another process meanwhile (on either side of midnight): it sends.
				if (found.has(claim.current) || found.has(claim.previous)) claim.resolve(false);
				// Written again by this call: checked again, a few times at most.
				else if (++claim.attempts >= MAX_CLAIM_ATTEMPTS) {
					claim.reject(new Error('other n8n processes kept overwriting the submission record at the same moment'));
				} else next.claims.push(claim);
			}
		}
	}

	private async removeCleanupAnd(removals: PendingRemoval[]): Promise<void> {
		const firstPass = [...this.cleanup];
		const values = new Set([...firstPass, ...this.lastCleanup, ...removals.flatMap((removal) => removal.values)]);
		if (values.size === 0) return;
		this.cleanup.clear();
		this.lastCleanup.clear();
		try {
			await this.call(async (ctx) => await ctx.helpers.removeProcessed([...values], 'node', STORE_OPTIONS));
			for (const removal of removals) removal.done();
			this.cleanUpAgainLater(firstPass);
		} catch (error) {
			for (const removal of removals) removal.done(error);
		}
	}

	/**
	 * Another process's write from a read taken before a removal puts the removed values back, so
	 * values that are not records are removed once more later (nobody else writes them).
	 */
	private cleanUpAgainLater(values: string[]): void {
		if (values.length === 0) return;
		this.waitingLater++;
		void sleep(HEAL_AFTER_MS).then(() => {
			this.waitingLater--;
			for (const value of values) this.lastCleanup.add(value);
			this.poke(this.ctx);
		});
	}
}

const records = new Map<string, SubmissionRecord>();

/** This node's record, shared by every execution of it in this process. */
export function submissionRecordOf(ctx: IExecuteFunctions): SubmissionRecord {
	const id = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}`;
	let record = records.get(id);
	if (!record) {
		record = new SubmissionRecord(id, ctx);
		records.set(id, record);
	}
	return record;
}
