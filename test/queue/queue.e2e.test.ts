/**
 * The package in n8n's queue mode (`npm run test:queue`): PostgreSQL, Redis, a main process, a
 * webhook process and two workers, all started here (test/support/queue-stack.ts), driven the way
 * a user's traffic reaches them: production webhooks and aifaceswap's callbacks go to the webhook
 * process, executions run on the workers.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { today } from '../../nodes/Aifaceswap/submissions/recordDays';
import { submissionKey } from '../../nodes/Aifaceswap/submissions/submissionKey';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import type { N8nProcess } from '../support/queue-stack';
import { QueueStack } from '../support/queue-stack';
import { nodeOutput } from '../e2e/n8n-server';
import type { CredentialRef } from '../e2e/workflows';
import { AIFACESWAP, BATCH_NODE, batchWorkflow, HASH_NODE, triggerWorkflow, webhookToAifaceswap } from '../e2e/workflows';
import { generatedSha256 } from '../mock-api/generated-files';
import { PeakMemory } from '../support/process-memory';

const api = new MockAifaceswapApi();
const stack = new QueueStack('queue', { workers: 2 });
let credential: CredentialRef;
/** The production callback URL of an active Aifaceswap Trigger workflow, on the webhook process. */
let callbackUrl = '';
let triggerWorkflowId = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const itemUrl = (run: string, index: number) => `${SOURCE_URL}?${run}=${index}`;
const itemOf = (url: unknown) => Number(/=(\d+)$/.exec(String(url))?.[1]);

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, text: await response.text() };
}

/** The worker whose log says it started the execution (the latest start, if several). */
function workerOf(executionId: string): N8nProcess | undefined {
	const line = `Worker started execution ${executionId} `;
	return stack.workers.find((worker) => fs.readFileSync(worker.logFile, 'utf8').includes(line));
}

function startsIn(worker: N8nProcess): number {
	return fs.readFileSync(worker.logFile, 'utf8').split('Worker started execution ').length - 1;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(250);
	}
}

/** Imports and activates a batch workflow: Webhook (answers at once) -> Split Out -> Aifaceswap. */
async function deployBatch(parameters: IDataObject, node: IDataObject = {}): Promise<{ id: string; url: string }> {
	const path = `queue-${randomUUID()}`;
	const workflow = batchWorkflow({
		name: `queue batch ${path}`,
		path,
		node: { type: AIFACESWAP, parameters: { resource: 'image', operation: 'swapFace', faceImageUrl: FACE_URL, sourceImageUrl: '={{ $json.url }}', ...parameters }, credentials: { aifaceswapApi: credential }, ...node },
	});
	workflow.nodes[0].parameters = { ...workflow.nodes[0].parameters, responseMode: 'onReceived', responseData: undefined };
	const { id } = await stack.main.importWorkflow(workflow, { activate: true });
	return { id, url: `${stack.webhook.url}/webhook/${path}` };
}

async function runBatch(url: string, run: string, count: number): Promise<void> {
	const answer = await post(url, { items: Array.from({ length: count }, (_, i) => ({ url: itemUrl(run, i) })) });
	expect(answer.status).toBe(200);
}

async function executionsOf(workflowId: string) {
	return await stack.main.executions(workflowId);
}

