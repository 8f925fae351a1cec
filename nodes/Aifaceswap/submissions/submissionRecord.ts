import type { IExecuteFunctions } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { NONCE_PREFIX, RecordCleanup, SECOND_PASS_MS } from './recordCleanup';
import type { RecordEntry } from './recordEntries';
import { contendedMessage, decide, newEntry, UNDECIDABLE_MESSAGE } from './recordEntries';
import { recordValues } from './recordDays';
import { RecordTimers } from './recordTimers';
import { StoreCalls, storeCallLimits } from './storeCalls';

/**
 * One node's submission record in n8n's processed-data store (the store the Remove Duplicates node
 * uses), shared by every execution of that node in this n8n process. In this process every call
 * for a node goes through this one queue, and all entries due at the same time share one call, so
 * no write of this process overwrites another. Another process (a queue-mode worker, a second main)
 * can still erase a write: the entries check for that (`recordEntries.ts`).
 *
 * - A claim is written with a nonce of its own, and wins when a read after the settle wait finds
 *   that nonce; erased, it is written again after a jittered wait, for up to `claimLimits.contendedMs`.
 * - A sent request's record is checked `HEAL_AFTER_MS` after the send, written again if a slow
 *   write of another process erased it, and checked like a claim until it stays; and again when a
 *   store call of ours that passed its deadline ends after all (it may have written an old row).
 * - A failed store call fails only the entries it cannot decide: the others go again after a
 *   back-off, `MAX_FAILURES` times at most.
 * - Calls are spaced (`recordTimers.ts`), and the clean-up (`recordCleanup.ts`) goes in small
 *   calls at quiet moments.
 */
const HEAL_AFTER_MS = 1_000;
const MAX_HEAL_ATTEMPTS = 10;
/** How long a claim goes on being written again after another process first erased it (tests shorten it). */
export const claimLimits = { contendedMs: 60_000 };
const MAX_FAILURES = 3;
const FAILURE_BACKOFF_MS = 200;

export type ClaimOutcome = 'send' | 'recorded';

interface OpenEntry extends RecordEntry {
	finish: (outcome: ClaimOutcome | Error) => void;
}

class SubmissionRecord {
	private entries: OpenEntry[] = [];
	private removals: Array<{ values: string[]; done: (error?: unknown) => void }> = [];
	private readonly cleanup = new RecordCleanup();
	private readonly calls: StoreCalls;
	private readonly timers = new RecordTimers(() => this.poke(this.calls.ctx));
	/** Sent requests' records, kept while a late write of a timed-out call could still erase them. */
	private sent: Array<{ values: string[]; at: number }> = [];
	private running = false;
	private wake: (() => void) | undefined;

	/** The execution whose helpers make the store calls: the latest to ask (same workflow and node). */
	constructor(
		private readonly id: string,
		ctx: IExecuteFunctions,
	) {
		this.calls = new StoreCalls(ctx, (startedAt) => this.healSentSince(startedAt));
	}

	/** Records `key` as sent on `day` unless it is recorded already. Resolves 'send' when this claim won. */
	async claim(ctx: IExecuteFunctions, key: string, day: number): Promise<ClaimOutcome> {
		return await this.open(ctx, newEntry('claim', recordValues(key, day)), 0);
	}

	/** After a send (or a request that may have reached the API): check the record later and write it again if it vanished. */
	healLater(ctx: IExecuteFunctions, key: string, day: number): void {
		const values = recordValues(key, day);
		const keepFrom = Math.min(performance.now() - storeCallLimits.deadlineMs, this.calls.oldestLateCall() ?? Infinity);
		this.sent = this.sent.filter((sent) => sent.at >= keepFrom);
		this.sent.push({ values, at: performance.now() });
		void this.open(ctx, newEntry('heal', values), HEAL_AFTER_MS).catch(() => undefined);
	}

	/** A call that started at `startedAt` and passed its deadline has ended: it may have erased records sent since. */
	private healSentSince(startedAt: number): void {
		for (const sent of this.sent.filter((sent) => sent.at >= startedAt)) {
			void this.open(this.calls.ctx, newEntry('heal', sent.values), 0).catch(() => undefined);
		}
	}

