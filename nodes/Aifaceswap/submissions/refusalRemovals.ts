/**
 * The records of requests the API refused (a claim of this process won, so the values are its
 * own), taken out of the submission record so that a re-run sends them. All removals waiting at
 * the same time go in one store call. A write of another process from a read taken before the
 * removal puts the values back: each is removed again after the settle wait (when a claim's write
 * is checked, for the same reason), and when a store call of ours that passed its deadline before
 * the removal ends after all, unless this process recorded the request again since. The latest
 * `KEPT` removals are remembered for that.
 */
const KEPT = 50;

interface Removal {
	values: string[];
	/** Tells the caller how the removal went (none for the second removal). */
	done?: (error?: unknown) => void;
}

export class RefusalRemovals {
	private waiting: Removal[] = [];
	private made: Array<{ values: string[]; at: number }> = [];

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
	 * Makes the waiting removals in one call (`remove`). When it succeeded, `again` is given what
	 * to remove a second time, to run after the settle wait.
	 */
	async run(remove: (values: string[]) => Promise<void>, again: (removeAgain: (recordedAgain: Set<string>) => void) => void): Promise<void> {
		const removals = this.waiting.splice(0);
		try {
			await remove(removals.flatMap((removal) => removal.values));
		} catch (error) {
			for (const removal of removals) removal.done?.(error);
			return;
		}
		for (const removal of removals) removal.done?.();
		const first = removals.filter((removal) => removal.done !== undefined).map((removal) => removal.values);
		if (first.length === 0) return;
		const at = performance.now();
		this.made.push(...first.map((values) => ({ values, at })));
		this.made.splice(0, Math.max(0, this.made.length - KEPT));
		again((recordedAgain) => this.again(first, recordedAgain));
	}

	/** A late call that started at `startedAt` has ended: the removals made since go again. */
	lateCallEnded(startedAt: number, recordedAgain: Set<string>): void {
		this.again(this.made.filter((made) => made.at >= startedAt).map((made) => made.values), recordedAgain);
	}

	private again(removed: string[][], recordedAgain: Set<string>): void {
		for (const values of removed) if (!values.some((value) => recordedAgain.has(value))) this.waiting.push({ values });
	}
}
