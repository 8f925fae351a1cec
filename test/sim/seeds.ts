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
	26, 38, 59, 127, 176, 177, 188, 189, 203, 223, 239, 252, 260, 292, 301, 307, 337, 350, 354, 396, 398, 416, 429, 446, 453, 487, 489, 503, 541, 543, 568, 571, 604, 608, 652, 668, 670, 686, 746, 748, 762, 808, 809, 824, 928, 932, 942, 957, 970, 974, 991, 995, 1014, 1031, 1036, 1044, 1090, 1100, 1109, 1126, 1134, 1189, 1200, 1206, 1216, 1241, 1243, 1244, 1252, 1275, 1277, 1293, 1315, 1337, 1346, 1357, 1373, 1376, 1382, 1383, 1409, 1453, 1458, 1477, 1486, 1489, 1494, 1502, 1508, 1521, 1536, 1542, 1566, 1613, 1623, 1625, 1667, 1677, 1772, 1808, 1836, 1857, 1858, 1875, 1879, 1890, 1891, 1898, 1905, 1931, 1939, 1942, 1956, 1972, 1979, 1980, 1994,
]);