	/** Removes the record of a request the API did not take (this claim won, so the values are its own). */
	async remove(ctx: IExecuteFunctions, key: string, day: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.removals.push({ values: recordValues(key, day), done: (error) => (error === undefined ? resolve() : reject(error)) });
			this.poke(ctx);
		});
	}

	private async open(ctx: IExecuteFunctions, entry: RecordEntry, afterMs: number): Promise<ClaimOutcome> {
		this.calls.ctx = ctx;
		return await new Promise<ClaimOutcome>((resolve, reject) => {
			const finish = (outcome: ClaimOutcome | Error) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
			const open: OpenEntry = { ...entry, finish };
			this.entries.push(open);
			this.dueAfter(open, afterMs);
		});
	}

	private dueAfter(entry: OpenEntry, ms: number): void {
		entry.due = false;
		if (ms > 0) return this.timers.later(ms, () => (entry.due = true));
		entry.due = true;
		this.poke(this.calls.ctx);
	}

	private poke(ctx: IExecuteFunctions): void {
		this.calls.ctx = ctx;
		if (this.wake) this.wake();
		else if (!this.running) void this.run();
	}

	private async run(): Promise<void> {
		this.running = true;
		try {
			for (;;) {
				const due = this.entries.filter((entry) => entry.due);
				if (this.removals.length > 0) await this.paced(async () => await this.removeRefused());
				else if (due.length > 0) await this.paced(async () => await this.round(due));
				else if (await this.cleanUp()) continue;
				else if (this.entries.length === 0 && this.timers.idle) {
					// Idle: nothing of it is needed any more (nor the execution it holds).
					if (records.get(this.id) === this) records.delete(this.id);
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

	/** One write of every due entry's values, its check and markers, and a new nonce of its own. */
	private async round(due: OpenEntry[]): Promise<void> {
		const nonces = due.map(() => `${NONCE_PREFIX}${randomString(20)}`);
		const values = new Set<string>(nonces);
		for (const entry of due) {
			for (const value of [...entry.values, ...entry.markers]) values.add(value);
			if (entry.check !== undefined) values.add(entry.check);
		}
		nonces.forEach((nonce) => this.cleanup.wrote(nonce));
		let found: Set<string>;
		try {
			found = await this.calls.record([...values]);
		} catch (error) {
			due.forEach((entry, i) => this.failedCall(entry, nonces[i], error as Error));
			return;
		}
		const settleMs = this.calls.settleMs();
		let verifying = 0;
		for (const [i, entry] of due.entries()) {
			const nonce = nonces[i];
			entry.failures = 0;
			const decision = decide(entry, found);
			if (decision.kind === 'won') this.close(entry, 'send');
			else if (decision.kind === 'recorded') {
				this.cleanup.addStretch(decision.stretch);
				this.close(entry, 'recorded');
			} else if (decision.kind === 'undecidable') this.close(entry, new Error(UNDECIDABLE_MESSAGE));
			else {
				verifying++;
				this.verifyLater(entry, nonce, settleMs);
			}
		}
		if (verifying > 0) this.calls.ctx.logger.debug(`Aifaceswap submission record: settle wait ${settleMs} ms`, { entries: verifying });
	}

	/** The entry's values were (re)written with `nonce`: check it after the settle wait, later with each erasure. */
	private verifyLater(entry: OpenEntry, nonce: string, settleMs: number): void {
		entry.check = nonce;
		entry.markers = [];
		entry.attempts++;
		if (entry.kind === 'heal' && entry.attempts > MAX_HEAL_ATTEMPTS) {
			this.calls.ctx.logger.warn('Aifaceswap submission record: a sent request\'s record kept being erased by other n8n processes; a replay may send it again');
			return this.close(entry, 'send');
		}
		if (entry.attempts === 2) entry.erasedSince = performance.now();
		if (entry.kind === 'claim' && entry.erasedSince !== undefined && performance.now() - entry.erasedSince > claimLimits.contendedMs) {
			// Not sent. What it wrote stays: another process's write may have recorded the same
			// values since, from a read this claim never saw, and sent them.
			return this.close(entry, new Error(contendedMessage(claimLimits.contendedMs)));
		}
		// After an erasure, a random part of another wait spreads the processes' next writes apart.
		this.dueAfter(entry, settleMs * (entry.attempts === 1 ? 1 : 1 + Math.random()));
	}

	/** The call may or may not have written: its nonce marks the entry, which goes again after a back-off. */
	private failedCall(entry: OpenEntry, nonce: string, error: Error): void {
		entry.markers.push(nonce);
		entry.failures++;
		if (entry.failures > MAX_FAILURES) return this.close(entry, entry.kind === 'heal' ? 'send' : error);
		this.dueAfter(entry, FAILURE_BACKOFF_MS * 2 ** (entry.failures - 1) * (0.5 + Math.random()));
	}

	private close(entry: OpenEntry, outcome: ClaimOutcome | Error): void {
		this.entries.splice(this.entries.indexOf(entry), 1);
		entry.finish(outcome);
	}

	private async removeRefused(): Promise<void> {
		const removals = this.removals.splice(0);
		try {
			await this.calls.remove(removals.flatMap((removal) => removal.values));
			for (const removal of removals) removal.done();
		} catch (error) {
			for (const removal of removals) removal.done(error);
		}
	}

	/** One small removal of what is not a record, when its time has come. False when there is none. */
	private async cleanUp(): Promise<boolean> {
		const referenced = new Set(this.entries.flatMap((entry) => [...entry.markers, ...(entry.check ? [entry.check] : [])]));
		const quiet = !this.entries.some((entry) => entry.kind === 'claim');
		const taken = this.cleanup.take(referenced, quiet);
		if (!taken) return false;
		await this.paced(async () => {
			try {
				await this.calls.remove(taken.values);
				this.cleanup.removed();
				if (taken.nonces.length > 0) this.timers.later(SECOND_PASS_MS, () => this.cleanup.removeAgain(taken.nonces));
			} catch {
				const pause = this.cleanup.failed(taken);
				if (pause !== undefined) this.timers.later(pause, () => this.cleanup.resume());
			}
		});
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
