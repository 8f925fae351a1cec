import { createHash } from 'node:crypto';

import type { Random } from './random';
import type { SimProcess, VirtualTime } from './virtualTime';

/**
 * One row of n8n's processed-data store (one workflow and node), with n8n's rules: each call reads
 * the whole row, changes it and writes it back whole after a round trip, with no lock (the later
 * write wins); values are kept as MD5 hashes; past `maxEntries` the oldest are dropped; a call that
 * finds no row inserts it, and fails like the table's unique constraint when a concurrent call
 * inserted it first. Faults come from the calling process's stream: connection wait, read-to-write
 * time, failing before the read or after the write (the connection dropped after the commit),
 * writing after the node's deadline (late), or never answering.
 */
export interface StoreFaults {
	failBefore: number;
	failAfter: number;
	late: number;
	hang: number;
	/** Chance of a slow call (hundreds of ms to seconds). */
	slow: number;
	/** Fill the row to this many values below maxEntries at the first call (undefined: empty row). */
	nearFullGap: number | undefined;
	/**
	 * A busy, healthy database (sustained contention): a connection at once, a read-to-write time
	 * drawn from `readToWriteMs` plus `perCallMs` for each other call between its read and its write.
	 */
	load?: { readToWriteMs: readonly [number, number]; perCallMs: number };
}

export interface SlowCall {
	process: string;
	readAt: number;
	writeAt: number;
}

/**
 * A write from a read that other processes' writes followed: it erased what they wrote (`erased`:
 * their processes; `erasedWrites`: the calls that wrote a value it took out of the row, each with
 * its process and every value it carried, so a claim's values count as erased when only its nonces
 * were).
 */
export interface StaleWrite {
	process: string;
	readAt: number;
	writeAt: number;
	/** Writes to the row before its read, and before its write (writes in one virtual ms stay in order). */
	readVersion: number;
	writeVersion: number;
	erased: Set<string>;
	erasedWrites: Array<{ process: string; values: string[] }>;
}

/** A removal that wrote: which process made it, what it removed, when it wrote. */
export interface Removal {
	process: string;
	values: string[];
	writeAt: number;
	/** Writes to the row before its own. */
	version: number;
}

export type CallFault = 'none' | 'failBefore' | 'failAfter' | 'late' | 'hang';

const md5 = (value: string) => createHash('md5').update(value).digest('base64');

/** A row as written: `old` values from before the schedule (the oldest; never one of the node's), then `values`. */
interface Row {
	old: number;
	values: string[];
}

/** The row with `added` at its end, the oldest dropped past `maxEntries`. */
function appended(row: Row, added: string[], maxEntries: number | undefined): Row {
	const values = row.values.concat(added);
	let excess = maxEntries ? Math.max(0, row.old + values.length - maxEntries) : 0;
	const old = Math.max(0, row.old - excess);
	excess -= row.old - old;
	return { old, values: excess > 0 ? values.slice(excess) : values };
}

export class SimStore {
	private row: Row | undefined;
	/** Calls under way per process, for the trace and for hung calls. */
	calls = 0;
	/** Calls whose read-to-write time passed 40 ms (the shortest settle wait): who made it, when it read and wrote (true time). */
	readonly slowCalls: SlowCall[] = [];
	readonly removals: Removal[] = [];
	readonly staleWrites: StaleWrite[] = [];
	/** Every record call (checkProcessedAndRecord): its process, its values, when it began. */
	readonly recordCalls: Array<{ process: string; values: string[]; at: number }> = [];
	/** Calls between their read and their write (a loaded store's calls take longer). */
	private reading = 0;
	/** Who wrote each version of the row (index: version - 1). */
	private writers: string[] = [];
	/** No faults and no slow calls from now on (the judge's replay). */
	calm = false;
	private readonly aliases = new Map<string, string>();
	/** The latest call that passed each value (its process and values), by the value's MD5 (what the row holds). */
	private readonly callOf = new Map<string, { process: string; values: string[] }>();
	/** The node's calls: `forced` makes the next calls of a process fault a given way (a bias). */
	readonly forced = new Map<string, CallFault[]>();

	constructor(
		private readonly time: VirtualTime,
		private readonly faults: StoreFaults,
		private readonly trace: (line: string) => void,
	) {}

	/** The values of a call, short, for the trace: K1@d+1 (a request's record for the start's day + 1), n3 (a nonce). */
	private named(values: string[]): string {
		const day = Math.floor(this.time.now / 86_400_000);
		return values
			.map((value) => {
				const [, key, recordDay] = /^(.*)@(\d+)$/.exec(value) ?? [undefined, value, undefined];
				const prefix = recordDay === undefined ? 'n' : 'K';
				let alias = this.aliases.get(key);
				if (!alias) this.aliases.set(key, (alias = `${prefix}${[...this.aliases.values()].filter((a) => a.startsWith(prefix)).length + 1}`));
				const offset = recordDay === undefined ? 0 : Number(recordDay) - day;
				return recordDay === undefined ? alias : `${alias}@d${offset === 0 ? '' : offset > 0 ? `+${offset}` : offset}`;
			})
			.join(' ');
	}

