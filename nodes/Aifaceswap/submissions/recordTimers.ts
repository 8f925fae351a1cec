import { sleep } from 'n8n-workflow';

/**
 * The submission record's timing: its store calls leave at least `GAP_FACTOR` times the last call's
 * length apart (at most `MAX_GAP_MS`), so that other processes' calls find the row free; and its
 * timers (settle waits, back-offs, heals, second passes), which keep the record awake while they
 * run. Timers use n8n's `sleep`: node code has no timer functions. Durations here and in the other
 * submission modules use `performance.now()`, which a wall-clock step (or a test's clock) leaves alone.
 */
const GAP_FACTOR = 2;
/** A slow or stuck call must not hold the next one back longer than a settle wait at most. */
const MAX_GAP_MS = 1_000;

export class RecordTimers {
	private nextCallAt = 0;
	private running = 0;

	/** `wake`: called when a timer has run, to look for work. */
	constructor(private readonly wake: () => void) {}

	/** No timer is under way. */
	get idle(): boolean {
		return this.running === 0;
	}

	/** Runs `then` after `ms`, then wakes the record. */
	later(ms: number, then: () => void): void {
		this.running++;
		void sleep(ms).then(() => {
			this.running--;
			then();
			this.wake();
		});
	}

	/** Makes a store call once the gap after the previous one has passed; `lastMs`: how long the call took. */
	async paced(work: () => Promise<void>, lastMs: () => number): Promise<void> {
		const wait = this.nextCallAt - performance.now();
		if (wait > 0) await sleep(wait);
		try {
			await work();
		} finally {
			this.nextCallAt = performance.now() + Math.min(MAX_GAP_MS, GAP_FACTOR * lastMs());
		}
	}
}
