import { isNonce } from './recordEntries';

/**
 * Values in the submission record that are not a record of a sent request, and when they go:
 * - nonces (see `recordEntries.ts`), handed over once no open entry looks for one; another process's write
 *   from a read taken before their removal can put them back, so each is removed a second time
 *   `SECOND_PASS_MS` later (nobody else writes them);
 * - "stretch" values: values a claim wrote that turned out to be recorded by another writer, which
 *   nobody else's read found. Left, they would make the request's window longer. They are removed
 *   once; a copy put back only makes that window longer, never shorter.
 * A value that any read found is never removed here: it may be another request's record.
 *
 * The clean-up waits for a quiet moment (no claim making calls) or for `BATCH` values, and takes at most
 * `BATCH` values per store call: n8n's removal costs a search of the whole row per value, so a
 * large one would be the slowest call of all, and a long call is the one that can outlast another
 * process's settle wait and erase its write.
 */
const BATCH = 100;
const SECOND_PASS_MS = 3_000;
/** After a failed removal the clean-up waits, longer each time, and gives up after the last. */
const FAILURE_WAITS_MS = [1_000, 5_000, 30_000];

/** A removal: its values, and the nonces among them removed for the first time. */
interface Taken {
	values: string[];
	nonces: string[];
}

export class RecordCleanup {
	private nonces = new Set<string>();
	private stretch = new Set<string>();
	/** Removed nonces whose second removal is due (the scheduler's timer adds them). */
	private secondPass: string[] = [];
	private failures = 0;
	private paused = false;

	/** A nonce a store call carried (written, or maybe written) that no open entry looks for any more. */
	wrote(nonce: string): void {
		this.nonces.add(nonce);
	}

	addStretch(values: string[]): void {
		for (const value of values) this.stretch.add(value);
	}

	/** The values to remove in the next call, if now is the time (`quiet`: no claim is making calls). `nonces`: those removed for the first time. */
	take(quiet: boolean): Taken | undefined {
		if (this.paused) return undefined;
		const nonces = [...this.nonces];
		const ready = nonces.length + this.stretch.size + this.secondPass.length;
		if (ready === 0 || (!quiet && ready < BATCH)) return undefined;
		const values = this.secondPass.splice(0, BATCH);
		const firstPass: string[] = [];
		for (const nonce of nonces) {
			if (values.length >= BATCH) break;
			values.push(nonce);
			firstPass.push(nonce);
			this.nonces.delete(nonce);
		}
		for (const value of this.stretch) {
			if (values.length >= BATCH) break;
			values.push(value);
			this.stretch.delete(value);
		}
		return { values, nonces: firstPass };
	}

	/**
	 * Makes the removal `take` gave with `remove` (a store call). The nonces removed for the first
	 * time are removed again `SECOND_PASS_MS` later; `later` runs that timer.
	 */
	async remove(taken: Taken, remove: (values: string[]) => Promise<void>, later: (ms: number, then: () => void) => void): Promise<void> {
		try {
			await remove(taken.values);
			this.failures = 0;
			if (taken.nonces.length > 0) later(SECOND_PASS_MS, () => this.secondPass.push(...taken.nonces));
		} catch {
			const pause = this.failed(taken);
			if (pause !== undefined) later(pause, () => (this.paused = false));
		}
	}

	/**
	 * The removal failed: its values wait for the next one, after the returned pause; after the
	 * last, they are left (they only take room).
	 */
	private failed(taken: Taken): number | undefined {
		if (this.failures >= FAILURE_WAITS_MS.length) {
			this.nonces.clear();
			this.stretch.clear();
			this.secondPass = [];
			this.failures = 0;
			return undefined;
		}
		this.paused = true;
		const pause = FAILURE_WAITS_MS[this.failures++];
		for (const value of taken.values) {
			if (isNonce(value)) this.nonces.add(value);
			else this.stretch.add(value);
		}
		return pause;
	}
}
