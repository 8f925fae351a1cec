import { Random } from './random';
import type { SimProcess } from './virtualTime';
import { VirtualTime } from './virtualTime';

/** Code that is not a simulated process's keeps the real clock and randomness (why: `VirtualTime.install`). */
describe('virtual time', () => {
	const START_MS = Date.UTC(2031, 0, 1);
	const proc: SimProcess = { name: 'n1', dateOffsetMs: 0, perfOriginMs: 5, killed: false };

	it('is the clock and randomness of simulated processes only', () => {
		const time = new VirtualTime(START_MS, new Random(1, 'test'));
		const realBefore = performance.now();
		let foreign = { clock: 0, words: new Uint32Array(4) };
		let simulated = { clock: 0, words: new Uint32Array(4) };
		time.install();
		try {
			foreign = { clock: performance.now(), words: crypto.getRandomValues(new Uint32Array(4)) };
			time.within(proc, () => {
				simulated = { clock: performance.now(), words: crypto.getRandomValues(new Uint32Array(4)) };
			});
		} finally {
			time.uninstall();
		}
		expect(foreign.clock).toBeGreaterThanOrEqual(realBefore);
		expect(foreign.clock).toBeLessThan(performance.now() + 1);
		expect(simulated.clock).toBe(START_MS - 5);

		const again = new VirtualTime(START_MS, new Random(1, 'test'));
		again.install();
		try {
			const words = again.within(proc, () => crypto.getRandomValues(new Uint32Array(4)));
			expect([...words]).toEqual([...simulated.words]);
		} finally {
			again.uninstall();
		}
		expect([...foreign.words]).not.toEqual([...simulated.words]);
	});
});
