import { HEAL_AFTER_MS } from './sentRecords';

/**
 * The records of requests the API refused (a claim of this process won, so the values are its
 * own), taken out of the submission record so that a re-run sends them. All removals waiting at
 * the same time go in one store call. A write of another process from a read taken before the
 * removal puts the values back: each is removed again after the settle wait (when a claim's write
 * is checked, for the same reason), and when a store call of ours that passed its deadline before
 * the removal (or its removal made again) ends after all. The latest `KEPT` removals are
 * remembered for that. A removal made
 * again is skipped when this process has since won a claim of the request again (`keptSince`),
 * and given up (`onGiveUp`: logged) when it fails or cannot be made within `MAX_DELAY_MS` of its
 * time (a slow call held the queue), not tried later: another process may have recorded and sent
 * the request since, and checked its record `HEAL_AFTER_MS` after its send; a later removal would
 * erase that record for good.
 */
const KEPT = 50;
const MAX_DELAY_MS = HEAL_AFTER_MS;

const givenUp = (why: string) => `Aifaceswap submission record: a refused request's record could not be removed again (${why}); a re-run may report it as already submitted`;

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

	/**
	 * Makes the waiting removals in one call (`remove`). `keptSince(t)`: the values of requests this
	 * process won a claim of since `t`. When the call succeeded, `again` is given the removal made
	 * again, to run after the settle wait.
	 */
	async run(
		remove: (values: string[]) => Promise<void>,
		keptSince: (since: number) => Set<string>,
		again: (removeAgain: () => void) => void,
		onGiveUp: (warning: string) => void,
	): Promise<void> {
		const now = performance.now();
		const waiting = this.waiting.splice(0).filter(({ values, since }) => since === undefined || !values.some((value) => keptSince(since).has(value)));
		const removals = waiting.filter(({ dueAt }) => dueAt === undefined || now - dueAt <= MAX_DELAY_MS);
		if (removals.length < waiting.length) onGiveUp(givenUp(`not in time: a database call held it ${Math.round(now - Math.min(...waiting.map(({ dueAt }) => dueAt ?? now)))} ms`));
		if (removals.length === 0) return;
		try {
			await remove(removals.flatMap((removal) => removal.values));
		} catch (error) {
			for (const removal of removals) removal.done?.(error);
			if (removals.some((removal) => removal.done === undefined)) onGiveUp(givenUp((error as Error).message));
			return;
		}
		for (const removal of removals) removal.done?.();
		const at = performance.now();
		this.made.push(...removals.map(({ values, since }) => ({ values, at, since: since ?? at })));
		this.made.splice(0, Math.max(0, this.made.length - KEPT));
		const first = removals.filter((removal) => removal.done !== undefined);
		if (first.length > 0) again(() => this.waiting.push(...first.map(({ values }) => ({ values, since: at, dueAt: performance.now() }))));
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
}
