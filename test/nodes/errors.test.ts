import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { MOCK_API_KEY } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { runAifaceswap } from '../support/n8n';
import { useMockApi } from '../support/mock';

const api = useMockApi();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };
const run = async (options: Partial<Parameters<typeof runAifaceswap>[0]> = {}) =>
	await runAifaceswap({ baseUrl: api.url, parameters: imageSwap as never, ...options });

function expectNoKey(value: unknown) {
	expect(JSON.stringify(value ?? null)).not.toContain(MOCK_API_KEY);
}

describe('API errors', () => {
	test('a bad key says so plainly, with HTTP 401, and the key is nowhere in the error', async () => {
		const result = await run({ apiKey: 'wrong-key-123' });
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('The aifaceswap API rejected the API key: Invalid API key');
		expect(result.error?.description).toMatch(/Check the API Key in the Aifaceswap API credential/);
		expect(result.error?.httpCode).toBe('401');
		expect(JSON.stringify(result.error)).not.toContain('wrong-key-123');
	});

	test('an error code in a 200 answer keeps the API message', async () => {
		api.fail({ status: 200, body: { code: 1002, message: 'Insufficient credits, please recharge' } });
		const result = await run();
		expect(result.error?.message).toBe('Insufficient credits, please recharge');
		// An unknown code in an HTTP 200 answer may come with a task: the record keeps it, and the error says so.
		expect(result.error?.description).toMatch(/^The aifaceswap API answered with an error \(HTTP 200, API code 1002\)\. The task may have been created/);
		expect(result.error?.httpCode).toBe('1002');
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('an HTTP 400 keeps the API message and status', async () => {
		api.fail({ status: 400, body: { code: 400, message: 'face not detected in face_image' } });
		const result = await run();
		expect(result.error?.message).toBe('face not detected in face_image');
		expect(result.error?.httpCode).toBe('400');
	});

	test('a non-JSON error page is reported with its status', async () => {
		api.fail({ status: 500, body: '<html>Internal Server Error</html>' });
		const result = await run();
		expect(result.error?.message).toBe('<html>Internal Server Error</html>');
		expect(result.error?.httpCode).toBe('500');
		expect(api.apiRequests()).toHaveLength(1);
	});
});

describe('retries', () => {
	test('HTTP 429 is retried after Retry-After, and one task results', async () => {
		api.fail({ status: 429, headers: { 'Retry-After': '1' }, body: { code: 429, message: 'Too many requests' } });
		const started = Date.now();
		const result = await run();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(result.error).toBeUndefined();
		expect(api.apiRequests().map((r) => r.status)).toEqual([429, 200]);
		expect(api.tasks).toHaveLength(1);
		expect(result.output?.[0].json.taskId).toBe(api.tasks[0].taskId);
	});

	test('HTTP 503 is retried', async () => {
		api.fail({ status: 503, headers: { 'Retry-After': '0' }, times: 2 });
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(api.apiRequests().map((r) => r.status)).toEqual([503, 503, 200]);
	});

	test('retries are bounded: after 4 attempts the API error is reported', async () => {
		api.fail({ status: 429, headers: { 'Retry-After': '0' }, body: { code: 429, message: 'Too many requests' }, times: 10 });
		const result = await run();
		expect(api.apiRequests()).toHaveLength(4);
		expect(result.error?.message).toBe('Too many requests');
		expect(result.error?.httpCode).toBe('429');
	});

	test('a refused connection is retried with backoff, then reported with the base URL hint', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const started = Date.now();
		const result = await run({ baseUrl: `http://127.0.0.1:${port}` });
		const elapsed = Date.now() - started;
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Could not reach the aifaceswap API: the connection was refused (4 attempts)');
		expect(result.error?.description).toMatch(/^Network error ECONNREFUSED\. Check the Base URL/);
		// backoff 0.5 s + 1 s + 2 s between the four attempts
		expect(elapsed).toBeGreaterThanOrEqual(3400);
		expectNoKey(result.error);
	});

	test('a gateway timeout after the task was created is not retried (no double charge)', async () => {
		api.fail({ status: 504, processFirst: true });
		const result = await run();
		expect(api.apiRequests()).toHaveLength(1);
		expect(api.tasks).toHaveLength(1);
		expect(result.error?.httpCode).toBe('504');
		expect(result.error?.description).toBe(
			'The aifaceswap API answered with an error (HTTP 504). The task may have been created and charged. Skip Already Submitted keeps this request in the submission record, so a re-run reports it as already submitted (alreadySubmitted = true) instead of sending it: check your tasks on aifaceswap.io first.',
		);
	});

	test('with Skip Already Submitted off, a possible task is not said to be reported as already submitted', async () => {
		api.fail({ status: 502, processFirst: true });
		const result = await run({ parameters: { ...imageSwap, options: { skipAlreadySubmitted: false } } as never });
		expect(result.error?.description).toMatch(/may have been created and charged: check your tasks on aifaceswap\.io before running it again \(Skip Already Submitted is off/);
		expect(result.error?.description).not.toMatch(/already submitted \(/);
	});

	test('an Extract operation that loses its connection speaks of no task and no submission record', async () => {
		api.fail({ drop: true, processFirst: true });
		const result = await run({ parameters: { resource: 'image', operation: 'extractFaces', imageUrl: SOURCE_URL } as never });
		expect(result.error?.description).toBe(
			'Network error ECONNRESET. The request was sent but no answer arrived, so aifaceswap may have carried it out. It was not sent again automatically.',
		);
	});

	test('a connection dropped after sending is not retried, and the error says the task may exist', async () => {
		api.fail({ drop: true, processFirst: true });
		const result = await run();
		expect(api.apiRequests()).toHaveLength(1);
		expect(api.tasks).toHaveLength(1);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('The connection to the aifaceswap API failed: the connection was closed before an answer came');
		expect(result.error?.description).toMatch(/no answer arrived, so aifaceswap may have carried it out\. It was not sent again automatically\. The task may have been created and charged\. Skip Already Submitted keeps this request/);
		expectNoKey(result.error);
	});
});

describe('Continue On Fail and pairedItem', () => {
	const items = [{ json: { url: SOURCE_URL } }, { json: { url: 'not-a-url' } }, { json: { url: `${SOURCE_URL}?3` } }];
	const parameters = { ...imageSwap, sourceImageUrl: '={{ $json.url }}' };

	test('a failed item becomes an error item; the others still run; one output per input', async () => {
		const result = await run({ parameters: parameters as never, items, continueOnFail: true });
		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(3);
		expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.output?.[0].json.taskId).toBe(api.tasks[0].taskId);
		expect(result.output?.[1].json).toEqual({ error: 'Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".' });
		expect(result.output?.[2].json.taskId).toBe(api.tasks[1].taskId);
		expect(api.apiRequests()).toHaveLength(2);
	});

	test('without a credential every item gets n8n\'s own error and nothing is sent', async () => {
		const result = await run({ parameters: parameters as never, items, continueOnFail: true, credential: false });
		expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.output?.map((item) => item.json.error)).toEqual([
			'Node does not have any credentials set',
			'Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".',
			'Node does not have any credentials set',
		]);
		expect(api.requests).toHaveLength(0);
	});

	test('an API error item keeps the message, description and HTTP code', async () => {
		api.fail({ status: 400, body: { code: 400, message: 'face not detected in face_image' } });
		const result = await run({ continueOnFail: true, items: [{ json: {} }, { json: {} }] });
		expect(result.output?.[0].json).toEqual({
			error: 'face not detected in face_image',
			description: 'The aifaceswap API answered with an error (HTTP 400, API code 400).',
			httpCode: '400',
		});
		expect(result.output?.[1].json.taskId).toBe(api.tasks[0].taskId);
		expectNoKey(result.output);
	});

	test('without Continue On Fail, one at a time, the execution stops at the failing item', async () => {
		const result = await run({ parameters: { ...parameters, options: { concurrency: 1 } } as never, items });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".');
		expect(api.apiRequests()).toHaveLength(1);
		expect(result.error?.description).toBe(`Tasks already sent for other items in this run: item 0: ${api.tasks[0].taskId}.`);
	});

	test('without Continue On Fail, earlier items finish and their task IDs are in the error; later ones are not sent', async () => {
		const result = await run({ parameters: parameters as never, items });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".');
		// items 0 and 2 had started together with item 1 (default concurrency 5); item 2 was not sent yet
		expect(api.apiRequests().map((r) => r.body.source_image)).toEqual([SOURCE_URL]);
		expect(result.error?.description).toBe(`Tasks already sent for other items in this run: item 0: ${api.tasks[0].taskId}.`);
		// item 2 is not recorded as submitted: the next run sends it
		const again = await run({ parameters: parameters as never, items: [items[2]], workflowId: result.workflow.id });
		expect(again.output?.[0].json.alreadySubmitted).toBe(false);
	});

	test('without Continue On Fail, a request already in flight for a later item finishes', async () => {
		api.fail({ status: 400, body: { code: 400, message: 'face not detected' }, match: `${SOURCE_URL}?0"`, delayMs: 300 });
		const slowFirst = [0, 1, 2].map((i) => ({ json: { url: `${SOURCE_URL}?${i}` } }));
		const result = await run({ parameters: { ...parameters, sourceImageUrl: '={{ $json.url }}' } as never, items: slowFirst });
		expect(result.error?.message).toBe('face not detected');
		// items 1 and 2 were answered while item 0 waited for its answer
		expect(api.tasks).toHaveLength(2);
		for (const task of api.tasks) expect(result.error?.description).toContain(task.taskId);
	});
});