beforeAll(async () => {
	await api.start();
	await stack.start();
	credential = { id: await stack.main.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
	const webhookId = randomUUID();
	({ id: triggerWorkflowId } = await stack.main.importWorkflow(triggerWorkflow({ name: 'queue trigger', webhookId, parameters: {} }), { activate: true }));
	callbackUrl = `${stack.webhook.url}/webhook/${webhookId}/task_callback`;
}, 600_000);
beforeEach(() => api.reset());
afterAll(async () => {
	await stack.stop();
	await api.stop();
}, 120_000);

test('a 100-item batch posted to the webhook process runs on a worker: 100 tasks, 100 outputs', async () => {
	const { id, url } = await deployBatch({ options: { concurrency: 10 } });
	await runBatch(url, 'batch', 100);
	const done = await stack.main.waitForExecution(id);
	expect(done.status).toBe('success');
	const output = nodeOutput(done, BATCH_NODE);
	expect(output).toHaveLength(100);
	expect(api.tasks).toHaveLength(100);
	expect(output.map((item) => item.json.taskId)).toEqual(api.apiRequests().sort((a, b) => itemOf(a.body.source_image) - itemOf(b.body.source_image)).map((r) => r.taskId));
	expect(workerOf(done.id)).toBeDefined();
	// the records are in n8n's Postgres database: one row for this node, one value per item once
	// the checks' values are cleaned up
	expect(recordRows(id)).toHaveLength(1);
	expect(recordRows(id)[0].context).toMatch(/^n:/);
	await until('one value per item', () => (recordRows(id)[0].data.length === 100 ? true : undefined), 20_000);
});

/** The processed_data rows of a workflow in Postgres. */
function recordRows(workflowId: string): Array<{ context: string; data: string[] }> {
	const rows = stack.sql(`select context, value from processed_data where "workflowId" = '${workflowId}'`) as Array<{ context: string; value: { data: string[] } | string }>;
	return rows.map((row) => ({ context: row.context, data: (typeof row.value === 'string' ? (JSON.parse(row.value) as { data: string[] }) : row.value).data }));
}

test('one-item executions at once on both workers: 60 swaps, then the same 60 again, then 30 sent by two callers at the same moment: each sent once', async () => {
	api.latencyMs = 150;
	const path = `queue-overlap-${randomUUID()}`;
	const { id } = await stack.main.importWorkflow(
		webhookToAifaceswap({ name: 'queue overlap', path, parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.body.url }}', faceImageUrl: FACE_URL }, credential, respond: 'onReceived' }),
		{ activate: true },
	);
	const url = `${stack.webhook.url}/webhook/${path}`;
	const startsBefore = stack.workers.map(startsIn);
	const callAll = async (urls: string[], expectedExecutions: number) => {
		const answers = await Promise.all(urls.map(async (source) => await post(url, { url: source })));
		expect(answers.map((answer) => answer.status)).toEqual(urls.map(() => 200));
		await until(`${expectedExecutions} executions`, async () => ((await stack.main.executionCount(id, ['success', 'error', 'crashed'])) >= expectedExecutions ? true : undefined));
	};
	const sendsPerUrl = () => {
		const sends = new Map<string, number>();
		for (const request of api.apiRequests()) sends.set(String(request.body.source_image), (sends.get(String(request.body.source_image)) ?? 0) + 1);
		return sends;
	};
	const swaps = Array.from({ length: 60 }, (_, i) => itemUrl('overlap', i));
	await callAll(swaps, 60);
	await callAll(swaps, 120);
	const pairs = Array.from({ length: 30 }, (_, i) => itemUrl('pair', i));
	await callAll([...pairs, ...pairs], 180);
	expect(await stack.main.executionCount(id, ['success'])).toBe(180);
	// both workers ran some
	expect(stack.workers.map((worker, index) => startsIn(worker) - startsBefore[index]).every((starts) => starts > 0)).toBe(true);
	const sentTwice = [...sendsPerUrl().entries()].filter(([, sends]) => sends > 1);
	process.stdout.write(`queue mode, 2 workers: ${sendsPerUrl().size} swaps over 180 executions, ${sentTwice.length} sent twice\n`);
	expect(sendsPerUrl().size).toBe(90);
	expect(sentTwice).toEqual([]);
	// every swap's record is in Postgres (a later replay on any worker finds it), after the heal
	const recorded = (source: string) => md5(`${submissionKey('faceswap', { source_image: source, face_image: FACE_URL }, { kind: 'none' }, '')}@${today()}`);
	const missing = () => [...swaps, ...pairs].filter((source) => !recordRows(id)[0].data.includes(recorded(source)));
	await until('every swap recorded', () => (missing().length === 0 ? true : undefined), 20_000);
	process.stdout.write(`queue mode: ${recordRows(id)[0].data.length} values in the node's row for 90 swaps\n`);
}, 300_000);

const md5 = (value: string) => createHash('md5').update(value).digest('base64');

test('300 callbacks at concurrency 10 through the webhook process: 300 executions on both workers, none lost', async () => {
	const before = await stack.main.executionCount(triggerWorkflowId);
	const startsBefore = stack.workers.map(startsIn);
	const statuses: number[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: 10 }, async () => {
			while (next < 300) {
				const n = next++;
				const answer = await post(callbackUrl, { success: 1, type: 1, task_id: `callback-${n}`, result_image: `${api.url}/results/${n}.png` });
				statuses.push(answer.status);
			}
		}),
	);
	expect(statuses.filter((status) => status === 200)).toHaveLength(300);
	const total = await until('300 trigger executions', async () => {
		const count = await stack.main.executionCount(triggerWorkflowId, ['success']);
		return count - before >= 300 ? count - before : undefined;
	});
	expect(total).toBe(300);
	expect(await stack.main.executionCount(triggerWorkflowId, ['error', 'crashed'])).toBe(0);
	const ran = stack.workers.map((worker, index) => startsIn(worker) - startsBefore[index]);
	expect(ran.every((count) => count > 0)).toBe(true);
}, 300_000);

