/**
 * n8n's Engine 2.0 (engine-v2 module) cannot pause an execution or take a trigger's file (n8n 2.41):
 * nothing is paid for a result that cannot come back, and no callback is lost. n8n-core's real
 * engine with what Engine 2.0 gives a node (a UUID v7 execution ID, no workflow settings; see
 * docs/n8n-features.md), the mock API over HTTP, the submission record's in-memory store.
 */
import { randomUUID } from 'node:crypto';

import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import type { RunOptions } from '../support/n8n';
import { runAifaceswap } from '../support/n8n';
import { useProcessedData } from '../support/processed-data';
import { post, useWebhookServer } from '../support/webhook-server';
import { NO_FILE_ON_ENGINE_V2 } from '../../nodes/shared/engineV2';

const api = useMockApi();
const n8n = useWebhookServer();
const processedData = useProcessedData();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };
const waitForResult = { ...imageSwap, resultMode: 'wait' };
/** An execution ID as Engine 2.0 makes them (a UUID v7). */
const engineV2Id = () => randomUUID().replace(/^(.{14})./, '$17');
const onEngineV2: RunOptions['execution'] = { mode: 'webhook', settings: {} };

async function run(parameters: Record<string, unknown>, execution: RunOptions['execution'], extra: Partial<RunOptions> = {}) {
	return await runAifaceswap({
		baseUrl: api.url,
		parameters: parameters as never,
		execution,
		webhookWaitingBaseUrl: `${n8n.url}/webhook-waiting`,
		...extra,
	});
}

describe('Wait for Result on Engine 2.0', () => {
	test('fails naming the workflow setting and offering Submit Only with the trigger; nothing reaches the API or the record', async () => {
		const result = await run(waitForResult, { ...onEngineV2, id: engineV2Id() });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Result Mode "Wait for Result" (resultMode) does not work in a workflow that runs on n8n\'s Engine 2.0 (workflow setting "engineType": "v2"), so nothing was sent.',
		);
		expect(result.error?.description).toContain('Use Result Mode "Submit Only" with a Callback URL to an Aifaceswap Trigger workflow');
		expect(api.requests).toHaveLength(0);
		expect(processedData.calls).toBe(0);
	});

	test('with Continue On Fail every item becomes an error item, and nothing is sent', async () => {
		const items = [{ json: { row: 1 } }, { json: { row: 2 } }];
		const result = await run(waitForResult, { ...onEngineV2, id: engineV2Id() }, { items, continueOnFail: true });
		expect(result.status).toBe('success');
		expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(String(result.output?.[0].json.error)).toContain("n8n's Engine 2.0");
		expect(api.requests).toHaveLength(0);
		expect(processedData.calls).toBe(0);
	});

	test('Submit Only is not affected: the task is sent', async () => {
		const result = await run(imageSwap, { ...onEngineV2, id: engineV2Id() });
		expect(result.status).toBe('success');
		expect(api.apiRequests()).toHaveLength(1);
	});

	// n8n routes only new manual, webhook and trigger executions to Engine 2.0: a sub-workflow
	// (integrated) or a retried execution of a workflow set to v2 runs on the default engine.
	test.each(['integrated', 'retry'] as const)('a workflow set to engineType "v2" run in mode %s (default engine): it waits and the callback resumes it', async (mode) => {
		const paused = await run(waitForResult, { mode, settings: { engineType: 'v2' } });
		expect(paused.status).toBe('waiting');
		n8n.waiting.set(paused.additionalData.executionId!, paused);
		const task = api.tasks[0];
		expect((await api.sendCallback(task.webhook!, api.callbackBody(task))).status).toBe(200);
		expect(n8n.resumed.get(paused.additionalData.executionId!)?.output?.[0].json).toMatchObject({ taskId: task.taskId, success: true });
	});
});

describe('the trigger with Download Result in a workflow set to engineType "v2"', () => {
	const TASK = 'b7d1c0de5852233a3d2076031103b4fe';
	const resultDownloads = () => api.requests.filter((request) => request.path.startsWith('/results/'));

	test.each(['webhook', 'manual'] as const)('(%s) keeps the callback: answered 200, the item without the file and with downloadError', async (mode) => {
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url }, workflow: { settings: { engineType: 'v2' }, mode } };
		const answer = await post(n8n.triggerUrl(), { success: 1, type: 1, task_id: TASK, result_image: api.resultUrl(TASK) });
		expect(answer.status).toBe(200);
		const [item] = n8n.started[0][0];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ taskId: TASK, success: true, resultUrl: api.resultUrl(TASK), downloadError: NO_FILE_ON_ENGINE_V2 });
		expect(NO_FILE_ON_ENGINE_V2).toContain('"engineType": "v2"');
		expect(resultDownloads()).toHaveLength(0);
	});

	test('on the default engine (engineType "v1") it still downloads', async () => {
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url }, workflow: { settings: { engineType: 'v1' } } };
		await post(n8n.triggerUrl(), { success: 1, type: 1, task_id: TASK, result_image: api.resultUrl(TASK) });
		expect(n8n.started[0][0][0].binary?.data.mimeType).toBe('image/png');
		expect(n8n.started[0][0][0].json.downloadError).toBeUndefined();
	});
});
