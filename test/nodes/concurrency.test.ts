import { FACE_URL, faceFile, photoFile } from '../support/fixtures';
import { accountItems, faultItemUrl, injectFaults, plannedAccount, resentOnlyWhenRefused } from '../support/fault-plan';
import { useMockApi } from '../support/mock';
import { runAifaceswap } from '../support/n8n';

const api = useMockApi();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL };
const itemsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { url: faultItemUrl(i) } }));
const run = async (count: number, options: Record<string, unknown> = {}, continueOnFail = false) =>
	await runAifaceswap({ baseUrl: api.url, parameters: { ...imageSwap, options } as never, items: itemsOf(count), continueOnFail });

describe('concurrency', () => {
	test.each([
		[undefined, 5],
		[1, 1],
		[3, 3],
		[20, 20],
	])('options.concurrency %p keeps %p requests in flight, output in input order', async (concurrency, inFlight) => {
		api.latencyMs = 100;
		const result = await run(24, concurrency === undefined ? {} : { concurrency });
		expect(result.status).toBe('success');
		expect(api.maxInFlight).toBe(inFlight);
		expect(result.output?.map((item) => item.pairedItem)).toEqual(Array.from({ length: 24 }, (_, i) => ({ item: i })));
		// each output carries the task created for its own item's source image
		const taskOfItem = new Map(api.apiRequests().map((r) => [String(r.body.source_image), r.taskId]));
		expect(result.output?.map((item) => item.json.taskId)).toEqual(itemsOf(24).map((item) => taskOfItem.get(item.json.url)));
	});

	test('once the answer time is known, requests are spread out instead of sent in bursts', async () => {
		api.latencyMs = 100;
		const result = await run(30, { concurrency: 5 });
		expect(result.status).toBe('success');
		expect(api.maxInFlight).toBe(5);
		// the first 5 go together; after that, sends are kept 0.8 x 100 ms / 5 = 16 ms apart
		// (without spreading, 5 answers arriving together are followed by 5 sends within a few ms)
		const arrivals = api.apiRequests().map((r) => r.receivedAt).sort((a, b) => a - b);
		// (the median, so one pause of the test process cannot decide it)
		const gaps = arrivals.slice(6).map((at, k) => at - arrivals[k + 5]).sort((a, b) => a - b);
		expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThanOrEqual(10);
	});

	test.each([0, 21, 2.5, 'many'])('options.concurrency %p is refused by name before anything is sent', async (concurrency) => {
		const result = await run(3, { concurrency });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`Concurrency (options.concurrency) must be a whole number from 1 to 20, not ${JSON.stringify(concurrency)}`,
		);
		expect(api.requests).toHaveLength(0);
	});

	test('binary uploads go at most 4 at a time (each read when its item starts), each item its own file', async () => {
		api.latencyMs = 50;
		const items = Array.from({ length: 12 }, (_, i) => ({
			json: { i },
			binary: { data: { ...photoFile, data: Buffer.concat([photoFile.data, Buffer.from([i])]) }, face: faceFile },
		}));
		const result = await runAifaceswap({
			baseUrl: api.url,
			parameters: { resource: 'image', operation: 'swapFace', sourceImageInput: 'binary', faceImageInput: 'binary', options: { concurrency: 4 } } as never,
			items,
		});
		expect(result.status).toBe('success');
		expect(api.maxInFlight).toBe(4);
		const sizes = api.apiRequests().map((r) => r.files.source_image.size);
		expect(new Set(sizes)).toEqual(new Set([photoFile.data.length + 1]));
		expect(new Set(api.apiRequests().map((r) => r.files.source_image.sha256)).size).toBe(12);
	});

	test('HTTP 429 with Retry-After pauses every in-flight item, not only the one that got it', async () => {
		api.latencyMs = 100;
		api.fail({ status: 429, headers: { 'Retry-After': '1' }, body: { code: 429, message: 'Too many requests' } });
		const result = await run(9, { concurrency: 3 });
		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(9);
		const refused = api.apiRequests().find((r) => r.status === 429)!;
		const after = api.apiRequests().filter((r) => r.receivedAt > refused.answeredAt!);
		// the 2 requests sent with it were already on their way; every later one waited the second out
		expect(after).toHaveLength(9 + 1 - 3);
		for (const request of after) expect(request.receivedAt - refused.answeredAt!).toBeGreaterThanOrEqual(950);
		expect(api.tasks).toHaveLength(9);
	});
});

describe('fault injection: 5xx, 429, dropped connections and slow answers in one batch', () => {
	const ITEMS = 40;

	test('with Continue On Fail every item ends as exactly one output item, and no task is sent twice', async () => {
		injectFaults(api, ITEMS);
		const result = await run(ITEMS, { concurrency: 5 }, true);
		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(ITEMS);
		expect(result.output?.map((item) => item.pairedItem)).toEqual(Array.from({ length: ITEMS }, (_, i) => ({ item: i })));

		const account = accountItems(api, result.output!, ITEMS);
		expect(account.map(({ statuses: _s, ...rest }) => rest)).toEqual(plannedAccount(ITEMS).map(({ statuses: _s, ...rest }) => rest));
		expect(account.filter((item) => !resentOnlyWhenRefused(item))).toEqual([]);
		// every task the API created is in an output item or was created for an item whose error says it may exist
		const output = result.output!;
		for (const task of api.tasks) {
			const itemIndex = Number(/\?item=(\d+)$/.exec(String(api.apiRequests().find((r) => r.taskId === task.taskId)!.body.source_image))![1]);
			const json = output[itemIndex].json;
			if (json.taskId !== undefined) expect(json.taskId).toBe(task.taskId);
			else expect(`${String(json.error)} ${String(json.description)}`).toMatch(/may have been created|HTTP 504/);
		}
	});

	test('without Continue On Fail the first failed item stops the run and no item is sent twice', async () => {
		injectFaults(api, ITEMS);
		const result = await run(ITEMS, { concurrency: 5 });
		expect(result.status).toBe('error');
		const account = accountItems(api, [], ITEMS);
		expect(account.filter((item) => !resentOnlyWhenRefused(item))).toEqual([]);
		// the run stopped early: items after the failure were never sent
		expect(account.filter((item) => item.requests === 0).length).toBeGreaterThan(ITEMS - 10);
	});
});
