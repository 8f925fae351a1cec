import type { INode } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { RunStoppedError } from './errors';

/**
 * The back-off shared by all requests of a run: when the API says "too many requests" or cannot be
 * reached, every request waits, not only the one that was told, so a batch backs off together
 * instead of hammering the API.
 */
class SharedBackoff {
	private resumeAt = 0;

	pause(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	async ready(): Promise<void> {
		for (let left = this.resumeAt - Date.now(); left > 0; left = this.resumeAt - Date.now()) {
			await sleep(left);
		}
	}
}

/**
 * Spreads a run's requests evenly over time instead of in bursts. Answers to requests sent
 * together arrive together, and n8n (one thread) then prepares all the next requests at once, so
 * they leave late and together again. Keeping sends 80 % of (average request time / concurrency)
 * apart breaks such bursts within a few requests. That spacing allows more requests per second
 * than `concurrency` requests in flight can make, so it never lowers a batch's pace, and the API
 * sees a steady rate. With concurrency 1 there is nothing to spread.
 */
class RequestPacer {
	private nextSendAt = 0;
	private averageMs: number | undefined;

	constructor(private readonly concurrency: number) {}

	async turn(): Promise<void> {
		const now = Date.now();
		if (this.averageMs === undefined || this.concurrency === 1) return;
		const sendAt = Math.max(now, this.nextSendAt);
		this.nextSendAt = sendAt + (0.8 * this.averageMs) / this.concurrency;
		if (sendAt > now) await sleep(sendAt - now);
	}

	/** How long a request took, from sending to its answer. */
	observe(ms: number): void {
		this.averageMs = this.averageMs === undefined ? ms : 0.8 * this.averageMs + 0.2 * ms;
	}

	/** The recent average time of a request (undefined before the first answer). */
	get average(): number | undefined {
		return this.averageMs;
	}
}

/**
 * At most `concurrency` requests in flight. Requests carry their position in the run (the item's
 * index): once the run stops after a position, later positions get no slot.
 */
class RequestSlots {
	private waiting: Array<{ position: number; resolve: () => void; reject: (error: Error) => void }> = [];
	private stop: { after: number; reason: Error } | undefined;

	constructor(private free: number) {}

	async acquire(position: number): Promise<void> {
		if (this.stop && position > this.stop.after) throw this.stop.reason;
		if (this.free > 0) {
			this.free--;
			return;
		}
		await new Promise<void>((resolve, reject) => this.waiting.push({ position, resolve, reject }));
	}

	/** Frees a slot; true when a waiting request took it over. */
	release(): boolean {
		const next = this.waiting.shift();
		if (next) next.resolve();
		else this.free++;
		return next !== undefined;
	}

	stopAfter(position: number, reason: Error): void {
		this.stop = { after: Math.min(position, this.stop?.after ?? position), reason };
		const { after } = this.stop;
		for (const waiter of this.waiting.filter((w) => w.position > after)) waiter.reject(reason);
		this.waiting = this.waiting.filter((w) => w.position <= after);
	}
}

/** Retry timing: the first back-off, doubled each attempt, never longer than the maximum. */
const BACKOFF = { firstMs: 500, maxMs: 30_000 };

/**
 * How long an item whose request just finished lets the next request leave before it goes on
 * (n8n needs about 3 ms to send a request; preparing an item takes about as long).
 */
const HANDOVER_MS = 5;

/**
 * How a run's requests share the API: at most `concurrency` in flight, paced evenly, backing off
 * together. Made by the run and passed to the transport. `stopOnFailure`: a failed request stops
 * the run before its slot goes to a later item (items after it send nothing).
 */
export class RequestThrottle {
	private readonly backoff = new SharedBackoff();
	private readonly pacer: RequestPacer;
	private readonly slots: RequestSlots;

	constructor(
		private readonly node: INode,
		concurrency: number,
		private readonly stopOnFailure: boolean,
	) {
		this.pacer = new RequestPacer(concurrency);
		this.slots = new RequestSlots(concurrency);
	}

	/** Waits for a slot; throws RunStoppedError when the run stopped before `position`. */
	async acquire(position: number): Promise<void> {
		await this.slots.acquire(position);
	}

	/**
	 * Frees the slot of the request at `position`. n8n runs every item on one thread: the request
	 * that takes the slot over goes through n8n's request path to the network first, before this
	 * item's worker prepares its next item.
	 */
	async release(position: number, failed: boolean): Promise<void> {
		if (failed && this.stopOnFailure) this.stopAfter(position);
		if (this.slots.release()) await sleep(HANDOVER_MS);
	}

	/** Items after `position` send nothing more; requests waiting for a slot fail with RunStoppedError. */
	stopAfter(position: number): void {
		this.slots.stopAfter(position, new RunStoppedError(this.node));
	}

	/** Waits out a shared back-off, then the request's turn in the pacing. */
	async turn(): Promise<void> {
		await this.backoff.ready();
		await this.pacer.turn();
	}

	/** A request took `ms` from sending to its answer. */
	observe(ms: number): void {
		this.pacer.observe(ms);
	}

	/** The recent average time from sending a request to its answer (undefined before the first answer). */
	averageRequestMs(): number | undefined {
		return this.pacer.average;
	}

	/** Every request of the run waits before attempt `attempt + 1` (Retry-After when the API gave one). */
	backOff(attempt: number, retryAfterMs?: number): void {
		this.backoff.pause(Math.min(retryAfterMs ?? BACKOFF.firstMs * 2 ** (attempt - 1), BACKOFF.maxMs));
	}
}
