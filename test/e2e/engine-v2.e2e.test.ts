/**
 * End to end in a real n8n 2.x with its Engine 2.0 on (N8N_ENABLED_MODULES=engine-v2; the engine
 * keeps its executions in PostgreSQL, started here on loopback; n8n itself on SQLite). Workflows
 * set to `engineType: "v2"` run there, except when another workflow calls them. Engine 2.0 cannot
 * pause an execution or take a trigger's file yet (n8n 2.41): no credit is spent on a Wait for
 * Result whose result could not come back, and no callback is lost.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import type { Service } from '../support/queue-stack';
import { startPostgres, stopService } from '../support/queue-stack';
import type { CredentialRef } from './workflows';
import { AIFACESWAP, node, triggerWorkflow, webhookToAifaceswap } from './workflows';
import type { Execution, WorkflowFile } from './n8n-server';
import { N8N_VERSION, N8nServer, nodeOutput } from './n8n-server';
import { NO_FILE_ON_ENGINE_V2 } from '../../nodes/shared/engineV2';

const api = new MockAifaceswapApi();
const describeOn2 = Number(N8N_VERSION.split('.')[0]) >= 2 ? describe : describe.skip;
const ON_ENGINE_V2 = { executionOrder: 'v1', engineType: 'v2' };
/** Engine 2.0 names its executions with a UUID v7, the default engine with a number. */
const ENGINE_V2_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };

describeOn2("n8n's Engine 2.0", () => {
	let n8n: N8nServer;
	let postgres: Service | undefined;
	let dataRoot = '';
	let credential: CredentialRef;

	beforeAll(async () => {
		await api.start();
		dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-engine-v2-'));
		postgres = await startPostgres(dataRoot, fs.openSync(path.join(dataRoot, 'postgres.log'), 'a'));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { freePort } = require('../../scripts/n8n-instance') as { freePort: () => Promise<number> };
		n8n = new N8nServer('engine-v2', {
			env: {
				N8N_ENABLED_MODULES: 'engine-v2',
				N8N_ENGINE_DATABASE_URL: `postgresql://postgres:postgres@127.0.0.1:${postgres.port}/postgres`,
				N8N_ENGINE_HOST: '127.0.0.1',
				N8N_ENGINE_PORT: String(await freePort()),
				N8N_ENGINE_CONTROL_PLANE_PORT: String(await freePort()),
			},
		});
		await n8n.start();
		credential = { id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
	}, 600_000);
	beforeEach(() => api.reset());
	afterAll(async () => {
		await n8n?.stop();
		await stopService(postgres);
		if (dataRoot) fs.rmSync(dataRoot, { recursive: true, force: true });
		await api.stop();
	});

	/** Imports a Webhook -> Aifaceswap workflow (with these settings), calls it, and waits for its execution. */
	async function runWebhook(parameters: IDataObject, settings: IDataObject) {
		const webhookPath = `engine-v2-${randomUUID()}`;
		const workflow = { ...webhookToAifaceswap({ name: `e2e engine v2 ${webhookPath}`, path: webhookPath, parameters, credential, respond: 'onReceived' }), settings };
		const { id } = await n8n.importWorkflow(workflow, { activate: true });
		const answer = await fetch(`${n8n.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		expect(answer.status).toBe(200);
		return await n8n.waitForExecution(id);
	}

	const errorOf = (execution: Execution) => (execution.data as { resultData?: { error?: { message?: string; description?: string } } }).resultData?.error;

	test('Submit Only runs there: the task is sent (the execution is Engine 2.0\'s)', async () => {
		const execution = await runWebhook(imageSwap, ON_ENGINE_V2);
		expect(execution.status).toBe('success');
		expect(execution.id).toMatch(ENGINE_V2_ID);
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('Wait for Result fails naming the workflow setting, and nothing reaches the API', async () => {
		const execution = await runWebhook({ ...imageSwap, resultMode: 'wait' }, ON_ENGINE_V2);
		expect(execution.id).toMatch(ENGINE_V2_ID);
		expect(execution.status).toBe('error');
		expect(errorOf(execution)?.message).toBe(
			'Result Mode "Wait for Result" (resultMode) does not work in a workflow that runs on n8n\'s Engine 2.0 (workflow setting "engineType": "v2"), so nothing was sent.',
		);
		expect(api.requests).toHaveLength(0);
	});

	test('a workflow set to engineType "v2" called by Execute Workflow runs on the default engine: it waits and resumes with the result', async () => {
		api.autoCallback = true;
		api.callbackDelayMs = 1500;
		const sub = await n8n.importWorkflow({ ...subWorkflow(credential), settings: ON_ENGINE_V2 }, { activate: true });
		const webhookPath = `engine-v2-parent-${randomUUID()}`;
		const parent = await n8n.importWorkflow(parentWorkflow(webhookPath, sub.id), { activate: true });
		await fetch(`${n8n.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });

		const done = await n8n.waitForExecution(parent.id, { statuses: ['success', 'error', 'crashed'] });
		expect(done.status).toBe('success');
		const [task] = api.tasks;
		expect(api.apiRequests()).toHaveLength(1);
		expect(api.apiRequests()[0].body.webhook).toMatch(/\/webhook-waiting\/\d+\?signature=/);
		expect(api.callbacks[0]).toMatchObject({ status: 200 });
		const subDone = await n8n.waitForExecution(sub.id);
		expect(subDone.status).toBe('success');
		expect(subDone.mode).toBe('integrated');
		expect(subDone.id).toMatch(/^\d+$/);
		expect(nodeOutput(done, 'Execute Workflow')[0].json).toMatchObject({ taskId: task.taskId, success: true, resultUrl: api.resultUrl(task.taskId), timedOut: false });
	});

	test('the trigger without Download Result: Engine 2.0 starts its workflow with the callback', async () => {
		const webhookId = randomUUID();
		const { id } = await n8n.importWorkflow({ ...triggerWorkflow({ name: 'e2e engine v2 trigger', webhookId, parameters: {} }), settings: ON_ENGINE_V2 }, { activate: true });
		const answer = await api.sendCallback(`${n8n.url}/webhook/${webhookId}/task_callback`, { success: 1, type: 1, task_id: 'v2-plain', result_image: api.resultUrl('v2-plain') });
		expect(answer.status).toBe(200);
		const execution = await n8n.waitForExecution(id);
		expect(execution.id).toMatch(ENGINE_V2_ID);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Aifaceswap Trigger')[0].json).toMatchObject({ taskId: 'v2-plain', success: true, resultUrl: api.resultUrl('v2-plain') });
	});

	test('the trigger with Download Result keeps the callback: answered 200, the item without the file and with downloadError', async () => {
		const webhookId = randomUUID();
		const { id } = await n8n.importWorkflow(
			{ ...triggerWorkflow({ name: 'e2e engine v2 trigger download', webhookId, parameters: { options: { downloadResult: true } }, credential }), settings: ON_ENGINE_V2 },
			{ activate: true },
		);
		const answer = await api.sendCallback(`${n8n.url}/webhook/${webhookId}/task_callback`, { success: 1, type: 1, task_id: 'v2-download', result_image: api.resultUrl('v2-download') });
		expect(answer.status).toBe(200);
		const execution = await n8n.waitForExecution(id);
		expect(execution.id).toMatch(ENGINE_V2_ID);
		expect(execution.status).toBe('success');
		const [item] = nodeOutput(execution, 'Aifaceswap Trigger');
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ taskId: 'v2-download', success: true, resultUrl: api.resultUrl('v2-download'), downloadError: NO_FILE_ON_ENGINE_V2 });
		expect(api.requests.filter((request) => request.path.startsWith('/results/'))).toHaveLength(0);
	});
});