test('a downloaded video: the webhook process stores it in the database, a worker runs the execution and the next node reads it whole', async () => {
	const size = 20 * 1024 * 1024 + 123;
	api.generated.serve('video.mp4', { size });
	const webhookId = randomUUID();
	const { id } = await stack.main.importWorkflow(
		triggerWorkflow({ name: 'queue download', webhookId, parameters: { options: { downloadResult: true } }, credential, next: HASH_NODE }),
		{ activate: true },
	);
	const memory = new PeakMemory(stack.webhook.child.pid!);
	const sentAt = Date.now();
	const answer = await post(`${stack.webhook.url}/webhook/${webhookId}/task_callback`, { success: 1, type: 1, task_id: 'queue-video', result_image: api.generatedUrl('video.mp4') });
	const answeredAfterMs = Date.now() - sentAt;
	expect(answer.status).toBe(200);
	expect(answeredAfterMs).toBeLessThan(30_000);
	const done = await stack.main.waitForExecution(id);
	const { startMiB, peakMiB, growthMiB } = memory.read();
	process.stdout.write(`queue mode, ${Math.round(size / 1024 / 1024)} MiB result in database mode: answered after ${answeredAfterMs} ms; webhook process ${startMiB} -> peak ${peakMiB} MiB (+${growthMiB} MiB)\n`);
	expect(done.status).toBe('success');
	expect(workerOf(done.id)).toBeDefined();
	const [item] = nodeOutput(done, 'Aifaceswap Trigger');
	expect(item.json.downloadError).toBeUndefined();
	expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'queue-video.mp4', id: expect.stringMatching(/^database:/) });
	expect(nodeOutput(done, 'Hash')[0].json.sha256).toBe(generatedSha256(size));
	// the file itself is a row of n8n's binary_data table in Postgres
	const fileId = String((item.binary?.data as IDataObject).id).slice('database:'.length);
	const rows = stack.sql(`select "fileSize", octet_length(data) as bytes from binary_data where "fileId" = '${fileId}'`) as Array<{ fileSize: number; bytes: number }>;
	expect(rows).toEqual([{ fileSize: size, bytes: size }]);
}, 180_000);

describe('Wait for Result across processes', () => {
	async function pauseOne(): Promise<{ id: string; executionId: string; resumeUrl: string }> {
		const path = `queue-wait-${randomUUID()}`;
		const { id } = await stack.main.importWorkflow(
			webhookToAifaceswap({ name: 'queue wait', path, parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'wait' }, credential, respond: 'onReceived' }),
			{ activate: true },
		);
		expect((await post(`${stack.webhook.url}/webhook/${path}`, {})).status).toBe(200);
		const waiting = await stack.main.waitForExecution(id, { statuses: ['waiting'] });
		return { id, executionId: waiting.id, resumeUrl: String(api.tasks[0].webhook) };
	}

	async function resume(paused: { id: string; resumeUrl: string }) {
		const answer = await api.sendCallback(paused.resumeUrl, api.callbackBody(api.tasks[0]));
		expect(answer.status).toBe(200);
		const done = await stack.main.waitForExecution(paused.id);
		expect(done.status).toBe('success');
		expect(nodeOutput(done, 'Aifaceswap')[0].json).toMatchObject({ taskId: api.tasks[0].taskId, success: true, resultUrl: api.resultUrl(api.tasks[0].taskId) });
		return done;
	}

	test('paused on one worker, resumed through the webhook process on the other', async () => {
		const paused = await pauseOne();
		// the resume URL aifaceswap calls is the webhook process's (WEBHOOK_URL)
		expect(paused.resumeUrl.startsWith(`${stack.webhook.url}/webhook-waiting/${paused.executionId}`)).toBe(true);
		const first = workerOf(paused.executionId);
		expect(first).toBeDefined();
		// the worker that paused it is gone: only the other one can resume it
		await first!.stop();
		try {
			await resume(paused);
			const other = stack.workers.find((worker) => worker !== first)!;
			expect(fs.readFileSync(other.logFile, 'utf8')).toContain(`Worker started execution ${paused.executionId} `);
		} finally {
			const index = stack.workers.indexOf(first!);
			stack.workers[index] = await stack.startProcess(first!.name, 'worker', first!.port);
		}
	}, 240_000);

	test('an execution keeps waiting through a restart of main and webhook, and resumes after it', async () => {
		const paused = await pauseOne();
		await stack.main.restart();
		await stack.restartWebhook();
		await resume(paused);
	}, 240_000);
});

