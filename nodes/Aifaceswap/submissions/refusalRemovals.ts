import { HEAL_AFTER_MS } from './sentRecords';

/**
 * The records of requests the API refused (a claim of this process won, so the values are its
 * own), taken out of the submission record so that a re-run sends them. All removals waiting at
 * the same time go in one store call.
 *
 * A write of another process from a read taken before the removal puts the values back, so each
 * is removed again: after the settle wait (when a claim's write is checked, for the same reason),
 * and when a store call of ours that passed its deadline before the removal (or its removal made
 * again) ends after all. The latest `KEPT` removals are remembered for that.
 *
 * A removal made again must not take the record of a request sent since. This process's own are
 * known (`keptSince`: skipped), and so are requests it was claiming again when the removal became
 * due: a removal would take the values of another process's new claim too, leaving that claim's
 * nonce, and this process's claim, written again, would then pass for that claim's own write: both
 * would send. (A claim opened later finds the removal made, or the put-back, which it cannot tell
 * from another run's record.) Another process that recorded the request after the removal checks
 * its record `HEAL_AFTER_MS` after its send and writes it again if it vanished: so a removal made
 * again counts only when it ended within `MAX_DELAY_MS` of its time. One that cannot start in
 * time (a slow call held the queue) is not made; one that ended later (or failed later: it may
 * have written) may have landed after such a check, so its values are written back. Each is given
 * up (logged), as is one that failed. The refused request then stays recorded: a re-run reports
 * it as already submitted, which costs nothing.
 */
const KEPT = 50;
const MAX_DELAY_MS = HEAL_AFTER_MS;

/** What the removals need of the record: its store calls, its timers, what it knows of its own requests. */
export interface RemovalIo {
	remove(values: string[]): Promise<void>;
	record(values: string[]): Promise<void>;
	/** Runs `then` after the settle wait. */
	afterSettle(then: () => void): void;
	/** The values of requests this process won a claim of since `since`, or checks, or had a claim of open at `dueAt`. */
	keptSince(since: number, dueAt: number): Set<string>;
	warn(message: string): void;
}

/** The warning for removals made again that were given up; it names their records (`recordValues`: the request's key and day). */
const givenUp = (why: string, removals: Removal[]) =>
	`Aifaceswap submission record: a refused request's record could not be removed again (${why}); a re-run may report it as already submitted (records ${removals.map(({ values }) => values[0]).join(', ')})`;

interface Removal {
	values: string[];
	/** Tells the caller how the removal went (none for a removal made again). */
	done?: (error?: unknown) => void;
	/** A removal made again: when it was first made, and when it became due. */
	since?: number;
	dueAt?: number;
}

export class RefusalRemovals {
	private waiting: Removal[] = [];
	/** Removals made, first or again: when, and when the first was made. */
	private made: Array<{ values: string[]; at: number; since: number }> = [];

	constructor(private readonly io: RemovalIo) {}

	/** `removeNow`: wakes the record so that the removal goes with its next call. */
	async remove(values: string[], removeNow: () => void): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.waiting.push({ values, done: (error) => (error === undefined ? resolve() : reject(error)) });
			removeNow();
		});
	}

	get pending(): boolean {
		return this.waiting.length > 0;
	}

	/** Makes the waiting removals in one call. */
	async run(): Promise<void> {
		const now = performance.now();
		const waiting = this.waiting.splice(0).filter(({ values, since, dueAt }) => since === undefined || !values.some((value) => this.io.keptSince(since, dueAt ?? now).has(value)));
		const overdue = waiting.filter(({ dueAt }) => dueAt !== undefined && now - dueAt > MAX_DELAY_MS);
		if (overdue.length > 0) this.io.warn(givenUp(`not in time: a database call held it ${heldMs(overdue, now)} ms`, overdue));
		const removals = waiting.filter((removal) => !overdue.includes(removal));
		if (removals.length === 0) return;
		let failure: Error | undefined;
		try {
			await this.io.remove(removals.flatMap((removal) => removal.values));
		} catch (error) {
			failure = error as Error;
		}
		const at = performance.now();
		// A call that fails may have written: a late one is written back too.
		const late = removals.filter(({ dueAt }) => dueAt !== undefined && at - dueAt > MAX_DELAY_MS);
		if (late.length > 0) await this.writeBack(late, at);
		for (const removal of removals) removal.done?.(failure);
		if (failure !== undefined) {
			const again = removals.filter((removal) => removal.done === undefined && !late.includes(removal));
			if (again.length > 0) this.io.warn(givenUp(failure.message, again));
			return;
		}
		this.made.push(...removals.filter((removal) => !late.includes(removal)).map(({ values, since }) => ({ values, at, since: since ?? at })));
		this.made.splice(0, Math.max(0, this.made.length - KEPT));
		const first = removals.filter((removal) => removal.done !== undefined);
		if (first.length > 0) this.io.afterSettle(() => this.waiting.push(...first.map(({ values }) => ({ values, since: at, dueAt: performance.now() }))));
	}

	/** The values removed since `startedAt` (the latest `KEPT` removals). */
	madeSince(startedAt: number): string[] {
		return this.made.filter((made) => made.at >= startedAt).flatMap((made) => made.values);
	}

	/** A late call that started at `startedAt` has ended: the removals made since go again. */
	lateCallEnded(startedAt: number): void {
		const dueAt = performance.now();
		const undone = new Map(this.made.filter((made) => made.at >= startedAt).map(({ values, since }) => [values.join(), { values, since, dueAt }]));
		this.waiting.push(...undone.values());
	}

	/** Removals made again that ended too late: their values go back (another process's record may have been among them). */
	private async writeBack(late: Removal[], at: number): Promise<void> {
		try {
			await this.io.record(late.flatMap((removal) => removal.values));
			this.io.warn(givenUp(`a database call held it ${heldMs(late, at)} ms; its values were written back`, late));
		} catch (error) {
			this.io.warn(givenUp(`a database call held it ${heldMs(late, at)} ms, and writing its values back failed: ${(error as Error).message}; a request another n8n process sent meanwhile may be sent again`, late));
		}
	}
}

/** How long past its time the most overdue of `removals` is at `at`. */
function heldMs(removals: Removal[], at: number): number {
	return Math.round(at - Math.min(...removals.map(({ dueAt }) => dueAt ?? at)));
}
