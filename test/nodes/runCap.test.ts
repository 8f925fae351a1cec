/**
 * Max Credits per Run (`options.maxCreditsPerRun`): decided before any claim or send, in item
 * order, over every run of the node in one execution. n8n-core's real engine, the mock API over
 * HTTP; prices from the price list.
 */
import { FACE_URL } from '../support/fixtures';
import { faultItemUrl } from '../support/fault-plan';
import { runInLoop } from '../support/loop';
import { useMockApi } from '../support/mock';
import { runAifaceswap } from '../support/n8n';
import { processedData } from '../support/processed-data';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';

const api = useMockApi();

const PRICE = PRICES.image.swapFace;
const imageSwap = (options: Record<string, unknown>) => ({ resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL, options });
const itemsOf = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { url: faultItemUrl(i) } }));
const sentUrls = () => api.apiRequests().map((request) => String(request.body.source_image));
let workflowCounter = 0;

async function run(count: number, maxCreditsPerRun: number, { continueOnFail = false, workflowId = `cap-${++workflowCounter}`, options = {} } = {}) {
	return await runAifaceswap({ baseUrl: api.url, parameters: imageSwap({ maxCreditsPerRun, ...options }) as never, items: itemsOf(count), continueOnFail, workflowId });
}

test('exactly at the cap: every item is sent', async () => {
	const result = await run(3, 3 * PRICE);
	expect(result.status).toBe('success');
	expect(sentUrls()).toEqual([0, 1, 2].map(faultItemUrl));
});

test('one item over, without Continue On Fail: nothing is sent or recorded, and the error names the option, the cap and the total', async () => {
	const workflowId = `cap-${++workflowCounter}`;
	const result = await run(4, 3 * PRICE, { workflowId });
	expect(result.status).toBe('error');
	expect(result.error?.message).toBe(
		`Max Credits per Run (options.maxCreditsPerRun) is ${3 * PRICE} credits, but the total of this execution's items would be ${4 * PRICE} credits, so nothing was sent.`,
	);
	expect(result.error?.description).toContain('Item 3 is the first that takes the total past it.');
	expect(api.apiRequests()).toHaveLength(0);
	expect(processedData.callsOf.get(`${workflowId}|n:aifaceswap-node`)).toBeUndefined();
});