/** When Executed by Another Workflow -> Aifaceswap (Wait for Result). */
function subWorkflow(credential: CredentialRef): WorkflowFile {
	return {
		name: `e2e engine v2 sub-workflow ${randomUUID()}`,
		nodes: [
			node('When Executed by Another Workflow', 'n8n-nodes-base.executeWorkflowTrigger', 1.1, { inputSource: 'passthrough' }),
			node('Aifaceswap', AIFACESWAP, 1, { ...imageSwap, resultMode: 'wait', options: { waitLimit: 5 } }, { credentials: { aifaceswapApi: credential } }),
		],
		connections: { 'When Executed by Another Workflow': { main: [[{ node: 'Aifaceswap', type: 'main', index: 0 }]] } },
	};
}

/** Webhook -> Execute Workflow (waits for the sub-workflow); on the default engine. */
function parentWorkflow(webhookPath: string, subWorkflowId: string): WorkflowFile {
	return {
		name: `e2e engine v2 parent ${webhookPath}`,
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} }, { webhookId: randomUUID() }),
			node('Execute Workflow', 'n8n-nodes-base.executeWorkflow', 1.2, {
				workflowId: { __rl: true, mode: 'id', value: subWorkflowId },
				workflowInputs: { mappingMode: 'defineBelow', value: {}, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: true },
				options: { waitForSubWorkflow: true },
			}),
		],
		connections: { Webhook: { main: [[{ node: 'Execute Workflow', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
