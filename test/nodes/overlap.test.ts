/**
 * The submission record under many executions at once, as production runs a webhook-driven
 * workflow: one execution per call, many at the same moment, callers that deliver twice, replays,
 * and a second n8n process (a queue-mode worker) sharing the database. n8n-core's real engine, the
 * mock API over HTTP, and a store double that rewrites one row per node with no lock, as n8n's
 * database does (test/support/processed-data.ts).
 */
import type { INodeType } from 'n8n-workflow';

import { FACE_URL } from '../support/fixtures';
import { faultItemUrl } from '../support/fault-plan';
import { useMockApi } from '../support/mock';
import type { RunResult } from '../support/n8n';
import { anotherProcess, runAifaceswap } from '../support/n8n';
import { processedData } from '../support/processed-data';

const api = useMockApi();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL };
let workflowCounter = 0;

/** One-item executions of one saved workflow, all started at the same moment. */
async function executionsAtOnce(
	workflowId: string,
	urls: string[],
	processes: Array<INodeType | undefined> = [undefined],
): Promise<RunResult[]> {
	return await Promise.all(
		urls.map(
			async (url, index) =>
				await runAifaceswap({
					baseUrl: api.url,
					parameters: imageSwap as never,
					items: [{ json: { url } }],
					workflowId,
					aifaceswap: processes[index % processes.length],
				}),
		),
	);
}

/** How often each URL reached the API. */
function sendsPerUrl(): Map<string, number> {
	const sends = new Map<string, number>();
	for (const request of api.apiRequests()) {
		const url = String(request.body.source_image);
		sends.set(url, (sends.get(url) ?? 0) + 1);
	}
	return sends;
}

const urls = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${faultItemUrl(i)}?${tag}`);

beforeEach(() => {
	api.latencyMs = 150;
	processedData.latencyMs = 5;
});

afterEach(() => {
	processedData.latencyMs = 0;
});

test('60 executions at once, then the same 60 again: every swap sent exactly once, no execution fails', async () => {
	const workflowId = `overlap-${++workflowCounter}`;
	const swaps = urls(60, 'a');
	const first = await executionsAtOnce(workflowId, swaps);
	expect(first.map((run) => run.status)).toEqual(swaps.map(() => 'success'));
	expect(first.map((run) => run.output?.[0].json.alreadySubmitted)).toEqual(swaps.map(() => false));

	const replay = await executionsAtOnce(workflowId, swaps);
	expect(replay.map((run) => run.status)).toEqual(swaps.map(() => 'success'));
	expect(replay.map((run) => run.output?.[0].json.alreadySubmitted)).toEqual(swaps.map(() => true));
	// this process knows each task, so the replay answers with it
	expect(replay.map((run) => run.output?.[0].json.taskId)).toEqual(first.map((run) => run.output?.[0].json.taskId));
	expect([...sendsPerUrl().values()]).toEqual(swaps.map(() => 1));
	expect(processedData.maxOverlapOf.get(`${workflowId}|n:aifaceswap-node`)).toBe(1);
	// two values per request stay in the row (its day and the next); the nonces are cleaned up
	await waitFor(() => processedData.records.get(`${workflowId}|n:aifaceswap-node`)?.length === 120, 10_000);
});

test('the same request from two callers at the same moment: sent once, both answer with its task', async () => {
	const workflowId = `overlap-${++workflowCounter}`;
	const swaps = urls(30, 'b');
	const runs = await executionsAtOnce(workflowId, [...swaps, ...swaps]);
	expect(runs.every((run) => run.status === 'success')).toBe(true);
	expect([...sendsPerUrl().values()]).toEqual(swaps.map(() => 1));
	swaps.forEach((_, i) => expect(runs[i + 30].output?.[0].json.taskId).toBe(runs[i].output?.[0].json.taskId));
});

test('two n8n processes sharing the database: 40 swaps at once on both, each sent by both callers at the same moment, then replayed: each sent once', async () => {
	const workflowId = `overlap-${++workflowCounter}`;
	const processes = [undefined, anotherProcess()];
	const swaps = urls(40, 'c');
	// caller k goes to process k % 2: the pair of each swap lands on both processes
	const pairs = swaps.flatMap((url) => [url, url]);
	const first = await executionsAtOnce(workflowId, pairs, processes);
	expect(first.map((run) => run.status)).toEqual(pairs.map(() => 'success'));
	expect([...sendsPerUrl().values()]).toEqual(swaps.map(() => 1));

	const replay = await executionsAtOnce(workflowId, pairs, processes);
	expect(replay.map((run) => run.status)).toEqual(pairs.map(() => 'success'));
	expect(replay.every((run) => run.output?.[0].json.alreadySubmitted === true)).toBe(true);
	expect([...sendsPerUrl().values()]).toEqual(swaps.map(() => 1));
});

test('a record another process erased after the request was sent is written again', async () => {
	const workflowId = `overlap-${++workflowCounter}`;
	const record = `${workflowId}|n:aifaceswap-node`;
	await executionsAtOnce(workflowId, urls(3, 'd'));
	// a slow write of another process, from a read taken before ours, puts back the empty row,
	// within the second after the sends (the heal checks then; a later erasure is not repaired)
	processedData.records.set(record, []);
	// once the node's heals and clean-ups are done: the three requests' two values each, nothing else
	await processedData.quiet(record, 4_000);
	expect(processedData.records.get(record)).toHaveLength(6);
	const replay = await executionsAtOnce(workflowId, urls(3, 'd'), [anotherProcess()]);
	expect(replay.every((run) => run.output?.[0].json.alreadySubmitted === true)).toBe(true);
	expect(api.apiRequests()).toHaveLength(3);
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > until) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
