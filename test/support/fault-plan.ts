/**
 * One fault per kind of misbehaviour, given to items by their index, so a batch meets all of them
 * at once and every item's fate is known beforehand. Used against n8n-core and the real n8n.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Fault, MockAifaceswapApi, RecordedRequest } from '../mock-api/server';
import { SOURCE_URL } from './fixtures';
import { endpointOf } from './operations';

/** What must become of an item: its output, and how many requests and tasks it may cost. */
interface FaultCase {
	name: string;
	faults: Fault[];
	outcome: 'task' | 'error';
	requests: number;
	tasks: number;
}

export const FAULT_CASES: FaultCase[] = [
	{ name: 'no fault', faults: [], outcome: 'task', requests: 1, tasks: 1 },
	{ name: 'HTTP 500 before processing', faults: [{ status: 500 }], outcome: 'error', requests: 1, tasks: 0 },
	{ name: 'HTTP 504 after the task was created', faults: [{ processFirst: true }], outcome: 'error', requests: 1, tasks: 1 },
	{
		name: 'HTTP 429 with Retry-After, twice',
		faults: [{ status: 429, headers: { 'Retry-After': '0' }, times: 2 }],
		outcome: 'task',
		requests: 3,
		tasks: 1,
	},
	{
		name: 'HTTP 503 on every attempt',
		faults: [{ status: 503, headers: { 'Retry-After': '0' }, times: 10 }],
		outcome: 'error',
		requests: 4,
		tasks: 0,
	},
	{ name: 'connection dropped before processing', faults: [{ drop: true }], outcome: 'error', requests: 1, tasks: 0 },
	{ name: 'connection dropped after the task was created', faults: [{ drop: true, processFirst: true }], outcome: 'error', requests: 1, tasks: 1 },
	{ name: 'slow answer (1.5 s)', faults: [{ delayMs: 1500 }], outcome: 'task', requests: 1, tasks: 1 },
];

export function faultItemUrl(itemIndex: number): string {
	return `${SOURCE_URL}?item=${itemIndex}`;
}

export function faultCaseOf(itemIndex: number): FaultCase {
	return FAULT_CASES[itemIndex % FAULT_CASES.length];
}

/** Queues each item's faults at the mock; the items' source image URLs tell them apart. */
export function injectFaults(api: MockAifaceswapApi, itemCount: number): void {
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		for (const fault of faultCaseOf(itemIndex).faults) api.fail({ ...fault, match: `${faultItemUrl(itemIndex)}"` });
	}
}

export interface ItemAccount {
	itemIndex: number;
	case: string;
	outcome: 'task' | 'error';
	requests: number;
	tasks: number;
	/** Statuses of the item's requests in order (-1: dropped). */
	statuses: number[];
}

/** What the mock saw and what the node output, per item. */
export function accountItems(api: MockAifaceswapApi, outputs: Array<{ json: IDataObject }>, itemCount: number): ItemAccount[] {
	const byItem = new Map<number, RecordedRequest[]>();
	for (const request of api.apiRequests(endpointOf('image', 'swapFace'))) {
		const match = /\?item=(\d+)$/.exec(String(request.body.source_image));
		if (!match) continue;
		const itemIndex = Number(match[1]);
		byItem.set(itemIndex, [...(byItem.get(itemIndex) ?? []), request]);
	}
	return Array.from({ length: itemCount }, (_, itemIndex) => {
		const requests = byItem.get(itemIndex) ?? [];
		const output = outputs[itemIndex]?.json ?? {};
		return {
			itemIndex,
			case: faultCaseOf(itemIndex).name,
			outcome: typeof output.taskId === 'string' ? 'task' : 'error',
			requests: requests.length,
			tasks: requests.filter((r) => r.taskId).length,
			statuses: requests.map((r) => r.status),
		};
	});
}

/** The same table as accountItems() would give if every item met its fate as planned. */
export function plannedAccount(itemCount: number): ItemAccount[] {
	return Array.from({ length: itemCount }, (_, itemIndex) => {
		const planned = faultCaseOf(itemIndex);
		return {
			itemIndex,
			case: planned.name,
			outcome: planned.outcome,
			requests: planned.requests,
			tasks: planned.tasks,
			statuses: [] as number[],
		};
	});
}

/** Every request of an item but its last was refused unprocessed (429/503): never a second task. */
export function resentOnlyWhenRefused(account: ItemAccount): boolean {
	return account.statuses.slice(0, -1).every((status) => status === 429 || status === 503) && account.tasks <= 1;
}
