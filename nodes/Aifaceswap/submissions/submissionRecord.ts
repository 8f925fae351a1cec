import type { IExecuteFunctions } from 'n8n-workflow';

import { RecordCleanup } from './recordCleanup';
import type { ClaimOutcome, Decision, RecordEntry } from './recordEntries';
import { callValues, entryNonces, openClaimWrites, lateAnswer, newEntry, newTokens, observe, ownLateWrite, UNDECIDABLE_MESSAGE } from './recordEntries';
import type { Next } from './recordRetries';
import { afterFailure, afterWrite } from './recordRetries';
import { recordValues } from './recordDays';
import { goingNow, RecordTimers } from './recordTimers';
import { RefusalRemovals } from './refusalRemovals';
import { GAVE_UP_WARNING, HEAL_AFTER_MS, SentRecords } from './sentRecords';
import { StoreCalls, storeCallLimits } from './storeCalls';

/**
 * One node's submission record in n8n's processed-data store (the store the Remove Duplicates node
 * uses), shared by every execution of that node in this n8n process (`recordRegistry.ts`). Every
 * call of this process for the node goes through this one queue, and all entries due at the same
 * time share one call, so no write of this process overwrites another; the queue stays while a
 * call that passed its deadline may still write (its end is healed here). Another process (a
 * queue-mode worker, a second main) can still erase a write: the entries check for that
 * (`recordEntries.ts`).
 *
 * - A claim wins when a read after the settle wait finds the nonce of its write; erased, it is
 *   written again. Won, it is held until its request is answered (`leaving`).
 * - A sent request's record is checked `HEAL_AFTER_MS` after the answer and written again until it
 *   stays, and again when a late store call of ours ends (`sentRecords.ts`).
 * - Retries and their limits: `recordRetries.ts`; spacing: `recordTimers.ts`; clean-up: `recordCleanup.ts`.
 */
/** A won claim's request leaves without another check within this time of its last check (its win, or a check since: `leaving`). */
export const LEAVES_UNCHECKED_MS = 1_000;

export class SubmissionRecord {
	private entries: RecordEntry[] = [];
	private readonly removals = new RefusalRemovals({
		remove: async (values) => await this.calls.remove([...values, ...openClaimWrites(this.entries, values)]),
		record: async (values) => void (await this.calls.record(values)),
		afterSettle: (then) => this.timers.later(this.calls.settleMs(), then),
		keptSince: (since, dueAt) => new Set([...this.sent.wonSince(since), ...this.entries.filter((entry) => entry.kind === 'heal' || entry.openedAt <= dueAt).map((entry) => entry.values)].flat()),
		warn: (message) => this.ctx.logger.warn(message),
	});
	private readonly cleanup = new RecordCleanup();
	private readonly sent = new SentRecords();
	private readonly calls = new StoreCalls(() => this.ctx, (startedAt) => this.healSentSince(startedAt));
	private readonly timers = new RecordTimers(() => this.poke(), () => this.calls.lastMs);
	private running = false;
	private wake: (() => void) | undefined;

	constructor(
		/** The execution whose helpers make the store calls: the latest to ask (same workflow and node), set by each public method. */
		private ctx: IExecuteFunctions,
		/** Called when the record is idle and may be dropped (with the execution it holds). */
		private readonly idle: () => void,
	) {}

	/** Records `key` as sent on `day` unless it is recorded already. Resolves 'send' when this claim won. */
	async claim(ctx: IExecuteFunctions, key: string, day: number): Promise<ClaimOutcome> {
		this.ctx = ctx;
		const entry = newEntry('claim', recordValues(key, day));
		return await this.decided(entry, () => this.open(entry, 0));
	}

	/**
	 * Before each attempt of a won claim's request: within `LEAVES_UNCHECKED_MS` of the claim's last
	 * check it goes, later the claim is checked again ('recorded': another process's call that read
	 * the row before its write wrote since, and sent it). The claim stays until the answer, checked as
	 * a claim `HEAL_AFTER_MS` after each attempt left (a heal's copy would pass for another run's record).
	 */
	async leaving(ctx: IExecuteFunctions, key: string, day: number): Promise<ClaimOutcome> {
		this.ctx = ctx;
		const values = recordValues(key, day);
		const entry = this.claimOf(values);
		if (entry === undefined) return 'send';
		let outcome = entry.ended ?? (entry.heldSince !== undefined && performance.now() - entry.heldSince <= LEAVES_UNCHECKED_MS ? 'send' : undefined);
		// Held: checked now; being checked already: told when it is decided.
		const checkNow = () => entry.heldSince !== undefined && this.dueAfter(Object.assign(entry, { heldSince: undefined }), 0);
		outcome ??= await this.decided(entry, checkNow).catch((error: Error) => error);
		if (outcome === 'send') {
			this.dueAfter(entry, HEAL_AFTER_MS);
			return 'send';
		}
		this.close(entry);
		this.sent.notSent(values);
		if (outcome instanceof Error) throw outcome;
		return outcome;
	}