describe('batches that meet a dead worker or Retry On Fail', () => {
	test('a worker killed mid-batch, then the same batch again: no item sent twice, none lost silently, every task reaches the trigger', async () => {
		const ITEMS = 200;
		const CONCURRENCY = 5;
		api.latencyMs = 40;
		api.autoCallback = true;
		const { id, url } = await deployBatch({ webhookUrl: callbackUrl, options: { concurrency: CONCURRENCY } });
		const triggerRunsBefore = await stack.main.executionCount(triggerWorkflowId);
		await runBatch(url, 'crash', ITEMS);
		await until('50 requests of the batch', () => (api.apiRequests().length >= 50 ? true : undefined));
		const running = await until('the running execution', async () => (await executionsOf(id))[0]);
		const worker = await until('the worker that runs it', () => workerOf(running.id));
		worker.child.kill('SIGKILL');
		const crashed = await until('the crashed execution to end', async () => {
			const execution = (await executionsOf(id)).find((e) => e.id === running.id);
			return execution && !['running', 'new'].includes(execution.status) ? execution : undefined;
		});
		expect(['error', 'crashed']).toContain(crashed.status);
		const sentBefore = new Set(api.apiRequests().map((r) => itemOf(r.body.source_image)));
		const tasksBefore = api.tasks.length;
		expect(sentBefore.size).toBeGreaterThanOrEqual(50);
		expect(sentBefore.size).toBeLessThan(ITEMS);

		// every task of the crashed run calls back, and the trigger workflow gets an execution for
		// each result (one that the killed worker had taken from the queue is failed by n8n, which
		// never runs a job of a dead worker again: it still exists, as an error)
		const tasksOfCrash = api.tasks.map((task) => task.taskId);
		await until('a trigger execution per task of the crashed run', async () =>
			(await stack.main.executionCount(triggerWorkflowId)) - triggerRunsBefore >= tasksOfCrash.length ? true : undefined,
		);

		// the user's next step: the same batch again (the surviving worker takes it)
		await runBatch(url, 'crash', ITEMS);
		const rerun = await stack.main.waitForExecution(id, { count: 2, statuses: ['success', 'error', 'crashed'] });
		expect(rerun.status).toBe('success');
		const output = nodeOutput(rerun, BATCH_NODE);
		expect(output).toHaveLength(ITEMS);
		const perItem = new Map<number, number>();
		for (const request of api.apiRequests()) perItem.set(itemOf(request.body.source_image), (perItem.get(itemOf(request.body.source_image)) ?? 0) + 1);
		expect([...perItem.values()].filter((count) => count > 1)).toEqual([]);
		const reported = output.flatMap((item, index) => (item.json.alreadySubmitted === true ? [index] : []));
		const sentAgain = output.flatMap((item, index) => (item.json.alreadySubmitted === false ? [index] : []));
		// every item is either sent now or reported as sent by the crashed run ...
		expect([...reported, ...sentAgain].sort((a, b) => a - b)).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
		expect(sentAgain.filter((index) => sentBefore.has(index))).toEqual([]);
		// ... and reported-but-never-sent are at most the items that held a record without a request
		// slot (the claim window: Concurrency)
		const recordedNotSent = reported.filter((index) => !sentBefore.has(index));
		expect(recordedNotSent.length).toBeLessThanOrEqual(CONCURRENCY);
		expect(api.tasks.length - tasksBefore).toBe(sentAgain.length);
		process.stdout.write(
			`worker killed after ${sentBefore.size} of ${ITEMS} items were sent (${tasksOfCrash.length} tasks, each reached the trigger); ` +
				`the re-run sent ${sentAgain.length}, reported ${reported.length} as already submitted (${recordedNotSent.length} recorded but never sent)\n`,
		);
		const index = stack.workers.indexOf(worker);
		stack.workers[index] = await stack.startProcess(worker.name, 'worker', worker.port);
	}, 300_000);

	test('Retry On Fail after an HTTP 500: the node runs again and sends only what never left', async () => {
		api.fail({ status: 500, match: `${itemUrl('retry', 3)}"` });
		const { id, url } = await deployBatch({ options: { concurrency: 1 } }, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
		await runBatch(url, 'retry', 8);
		const done = await stack.main.waitForExecution(id);
		expect(done.status).toBe('success');
		expect(api.apiRequests().map((r) => itemOf(r.body.source_image))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		const output = nodeOutput(done, BATCH_NODE);
		expect(output.map((item) => item.json.alreadySubmitted)).toEqual([true, true, true, true, false, false, false, false]);
		// the same process ran both tries, so it still knows the task IDs of the items sent before
		expect(output.slice(0, 3).map((item) => item.json.taskId)).toEqual(api.tasks.slice(0, 3).map((task) => task.taskId));
		expect(output[3].json.taskId).toBe('');
	});
});
