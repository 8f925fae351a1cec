/**
 * n8n's processed-data store for in-process runs. n8n's server backs it with a database table
 * (`DeduplicationHelper` over `ProcessedDataRepository`); this keeps the same record in memory with
 * the same rules for mode "entries": one record per workflow and scope, values stored as MD5
 * hashes, a read-compare-rewrite per call, the oldest dropped past `maxEntries`. The end-to-end
 * tests use n8n's real one on SQLite and Postgres.
 */
import { createHash } from 'node:crypto';

import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

import { isNonce } from '../../nodes/Aifaceswap/submissions/recordEntries';

function recordKey(scope: DeduplicationScope, context: ICheckProcessedContextData): string {
	return `${context.workflow.id}|${scope === 'node' ? `n:${context.node?.id}` : ''}`;
}

const hash = (value: DeduplicationItemTypes) => createHash('md5').update(value.toString()).digest('base64');

/** The two kinds of store call the node makes: record (and check) values, or remove them. */
export type CallKind = 'check' | 'remove';

/** A store call as the tests see it: its kind, the row (workflow and scope) and how many values it carries. */
export interface StoreCall {
	kind: CallKind;
	key: string;
	values: number;
	/** How many of the values are nonces (a claim's write carries them, a check of a sent record none). */
	nonces: number;
}

function storeCallOf(kind: CallKind, scope: DeduplicationScope, context: ICheckProcessedContextData, items: DeduplicationItemTypes[]): StoreCall {
	return { kind, key: recordKey(scope, context), values: items.length, nonces: items.filter((item) => isNonce(String(item))).length };
}

type CallMatch = (call: StoreCall) => boolean;

/** A call held between its read and its write: `reached` when it got there, `release` lets it write. */
export interface Hang {
	reached: Promise<StoreCall>;
	release(): void;
}

const SQLITE_INSERT_RACE = 'SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context';
const counts = (): Record<CallKind, number> => ({ check: 0, remove: 0 });

class InMemoryProcessedData implements IDataDeduplicator {
	readonly records = new Map<string, string[]>();
	/** Every call, for tests that count them. */
	calls = 0;
	/** Calls of each kind begun, and ended (written, failed or given up). */
	started = counts();
	finished = counts();
	/** Makes the next calls fail, as a database that is down. */
	failWith: Error | undefined;
	/** Makes the next call fail, once. */
	failNextWith: Error | undefined;
	/** Makes the next removals fail (records can still be written). */
	failRemovalsWith: Error | undefined;
	/** How long a call takes from its read to its write (a database round trip). */
	latencyMs = 0;
	/** The read-to-write time of each call, instead of `latencyMs` when set. */
	latencyOf: ((call: StoreCall) => number) | undefined;
	/** Runs between a call's read and its write: what happens there (another process's call) is what the write overwrites. */
	betweenReadAndWrite: ((call: StoreCall) => void | Promise<void>) | undefined;
	/** What a call fails with when a concurrent call inserted the row first (n8n's table's unique constraint), and how often that happened. */
	insertRaceError = SQLITE_INSERT_RACE;
	insertRaces = 0;
	/** Calls per record (workflow and scope), and the most that overlapped on one record. */
	readonly callsOf = new Map<string, number>();
	/** Writes per record (a call that read it and wrote it back). */
	readonly writesOf = new Map<string, number>();
	readonly maxOverlapOf = new Map<string, number>();
	private overlap = new Map<string, number>();
	private failures: Array<{ match: CallMatch; error: Error; fired: boolean }> = [];
	private failuresAfterWrite: Array<{ match: CallMatch; error: Error; fired: boolean }> = [];
	private hangs: Array<{ match: CallMatch; hold: Promise<void>; reached: (call: StoreCall) => void }> = [];
	private releases: Array<() => void> = [];
	/** When a call last began or ended, per record (performance.now(), which mocking Date.now leaves alone). */
	private lastActivity = new Map<string, number>();

	/** The next call that `match`es fails with `error` before it reads (nothing written), once; `fired` tells whether it did. */
	failNext(match: CallMatch, error: Error): { fired: boolean } {
		const rule = { match, error, fired: false };
		this.failures.push(rule);
		return rule;
	}

	/** The next call that `match`es writes, then fails with `error` (a connection dropped after the commit), once. */
	failAfterWrite(match: CallMatch, error: Error): { fired: boolean } {
		const rule = { match, error, fired: false };
		this.failuresAfterWrite.push(rule);
		return rule;
	}

	/** The next call that `match`es (any when not given) stops between its read and its write until released. */
	hangNext(match: CallMatch = () => true): Hang {
		let release: () => void = () => undefined;
		const hold = new Promise<void>((resolve) => (release = resolve));
		let reached: (call: StoreCall) => void = () => undefined;
		const reachedPromise = new Promise<StoreCall>((resolve) => (reached = resolve));
		this.hangs.push({ match, hold, reached });
		this.releases.push(release);
		return { reached: reachedPromise, release };
	}

