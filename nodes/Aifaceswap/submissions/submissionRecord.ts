import type { IExecuteFunctions } from 'n8n-workflow';

import { RecordCleanup } from './recordCleanup';
import type { Decision, RecordEntry } from './recordEntries';
import { callValues, contendedMessage, entryNonces, openClaimWrites, failedMessage, failedWrite, lateAnswer, newEntry, newTokens, observe, ownLateWrite, UNDECIDABLE_MESSAGE } from './recordEntries';
import { recordValues } from './recordDays';
import { goingNow, RecordTimers } from './recordTimers';
import { RefusalRemovals } from './refusalRemovals';
import { GAVE_UP_WARNING, HEAL_AFTER_MS, SentRecords } from './sentRecords';
import { StoreCalls, storeCallLimits } from './storeCalls';

/**
 * One node's submission record in n8n's processed-data store (the store the Remove Duplicates node
 * uses), shared by every execution of that node in this n8n process. In this process every call
 * for a node goes through this one queue, and all entries due at the same time share one call, so
 * no write of this process overwrites another. The queue stays while anything of it is under way,
 * a store call that passed its deadline included: that call's late write is healed here. Another
 * process (a queue-mode worker, a second main) can still erase a write: the entries check for that
 * (`recordEntries.ts`).
 *
 * - A claim wins when a read after the settle wait finds the nonce of its write; erased, it is
 *   written again after a jittered wait, for up to `claimLimits.contendedMs`.
 * - A sent request's record is checked `HEAL_AFTER_MS` after the send, written again if a slow
 *   write of another process erased it, and checked like a claim until it stays; and again when a
 *   store call of ours that passed its deadline ends after all (`sentRecords.ts`).
 * - A failed store call fails only the entries it cannot decide: the others go again after a
 *   back-off, `MAX_FAILURES` times at most. Spacing: `recordTimers.ts`; clean-up: `recordCleanup.ts`.
 */
/** How often a sent request's record is written again before it is given up (logged). */
export const MAX_HEAL_ATTEMPTS = 10;
/** How long a claim goes on being written again after another process first erased it (tests shorten it). */
export const claimLimits = { contendedMs: 60_000 };
const MAX_FAILURES = 3;
const FAILURE_BACKOFF_MS = 200;

export type ClaimOutcome = 'send' | 'recorded';

interface OpenEntry extends RecordEntry {
	/** A claim's caller, told how it ended (a heal has none). */
	finish?: (outcome: ClaimOutcome | Error) => void;
}

class SubmissionRecord {
	private entries: OpenEntry[] = [];
	private readonly removals = new RefusalRemovals({
		remove: async (values) => await this.calls.remove([...values, ...openClaimWrites(this.entries, values)]),
		record: async (values) => void (await this.calls.record(values)),
		afterSettle: (then) => this.timers.later(this.calls.settleMs(), then),
		keptSince: (since) => new Set([...this.sent.wonSince(since), ...this.entries.filter((entry) => entry.kind === 'heal').map((entry) => entry.values)].flat()),
		warn: (message) => this.ctx.logger.warn(message),
	});
	private readonly cleanup = new RecordCleanup();
	private readonly sent = new SentRecords();
	private readonly calls = new StoreCalls(() => this.ctx, (startedAt) => this.healSentSince(startedAt));
	private readonly timers = new RecordTimers(() => this.poke());
	private running = false;
	private wake: (() => void) | undefined;

	constructor(
		private readonly id: string,
		/** The execution whose helpers make the store calls: the latest to ask (same workflow and node), set by `use` only. */
		private ctx: IExecuteFunctions,
	) {}

	/** Records `key` as sent on `day` unless it is recorded already. Resolves 'send' when this claim won. */
	async claim(ctx: IExecuteFunctions, key: string, day: number): Promise<ClaimOutcome> {
		this.use(ctx);
		return await new Promise<ClaimOutcome>((resolve, reject) => {
			const finish = (outcome: ClaimOutcome | Error) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
			this.open({ ...newEntry('claim', recordValues(key, day)), finish }, 0);
		});
	}

	/** After a send (or a request that may have reached the API): check the record later and write it again if it vanished. */
	healLater(ctx: IExecuteFunctions, key: string, day: number): void {
		this.use(ctx);
		const values = recordValues(key, day);
		const now = performance.now();
		const keepFrom = Math.min(now - storeCallLimits.deadlineMs, this.calls.oldestLateCall() ?? Infinity);
		if (this.sent.add(values, keepFrom, now, this.calls.oldestOpenCall())) this.ctx.logger.warn(GAVE_UP_WARNING);
		this.open(newEntry('heal', values), HEAL_AFTER_MS);
		// Checked once more when every call that read before the send has written or passed its deadline.
		this.timers.later(storeCallLimits.deadlineMs + HEAL_AFTER_MS, () => this.open(newEntry('heal', values), 0));
	}

	/** Removes the record of a request the API did not take (this claim won, so the values are its own). */
	async remove(ctx: IExecuteFunctions, key: string, day: number): Promise<void> {
		this.use(ctx);
		const values = recordValues(key, day);
		this.sent.notSent(values);
		// Its record is no longer watched: a heal would write it back.
		for (const entry of this.entries.filter((open) => open.kind === 'heal' && open.values[0] === values[0])) this.close(entry);
		await this.removals.remove(values, () => this.poke());
	}

	private use(ctx: IExecuteFunctions): void {
		this.ctx = ctx;
	}

	/** A call that started at `startedAt` and passed its deadline has ended: it may have erased records sent since. */
	private healSentSince(startedAt: number): void {
		this.sent.lateCallEnded();
		ownLateWrite(this.entries, new Set(this.removals.madeSince(startedAt)), performance.now());
		this.removals.lateCallEnded(startedAt);
		for (const values of this.sent.wonSince(startedAt)) this.open(newEntry('heal', values), 0);
		this.poke();
	}

