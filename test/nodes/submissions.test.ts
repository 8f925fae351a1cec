/**
 * At most one task per request across re-runs: n8n-core's real engine, the mock API over HTTP and
 * an in-memory processed-data store with n8n's rules (test/support/processed-data.ts).
 */
import { FACE_URL, faceFile, photoFile, SOURCE_URL } from '../support/fixtures';
import { accountItems, FAULT_CASES, faultItemUrl, injectFaults } from '../support/fault-plan';
import { useMockApi } from '../support/mock';
import type { TestItem } from '../support/n8n';
import { anotherProcess, runAifaceswap } from '../support/n8n';
import { processedData } from '../support/processed-data';
import { callbackTypeOf } from '../support/operations';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';

const api = useMockApi();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL };
const itemsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { url: faultItemUrl(i) } }));
let workflowCounter = 0;

/** Runs of "one saved workflow": the same workflow and node IDs each time. */
function workflow(parameters: Record<string, unknown> = imageSwap) {
	const workflowId = `submissions-${++workflowCounter}`;
	const run = async (items: TestItem[] = itemsOf(4), options: Partial<Parameters<typeof runAifaceswap>[0]> = {}) =>
		await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, items, workflowId, ...options });
	/** This workflow's record in the store (its key there). */
	run.record = `${workflowId}|n:aifaceswap-node`;
	return run;
}

const sentUrls = () => api.apiRequests().map((request) => String(request.body.source_image));

afterEach(() => {
	processedData.failWith = undefined;
	processedData.failRemovalsWith = undefined;
	jest.restoreAllMocks();
});