	/** Waits until no call began or ended on record `key` for `idleMs` (at most `maxMs`): the node's later calls (clean-ups, heals) are done. A held call does not count. */
	async quiet(key: string, idleMs: number, maxMs = 60_000): Promise<void> {
		const until = performance.now() + maxMs;
		while (performance.now() < until) {
			const idle = performance.now() - (this.lastActivity.get(key) ?? 0);
			if (idle >= idleMs) return;
			await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(10, idleMs - idle))));
		}
	}

	/** Back to the defaults: no failures, latency, hooks or hangs (held calls are released); counters at zero. */
	reset(): void {
		for (const release of this.releases.splice(0)) release();
		Object.assign(this, {
			...{ failWith: undefined, failNextWith: undefined, failRemovalsWith: undefined, failures: [], failuresAfterWrite: [], hangs: [] },
			...{ latencyMs: 0, latencyOf: undefined, betweenReadAndWrite: undefined, insertRaceError: SQLITE_INSERT_RACE },
			...{ calls: 0, insertRaces: 0, started: counts(), finished: counts() },
		});
	}

	private async access(call: StoreCall): Promise<void> {
		this.calls++;
		if (this.failWith) throw this.failWith;
		const once = this.failNextWith;
		this.failNextWith = undefined;
		if (once) throw once;
		const failure = this.failures.find((rule) => rule.match(call));
		if (failure) {
			this.failures.splice(this.failures.indexOf(failure), 1);
			failure.fired = true;
			throw failure.error;
		}
		if (call.kind === 'remove' && this.failRemovalsWith) throw this.failRemovalsWith;
	}

	/**
	 * Like the database: the record is read, and written back whole after a round trip, with no
	 * lock, so calls at the same time read the same record and the last write wins. A record that
	 * did not exist is inserted: when a concurrent call inserted it first, this one fails like the
	 * unique constraint of n8n's table.
	 */
	private async rewrite(call: StoreCall, change: (stored: string[]) => void, { insert = true } = {}): Promise<void> {
		const { key } = call;
		this.started[call.kind]++;
		this.lastActivity.set(key, performance.now());
		try {
			await this.access(call);
			this.callsOf.set(key, (this.callsOf.get(key) ?? 0) + 1);
			const overlap = (this.overlap.get(key) ?? 0) + 1;
			this.overlap.set(key, overlap);
			this.maxOverlapOf.set(key, Math.max(overlap, this.maxOverlapOf.get(key) ?? 0));
			try {
				await this.readAndWrite(call, change, insert);
			} finally {
				this.overlap.set(key, (this.overlap.get(key) ?? 1) - 1);
			}
		} finally {
			this.finished[call.kind]++;
			this.lastActivity.set(key, performance.now());
		}
	}

	private async readAndWrite(call: StoreCall, change: (stored: string[]) => void, insert: boolean): Promise<void> {
		const { key } = call;
		const existed = this.records.has(key);
		if (!existed && !insert) return;
		const stored = [...(this.records.get(key) ?? [])];
		change(stored);
		const latencyMs = this.latencyOf ? this.latencyOf(call) : this.latencyMs;
		await new Promise((resolve) => (latencyMs > 0 ? setTimeout(resolve, latencyMs) : setImmediate(resolve)));
		const hang = this.hangs.find((held) => held.match(call));
		if (hang) {
			this.hangs.splice(this.hangs.indexOf(hang), 1);
			hang.reached(call);
			await hang.hold;
		}
		await this.betweenReadAndWrite?.(call);
		if (!existed && this.records.has(key)) {
			this.insertRaces++;
			throw new Error(this.insertRaceError);
		}
		this.records.set(key, stored);
		this.writesOf.set(key, (this.writesOf.get(key) ?? 0) + 1);
		const afterWrite = this.failuresAfterWrite.find((rule) => rule.match(call));
		if (afterWrite) {
			this.failuresAfterWrite.splice(this.failuresAfterWrite.indexOf(afterWrite), 1);
			afterWrite.fired = true;
			throw afterWrite.error;
		}
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const output: IDeduplicationOutput = { new: [], processed: [] };
		const call = storeCallOf('check', scope, context, items);
		await this.rewrite(call, (stored) => {
			const known = new Set(stored);
			for (const item of items) {
				const value = hash(item);
				if (known.has(value)) output.processed.push(item);
				else {
					output.new.push(item);
					stored.push(value);
				}
			}
			if (options.maxEntries) stored.splice(0, Math.max(0, stored.length - options.maxEntries));
		});
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
	): Promise<void> {
		const call = storeCallOf('remove', scope, context, items);
		await this.rewrite(
			call,
			(stored) => {
				for (const item of items) {
					const index = stored.indexOf(hash(item));
					if (index !== -1) stored.splice(index, 1);
				}
			},
			{ insert: false },
		);
	}

	async clearAllProcessedItems(scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<void> {
		this.records.delete(recordKey(scope, context));
	}

	async getProcessedDataCount(scope: DeduplicationScope, context: ICheckProcessedContextData): Promise<number> {
		return this.records.get(recordKey(scope, context))?.length ?? 0;
	}
}

export const processedData = new InMemoryProcessedData();
void DataDeduplicationService.init(processedData);

/** The store double for a test file, back to its defaults after each test (held calls released). */
export function useProcessedData(): InMemoryProcessedData {
	afterEach(() => processedData.reset());
	return processedData;
}

/** The context n8n gives the store for node `nodeId` of workflow `workflowId` (to make another process's call directly). */
export function storeContext(workflowId: string, nodeId = 'aifaceswap-node'): ICheckProcessedContextData {
	return { workflow: { id: workflowId }, node: { id: nodeId } } as unknown as ICheckProcessedContextData;
}

/**
 * Another n8n process's store call on `workflowId`'s row, held between its read and its write:
 * `release` lets it write the row it read (erasing what was written since) and waits for it.
 */
export async function heldCallOfAnotherProcess(workflowId: string): Promise<{ release: () => Promise<void> }> {
	const held = processedData.hangNext((call) => call.kind === 'check' && call.key.startsWith(`${workflowId}|`) && call.values === 1);
	const written = processedData.checkProcessedAndRecord(['another process'], 'node', storeContext(workflowId), { mode: 'entries', maxEntries: 40_000 });
	await held.reached;
	return {
		release: async () => {
			held.release();
			await written;
		},
	};
}