	private open(entry: OpenEntry, afterMs: number): void {
		this.entries.push(entry);
		this.dueAfter(entry, afterMs);
	}

	private dueAfter(entry: OpenEntry, ms: number): void {
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
				const due = goingNow(this.entries);
				if (this.removals.pending) await this.paced(async () => await this.removals.run());
				// Before due entries: with claims arriving all the time, some entry is always due.
				else if (await this.cleanUp()) continue;
				else if (due.length > 0) await this.paced(async () => await this.round(due));
				else if (this.entries.length === 0 && this.timers.idle) {
					// Idle: dropped (with the execution it holds), unless a late call may still write.
					if (this.calls.oldestLateCall() === undefined && records.get(this.id) === this) records.delete(this.id);
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

	private async paced(work: () => Promise<void>): Promise<void> {
		await this.timers.paced(work, () => this.calls.lastMs);
	}

	/** One write of every due entry's values and nonces, and new nonces for each claim. */
	private async round(due: OpenEntry[]): Promise<void> {
		const fresh = due.map((entry) => (entry.kind === 'claim' ? newTokens() : []));
		const values = new Set<string>(fresh.flat());
		for (const entry of due) for (const value of callValues(entry)) values.add(value);
		fresh.flat().forEach((nonce) => this.cleanup.wrote(nonce));
		const startedAt = performance.now();
		for (const entry of due) if (entry.kind === 'heal') this.sent.written(entry.values, startedAt);
		let found: Set<string>;
		try {
			found = await this.calls.record([...values], (late) => {
				due.forEach((entry, i) => lateAnswer(entry, fresh[i], late));
				if (late !== undefined) ownLateWrite(this.entries, new Set(due.filter((entry) => entry.kind === 'claim').flatMap((entry) => entry.values)), performance.now(), due);
			});
		} catch (error) {
			due.forEach((entry, i) => this.failedCall(entry, fresh[i], error as Error));
			return;
		}
		const settleMs = this.calls.settleMs();
		for (const [i, entry] of due.entries()) {
			entry.failures = 0;
			const decision: Decision = observe(entry, fresh[i], found, startedAt);
			if (decision.kind === 'won' && entry.kind === 'claim') {
				this.sent.won(entry.values);
				// Watched from the win: its request may wait long for its slot and its answer.
				this.open(newEntry('heal', entry.values), HEAL_AFTER_MS);
			}
			if (decision.kind === 'won') this.close(entry, entry.kind === 'claim' ? 'send' : undefined);
			else if (decision.kind === 'recorded') {
				this.cleanup.addStretch(decision.stretch);
				this.close(entry, 'recorded');
			} else if (decision.kind === 'undecidable') this.close(entry, new Error(UNDECIDABLE_MESSAGE));
			else this.verifyLater(entry, settleMs);
		}
		const verifying = due.filter((entry) => this.entries.includes(entry)).length;
		if (verifying > 0) this.ctx.logger.debug(`Aifaceswap submission record: settle wait ${settleMs} ms`, { entries: verifying });
	}

	/** The entry's values were (re)written: check after the settle wait, later with each erasure. */
	private verifyLater(entry: OpenEntry, settleMs: number): void {
		entry.attempts++;
		if (entry.kind === 'heal' && entry.attempts > MAX_HEAL_ATTEMPTS) return this.giveUpHeal(entry, 'kept being erased by other n8n processes');
		if (entry.attempts === 2) entry.erasedSince = performance.now();
		if (entry.kind === 'claim' && entry.erasedSince !== undefined && performance.now() - entry.erasedSince > claimLimits.contendedMs) {
			// Not sent. What it wrote stays: another process's write may have recorded the same
			// values since, from a read this claim never saw, and sent them.
			return this.close(entry, new Error(contendedMessage(claimLimits.contendedMs)));
		}
		// After an erasure, a random part of another wait spreads the processes' next writes apart.
		this.dueAfter(entry, settleMs * (entry.attempts === 1 ? 1 : 1 + Math.random()));
	}

	/** The call may or may not have written: the entry goes again after a back-off. */
	private failedCall(entry: OpenEntry, fresh: string[], error: Error): void {
		failedWrite(entry, fresh);
		entry.failures++;
		if (entry.failures <= MAX_FAILURES) return this.dueAfter(entry, FAILURE_BACKOFF_MS * 2 ** (entry.failures - 1) * (0.5 + Math.random()));
		if (entry.kind === 'heal') this.giveUpHeal(entry, `could not be written again: ${error.message}`);
		else this.close(entry, new Error(failedMessage(error)));
	}

	private giveUpHeal(entry: OpenEntry, why: string): void {
		this.ctx.logger.warn(`Aifaceswap submission record: a sent request's record ${why}; a replay may send it again`);
		this.close(entry);
	}

	/** Ends the entry: a claim with its outcome, a heal with none. */
	private close(entry: OpenEntry, outcome?: ClaimOutcome | Error): void {
		const index = this.entries.indexOf(entry);
		if (index >= 0) this.entries.splice(index, 1);
		if (outcome !== undefined) entry.finish?.(outcome);
	}

	/** One small removal of what is not a record, when its time has come. False when there is none. */
	private async cleanUp(): Promise<boolean> {
		const taken = this.cleanup.take(new Set(this.entries.flatMap(entryNonces)), !this.entries.some((entry) => entry.kind === 'claim'));
		if (!taken) return false;
		await this.paced(async () => await this.cleanup.remove(taken, async (values) => await this.calls.remove(values), (ms, then) => this.timers.later(ms, then)));
		return true;
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
