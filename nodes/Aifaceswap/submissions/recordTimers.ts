import { sleep } from 'n8n-workflow';

import type { RecordEntry } from './recordEntries';

/**
 * The submission record's timing: its store calls leave at least `GAP_FACTOR` times the last call's
 * length apart (at most `MAX_GAP_MS`), so that other processes' calls find the row free and this
 * process's next read comes after their writes (calls back to back each read the row this process
 * wrote last: each process then sees only its own writes, and a claim wins in each; docs/
 * simulation.md, "Sustained contention"); a due check of a sent record goes with a claim's call
 * when one comes within `HEAL_RIDE_MS` (while a batch claims, one call does both); and its timers
 * (settle waits, back-offs, heals, second passes), which keep the record awake while they run. Timers use n8n's `sleep`: node code has no timer functions. Durations here and in the other
 * submission modules use `performance.now()`, which a wall-clock step (or a test's clock) leaves alone.
 */
const GAP_FACTOR = 2;
/** A slow or stuck call must not hold the next one back longer than a settle wait at most. */
const MAX_GAP_MS = 1_000;
/** How long a due heal waits, at most, to go with a claim's store call rather than in one of its own. */
export const HEAL_RIDE_MS = 250;

/** What the timing needs of a record entry. */
type Timed = Pick<RecordEntry, 'kind' | 'due' | 'waited'>;

/** The due entries that go in the next call: none while they are heals only that can still wait for a claim's call. */
export function goingNow<T extends Timed>(entries: T[]): T[] {
	const due = entries.filter((entry) => entry.due);
	return due.some((entry) => entry.kind === 'claim' || entry.waited) ? due : [];
}

export class RecordTimers {
	private nextCallAt = 0;
	private running = 0;

	constructor(
		/** Called when a timer has run, to look for work. */
		private readonly wake: () => void,
		/** How long the last store call took. */
		private readonly lastCallMs: () => number,
	) {}

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

	/** Makes `entry` due after `ms` (`poke`: at once when 0); a due heal may go alone `HEAL_RIDE_MS` later. */
	dueAfter(entry: Timed, ms: number, poke: () => void): void {
		entry.due = entry.waited = false;
		const due = () => {
			entry.due = true;
			if (entry.kind === 'heal') this.later(HEAL_RIDE_MS, () => (entry.waited = entry.due));
		};
		if (ms > 0) return this.later(ms, due);
		due();
		poke();
	}

	/** Makes a store call once the gap after the previous one has passed. */
	async paced(work: () => Promise<void>): Promise<void> {
		const wait = this.nextCallAt - performance.now();
		if (wait > 0) await sleep(wait);
		try {
			await work();
		} finally {
			this.nextCallAt = performance.now() + Math.min(MAX_GAP_MS, GAP_FACTOR * this.lastCallMs());
		}
	}
}
