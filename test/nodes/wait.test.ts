import { createHash } from 'node:crypto';

import { generatedSha256 } from '../mock-api/generated-files';
import { RESULT_PNG } from '../mock-api/server';
import { Bystander } from '../support/bystander';
import { FACE_URL, SOURCE_URL, VIDEO_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import type { RunResult, TestItem } from '../support/n8n';
import { resumeAfterWaitLimit, runAifaceswap } from '../support/n8n';
import { post, useWebhookServer } from '../support/webhook-server';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';
import { callbackTypeOf, creditsFor } from '../support/operations';

const api = useMockApi();
const n8n = useWebhookServer();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'wait' };

async function pause(parameters: Record<string, unknown> = imageSwap, items?: TestItem[], continueOnFail = false): Promise<RunResult> {
	const paused = await runAifaceswap({
		baseUrl: api.url,
		parameters: parameters as never,
		items,
		continueOnFail,
		webhookWaitingBaseUrl: `${n8n.url}/webhook-waiting`,
	});
	if (paused.status === 'waiting') n8n.waiting.set(paused.additionalData.executionId!, paused);
	return paused;
}

const resumeUrlOf = (paused: RunResult) => `${n8n.url}/webhook-waiting/${paused.additionalData.executionId}`;

test('the resume URL goes to the API as webhook, and the execution pauses until the wait limit', async () => {
	const before = Date.now();
	const paused = await pause();
	expect(paused.status).toBe('waiting');
	expect(api.apiRequests()[0].body.webhook).toMatch(new RegExp(`^${resumeUrlOf(paused)}\\?signature=[0-9a-f]{64}$`));
	const waitTill = paused.run.waitTill!.getTime();
	expect(waitTill).toBeGreaterThanOrEqual(before + 60 * 60_000);
	expect(waitTill).toBeLessThan(Date.now() + 60 * 60_000 + 1000);
});

test('the callback resumes the execution with the result', async () => {
	const paused = await pause();
	const task = api.tasks[0];
	const answer = await api.sendCallback(task.webhook!, api.callbackBody(task));
	expect(answer.status).toBe(200);
	const resumed = n8n.resumed.get(paused.additionalData.executionId!);
	expect(resumed?.status).toBe('success');
	expect(resumed?.output).toEqual([
		{
			json: { taskId: task.taskId, reference: '', credits: PRICES.image.swapFace, estimatedCredits: PRICES.image.swapFace, alreadySubmitted: false, success: true, resultUrl: api.resultUrl(task.taskId), type: callbackTypeOf('image', 'swapFace'), timedOut: false },
			pairedItem: { item: 0 },
		},
	]);
});

test('video multiple face swap waits too, with type 2 and its credits', async () => {
	const base64 = RESULT_PNG.toString('base64');
	const paused = await pause({
		resource: 'video',
		operation: 'swapMultipleFaces',
		sourceVideoUrl: VIDEO_URL,
		references: { reference: [{ faceRefInput: 'base64', faceRefBase64: base64, faceImageUrl: FACE_URL }] },
		durationSource: 'manual',
		duration: 3,
		enhance: 0,
		resultMode: 'wait',
	});
	const task = api.tasks[0];
	await api.sendCallback(task.webhook!, api.callbackBody(task));
	expect(n8n.resumed.get(paused.additionalData.executionId!)?.output?.[0].json).toMatchObject({
		taskId: task.taskId,
		credits: creditsFor('video', 'swapMultipleFaces', { durationSeconds: 3, faceCount: 1 }),
		estimatedCredits: creditsFor('video', 'swapMultipleFaces', { durationSeconds: 3, faceCount: 1 }),
		type: callbackTypeOf('video', 'swapMultipleFaces'),
		success: true,
	});
});

