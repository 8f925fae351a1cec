/**
 * Example 9 end to end in a real n8n: a Data Table of 20 rows, example 9a prices and submits them
 * (one Reference per row, a run cap), the mock API calls example 9b's trigger back, and 9b writes
 * each result into its row. Both workflows are imported as a user imports them; only the
 * placeholders are filled and the manual trigger becomes a webhook so the test can start it.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { endpointOf } from '../support/operations';
import type { Execution, WorkflowFile } from './n8n-server';
import { N8N_VERSION, N8nServer, nodeOutput } from './n8n-server';
import type { CredentialRef } from './workflows';

const api = new MockAifaceswapApi();
const n8n = new N8nServer('batch-example');
const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
const SUBMIT = '9a-data-table-batch-submit.json';
const RESULTS = '9b-data-table-batch-results.json';
const PRICE = 2; // an image swap; every figure below follows from it and the row count

interface Row {
	id: number;
	sourceImageUrl: string;
	status: string | null;
	resultUrl: string | null;
}

let credential: CredentialRef;
let tablePath = '';
let tableId = '';
let resultsWorkflowId = '';

beforeAll(async () => {
	await api.start();
	await n8n.start();
	credential = { id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
	const project = await n8n.rest<{ id: string }>('GET', '/rest/projects/personal');
	const table = await n8n.rest<{ id: string }>('POST', `/rest/projects/${project.id}/data-tables`, {
		name: 'aifaceswap batch',
		columns: ['sourceImageUrl', 'faceImageUrl', 'status', 'resultUrl'].map((name) => ({ name, type: 'string' })),
	});
	tableId = table.id;
	tablePath = `/rest/projects/${project.id}/data-tables/${table.id}`;
	({ id: resultsWorkflowId } = await n8n.importWorkflow(load(RESULTS), { activate: true }));
}, 600_000);
beforeEach(() => api.reset());
afterAll(async () => {
	await n8n.stop();
	await api.stop();
});

/**
 * An example as a user imports it: credential and table chosen, placeholders filled, `edit` applied;
 * its manual trigger becomes a webhook unless `manual`.
 */
function load(file: string, edit: (workflow: WorkflowFile) => void = () => undefined, manual = false): WorkflowFile {
	const results = JSON.parse(fs.readFileSync(path.join(examplesDir, RESULTS), 'utf8')) as WorkflowFile;
	const triggerId = results.nodes.find((node) => node.webhookId)!.webhookId!;
	const text = fs
		.readFileSync(path.join(examplesDir, file), 'utf8')
		.replaceAll('https://YOUR-N8N/webhook/YOUR-TRIGGER-ID/', `${n8n.url}/webhook/${triggerId}/`)
		.replaceAll('YOUR-TABLE-ID', tableId);
	const workflow = JSON.parse(text) as WorkflowFile;
	for (const node of workflow.nodes) {
		if (node.credentials?.aifaceswapApi) node.credentials.aifaceswapApi = credential;
		if (node.type === 'n8n-nodes-base.manualTrigger' && !manual) {
			Object.assign(node, {
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: `example-9-${randomUUID()}`, responseMode: 'lastNode', responseData: 'noData', options: {} },
			});
		}
	}
	edit(workflow);
	return workflow;
}

/** Imports example 9a (edited), publishes it, and returns a function that runs it once and gives the execution. */
async function deploySubmit(edit?: (workflow: WorkflowFile) => void): Promise<() => Promise<Execution>> {
	const workflow = load(SUBMIT, edit);
	const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!;
	const { id } = await n8n.importWorkflow(workflow, { activate: true });
	let runs = 0;
	return async () => {
		await fetch(`${n8n.url}/webhook/${String(webhook.parameters.path)}`, { method: 'POST' });
		const execution = await n8n.waitForExecution(id, { count: ++runs });
		expect({ status: execution.status, error: execution.data.resultData.error?.message }).toEqual({ status: 'success', error: undefined });
		return execution;
	};
}

async function addRows(count: number, label: string): Promise<void> {
	const data = Array.from({ length: count }, (_, i) => ({
		sourceImageUrl: `https://cdn.example.com/photos/${label}-${i + 1}.webp`,
		faceImageUrl: 'https://cdn.example.com/faces/face.webp',
	}));
	await n8n.rest('POST', `${tablePath}/insert`, { data, returnType: 'all' });
}

async function rows(label: string): Promise<Row[]> {
	const page = await n8n.rest<{ data: Row[] }>('GET', `${tablePath}/rows?take=250`);
	return page.data.filter((row) => row.sourceImageUrl.includes(`/${label}-`)).sort((a, b) => a.id - b.id);
}

/** The `ref` each task's callback will carry, by task ID. */
function refsByTask(): Map<string, string> {
	return new Map(api.tasks.map((task) => [task.taskId, new URL(task.webhook!).searchParams.get('ref')!]));
}

/** The ID of the task sent for a row. */
function taskOf(row: Row): string {
	return [...refsByTask()].find(([, ref]) => ref === String(row.id))![0];
}

/** Sends every task's callback as aifaceswap does (failed for `failed`), and waits for the results workflow to have run `total` times. */
async function callBack(total: number, failed = ''): Promise<void> {
	for (const task of api.tasks) {
		expect((await api.sendCallback(task.webhook!, api.callbackBody(task, task.taskId === failed ? 0 : 1))).status).toBe(200);
	}
	await n8n.waitForExecution(resultsWorkflowId, { count: total });
}

