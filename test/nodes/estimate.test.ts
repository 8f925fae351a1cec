/**
 * Result Mode "Estimate Only (Sends Nothing)": every item checked and priced as Submit Only does
 * (video lengths read from the files), nothing sent to aifaceswap and nothing recorded. n8n-core's
 * real engine, the mock API (and its files) over HTTP; prices from the price list.
 */
import { FACE_URL, PHOTO_PNG, SOURCE_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { mp4 } from '../support/mp4';
import type { TestItem } from '../support/n8n';
import { runAifaceswap } from '../support/n8n';
import { processedData } from '../support/processed-data';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';

const api = useMockApi();
let workflowCounter = 0;
const newWorkflow = () => `estimate-${++workflowCounter}`;

const run = async (parameters: Record<string, unknown>, items: TestItem[], workflowId = newWorkflow(), continueOnFail = false) =>
	await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, items, workflowId, continueOnFail });

const faceRef = { faceRefInput: 'base64', faceRefBase64: PHOTO_PNG.toString('base64'), faceImageUrl: FACE_URL };
const lengths = [12.35, 3, 61.5];
const videoItems = () => lengths.map((_seconds, i) => ({ json: { url: `${api.url}/files/clip-${i}.mp4`, enhance: i % 3 } }));

beforeEach(() => {
	lengths.forEach((seconds, i) => api.files.serve(`clip-${i}.mp4`, { bytes: mp4({ moovFirst: i !== 2, timescale: 1000, duration: seconds * 1000, mdatBytes: 1024 }) }));
});

const OPERATIONS = [
	['image', 'swapFace', { sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL }, () => [0, 1].map((i) => ({ json: { url: `${SOURCE_URL}?${i}` } })), () => [PRICES.image.swapFace, PRICES.image.swapFace]],
	['image', 'swapMultipleFaces', { sourceImageUrl: '={{ $json.url }}', faces: { face: [{ index: 0, faceImageUrl: FACE_URL }, { index: 1, faceImageUrl: FACE_URL }] } }, () => [0, 1].map((i) => ({ json: { url: `${SOURCE_URL}?${i}` } })), () => [PRICES.image.swapMultipleFaces, PRICES.image.swapMultipleFaces]],
	['video', 'swapFace', { sourceVideoUrl: '={{ $json.url }}', faceImageUrl: FACE_URL, enhance: '={{ $json.enhance }}' }, videoItems, () => lengths.map((durationSeconds, i) => PRICES.video.swapFace.credits({ durationSeconds, enhance: i % 3 }))],
	['video', 'swapMultipleFaces', { sourceVideoUrl: '={{ $json.url }}', references: { reference: [faceRef, faceRef] }, enhance: '={{ $json.enhance }}' }, videoItems, () => lengths.map((durationSeconds, i) => PRICES.video.swapMultipleFaces.credits({ durationSeconds, enhance: i % 3, faceCount: 2 }))],
] as const;

test.each(OPERATIONS)('%s %s: the figures are Submit Only\'s estimatedCredits (and duration) for the same items; nothing is sent or recorded', async (resource, operation, fields, items, prices) => {
	const parameters = { resource, operation, ...fields };
	const workflowId = newWorkflow();
	const estimate = await run({ ...parameters, resultMode: 'estimate' }, items(), workflowId);
	expect(estimate.status).toBe('success');
	expect(api.apiRequests()).toHaveLength(0);
	expect(processedData.callsOf.get(`${workflowId}|n:aifaceswap-node`)).toBeUndefined();
	expect(estimate.output?.map((item) => item.pairedItem)).toEqual(items().map((_, item) => ({ item })));
	expect(estimate.output?.map((item) => item.json.estimatedCredits)).toEqual(prices().map((credits) => Math.round(credits * 100) / 100));
	for (const item of estimate.output!) expect(Object.keys(item.json).sort()).toEqual(resource === 'video' ? ['duration', 'estimatedCredits', 'overRunCap'] : ['estimatedCredits', 'overRunCap']);

	const submitted = await run(parameters, items());
	expect(api.apiRequests()).toHaveLength(items().length);
	const figures = (output = submitted.output) => output?.map(({ json }) => ({ estimatedCredits: json.estimatedCredits, duration: json.duration }));
	expect(figures(estimate.output)).toEqual(figures());
	if (resource === 'video') expect(estimate.output?.map((item) => item.json.duration)).toEqual(lengths);
});

test('items a Submit Only run would skip as already submitted are priced too, and still nothing is sent', async () => {
	const parameters = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };
	const workflowId = newWorkflow();
	await run(parameters, [{ json: {} }], workflowId);
	const calls = processedData.callsOf.get(`${workflowId}|n:aifaceswap-node`);
	const estimate = await run({ ...parameters, resultMode: 'estimate' }, [{ json: {} }], workflowId);
	expect(estimate.output?.[0].json).toEqual({ estimatedCredits: PRICES.image.swapFace, overRunCap: false });
	expect(api.apiRequests()).toHaveLength(1);
	expect(processedData.callsOf.get(`${workflowId}|n:aifaceswap-node`)).toBe(calls);
});

test('overRunCap: the items Max Credits per Run would refuse, in item order', async () => {
	const price = PRICES.image.swapFace;
	const items = [0, 1, 2, 3].map((i) => ({ json: { url: `${SOURCE_URL}?${i}` } }));
	const parameters = { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL, options: { maxCreditsPerRun: 2 * price } };
	const estimate = await run({ ...parameters, resultMode: 'estimate' }, items);
	expect(estimate.output?.map((item) => item.json.overRunCap)).toEqual([false, false, true, true]);
	expect(api.apiRequests()).toHaveLength(0);
	const submitted = await run(parameters, items, newWorkflow(), true);
	expect(submitted.output?.map((item) => item.json.error !== undefined)).toEqual([false, false, true, true]);
});

test('an item Submit Only would refuse is refused the same way: by name, nothing sent', async () => {
	const parameters = { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL };
	const items = [{ json: { url: SOURCE_URL } }, { json: { url: 'not-a-url' } }];
	const estimate = await run({ ...parameters, resultMode: 'estimate' }, items);
	expect(estimate.status).toBe('error');
	expect(estimate.error?.message).toBe('Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".');
	const withContinue = await run({ ...parameters, resultMode: 'estimate' }, items, newWorkflow(), true);
	expect(withContinue.output?.map((item) => item.json.error ?? item.json.estimatedCredits)).toEqual([PRICES.image.swapFace, 'Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".']);
	expect(api.apiRequests()).toHaveLength(0);
});

test('the Callback URL and the Reference are checked as Submit Only checks them', async () => {
	const parameters = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'estimate', webhookUrl: 'https://n8n.example.com/webhook/x/task_callback?ref=1', options: { reference: 'row-1' } };
	const estimate = await run(parameters, [{ json: {} }]);
	expect(estimate.error?.message).toMatch(/^Callback URL \(webhookUrl\) already has a "ref" query parameter/);
});

test('as an AI Agent\'s tool, a saved Estimate Only is refused and nothing is sent', async () => {
	const result = await runAifaceswap({
		baseUrl: api.url,
		asTool: true,
		parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'estimate' } as never,
	});
	expect(result.error?.message).toBe('Result Mode "Estimate Only" (resultMode) does not work when the node is an AI Agent\'s tool, so nothing was sent.');
	expect(api.apiRequests()).toHaveLength(0);
});
