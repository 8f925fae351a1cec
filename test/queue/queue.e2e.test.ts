/**
 * The package in n8n's queue mode (`npm run test:queue`): PostgreSQL, Redis, a main process, a
 * webhook process and two workers, all started here (test/support/queue-stack.ts), driven the way
 * a user's traffic reaches them: production webhooks and aifaceswap's callbacks go to the webhook
 * process, executions run on the workers. Batches of the same requests on three workers, a worker
 * killed mid-batch and Retry On Fail are in queue-batches.e2e.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

import { today } from '../../nodes/Aifaceswap/submissions/recordDays';
import { submissionKey } from '../../nodes/Aifaceswap/submissions/submissionKey';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { itemOf, itemUrl, post, until, useQueueHarness } from '../support/queue-harness';
import { nodeOutput } from '../e2e/n8n-server';
import { BATCH_NODE, HASH_NODE, triggerWorkflow, webhookToAifaceswap } from '../e2e/workflows';
import { generatedSha256 } from '../mock-api/generated-files';
import { PeakMemory } from '../support/process-memory';
import { endpointOf } from '../support/operations';

const queue = useQueueHarness('queue', { workers: 2 });
const { api, stack } = queue;

test('a 100-item batch posted to the webhook process runs on a worker: 100 tasks, 100 outputs', async () => {
	const { id, url } = await queue.deployBatch({ options: { concurrency: 10 } });
	await queue.runBatch(url, 'batch', 100);
	const done = await stack.main.waitForExecution(id);
	expect(done.status).toBe('success');
	const output = nodeOutput(done, BATCH_NODE);
	expect(output).toHaveLength(100);
	expect(api.tasks).toHaveLength(100);
	expect(output.map((item) => item.json.taskId)).toEqual(api.apiRequests().sort((a, b) => itemOf(a.body.source_image) - itemOf(b.body.source_image)).map((r) => r.taskId));
	expect(queue.workerOf(done.id)).toBeDefined();
	// the records are in n8n's Postgres database: one row for this node, two values per item (its
	// day and the next) once the checks' values are cleaned up
	expect(queue.recordRows(id)).toHaveLength(1);
	expect(queue.recordRows(id)[0].context).toMatch(/^n:/);
	await until('two values per item', () => (queue.recordRows(id)[0].data.length === 200 ? true : undefined), 20_000);
});

test('one-item executions at once on both workers: 60 swaps, then the same 60 again, then 30 sent by two callers at the same moment: each sent once', async () => {
	api.latencyMs = 150;
	const path = `queue-overlap-${randomUUID()}`;
	const { id } = await stack.main.importWorkflow(
		webhookToAifaceswap({ name: 'queue overlap', path, parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.body.url }}', faceImageUrl: FACE_URL }, credential: queue.credential, respond: 'onReceived' }),
		{ activate: true },
	);
	const url = `${stack.webhook.url}/webhook/${path}`;
	const startsBefore = stack.workers.map((worker) => queue.startsIn(worker));
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
	expect(stack.workers.map((worker, index) => queue.startsIn(worker) - startsBefore[index]).every((starts) => starts > 0)).toBe(true);
	const sentTwice = [...sendsPerUrl().entries()].filter(([, sends]) => sends > 1);
	process.stdout.write(`queue mode, 2 workers: ${sendsPerUrl().size} swaps over 180 executions, ${sentTwice.length} sent twice\n`);
	expect(sendsPerUrl().size).toBe(90);
	expect(sentTwice).toEqual([]);
	// every swap's record is in Postgres (a later replay on any worker finds it), after the heal
	const recorded = (source: string) => md5(`${submissionKey(endpointOf('image', 'swapFace'), { source_image: source, face_image: FACE_URL }, { kind: 'none' }, '')}@${today()}`);
	const missing = () => [...swaps, ...pairs].filter((source) => !queue.recordRows(id)[0].data.includes(recorded(source)));
	await until('every swap recorded', () => (missing().length === 0 ? true : undefined), 20_000);
	process.stdout.write(`queue mode: ${queue.recordRows(id)[0].data.length} values in the node's row for 90 swaps\n`);
}, 300_000);

const md5 = (value: string) => createHash('md5').update(value).digest('base64');

test('300 callbacks at concurrency 10 through the webhook process: 300 executions on both workers, none lost', async () => {
	const before = await stack.main.executionCount(queue.triggerWorkflowId);
	const startsBefore = stack.workers.map((worker) => queue.startsIn(worker));
	const statuses: number[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: 10 }, async () => {
			while (next < 300) {
				const n = next++;
				const answer = await post(queue.callbackUrl, { success: 1, type: 1, task_id: `callback-${n}`, result_image: `${api.url}/results/${n}.png` });
				statuses.push(answer.status);
			}
		}),
	);
	expect(statuses.filter((status) => status === 200)).toHaveLength(300);
	const total = await until('300 trigger executions', async () => {
		const count = await stack.main.executionCount(queue.triggerWorkflowId, ['success']);
		return count - before >= 300 ? count - before : undefined;
	});
	expect(total).toBe(300);
	expect(await stack.main.executionCount(queue.triggerWorkflowId, ['error', 'crashed'])).toBe(0);
	const ran = stack.workers.map((worker, index) => queue.startsIn(worker) - startsBefore[index]);
	expect(ran.every((count) => count > 0)).toBe(true);
}, 300_000);

test('a downloaded video: the webhook process stores it in the database, a worker runs the execution and the next node reads it whole', async () => {
	const size = 20 * 1024 * 1024 + 123;
	api.generated.serve('video.mp4', { size });
	const webhookId = randomUUID();
	const { id } = await stack.main.importWorkflow(
		triggerWorkflow({ name: 'queue download', webhookId, parameters: { options: { downloadResult: true } }, credential: queue.credential, next: HASH_NODE }),
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
	expect(queue.workerOf(done.id)).toBeDefined();
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
			webhookToAifaceswap({ name: 'queue wait', path, parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'wait' }, credential: queue.credential, respond: 'onReceived' }),
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
		const first = queue.workerOf(paused.executionId);
		expect(first).toBeDefined();
		// the worker that paused it is gone: only the other one can resume it
		await first!.stop();
		try {
			await resume(paused);
			const other = stack.workers.find((worker) => worker !== first)!;
			expect(fs.readFileSync(other.logFile, 'utf8')).toContain(`Worker started execution ${paused.executionId} `);
		} finally {
			await queue.replaceWorker(first!);
		}
	}, 240_000);

	test('an execution keeps waiting through a restart of main and webhook, and resumes after it', async () => {
		const paused = await pauseOne();
		await stack.main.restart();
		await stack.restartWebhook();
		await resume(paused);
	}, 240_000);
});
