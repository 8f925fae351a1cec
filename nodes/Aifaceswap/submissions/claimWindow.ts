import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The crash window of a run: its items that hold a record but have no request slot yet. A crash
 * leaves exactly those recorded but never sent, so there are at most `size` (the run's
 * concurrency) of them: an item claims only when it may, and gives its place up as soon as its
 * request takes a slot (or it is not sent). With `size` requests in flight, `size` claimed items
 * wait for the next slots, so requests still leave as soon as a slot frees.
 */
class ClaimWindow {
	private waiting: Array<() => void> = [];

	constructor(private free: number) {}

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

const windowOfRun = new WeakMap<IExecuteFunctions, ClaimWindow>();

/** Opens a run's claim window for `size` items (the batch); a run without one has no limit. */
export function openClaimWindow(ctx: IExecuteFunctions, size: number): void {
	windowOfRun.set(ctx, new ClaimWindow(size));
}

/** Waits for a place in the run's claim window; returns how to leave it (safe to call twice). */
export async function enterClaimWindow(ctx: IExecuteFunctions): Promise<() => void> {
	return (await windowOfRun.get(ctx)?.enter()) ?? (() => undefined);
}
