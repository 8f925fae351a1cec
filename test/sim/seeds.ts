/**
 * Seeds the simulation replays on every run (`simulation.test.ts`).
 *
 * `NAMED_SEEDS`: schedules found on the record, each with what it shows. `KNOWN_BROKEN`: seeds
 * whose violations the record does not close yet; the test expects them to break (so the list stays
 * true). When a fix closes one, the test names it: take it out of the list. Once the record is
 * fixed, `KNOWN_BROKEN` is empty and every seed must pass.
 */
export interface NamedSeed {
	seed: number;
	/** What the schedule shows, and the invariant it broke on the record where it was found. */
	schedule: string;
}

export const NAMED_SEEDS: NamedSeed[] = [];

/** How many schedules (seeds 1 to this) every run of the unit suite checks. */
export const CI_SCHEDULES = 2_000;

// prettier-ignore
export const KNOWN_BROKEN = new Set<number>([
	32, 1189,
]);
