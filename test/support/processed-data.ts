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

function recordKey(scope: DeduplicationScope, context: ICheckProcessedContextData): string {
	return `${context.workflow.id}|${scope === 'node' ? `n:${context.node?.id}` : ''}`;
}

const hash = (value: DeduplicationItemTypes) => createHash('md5').update(value.toString()).digest('base64');

class InMemoryProcessedData implements IDataDeduplicator {
	readonly records = new Map<string, string[]>();
	/** Every call, for tests that count them. */
	calls = 0;
	/** Makes the next calls fail, as a database that is down. */
	failWith: Error | undefined;
	/** Makes the next call fail, once. */
	failNextWith: Error | undefined;
	/** Makes the next removals fail (records can still be written). */
	failRemovalsWith: Error | undefined;
	/** How long a call takes from its read to its write (a database round trip). */
	latencyMs = 0;
	/** Calls per record (workflow and scope), and the most that overlapped on one record. */
	readonly callsOf = new Map<string, number>();
	readonly maxOverlapOf = new Map<string, number>();
	private overlap = new Map<string, number>();

	private async access(): Promise<void> {
		this.calls++;
		if (this.failWith) throw this.failWith;
		const once = this.failNextWith;
		this.failNextWith = undefined;
		if (once) throw once;
	}

	/**
	 * Like the database: the record is read, and written back whole after a round trip, with no
	 * lock, so calls at the same time read the same record and the last write wins. A record that
	 * did not exist is inserted: when a concurrent call inserted it first, this one fails like the
	 * unique constraint of n8n's table.
	 */
	private async rewrite(key: string, change: (stored: string[]) => void, { insert = true } = {}): Promise<void> {
		this.callsOf.set(key, (this.callsOf.get(key) ?? 0) + 1);
		const overlap = (this.overlap.get(key) ?? 0) + 1;
		this.overlap.set(key, overlap);
		this.maxOverlapOf.set(key, Math.max(overlap, this.maxOverlapOf.get(key) ?? 0));
		try {
			await this.readAndWrite(key, change, insert);
		} finally {
			this.overlap.set(key, (this.overlap.get(key) ?? 1) - 1);
		}
	}

	private async readAndWrite(key: string, change: (stored: string[]) => void, insert: boolean): Promise<void> {
		const existed = this.records.has(key);
		if (!existed && !insert) return;
		const stored = [...(this.records.get(key) ?? [])];
		change(stored);
		await new Promise((resolve) => (this.latencyMs > 0 ? setTimeout(resolve, this.latencyMs) : setImmediate(resolve)));
		if (!existed && this.records.has(key)) {
			throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context');
		}
		this.records.set(key, stored);
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		context: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		await this.access();
		const output: IDeduplicationOutput = { new: [], processed: [] };
		await this.rewrite(recordKey(scope, context), (stored) => {
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
		await this.access();
		if (this.failRemovalsWith) throw this.failRemovalsWith;
		await this.rewrite(
			recordKey(scope, context),
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