test('with Download Result the result file comes as binary "data"', async () => {
	api.autoCallback = true;
	const paused = await pause({ ...imageSwap, options: { downloadResult: true, allowedDownloadHosts: '127.0.0.1' } });
	for (let waited = 0; api.callbacks.length === 0 && waited < 100; waited++) await new Promise((r) => setTimeout(r, 20));
	const item = n8n.resumed.get(paused.additionalData.executionId!)!.output![0];
	expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${api.tasks[0].taskId}.png` });
	expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(RESULT_PNG);
});

describe('Download Result limits', () => {
	const withDownload = (options: Record<string, unknown> = {}) => ({ ...imageSwap, options: { downloadResult: true, ...options } });

	async function resumeWith(paused: RunResult, resultUrl: string) {
		const task = api.tasks[0];
		const sentAt = Date.now();
		const answer = await api.sendCallback(task.webhook!, { ...api.callbackBody(task), result_image: resultUrl });
		const resumed = n8n.resumed.get(paused.additionalData.executionId!);
		return { answer, answeredAfterMs: Date.now() - sentAt, item: resumed?.output?.[0], status: resumed?.status };
	}

	test('a result within Max Download Size arrives whole', async () => {
		const size = 3 * 1024 * 1024 + 17;
		api.generated.serve('result.mp4', { size, declareLength: false });
		const { item } = await resumeWith(await pause(withDownload({ maxDownloadSize: 4 })), api.generatedUrl('result.mp4'));
		expect(item?.json.downloadError).toBeUndefined();
		const bytes = Buffer.from(item!.binary!.data.data, 'base64');
		expect(bytes.length).toBe(size);
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(generatedSha256(size));
		expect(item?.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${api.tasks[0].taskId}.mp4` });
	});

	test('above Max Download Size: the execution resumes without binary, with downloadError and resultUrl', async () => {
		api.generated.serve('big.mp4', { size: 64 * 1024 * 1024, declareLength: false });
		const paused = await pause(withDownload({ maxDownloadSize: 1 }));
		const { answer, item, status } = await resumeWith(paused, api.generatedUrl('big.mp4'));
		expect(answer.status).toBe(200);
		expect(status).toBe('success');
		expect(item?.binary).toBeUndefined();
		expect(item?.json).toMatchObject({ taskId: api.tasks[0].taskId, success: true, timedOut: false, resultUrl: api.generatedUrl('big.mp4') });
		expect(item?.json.downloadError).toBe(
			'Result not downloaded: the file is larger than Max Download Size (1 MB); raise Max Download Size or download it in the workflow with an HTTP Request node from resultUrl.',
		);
		expect(api.generated.requests[0].complete).toBe(false);
	});

	test('a result host that trickles: the callback is answered after the 20 s deadline, the execution resumes with downloadError', async () => {
		api.generated.serve('slow.mp4', { size: 64 * 1024, trickle: { bytes: 1024, everyMs: 1000 } });
		const paused = await pause(withDownload());
		const { answer, answeredAfterMs, item, status } = await resumeWith(paused, api.generatedUrl('slow.mp4'));
		expect(answer.status).toBe(200);
		expect(answeredAfterMs).toBeGreaterThanOrEqual(19_500);
		expect(answeredAfterMs).toBeLessThan(30_000);
		expect(status).toBe('success');
		expect(item?.binary).toBeUndefined();
		expect(item?.json.resultUrl).toBe(api.generatedUrl('slow.mp4'));
		expect(item?.json.downloadError).toMatch(
			/^Result not downloaded: it did not arrive within 20 s \((1[5-9]|20) KB received\); download it in the workflow with an HTTP Request node from resultUrl\.$/,
		);
		// n8n stopped reading: the host saw the connection close at the deadline
		const [request] = api.generated.requests;
		for (let waited = 0; request.closedAt === undefined && waited < 100; waited++) await new Promise((r) => setTimeout(r, 20));
		expect(request.closedAt! - request.receivedAt).toBeLessThan(22_000);
		expect(request.complete).toBe(false);
	}, 60_000);

	test('another port of the Base URL host is refused, nothing fetched, and the execution resumes', async () => {
		const bystander = await new Bystander().start();
		try {
			const { item, status } = await resumeWith(await pause(withDownload()), `${bystander.url}/admin`);
			expect(status).toBe('success');
			expect(item?.binary).toBeUndefined();
			expect(item?.json.downloadError).toBe(
				`Result not downloaded: ${bystander.url} is not the credential's Base URL ${api.url}: on its host only that scheme and port are downloaded from.`,
			);
			expect(bystander.requests).toEqual([]);
		} finally {
			await bystander.stop();
		}
	});
});

