/**
 * Runs of one saved workflow's image swap by any number of n8n "processes" (see `anotherProcess`),
 * and what the mock API saw of them: for the submission record's tests.
 */
import type { INodeType } from 'n8n-workflow';

import type { MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from './fixtures';
import type { RunResult } from './n8n';
import { runAifaceswap } from './n8n';

export const IMAGE_SWAP = { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL };

/** A swap request of its own: the source image URL with `tag`. */
export const swapUrl = (tag: string) => `${SOURCE_URL}?${tag}`;

export interface SwapRunOptions {
	/** The node class of another process; this process's when not given. */
	process?: INodeType;
	concurrency?: number;
	continueOnFail?: boolean;
	/** See `RunOptions.onStart`: stops the execution as Stop in the editor does. */
	onStart?: (stop: () => void) => void;
}

let workflowCounter = 0;

/** One saved workflow (the same workflow and node IDs on every run): its ID, its row in the store, and a run of it. */
export function swapWorkflow(api: MockAifaceswapApi, name: string) {
	const workflowId = `${name}-${++workflowCounter}`;
	return {
		workflowId,
		record: `${workflowId}|n:aifaceswap-node`,
		/** One execution with one item per URL. */
		run: async (urls: string[], { process, concurrency, continueOnFail, onStart }: SwapRunOptions = {}): Promise<RunResult> =>
			await runAifaceswap({
				baseUrl: api.url,
				parameters: { ...IMAGE_SWAP, options: concurrency === undefined ? {} : { concurrency } } as never,
				items: urls.map((url) => ({ json: { url } })),
				workflowId,
				aifaceswap: process,
				continueOnFail,
				onStart,
			}),
	};
}

/** How often each source image URL reached the API. */
export function sendsPerUrl(api: MockAifaceswapApi): Map<string, number> {
	const sends = new Map<string, number>();
	for (const request of api.apiRequests()) {
		const url = String(request.body.source_image);
		sends.set(url, (sends.get(url) ?? 0) + 1);
	}
	return sends;
}

/** The errors of a run: its own when it stopped, else those of its error items (Continue On Fail). */
export function itemErrors(run: RunResult): string[] {
	if (run.status !== 'success') return [run.error?.message ?? run.status];
	return (run.output ?? []).flatMap((item) => (item.json.error === undefined ? [] : [String(item.json.error)]));
}

/** What each item of a run came to: sent (false), already submitted (true), or its error. */
export function outcomes(run: RunResult): Array<boolean | string> {
	if (run.status !== 'success') return [run.error?.message ?? run.status];
	return (run.output ?? []).map((item) => (item.json.error === undefined ? item.json.alreadySubmitted === true : String(item.json.error)));
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `count` runs `everyMs` apart (on a steady beat, not after each other), and waits for all. */
export async function atPace<T>(count: number, everyMs: number, start: (index: number) => Promise<T>): Promise<T[]> {
	const runs: Array<Promise<T>> = [];
	const beginning = performance.now();
	for (let index = 0; index < count; index++) {
		const wait = beginning + index * everyMs - performance.now();
		if (wait > 0) await sleep(wait);
		runs.push(start(index));
	}
	return await Promise.all(runs);
}

/** Waits until `condition` holds (checked every few milliseconds). */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!condition()) {
		if (performance.now() > deadline) throw new Error('condition not met in time');
		await sleep(2);
	}
}