/** Every row the results workflow has written, one entry per write (its execution's updated rows). */
async function writes(): Promise<number[]> {
	const ids: number[] = [];
	for (const { id } of await n8n.executions(resultsWorkflowId)) {
		const execution = await n8n.execution(id);
		expect(execution.status).toBe('success');
		ids.push(...nodeOutput(execution, 'Write Result to the Row').map((item) => Number(item.json.id)));
	}
	return ids.sort((a, b) => a - b);
}

test('20 rows: priced, submitted once each with the row id as reference, each result written into its row once; re-runs send nothing', async () => {
	await addRows(20, 'batch');
	const table = await rows('batch');
	const run = await deploySubmit();

	const first = await run();
	// the estimate: every row within the cap, the total the price list gives, nothing sent for it
	expect(nodeOutput(first, 'Estimated Total').map((item) => item.json)).toEqual([
		{ overRunCap: false, sum_estimatedCredits: 20 * PRICE, count_estimatedCredits: 20 },
	]);
	expect(api.apiRequests(endpointOf('image', 'swapFace'))).toHaveLength(20);
	const refs = refsByTask();
	expect([...refs.values()].sort()).toEqual(table.map((row) => String(row.id)).sort());
	for (const request of api.apiRequests(endpointOf('image', 'swapFace'))) {
		const row = table.find((r) => String(r.id) === refs.get(request.taskId!))!;
		expect(request.body).toMatchObject({ source_image: row.sourceImageUrl });
		expect(new URL(request.body.webhook as string).searchParams.get('token')).toBe('YOUR-SECRET');
	}
	expect(nodeOutput(first, 'Swap Every Row').map((item) => item.json.alreadySubmitted)).toEqual(Array(20).fill(false));

	// again before any result is in: the rows are still empty, the submission record sends nothing
	const again = await run();
	expect(api.apiRequests()).toHaveLength(20);
	expect(nodeOutput(again, 'Swap Every Row').map((item) => item.json.alreadySubmitted)).toEqual(Array(20).fill(true));

	await callBack(20);
	expect(await writes()).toEqual(table.map((row) => row.id));
	for (const row of await rows('batch')) {
		expect(row).toMatchObject({ status: 'done', resultUrl: api.resultUrl(taskOf(row)) });
	}

	// once the results are in, the rows are no longer empty: nothing is read, nothing sent
	await run();
	expect(api.apiRequests()).toHaveLength(20);
}, 300_000);

test('a cap below the total: the estimate shows which rows it refuses, only the rows within it are sent; a failed task marks its row failed', async () => {
	const cap = 7 * PRICE + 1;
	const setCap = (workflow: WorkflowFile) => {
		for (const node of workflow.nodes.filter((n) => n.type === 'n8n-nodes-aifaceswap.aifaceswap')) (node.parameters.options as IDataObject).maxCreditsPerRun = cap;
	};
	await addRows(20, 'capped');
	const table = await rows('capped');
	const before = await n8n.executionCount(resultsWorkflowId);
	const run = await deploySubmit(setCap);

	const execution = await run();
	expect(nodeOutput(execution, 'Estimated Total').map((item) => item.json)).toEqual([
		{ overRunCap: false, sum_estimatedCredits: 7 * PRICE, count_estimatedCredits: 7 },
		{ overRunCap: true, sum_estimatedCredits: 13 * PRICE, count_estimatedCredits: 13 },
	]);
	expect(api.apiRequests(endpointOf('image', 'swapFace'))).toHaveLength(7);
	expect([...refsByTask().values()].sort()).toEqual(table.slice(0, 7).map((row) => String(row.id)).sort());
	const output = nodeOutput(execution, 'Swap Every Row');
	expect(output.slice(7).every((item) => String(item.json.error).includes('Max Credits per Run'))).toBe(true);

	// the task of the seventh row fails
	await callBack(before + 7, taskOf(table[6]));
	expect((await rows('capped')).map((row) => [row.status, row.resultUrl])).toEqual([
		...table.slice(0, 6).map((row) => ['done', api.resultUrl(taskOf(row))]),
		['failed', ''],
		...Array(13).fill([null, null]),
	]);
}, 300_000);

test("Execute step on Estimated Total, as the sticky note says: every empty row priced, nothing sent", async () => {
	const empty = (await rows('capped')).filter((row) => row.status === null);
	expect(empty).toHaveLength(13);
	const { id } = await n8n.importWorkflow(load(SUBMIT, undefined, true));
	// what the editor sends for Execute step (n8n 1.x sends the workflow with it)
	const destinationNode = { nodeName: 'Estimated Total', mode: 'inclusive' };
	const workflowData = N8N_VERSION.startsWith('1.') ? await n8n.rest('GET', `/rest/workflows/${id}`) : undefined;
	await n8n.rest('POST', `/rest/workflows/${id}/run`, { workflowData, destinationNode });
	const execution = await n8n.waitForExecution(id);
	expect(execution.status).toBe('success');
	expect(nodeOutput(execution, 'Estimated Total').map((item) => item.json)).toEqual([
		{ overRunCap: false, sum_estimatedCredits: 13 * PRICE, count_estimatedCredits: 13 },
	]);
	expect(execution.data.resultData.runData['Swap Every Row']).toBeUndefined();
	expect(api.requests).toHaveLength(0);
}, 300_000);