test('a callback for another task is refused and the execution keeps waiting', async () => {
	const paused = await pause();
	const task = api.tasks[0];
	const answer = await post(resumeUrlOf(paused), { ...api.callbackBody(task), task_id: 'someone-elses-task' });
	expect(answer).toEqual({ status: 409, json: { error: `This execution waits for task ${task.taskId}, not someone-elses-task.` } });
	expect(n8n.resumed.size).toBe(0);
	expect(n8n.waiting.has(paused.additionalData.executionId!)).toBe(true);
	// the right callback still resumes it
	expect((await api.sendCallback(task.webhook!, api.callbackBody(task))).status).toBe(200);
	expect(n8n.resumed.get(paused.additionalData.executionId!)?.output?.[0].json.success).toBe(true);
});

test('a body that is not a callback is answered 400 and the execution keeps waiting', async () => {
	const paused = await pause();
	expect((await post(resumeUrlOf(paused), { hello: 'world' })).status).toBe(400);
	expect(n8n.waiting.has(paused.additionalData.executionId!)).toBe(true);
});

test('a failed task is an error', async () => {
	const paused = await pause();
	const task = api.tasks[0];
	const answer = await api.sendCallback(task.webhook!, api.callbackBody(task, 0));
	expect(answer.status).toBe(500);
	expect(n8n.errors[0].message).toBe(`The aifaceswap task ${task.taskId} failed: aifaceswap reported no result`);
	expect(n8n.resumed.size).toBe(0);
	void paused;
});

test('a failed task with Continue On Fail is an error item', async () => {
	const paused = await pause(imageSwap, undefined, true);
	const task = api.tasks[0];
	await api.sendCallback(task.webhook!, api.callbackBody(task, 0));
	expect(n8n.resumed.get(paused.additionalData.executionId!)?.output?.[0].json).toMatchObject({
		taskId: task.taskId,
		success: false,
		resultUrl: '',
		error: `The aifaceswap task ${task.taskId} failed: aifaceswap reported no result`,
	});
});

test('more than one item fails before anything is sent', async () => {
	const result = await pause(imageSwap, [{ json: {} }, { json: {} }]);
	expect(result.status).toBe('error');
	expect(result.error?.message).toBe(
		'Result Mode "Wait for Result" (resultMode) takes one item each time the node runs, but 2 items arrived, so nothing was sent.',
	);
	expect(result.error?.description).toMatch(/Loop Over Items node \(batch size 1\)/);
	expect(api.requests).toHaveLength(0);
});

test('a wait limit of 0 waits without limit', async () => {
	const paused = await pause({ ...imageSwap, options: { waitLimit: 0 } });
	expect(paused.run.waitTill?.getTime()).toBe(new Date('3000-01-01T00:00:00.000Z').getTime());
});

test('a submit error with Continue On Fail gives an error item and does not wait', async () => {
	api.fail({ status: 400, body: { code: 400, message: 'face not detected' } });
	const result = await pause(imageSwap, undefined, true);
	expect(result.status).toBe('success');
	expect(result.output?.[0].json).toMatchObject({ error: 'face not detected' });
});

test('when the wait limit passes, the item continues with the task id and timedOut true', async () => {
	const paused = await pause(imageSwap, [{ json: { photo: 'kept' } }]);
	const sourceOutput = JSON.stringify(paused.run.data.resultData.runData['Items Source'][0].data);
	const resumed = await resumeAfterWaitLimit(paused);
	expect(resumed.status).toBe('success');
	expect(resumed.output).toEqual([
		{
			json: { taskId: api.tasks[0].taskId, reference: '', credits: PRICES.image.swapFace, estimatedCredits: PRICES.image.swapFace, alreadySubmitted: false, type: callbackTypeOf('image', 'swapFace'), success: false, resultUrl: '', timedOut: true },
			pairedItem: { item: 0 },
		},
	]);
	// the node before it still shows its own output
	expect(JSON.stringify(resumed.run.data.resultData.runData['Items Source'][0].data)).toBe(sourceOutput);
});