	/** Starts the claim entry's calls; resolves with how it ends. */
	private async decided(entry: RecordEntry, start: () => void): Promise<ClaimOutcome> {
		return await new Promise<ClaimOutcome>((resolve, reject) => {
			entry.finish = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
			start();
		});
	}

	/** After a send (or a request that may have reached the API): check the record later and write it again if it vanished. */
	healLater(ctx: IExecuteFunctions, key: string, day: number): void {
		this.ctx = ctx;
		const values = recordValues(key, day);
		this.close(this.claimOf(values));
		const now = performance.now();
		const keepFrom = Math.min(now - storeCallLimits.deadlineMs, this.calls.oldestLateCall() ?? Infinity);
		if (this.sent.add(values, keepFrom, now, this.calls.oldestOpenCall())) this.ctx.logger.warn(GAVE_UP_WARNING);
		this.open(newEntry('heal', values), HEAL_AFTER_MS);
		// Checked once more when every call that read before the send has written or passed its deadline.
		this.timers.later(storeCallLimits.deadlineMs + HEAL_AFTER_MS, () => this.open(newEntry('heal', values), 0));
	}

	/** Removes the record of a request the API did not take (this claim won, so the values are its own). */
	async remove(ctx: IExecuteFunctions, key: string, day: number): Promise<void> {
		this.ctx = ctx;
		const values = recordValues(key, day);
		this.sent.notSent(values);
		// Its record is no longer watched: a heal would write it back.
		for (const entry of this.entries.filter((open) => open.values[0] === values[0])) this.close(entry);
		await this.removals.remove(values, () => this.poke());
	}

	private readonly claimOf = (values: string[]) => this.entries.find((entry) => entry.kind === 'claim' && entry.values[0] === values[0]);

	/** A call that started at `startedAt` and passed its deadline has ended: it may have erased records sent since. */
	private healSentSince(startedAt: number): void {
		this.sent.lateCallEnded();
		ownLateWrite(this.entries, new Set(this.removals.madeSince(startedAt)), performance.now());
		this.removals.lateCallEnded(startedAt);
		for (const values of this.sent.wonSince(startedAt)) {
			// A claim not yet answered checks itself, now and before its request next leaves (a heal's copy would pass for another run's record).
			const claim = this.claimOf(values);
			if (claim === undefined) this.open(newEntry('heal', values), 0);
			else if (claim.heldSince !== undefined) this.dueAfter(Object.assign(claim, { heldSince: -Infinity }), 0);
		}
		this.poke();
	}

	private open(entry: RecordEntry, afterMs: number): void {
		this.entries.push(entry);
		this.dueAfter(entry, afterMs);
	}

	private dueAfter(entry: RecordEntry, ms: number): void {
		this.timers.dueAfter(entry, ms, () => this.poke());
	}

	private poke(): void {
		if (this.wake) this.wake();
		else if (!this.running) void this.run();
	}

	private async run(): Promise<void> {
		this.running = true;
		try {
			for (;;) {
				// Nothing is awaited between these looks and the wait below: a poke in between would be lost.
				const due = goingNow(this.entries);
				// The clean-up before due entries (with claims arriving all the time, some entry is always
				// due); it waits for `quiet`: no claim being decided.
				const quiet = !this.entries.some((entry) => entry.kind === 'claim' && entry.heldSince === undefined && entry.ended === undefined);
				const cleanup = this.removals.pending ? undefined : this.cleanup.take(quiet);
				if (this.removals.pending) await this.timers.paced(async () => await this.removals.run());
				else if (cleanup) await this.timers.paced(async () => await this.cleanup.remove(cleanup, async (values) => await this.calls.remove(values), (ms, then) => this.timers.later(ms, then)));
				else if (due.length > 0) await this.timers.paced(async () => await this.round(due));
				else if (this.entries.length === 0 && this.timers.idle) {
					// Unless a late call may still write: its end is healed here.
					if (this.calls.oldestLateCall() === undefined) this.idle();
					return;
				} else {
					await new Promise<void>((resolve) => (this.wake = resolve));
					this.wake = undefined;
				}
			}
		} finally {
			this.running = false;
		}
	}