	async check(proc: SimProcess, random: Random, values: string[], maxEntries: number | undefined): Promise<{ new: string[]; processed: string[] }> {
		if (this.row === undefined && this.faults.nearFullGap !== undefined && maxEntries !== undefined) {
			this.row = { old: Math.max(0, maxEntries - this.faults.nearFullGap), values: [] };
		}
		const output = { new: [] as string[], processed: [] as string[] };
		for (const value of values) this.callOf.set(md5(value), { process: proc.name, values });
		this.recordCalls.push({ process: proc.name, values, at: this.time.now });
		const label = await this.call(proc, random, `check [${this.named(values)}]`, true, (row) => {
			const known = new Set(row.values);
			const added: string[] = [];
			for (const value of values) {
				const hash = md5(value);
				if (known.has(hash) || added.includes(hash)) output.processed.push(value);
				else {
					output.new.push(value);
					added.push(hash);
				}
			}
			return appended(row, added, maxEntries);
		});
		this.trace(`${label}: answered, found [${this.named(output.processed)}]`);
		return output;
	}

	async remove(proc: SimProcess, random: Random, values: string[]): Promise<void> {
		await this.call(proc, random, `remove [${this.named(values)}]`, false, (row) => {
			this.removals.push({ process: proc.name, values, writeAt: this.time.now, version: this.writers.length });
			const next = [...row.values];
			for (const value of values) {
				const index = next.indexOf(md5(value));
				if (index !== -1) next.splice(index, 1);
			}
			return { old: row.old, values: next };
		});
	}

	private fault(proc: SimProcess, random: Random): CallFault {
		const forced = this.forced.get(proc.name)?.shift();
		const f = this.faults;
		const drawn = random.weighted<CallFault>([
			[f.failBefore, 'failBefore'],
			[f.failAfter, 'failAfter'],
			[f.late, 'late'],
			[f.hang, 'hang'],
			[Math.max(0, 1 - f.failBefore - f.failAfter - f.late - f.hang), 'none'],
		]);
		return forced ?? drawn;
	}

	/** One call; returns its label for the trace. */
	private async call(proc: SimProcess, random: Random, what: string, insert: boolean, change: (row: Row) => Row): Promise<string> {
		const id = ++this.calls;
		const drawn = this.fault(proc, random);
		const fault = this.calm ? 'none' : drawn;
		const slow = random.chance(this.faults.slow) && !this.calm;
		const { load } = this.faults;
		const waitMs = load ? random.int(0, 1) : slow ? random.int(100, 3_000) : random.int(0, 15);
		// Half the late calls write within 3 s after the node's 30 s deadline: while its retry is under way.
		const drawnRwMs = fault === 'late' ? (random.chance(0.5) ? random.int(30_500, 33_000) : random.int(33_000, 90_000)) : slow ? random.int(50, 2_000) : random.int(1, 20);
		const label = `${proc.name} store#${id}`;
		await this.time.sleep(waitMs);
		const rwMs = load && !this.calm ? random.int(...load.readToWriteMs) + load.perCallMs * this.reading : drawnRwMs;
		if (fault === 'failBefore') {
			this.trace(`${label} ${what}: failed before its read`);
			throw new Error('Connection terminated unexpectedly (simulated, before the read)');
		}
		const existed = this.row !== undefined;
		const read = this.row ?? { old: 0, values: [] };
		const readVersion = this.writers.length;
		const readAt = this.time.now;
		this.trace(`${label} ${what}: read ${read.old + read.values.length} values${fault === 'none' ? '' : ` (${fault})`}`);
		if (!existed && !insert) return label;
		if (fault === 'hang') return await new Promise<string>(() => undefined);
		const slowCall = rwMs > 40 ? { process: proc.name, readAt: this.time.now, writeAt: this.time.now + rwMs } : undefined;
		if (slowCall) this.slowCalls.push(slowCall);
		this.reading++;
		await this.time.sleep(rwMs);
		this.reading--;
		if (!existed && this.row !== undefined) {
			this.trace(`${label}: lost the first insert`);
			throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context');
		}
		const before = new Set(this.row?.values ?? []);
		this.row = change(read);
		const erased = new Set(this.writers.slice(readVersion).filter((writer) => writer !== proc.name));
		if (erased.size > 0) {
			// Taken out by this write though written after its read (not a removal's target, not the oldest dropped).
			for (const hash of [...this.row.values, ...read.values]) before.delete(hash);
			const erasedWrites = [...new Set([...before].flatMap((hash) => this.callOf.get(hash) ?? []))];
			this.staleWrites.push({ process: proc.name, readAt, writeAt: this.time.now, readVersion, writeVersion: this.writers.length, erased, erasedWrites });
		}
		this.writers.push(proc.name);
		this.trace(`${label}: wrote ${this.row.old + this.row.values.length} values`);
		if (fault === 'failAfter') this.trace(`${label}: failed after its write`);
		if (fault === 'failAfter') throw new Error('Connection terminated unexpectedly (simulated, after the write)');
		await this.time.sleep(load ? 0 : random.int(0, 5));
		return label;
	}
}