test('with Continue On Fail: the items within the cap are sent, the others are error items that say why', async () => {
	const result = await run(5, 3 * PRICE, { continueOnFail: true });
	expect(result.status).toBe('success');
	expect(sentUrls()).toEqual([0, 1, 2].map(faultItemUrl));
	expect(result.output?.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	expect(result.output?.slice(0, 3).map((item) => item.json.alreadySubmitted)).toEqual([false, false, false]);
	for (const item of result.output!.slice(3)) {
		expect(item.json.error).toBe(
			`Max Credits per Run (options.maxCreditsPerRun) is ${3 * PRICE} credits and this execution's total has reached ${3 * PRICE}, so this item (estimated ${PRICE} credits) was not sent.`,
		);
	}
});

test('in item order: the first item past the cap and every later one are refused, even a cheaper one that would fit', async () => {
	const price = (durationSeconds: number) => PRICES.video.swapFace.credits({ durationSeconds, enhance: 0 });
	const durations = [2, 5, 1];
	const cap = price(2) + price(1);
	const result = await runAifaceswap({
		baseUrl: api.url,
		parameters: { resource: 'video', operation: 'swapFace', sourceVideoUrl: '={{ $json.url }}', faceImageUrl: FACE_URL, durationSource: 'manual', duration: '={{ $json.duration }}', options: { maxCreditsPerRun: cap } } as never,
		items: durations.map((duration, i) => ({ json: { url: `${faultItemUrl(i)}.mp4`, duration } })),
		continueOnFail: true,
	});
	expect(api.apiRequests().map((request) => request.body.duration)).toEqual([2]);
	expect(result.output?.map((item) => item.json.error === undefined)).toEqual([true, false, false]);
	expect(String(result.output?.[2].json.error)).toContain(`so this item (estimated ${price(1)} credits) was not sent`);
});

test('an item already submitted counts at its estimated cost: the cap does not wait for the record', async () => {
	const workflowId = `cap-${++workflowCounter}`;
	await run(2, 0, { workflowId });
	expect(api.apiRequests()).toHaveLength(2);
	const again = await run(3, 2 * PRICE, { workflowId, continueOnFail: true });
	expect(again.output?.map((item) => item.json.alreadySubmitted ?? 'refused')).toEqual([true, true, 'refused']);
	expect(api.apiRequests()).toHaveLength(2);
});

test('an item the node refuses for another reason is not counted', async () => {
	const items = [{ json: { url: faultItemUrl(0) } }, { json: { url: 'not-a-url' } }, { json: { url: faultItemUrl(2) } }];
	const result = await runAifaceswap({ baseUrl: api.url, parameters: imageSwap({ maxCreditsPerRun: 2 * PRICE }) as never, items, continueOnFail: true });
	expect(String(result.output?.[1].json.error)).toContain('Source Image URL (sourceImageUrl) is not a valid URL');
	expect(sentUrls()).toEqual([faultItemUrl(0), faultItemUrl(2)]);
});

describe('Loop Over Items: the passes of one execution share the total', () => {
	const loop = async (continueOnFail: boolean) =>
		await runInLoop({ baseUrl: api.url, parameters: imageSwap({ maxCreditsPerRun: 3 * PRICE }), items: itemsOf(5).map((item) => item.json), batchSize: 2, continueOnFail });

	test('with Continue On Fail: sending stops where the total passes the cap, later passes included', async () => {
		const result = await loop(true);
		expect(result.status).toBe('success');
		expect(sentUrls()).toEqual([0, 1, 2].map(faultItemUrl));
		expect(result.passes.map((pass) => pass.map((item) => (item.json.error === undefined ? 'sent' : 'refused')))).toEqual([
			['sent', 'sent'],
			['sent', 'refused'],
			['refused'],
		]);
		expect(String(result.passes[2][0].json.error)).toContain(`this execution's total has reached ${3 * PRICE}`);
	});

	test('without it: the pass that passes the cap sends nothing and fails, counting the earlier passes', async () => {
		const result = await loop(false);
		expect(result.status).toBe('error');
		expect(sentUrls()).toEqual([0, 1].map(faultItemUrl));
		expect(result.error?.message).toBe(
			`Max Credits per Run (options.maxCreditsPerRun) is ${3 * PRICE} credits, but the total of this execution's items would be ${4 * PRICE} credits (${2 * PRICE} of them counted by earlier runs of this node in this execution), so nothing was sent.`,
		);
	});

	test('each execution has its own total', async () => {
		await loop(true);
		api.reset();
		await loop(true);
		expect(sentUrls()).toEqual([0, 1, 2].map(faultItemUrl).map((url) => url));
	});
});

test('Wait for Result: an item past the cap is refused before sending', async () => {
	const result = await runAifaceswap({
		baseUrl: api.url,
		parameters: { ...imageSwap({ maxCreditsPerRun: PRICE - 1 }), resultMode: 'wait' } as never,
		items: itemsOf(1),
	});
	expect(result.status).toBe('error');
	expect(result.error?.message).toContain('Max Credits per Run (options.maxCreditsPerRun)');
	expect(api.apiRequests()).toHaveLength(0);
});

test.each([[-1], ['many']])('Max Credits per Run %p is refused by name before anything is sent', async (value) => {
	const result = await runAifaceswap({ baseUrl: api.url, parameters: imageSwap({ maxCreditsPerRun: value }) as never, items: itemsOf(1) });
	expect(result.error?.message).toMatch(/^Max Credits per Run \(options\.maxCreditsPerRun\) must be a number of credits from 0/);
	expect(api.apiRequests()).toHaveLength(0);
});
