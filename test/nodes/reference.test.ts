/**
 * Reference (`options.reference`): carried to the Callback URL as `ref`, output as `reference`,
 * back from the trigger and on the resumed item of Wait for Result, and part of a request's
 * identity in the submission record. n8n-core's real engine, the mock API and its callbacks over HTTP.
 */
import { CALLBACK_URL, FACE_URL, SOURCE_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import type { RunResult, TestItem } from '../support/n8n';
import { runAifaceswap } from '../support/n8n';
import { post, useWebhookServer } from '../support/webhook-server';
import { submissionKey } from '../../nodes/Aifaceswap/submissions/submissionKey';
import { MAX_REFERENCE_LENGTH } from '../../nodes/Aifaceswap/tasks/reference';

const api = useMockApi();
const n8n = useWebhookServer();

const swap = (extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) => ({
	resource: 'image',
	operation: 'swapFace',
	sourceImageUrl: SOURCE_URL,
	faceImageUrl: FACE_URL,
	webhookUrl: CALLBACK_URL,
	options: { reference: '={{ $json.id }}', ...options },
	...extra,
});
const run = async (parameters: Record<string, unknown>, items: TestItem[] = [{ json: { id: 'row-1' } }], workflowId?: string, continueOnFail = false) =>
	await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, items, workflowId, continueOnFail });
const sentWebhooks = () => api.apiRequests().map((request) => request.body.webhook);

