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

export const NAMED_SEEDS: NamedSeed[] = [
	{ seed: 37, schedule: 'S1 a first claim call commits, then fails: the retry finds its own marker, the item fails "cannot tell" with no other writer (I4)' },
	{ seed: 3060, schedule: 'S2 a first claim call passes its deadline and writes before the retry: "cannot tell" with no other writer (I4)' },
	{ seed: 344, schedule: 'S3 a late first claim call writes during the retry\'s settle wait: already submitted, nothing ever sent (I3)' },
	{ seed: 1163, schedule: 'S4 a late call of an idle, dropped record erases a new record\'s sent request, nothing heals it: the replay sends it again (I2)' },
	{ seed: 668, schedule: 'S5 a run stopped by a 402: a claimed item\'s removal fails, no error names it, a re-run says already submitted (I3)' },
	{ seed: 416, schedule: 'S6 another process claims while the first one\'s refused request\'s claim is being removed: already submitted, no task (I3)' },
	{ seed: 38, schedule: 'S7 a store call never returns: the sent requests kept for healing grow without bound (I5)' },
	{ seed: 59, schedule: 'a late claim call puts back the record of a refused request after its removal: already submitted, no task (I3)' },
	{ seed: 1216, schedule: 'a run stopped by a 402 reports only that item: other items\' "cannot tell" errors and failed removals are not named (I3)' },
];

/** How many schedules (seeds 1 to this) every run of the unit suite checks. */
export const CI_SCHEDULES = 2_000;

export const KNOWN_BROKEN = new Set<number>([
	25, 37, 38, 52, 55, 59, 66, 73, 88, 89, 104, 125, 127, 142, 161, 174, 175, 177, 188, 189, 190,
	203, 239, 252, 256, 258, 260, 288, 292, 301, 307, 337, 344, 350, 354, 372, 396, 399, 416, 429,
	446, 453, 464, 474, 476, 487, 489, 503, 528, 543, 555, 568, 573, 604, 608, 632, 652, 655, 668,
	670, 678, 686, 691, 725, 748, 752, 762, 769, 780, 807, 808, 809, 820, 824, 830, 843, 860, 866,
	894, 908, 928, 929, 932, 942, 953, 957, 970, 974, 991, 995, 1014, 1030, 1035, 1036, 1044, 1052,
	1071, 1084, 1086, 1090, 1098, 1099, 1100, 1109, 1126, 1133, 1134, 1139, 1140, 1163, 1185, 1189,
	1193, 1198, 1200, 1206, 1214, 1216, 1235, 1241, 1244, 1252, 1257, 1267, 1275, 1277, 1293, 1300,
	1315, 1323, 1337, 1346, 1357, 1362, 1373, 1376, 1403, 1409, 1453, 1458, 1466, 1477, 1479, 1481,
	1486, 1489, 1494, 1500, 1502, 1508, 1513, 1520, 1521, 1525, 1536, 1542, 1579, 1597, 1607, 1611,
	1613, 1622, 1623, 1625, 1637, 1667, 1677, 1678, 1679, 1687, 1720, 1724, 1739, 1768, 1772, 1795,
	1800, 1808, 1816, 1836, 1857, 1858, 1867, 1875, 1879, 1890, 1891, 1898, 1900, 1905, 1906, 1935,
	1939, 1942, 1956, 1958, 1960, 1963, 1966, 1972, 1979, 1980, 1982, 1994, 3060,
]);
