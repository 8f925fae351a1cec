import { AsyncLocalStorage } from 'node:async_hooks';

import type { Random } from './random';

/**
 * Virtual time for one schedule. While installed, `setTimeout`, `Date.now`, `performance.now`,
 * `Math.random` and `crypto.getRandomValues` are the simulation's: timers run in the order of their
 * virtual time (hours pass in milliseconds), and each simulated n8n process reads its own clock
 * (its offset from true time: clock skew) from the process whose code is running, which an
 * AsyncLocalStorage carries through promises and timers. A killed process's timers never run.
 */
export interface SimProcess {
	name: string;
	/** Date.now() of this process minus true time (clock skew). */
	dateOffsetMs: number;
	/** performance.now() of this process minus true time. */
	perfOriginMs: number;
	killed: boolean;
}

interface Timer {
	at: number;
	seq: number;
	run: () => void;
	owner: SimProcess | undefined;
}

const realSetImmediate = setImmediate;
/** One for all schedules: every AsyncLocalStorage made costs every later promise a little. */
const processOfCode = new AsyncLocalStorage<SimProcess>();
const settle = async () => await new Promise<void>((resolve) => realSetImmediate(resolve));

export class VirtualTime {
	/** True time (ms since the epoch). */
	now: number;
	private timers: Timer[] = [];
	private seq = 0;
	/** Timers run so far. */
	events = 0;
	private readonly context = processOfCode;
	private restore: Array<() => void> = [];

	constructor(
		startMs: number,
		private readonly random: Random,
	) {
		this.now = startMs;
	}

	/** The simulated process whose code runs now (undefined: the harness). */
	current(): SimProcess | undefined {
		return this.context.getStore();
	}

	/** Runs `work` as code of process `owner`. */
	within<T>(owner: SimProcess | undefined, work: () => T): T {
		return owner ? this.context.run(owner, work) : this.context.exit(work);
	}

	/** Runs `run` after `ms` of virtual time, as code of the process that asked (or `owner`). */
	after(ms: number, run: () => void, owner = this.current()): void {
		const timer = { at: this.now + Math.max(0, ms || 0), seq: this.seq++, run, owner };
		let low = 0;
		let high = this.timers.length;
		while (low < high) {
			const mid = (low + high) >> 1;
			const other = this.timers[mid];
			if (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq)) low = mid + 1;
			else high = mid;
		}
		this.timers.splice(low, 0, timer);
	}

	async sleep(ms: number, owner = this.current()): Promise<void> {
		await new Promise<void>((resolve) => this.after(ms, resolve, owner));
	}

	/** Runs timers in order until none is left or virtual time reaches `untilMs`; false when stopped by the limit. */
	async run(untilMs: number): Promise<boolean> {
		await settle();
		for (;;) {
			const timer = this.timers.shift();
			if (!timer) return true;
			if (timer.owner?.killed) continue;
			if (timer.at > untilMs) {
				this.timers.unshift(timer);
				return false;
			}
			this.now = Math.max(this.now, timer.at);
			this.events++;
			this.within(timer.owner, timer.run);
			await settle();
		}
	}

	/** Timers waiting (of processes alive). */
	pending(): number {
		return this.timers.filter((timer) => !timer.owner?.killed).length;
	}

	install(): void {
		const time = this;
		const random = this.random;
		const replace = <T extends object, K extends keyof T>(target: T, key: K, value: T[K]) => {
			const had = Object.getOwnPropertyDescriptor(target, key);
			Object.defineProperty(target, key, { value, configurable: true, writable: true });
			this.restore.push(() => (had ? Object.defineProperty(target, key, had) : delete target[key]));
		};
		const fakeTimeout = (run: () => void, ms?: number) => {
			time.after(ms ?? 0, run);
			return { ref: () => undefined, unref: () => undefined, hasRef: () => false };
		};
		replace(globalThis, 'setTimeout', fakeTimeout as unknown as typeof setTimeout);
		replace(Date, 'now', () => time.now + (time.current()?.dateOffsetMs ?? 0));
		// `performance` and `crypto` are the one object of all jest's test files: code of another
		// file still running (its records' real timers) keeps the real ones, or it would read a
		// virtual clock on real timers (a wait of decades cut to 1 ms, for ever) and draw this
		// schedule's random numbers
		const realPerformanceNow = performance.now.bind(performance);
		const realGetRandomValues = crypto.getRandomValues.bind(crypto) as <T>(array: T) => T;
		replace(performance, 'now', () => {
			const owner = time.current();
			return owner ? time.now - owner.perfOriginMs : realPerformanceNow();
		});
		replace(Math, 'random', () => random.next());
		replace(globalThis.crypto, 'getRandomValues', (<T extends ArrayBufferView | null>(array: T): T => {
			if (!time.current()) return realGetRandomValues(array);
			// by its tag, not instanceof: under jest the node's modules may make arrays of another realm
			const kind = Object.prototype.toString.call(array);
			const words = array as unknown as Uint32Array;
			if (kind === '[object Uint32Array]') for (let i = 0; i < words.length; i++) words[i] = Math.floor(random.next() * 4294967296);
			else if (kind === '[object Uint8Array]') for (let i = 0; i < words.length; i++) words[i] = Math.floor(random.next() * 256);
			else throw new Error('simulation: getRandomValues of an unexpected array type');
			return array;
		}) as typeof crypto.getRandomValues);
	}

	uninstall(): void {
		for (const undo of this.restore.splice(0).reverse()) undo();
	}
}
