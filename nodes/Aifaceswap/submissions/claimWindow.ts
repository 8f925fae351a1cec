/**
 * The crash window of a run: its items that hold a submission record but whose request has not
 * gone to the network yet. A crash leaves exactly those recorded but never sent, so there are at
 * most `size` (the run's concurrency) of them: an item claims only when it may, and gives its place
 * up as its request leaves (or when it is not sent). While requests are in flight, claimed items
 * wait for the next slots, so a request still leaves as soon as a slot frees. (A request the API
 * refused with "too many requests" waits to be sent again after it left the window: while the API
 * asks to slow down, up to twice `size` can be recorded and not yet taken.)
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
