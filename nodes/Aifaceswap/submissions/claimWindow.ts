/**
 * The claim window of a run: its items that hold a submission record but no request slot yet, at
 * most `size` (the run's concurrency): an item claims only when it may, and gives its place up when
 * its request takes a slot (or it is not sent). With `size` requests in flight, `size` claimed
 * items wait for the next slots, so requests still leave as soon as a slot frees. A crash leaves
 * recorded but never sent the items in the window and those holding a slot whose request has not
 * left yet (request spacing, a shared back-off): at most twice `size`.
 */
export class ClaimWindow {
	private waiting: Array<() => void> = [];

	constructor(private free: number) {}

	/** Waits for a place; returns how to leave it (safe to call twice). */
	async enter(): Promise<() => void> {
		if (this.free > 0) this.free--;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		let left = false;
		return () => {
			if (left) return;
			left = true;
			const next = this.waiting.shift();
			if (next) next();
			else this.free++;
		};
	}
}