test('running the same batch again sends nothing and outputs each item as already submitted with its task ID', async () => {
	const run = workflow();
	const first = await run();
	expect(first.output?.map((item) => item.json.alreadySubmitted)).toEqual([false, false, false, false]);
	const taskIds = first.output?.map((item) => item.json.taskId);

	const second = await run();
	expect(second.status).toBe('success');
	expect(api.apiRequests()).toHaveLength(4);
	expect(second.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
	expect(second.output?.map((item) => item.json.taskId)).toEqual(taskIds);
	expect(second.output?.[0].json).toMatchObject({ alreadySubmitted: true, credits: 0, estimatedCredits: PRICES.image.swapFace });
	expect(String(second.output?.[0].json.notice)).toContain('Skip Already Submitted');
});

test('a new item in the batch is sent, the old ones are not', async () => {
	const run = workflow();
	await run(itemsOf(3));
	const second = await run(itemsOf(5));
	expect(sentUrls()).toEqual([0, 1, 2, 3, 4].map(faultItemUrl));
	expect(second.output?.map((item) => item.json.alreadySubmitted)).toEqual([true, true, true, false, false]);
});

test('every fault: a re-run sends again only what the API certainly did not take; no item gets two tasks', async () => {
	const count = FAULT_CASES.length * 2;
	injectFaults(api, count);
	const run = workflow({ ...imageSwap, options: { concurrency: 4 } });
	const first = await run(itemsOf(count), { continueOnFail: true });
	const firstAccount = accountItems(api, first.output ?? [], count);
	const second = await run(itemsOf(count), { continueOnFail: true });
	const both = accountItems(api, [], count);
	second.output?.forEach((output, itemIndex) => {
		const refused = ['HTTP 503 on every attempt'].includes(firstAccount[itemIndex].case);
		// refused by the API: sent again (and now taken); anything else: reported, not sent
		expect({ itemIndex, again: output.json.alreadySubmitted !== true }).toEqual({ itemIndex, again: refused });
		if (!refused && firstAccount[itemIndex].outcome === 'task') expect(output.json.taskId).toBe(first.output?.[itemIndex].json.taskId);
		if (!refused && firstAccount[itemIndex].outcome === 'error') expect(output.json.taskId).toBe('');
	});
	expect(both.every((item) => item.tasks <= 1)).toBe(true);
});

test('Retry On Fail runs the node again: only the items that never left are sent', async () => {
	api.fail({ status: 500, match: `${faultItemUrl(2)}"` });
	const run = workflow({ ...imageSwap, options: { concurrency: 1 } });
	const result = await run(itemsOf(5), { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
	expect(result.status).toBe('success');
	// first try: 0, 1, 2 (HTTP 500: may have been taken), stop; second try: 3, 4
	expect(sentUrls()).toEqual([0, 1, 2, 3, 4].map(faultItemUrl));
	expect(result.output?.map((item) => [item.json.alreadySubmitted, item.json.taskId === ''])).toEqual([
		[true, false],
		[true, false],
		[true, true],
		[false, false],
		[false, false],
	]);
});

test('a request the API refused is sent again by the next run', async () => {
	api.fail({ status: 402, body: { code: 402, message: 'Insufficient credits' } });
	const run = workflow();
	const first = await run(itemsOf(1), { continueOnFail: true });
	expect(first.output?.[0].json.error).toBe('Insufficient credits');
	const second = await run(itemsOf(1));
	expect(second.output?.[0].json).toMatchObject({ alreadySubmitted: false, credits: PRICES.image.swapFace });
	expect(api.apiRequests()).toHaveLength(2);
});

describe('what certainly reached no API is sent again by the next run', () => {
	const reRunSends = async (firstRun: (run: ReturnType<typeof workflow>) => Promise<unknown>) => {
		const run = workflow();
		await firstRun(run);
		const second = await run(itemsOf(1));
		expect(second.output?.[0].json).toMatchObject({ alreadySubmitted: false, credits: PRICES.image.swapFace });
		return second;
	};

	test.each([
		['a proxy\'s 404 page', 404],
		['a proxy\'s 407 page', 407],
		['a proxy\'s 413 page', 413],
	])('%s (not the API\'s JSON)', async (_case, status) => {
		await reRunSends(async (run) => {
			api.fail({ status, body: `<html><body>${status}</body></html>`, headers: { 'Content-Type': 'text/html' } });
			const first = await run(itemsOf(1), { continueOnFail: true });
			expect(first.output?.[0].json.httpCode).toBe(String(status));
		});
		expect(api.apiRequests()).toHaveLength(2);
	});

	test('a host name that does not resolve: the error does not claim the request was sent', async () => {
		await reRunSends(async (run) => {
			const first = await run(itemsOf(1), { continueOnFail: true, baseUrl: 'http://no-such-host.invalid' });
			expect(String(first.output?.[0].json.error)).toContain('Could not reach the aifaceswap API');
			expect(String(first.output?.[0].json.description)).not.toContain('was sent');
		});
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('a TLS handshake that fails (https to a plain HTTP port)', async () => {
		await reRunSends(async (run) => {
			const first = await run(itemsOf(1), { continueOnFail: true, baseUrl: api.url.replace('http:', 'https:') });
			expect(String(first.output?.[0].json.error)).toContain('Could not reach the aifaceswap API');
		});
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('but a connection dropped after sending keeps the record: the re-run reports it and says it may not have been sent', async () => {
		const run = workflow();
		api.fail({ drop: true });
		await run(itemsOf(1), { continueOnFail: true });
		const second = await run(itemsOf(1));
		expect(second.output?.[0].json).toMatchObject({ alreadySubmitted: true, taskId: '' });
		expect(String(second.output?.[0].json.notice)).toContain('sent then, or its run stopped right before sending it');
	});
});

test('when a refused request\'s record cannot be removed, the item says so and an identical request does not wait forever', async () => {
	processedData.failRemovalsWith = new Error('database is locked');
	api.fail({ status: 402, body: { code: 402, message: 'Insufficient credits' } });
	const run = workflow();
	const items = [{ json: { url: SOURCE_URL } }, { json: { url: SOURCE_URL } }];
	const result = await run(items, { continueOnFail: true, parameters: { ...imageSwap, options: { concurrency: 1 } } as never });
	expect(result.output?.[0].json.error).toBe('Insufficient credits');
	expect(String(result.output?.[0].json.description)).toContain('could not be removed');
	expect(result.output?.[1].json.alreadySubmitted).toBe(true);
	expect(api.apiRequests()).toHaveLength(1);
});

test('identical items in one batch are sent once', async () => {
	const run = workflow();
	const items = [{ json: { url: SOURCE_URL } }, { json: { url: SOURCE_URL } }, { json: { url: `${SOURCE_URL}?other` } }];
	const result = await run(items);
	expect(api.apiRequests()).toHaveLength(2);
	expect(result.output?.map((item) => item.json.alreadySubmitted)).toEqual([false, true, false]);
	expect(result.output?.[1].json.taskId).toBe(result.output?.[0].json.taskId);
});

test('an uploaded file counts by its bytes: another name is the same request, other bytes are not', async () => {
	const binarySwap = { resource: 'image', operation: 'swapFace', sourceImageInput: 'binary', faceImageUrl: FACE_URL };
	const run = workflow(binarySwap);
	await run([{ binary: { data: photoFile } }]);
	const renamed = await run([{ binary: { data: { ...photoFile, fileName: 'renamed.png' } } }]);
	expect(renamed.output?.[0].json.alreadySubmitted).toBe(true);
	const other = await run([{ binary: { data: { ...faceFile, mimeType: 'image/png' } } }]);
	expect(other.output?.[0].json.alreadySubmitted).toBe(false);
	expect(api.apiRequests()).toHaveLength(2);
});

test('where the result goes is part of the request: the same swap with a Callback URL or Wait for Result is sent, a replay is not', async () => {
	const run = workflow();
	const callback = { ...imageSwap, webhookUrl: 'https://n8n.example.com/webhook/x/task_callback' };
	expect((await run(itemsOf(1))).output?.[0].json.alreadySubmitted).toBe(false);
	expect((await run(itemsOf(1), { parameters: callback as never })).output?.[0].json.alreadySubmitted).toBe(false);
	expect((await run(itemsOf(1), { parameters: callback as never })).output?.[0].json.alreadySubmitted).toBe(true);
	const otherCallback = { ...imageSwap, webhookUrl: 'https://n8n.example.com/webhook/y/task_callback' };
	expect((await run(itemsOf(1), { parameters: otherCallback as never })).output?.[0].json.alreadySubmitted).toBe(false);
	const wait = { ...imageSwap, resultMode: 'wait' };
	expect((await run(itemsOf(1), { parameters: wait as never })).status).toBe('waiting');
	// another execution's resume URL, the same place: a replay
	expect((await run(itemsOf(1), { parameters: wait as never })).output?.[0].json.alreadySubmitted).toBe(true);
	expect(api.apiRequests()).toHaveLength(4);
});

test('Value to Dedupe On: URLs that change on every run are one request when the value is the same', async () => {
	const run = workflow({ ...imageSwap, sourceImageUrl: '={{ $json.url + "?signature=" + $json.signature }}', options: { dedupeValue: '={{ $json.fileId }}' } });
	const first = await run([{ json: { url: SOURCE_URL, signature: 'a', fileId: 'file-1' } }, { json: { url: SOURCE_URL, signature: 'b', fileId: 'file-2' } }]);
	expect(first.output?.map((item) => item.json.alreadySubmitted)).toEqual([false, false]);
	const second = await run([{ json: { url: SOURCE_URL, signature: 'c', fileId: 'file-1' } }, { json: { url: SOURCE_URL, signature: 'd', fileId: 'file-3' } }]);
	expect(second.output?.map((item) => item.json.alreadySubmitted)).toEqual([true, false]);
	expect(second.output?.[0].json.taskId).toBe(first.output?.[0].json.taskId);
	expect(api.apiRequests()).toHaveLength(3);
	// without the value, the changed URL is a new request
	const plain = workflow({ ...imageSwap, sourceImageUrl: '={{ $json.url + "?signature=" + $json.signature }}' });
	await plain([{ json: { url: SOURCE_URL, signature: 'a' } }]);
	await plain([{ json: { url: SOURCE_URL, signature: 'b' } }]);
	expect(api.apiRequests()).toHaveLength(5);
});

test('the window: recognised the next UTC day, sent again the day after', async () => {
	const run = workflow();
	const day = 86_400_000;
	const start = Date.UTC(2026, 10, 26, 23, 0);
	const now = jest.spyOn(Date, 'now').mockReturnValue(start);
	await run(itemsOf(1));
	// other processes (which know no task of this one): only the record in the store answers
	now.mockReturnValue(start + day);
	expect((await run(itemsOf(1), { aifaceswap: anotherProcess() })).output?.[0].json.alreadySubmitted).toBe(true);
	await new Promise((resolve) => setTimeout(resolve, 100));
	now.mockReturnValue(start + 2 * day);
	expect((await run(itemsOf(1), { aifaceswap: anotherProcess() })).output?.[0].json.alreadySubmitted).toBe(false);
	expect(api.apiRequests()).toHaveLength(2);
});

test('Skip Already Submitted off: identical requests are sent again and the store is not used', async () => {
	const run = workflow({ ...imageSwap, options: { skipAlreadySubmitted: false } });
	await run(itemsOf(2));
	const second = await run(itemsOf(2));
	expect(second.output?.map((item) => item.json.alreadySubmitted)).toEqual([false, false]);
	expect(api.apiRequests()).toHaveLength(4);
	expect(processedData.callsOf.get(run.record)).toBeUndefined();
});

test('the records of a batch are written one store call at a time, none lost', async () => {
	// the in-memory store rewrites its one record after a round trip, as n8n's database does: two
	// calls at once would lose records, and the re-run would send those again
	const run = workflow({ ...imageSwap, options: { concurrency: 10 } });
	expect((await run(itemsOf(40))).status).toBe('success');
	expect(processedData.maxOverlapOf.get(run.record)).toBe(1);
	// each claim is written, then checked once the write settled: claims waiting together share calls
	expect(processedData.callsOf.get(run.record)).toBeLessThan(2 * 40);
	const again = await run(itemsOf(40));
	expect(again.output?.every((item) => item.json.alreadySubmitted === true)).toBe(true);
	expect(api.apiRequests()).toHaveLength(40);
});

test('when the store cannot be written, the item fails with a clear error and nothing is sent', async () => {
	processedData.failWith = new Error('database is locked');
	const result = await workflow()(itemsOf(1));
	expect(result.error?.message).toContain(
		"The request was not sent: n8n's database could not confirm this run's record of it: database is locked",
	);
	// a failed call may have written it (the node cannot tell): the error says what a re-run does then
	expect(result.error?.message).toContain('may stay in the submission record');
	expect(result.error?.description).toContain('Skip Already Submitted');
	expect(api.apiRequests()).toHaveLength(0);
});

test('a store error on a replay is retried: the item is answered from the earlier record, nothing is sent', async () => {
	const run = workflow();
	await run(itemsOf(1));
	processedData.failNextWith = new Error('pool timeout');
	const replay = await run(itemsOf(1), { aifaceswap: anotherProcess() });
	expect(replay.output?.[0].json.alreadySubmitted).toBe(true);
	expect(processedData.calls).toBeGreaterThan(0);
	expect(api.apiRequests()).toHaveLength(1);
});

test('a credential that cannot be read sends nothing and keeps no record: once it is fixed, the same run sends', async () => {
	const run = workflow();
	const first = await run(itemsOf(1), { credential: false, continueOnFail: true });
	expect(first.output?.[0].json.error).toBeDefined();
	expect((await run(itemsOf(1))).output?.[0].json).toMatchObject({ alreadySubmitted: false, credits: PRICES.image.swapFace });
	expect(api.apiRequests()).toHaveLength(1);
});

test('a gateway\'s 503 page is not retried and keeps the record (the API may have taken the task)', async () => {
	const run = workflow();
	api.fail({ status: 503, body: '<html>503 Service Unavailable</html>', headers: { 'Content-Type': 'text/html' } });
	await run(itemsOf(1), { continueOnFail: true });
	expect(api.apiRequests()).toHaveLength(1);
	expect((await run(itemsOf(1))).output?.[0].json).toMatchObject({ alreadySubmitted: true, taskId: '' });
	expect(api.apiRequests()).toHaveLength(1);
});

test('a gateway error carrying the API\'s "try again" code is retried, and when the attempts run out the record stays (the task may exist)', async () => {
	const run = workflow();
	for (let i = 0; i < 4; i++) api.fail({ status: 502, body: { code: 503, message: 'Service busy' } });
	const first = await run(itemsOf(1), { continueOnFail: true });
	expect(first.output?.[0].json.error).toBe('Service busy');
	expect(api.apiRequests()).toHaveLength(4);
	expect((await run(itemsOf(1))).output?.[0].json).toMatchObject({ alreadySubmitted: true, taskId: '' });
	expect(api.apiRequests()).toHaveLength(4);
});

test('Wait for Result: an already submitted request does not pause the execution', async () => {
	const run = workflow({ ...imageSwap, resultMode: 'wait' });
	const first = await run(itemsOf(1));
	expect(first.status).toBe('waiting');
	const second = await run(itemsOf(1));
	expect(second.status).toBe('success');
	expect(second.output?.[0].json).toMatchObject({ alreadySubmitted: true, taskId: api.tasks[0].taskId, type: callbackTypeOf('image', 'swapFace') });
	// Nothing was waited for: the item claims no result (no success: false, which reads as a failed task).
	expect(second.output?.[0].json).not.toHaveProperty('success');
	expect(second.output?.[0].json).not.toHaveProperty('timedOut');
	expect(api.apiRequests()).toHaveLength(1);
});
