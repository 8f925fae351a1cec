/**
 * The claim window of a run: its items that hold (or are making) a submission record claim but no
 * request slot yet. An item enters before it claims and leaves when its request takes a slot (or it
 * is not sent). The window is as deep as the claims' own latency requires for requests to leave the
 * moment a slot frees: `concurrency` requests take about `requestMs` each, so `concurrency x
 * claimMs / requestMs` claims must be under way at once, plus one; never fewer than `concurrency`,
 * never more than `MAX_DEPTH_FACTOR x concurrency`.
 *
 * At most `maxItemsHeld(concurrency)` items of a run hold a claim or a request slot at once: the
 * window's deepest plus the slots. It is also what a crash can leave recorded but never sent: the
 * items in the window and those holding a slot whose request has not left yet (request spacing, a
 * shared back-off).
 */
const MAX_DEPTH_FACTOR = 4;

export function maxItemsHeld(concurrency: number): number {
	return (MAX_DEPTH_FACTOR + 1) * concurrency;
}

/** An item's place in the window. */
export interface WindowPlace {
	/** Its claim is decided: its time goes into the window's depth. */
	claimed(): void;
	/** Leaves the window (safe to call twice). */
	leave(): void;
}

export class ClaimWindow {
	private inside = 0;
	private waiting: Array<() => void> = [];
	private claimMs: number | undefined;

	constructor(
		private readonly concurrency: number,
		private readonly requestMs: () => number | undefined,
	) {}

	/** How many items may be in the window now. */
	depth(): number {
		const requestMs = this.requestMs();
		if (this.claimMs === undefined || requestMs === undefined || requestMs <= 0) return this.concurrency;
		const needed = Math.ceil((this.concurrency * this.claimMs) / requestMs) + 1;
		return Math.min(MAX_DEPTH_FACTOR * this.concurrency, Math.max(this.concurrency, needed));
	}

	/** Waits for a place. */
	async enter(): Promise<WindowPlace> {
		if (this.inside < this.depth()) this.inside++;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		const enteredAt = performance.now();
		let left = false;
		return {
			claimed: () => {
				const ms = performance.now() - enteredAt;
				this.claimMs = this.claimMs === undefined ? ms : 0.8 * this.claimMs + 0.2 * ms;
				this.admit();
			},
			leave: () => {
				if (left) return;
				left = true;
				this.inside--;
				this.admit();
			},
		};
	}

	/** Lets waiting items in while there is room (the depth may have grown). */
	private admit(): void {
		while (this.inside < this.depth() && this.waiting.length > 0) {
			this.inside++;
			this.waiting.shift()?.();
		}
	}
}
