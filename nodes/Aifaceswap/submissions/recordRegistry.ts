import type { IExecuteFunctions } from 'n8n-workflow';

import { SubmissionRecord } from './submissionRecord';

/**
 * One submission record per node and n8n process: every execution of the node in this process
 * shares it, so every store call of the node goes through its one queue. An idle record is
 * dropped (with the execution it holds) and made anew at the next use.
 */
const records = new Map<string, SubmissionRecord>();

/** This node's record, shared by every execution of it in this process. */
export function submissionRecordOf(ctx: IExecuteFunctions): SubmissionRecord {
	const id = `${ctx.getWorkflow().id ?? ''}/${ctx.getNode().id}`;
	let record = records.get(id);
	if (!record) {
		const made = new SubmissionRecord(ctx, () => {
			if (records.get(id) === made) records.delete(id);
		});
		record = made;
		records.set(id, record);
	}
	return record;
}
