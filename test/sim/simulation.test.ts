import { CI_SCHEDULES, KNOWN_BROKEN, NAMED_SEEDS } from './seeds';
import { findingLine, simulateOne } from './simulate';

/**
 * The submission record under the deterministic simulation (test/sim, docs/simulation.md): the
 * named seeds, then seeds 1 to CI_SCHEDULES. A seed in KNOWN_BROKEN must still break (take it out
 * when a fix closes it); any other seed must break no invariant.
 */
describe('submission record simulation', () => {
	it.each(NAMED_SEEDS)('seed $seed: $schedule', async ({ seed, processes }) => {
		const result = await simulateOne(seed, { processes });
		if (KNOWN_BROKEN.has(seed)) expect(result.violations.length).toBeGreaterThan(0);
		else expect(result.violations.map((finding) => findingLine(seed, finding))).toEqual([]);
	});

	it(`breaks no invariant in ${CI_SCHEDULES} schedules outside the known broken seeds`, async () => {
		const unexpected: string[] = [];
		const fixed: number[] = [];
		for (let seed = 1; seed <= CI_SCHEDULES; seed++) {
			const { violations } = await simulateOne(seed);
			if (KNOWN_BROKEN.has(seed) && violations.length === 0) fixed.push(seed);
			if (!KNOWN_BROKEN.has(seed)) unexpected.push(...violations.map((finding) => findingLine(seed, finding)));
		}
		expect({ unexpected, noLongerBroken: fixed.length === 0 ? 'none' : `take out of KNOWN_BROKEN: ${fixed.join(', ')}` }).toEqual({ unexpected: [], noLongerBroken: 'none' });
	}, 180_000);
});