describe('the Callback URL', () => {
	test.each([
		['no query', CALLBACK_URL, 'row-1', `${CALLBACK_URL}?ref=row-1`],
		['a token and another parameter, kept as written', `${CALLBACK_URL}?token=a%2Bb&x=1`, 'row-1', `${CALLBACK_URL}?token=a%2Bb&x=1&ref=row-1`],
		['a query ending in &', `${CALLBACK_URL}?token=t&`, 'row-1', `${CALLBACK_URL}?token=t&ref=row-1`],
		['a fragment, which stays last', `${CALLBACK_URL}?token=t#part`, 'row-1', `${CALLBACK_URL}?token=t&ref=row-1#part`],
		['characters that need encoding', CALLBACK_URL, 'Zoë & Ann/7?=#+ 1', `${CALLBACK_URL}?ref=Zo%C3%AB%20%26%20Ann%2F7%3F%3D%23%2B%201`],
	])('%s: ref is added, encoded', async (_name, webhookUrl, id, expected) => {
		const result = await run(swap({ webhookUrl }), [{ json: { id } }]);
		expect(result.error).toBeUndefined();
		expect(sentWebhooks()).toEqual([expected]);
		expect(new URL(expected).searchParams.get('ref')).toBe(id);
		expect(result.output?.[0].json.reference).toBe(id);
	});

	test('a number from an expression goes by its text', async () => {
		const result = await run(swap(), [{ json: { id: 42 } }]);
		expect(sentWebhooks()).toEqual([`${CALLBACK_URL}?ref=42`]);
		expect(result.output?.[0].json.reference).toBe('42');
	});

	test('no Reference: the Callback URL is sent as entered (its own ref too), and reference is empty', async () => {
		const result = await run(swap({ webhookUrl: `${CALLBACK_URL}?ref=mine` }, { reference: '' }));
		expect(sentWebhooks()).toEqual([`${CALLBACK_URL}?ref=mine`]);
		expect(result.output?.[0].json.reference).toBe('');
	});

	test('no Callback URL: nothing carries it to aifaceswap, the output still does', async () => {
		const result = await run(swap({ webhookUrl: '' }));
		expect(api.apiRequests()[0].body.webhook).toBeUndefined();
		expect(result.output?.[0].json.reference).toBe('row-1');
	});

	test(`${MAX_REFERENCE_LENGTH} characters are taken; one more is refused by name before anything is sent`, async () => {
		const longest = 'r'.repeat(MAX_REFERENCE_LENGTH);
		expect((await run(swap(), [{ json: { id: longest } }])).output?.[0].json.reference).toBe(longest);
		api.reset();
		const result = await run(swap(), [{ json: { id: `${longest}r` } }]);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Reference (options.reference) is ${MAX_REFERENCE_LENGTH + 1} characters long, more than the ${MAX_REFERENCE_LENGTH} it may have, so nothing was sent.`);
		expect(api.apiRequests()).toHaveLength(0);
	});

	test.each([['ref=x'], ['ref[]=x'], ['ref%5B0%5D=x']])('a Callback URL that already has a ref parameter (%s: n8n reads it as ref) is refused by name before anything is sent', async (query) => {
		const result = await run(swap({ webhookUrl: `${CALLBACK_URL}?token=t&${query}` }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Callback URL (webhookUrl) already has a "ref" query parameter, where Reference (options.reference) goes, so nothing was sent.');
		expect(api.apiRequests()).toHaveLength(0);
	});
});

test('the trigger outputs the reference the callback brings back, beside the token check', async () => {
	api.autoCallback = true;
	n8n.trigger.parameters = { options: { secretToken: 's3cret' } };
	await run(swap({ webhookUrl: n8n.triggerUrl('?token=s3cret') }), [{ json: { id: 'row 9' } }]);
	for (let waited = 0; api.callbacks.length === 0 && waited < 100; waited++) await new Promise((r) => setTimeout(r, 20));
	expect(api.callbacks[0].status).toBe(200);
	expect(n8n.started.map((data) => data[0][0].json.reference)).toEqual(['row 9']);
	// a callback without ref: an empty reference
	await post(n8n.triggerUrl('?token=s3cret'), { success: 1, type: 1, task_id: 'abc', result_image: '' });
	expect(n8n.started[1][0][0].json.reference).toBe('');
});

describe('Wait for Result', () => {
	const pause = async (id: string, workflowId?: string): Promise<RunResult> => {
		const paused = await runAifaceswap({
			baseUrl: api.url,
			parameters: swap({ resultMode: 'wait', webhookUrl: undefined }) as never,
			items: [{ json: { id } }],
			workflowId,
			webhookWaitingBaseUrl: `${n8n.url}/webhook-waiting`,
		});
		if (paused.status === 'waiting') n8n.waiting.set(paused.additionalData.executionId!, paused);
		return paused;
	};

	test('the resumed item carries the reference; nothing is added to the resume URL', async () => {
		const paused = await pause('row-5');
		const [request] = api.apiRequests();
		expect(String(request.body.webhook)).not.toContain('ref=');
		const task = api.tasks[0];
		expect((await api.sendCallback(task.webhook!, api.callbackBody(task))).status).toBe(200);
		const resumed = n8n.resumed.get(paused.additionalData.executionId!);
		expect(resumed?.output?.[0].json).toMatchObject({ reference: 'row-5', success: true, taskId: task.taskId });
	});
});

describe('the submission record: the reference is part of a request', () => {
	const photoFor = (ids: string[]) => ids.map((id) => ({ json: { id } }));

	test.each([
		['Submit Only with a Callback URL', {}],
		['Submit Only without one', { webhookUrl: '' }],
	])('%s: the same photo for two references is two requests; a re-run with the same references sends nothing', async (_name, extra) => {
		const workflowId = `reference-${Math.random()}`;
		const first = await run(swap(extra), photoFor(['a', 'b']), workflowId);
		expect(first.output?.map((item) => item.json.alreadySubmitted)).toEqual([false, false]);
		expect(api.apiRequests()).toHaveLength(2);
		const again = await run(swap(extra), photoFor(['a', 'b', 'c']), workflowId);
		expect(again.output?.map((item) => item.json.alreadySubmitted)).toEqual([true, true, false]);
		expect(again.output?.map((item) => item.json.reference)).toEqual(['a', 'b', 'c']);
		expect(api.apiRequests()).toHaveLength(3);
	});

	test('Wait for Result: two references are two requests; the same one again sends nothing', async () => {
		const workflowId = `reference-wait-${Math.random()}`;
		const pause = async (id: string) =>
			await runAifaceswap({
				baseUrl: api.url,
				parameters: swap({ resultMode: 'wait', webhookUrl: undefined }) as never,
				items: [{ json: { id } }],
				workflowId,
				webhookWaitingBaseUrl: `${n8n.url}/webhook-waiting`,
			});
		expect((await pause('a')).status).toBe('waiting');
		expect((await pause('b')).status).toBe('waiting');
		expect(api.apiRequests()).toHaveLength(2);
		const again = await pause('a');
		expect(again.output?.[0].json).toMatchObject({ alreadySubmitted: true, reference: 'a' });
		expect(api.apiRequests()).toHaveLength(2);
	});

	test('Value to Dedupe On decides alone: two references with one value are one request', async () => {
		const result = await run(swap({}, { dedupeValue: 'photo-1' }), photoFor(['a', 'b']), undefined);
		expect(result.output?.map((item) => item.json.alreadySubmitted)).toEqual([false, true]);
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('without a reference a request has the key it had before Reference existed (records made then are still found)', () => {
		const body = { source_image: 'https://cdn.example.com/a.jpg', face_image: 'https://cdn.example.com/f.jpg' };
		// the keys of version 0.1.0, computed by its submissionKey
		expect(submissionKey('faceswap', body, { kind: 'none' }, '')).toBe('faceswap:03c2cc80b2c9db1e3b3e9d131bd9');
		expect(submissionKey('faceswap', body, { kind: 'wait' }, '', '')).toBe('faceswap:0b48538e2deeba1436d64aec3ea2');
		expect(submissionKey('faceswap', body, { kind: 'callback', url: 'https://n8n.example.com/webhook/x/task_callback' }, '', '')).toBe('faceswap:09f6979b41677d14f8913b42eb30');
		expect(submissionKey('faceswap', body, { kind: 'none' }, '', 'a')).not.toBe('faceswap:03c2cc80b2c9db1e3b3e9d131bd9');
	});

	test('without a reference a re-run sends nothing', async () => {
		const workflowId = `reference-none-${Math.random()}`;
		await run(swap({}, { reference: '' }), [{ json: {} }], workflowId);
		const again = await run(swap({}, { reference: '' }), [{ json: {} }], workflowId);
		expect(again.output?.[0].json.alreadySubmitted).toBe(true);
	});
});