	/** One write of every due entry's values and nonces, and new nonces for each claim. */
	private async round(due: RecordEntry[]): Promise<void> {
		const fresh = due.map((entry) => (entry.kind === 'claim' ? newTokens() : []));
		const values = new Set<string>(fresh.flat());
		for (const entry of due) for (const value of callValues(entry)) values.add(value);
		const startedAt = performance.now();
		for (const entry of due) if (entry.kind === 'heal') this.sent.written(entry.values, startedAt);
		let found: Set<string>;
		try {
			found = await this.calls.record([...values], (late) => {
				due.forEach((entry, i) => {
					lateAnswer(entry, fresh[i], late);
					this.letGo(entry, fresh[i]);
				});
				if (late !== undefined) ownLateWrite(this.entries, new Set(due.filter((entry) => entry.kind === 'claim').flatMap((entry) => entry.values)), performance.now(), due);
			});
		} catch (error) {
			due.forEach((entry, i) => (this.entries.includes(entry) ? this.follow(entry, afterFailure(entry, fresh[i], error as Error)) : this.letGo(entry, fresh[i])));
			return;
		}
		const settleMs = this.calls.settleMs();
		for (const [i, entry] of due.entries()) {
			// Closed while its call was out (its request answered): nothing waits for this answer.
			if (!this.entries.includes(entry)) continue;
			entry.failures = 0;
			const decision: Decision = observe(entry, fresh[i], found, startedAt);
			if (decision.kind === 'won' && entry.kind === 'claim') {
				this.sent.won(entry.values);
				// Held until its request is answered (`leaving`), not due; its contention limit counts from its next erasure.
				const finish = entry.finish;
				Object.assign(entry, { heldSince: performance.now(), due: false, finish: undefined, attempts: 1, erasedSince: undefined });
				finish?.('send');
			} else if (decision.kind === 'won') this.close(entry);
			else if (decision.kind === 'recorded') {
				this.cleanup.addStretch(decision.stretch);
				this.end(entry, 'recorded');
			} else if (decision.kind === 'undecidable') this.end(entry, new Error(UNDECIDABLE_MESSAGE));
			else this.follow(Object.assign(entry, { heldSince: undefined }), afterWrite(entry, settleMs, performance.now()));
		}
		due.forEach((entry, i) => this.letGo(entry, fresh[i]));
		const verifying = due.filter((entry) => this.entries.includes(entry)).length;
		if (verifying > 0) this.ctx.logger.debug(`Aifaceswap submission record: settle wait ${settleMs} ms`, { entries: verifying });
	}

	/** Follows what `recordRetries.ts` says comes next for the entry. */
	private follow(entry: RecordEntry, next: Next): void {
		if ('afterMs' in next) this.dueAfter(entry, next.afterMs);
		else if ('fail' in next) this.end(entry, next.fail);
		else {
			this.ctx.logger.warn(`Aifaceswap submission record: a sent request's record ${next.giveUp}; a replay may send it again (record ${entry.values[0]})`);
			this.close(entry);
		}
	}

	/** How a claim ended: told to its caller, or (a held claim checked while no caller asks) kept for its next `leaving`. */
	private end(entry: RecordEntry, outcome: ClaimOutcome | Error): void {
		if (entry.finish !== undefined) return this.close(entry, outcome);
		Object.assign(entry, { ended: outcome, heldSince: undefined, due: false });
	}

	/** Those of `nonces` (written by the entry) that it no longer looks for go to the clean-up. */
	private letGo(entry: RecordEntry, nonces: string[]): void {
		const kept = new Set(this.entries.includes(entry) ? entryNonces(entry) : []);
		for (const nonce of nonces) if (!kept.has(nonce)) this.cleanup.wrote(nonce);
	}

	/** Ends the entry (its nonces go to the clean-up): a claim with its outcome, a heal with none. */
	private close(entry: RecordEntry | undefined, outcome?: ClaimOutcome | Error): void {
		if (entry === undefined) return;
		const index = this.entries.indexOf(entry);
		if (index >= 0) this.entries.splice(index, 1);
		this.letGo(entry, entryNonces(entry));
		if (outcome !== undefined) entry.finish?.(outcome);
	}
}
