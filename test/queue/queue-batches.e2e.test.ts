/**
 * Multi-item batches in n8n's queue mode (`npm run test:queue`; the stack as in queue.e2e.test.ts)
 * on three workers that each run one execution at a time (N8N_CONCURRENCY_PRODUCTION_LIMIT=1), so
 * that batches posted at the same moment run on different workers: batches of the same requests on
 * all three at once, a worker killed mid-batch, Retry On Fail.
 */
import type { Execution } from '../e2e/n8n-server';
import { nodeOutput } from '../e2e/n8n-server';
import { BATCH_NODE } from '../e2e/workflows';
import { itemOf, itemUrl, until, useQueueHarness } from '../support/queue-harness';

const WORKERS = 3;
const queue = useQueueHarness('queue-batches', { workers: WORKERS, env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: '1' } });
const { api, stack } = queue;

type Timed = Execution & { startedAt: string; stoppedAt: string };

/** The workflow's ended executions, oldest first, once there are at least `count`. */
async function endedExecutions(workflowId: string, count: number): Promise<Timed[]> {
	const ended = await until(`${count} ended executions`, async () => {
		const list = (await stack.main.executions(workflowId)).filter((e) => ['success', 'error', 'crashed'].includes(e.status));
		return list.length >= count ? list : undefined;
	});
	ended.sort((a, b) => Number(a.id) - Number(b.id));
	return (await Promise.all(ended.map(async (e) => await stack.main.execution(e.id)))) as Timed[];
}

/** How many requests the API received for each item (by its source image). */
function requestsPerItem(): Map<number, number> {
	const counts = new Map<number, number>();
	for (const request of api.apiRequests()) counts.set(itemOf(request.body.source_image), (counts.get(itemOf(request.body.source_image)) ?? 0) + 1);
	return counts;
}

test('three workers run batches of the same 80 requests at the same moment, then the same again: each request sent once, no item failed, nothing sent the second time', async () => {
	const ITEMS = 80;
	const CONCURRENCY = 5;
	const LATENCY_MS = 100;
	api.latencyMs = LATENCY_MS;
	// Continue On Fail: an item that fails becomes an error item (counted below) instead of stopping its batch
	const { id, url } = await queue.deployBatch({ options: { concurrency: CONCURRENCY } }, { onError: 'continueRegularOutput' });

	/** One batch of the same items posted to each worker at once; what the executions and the API saw. */
	const round = async (number: number) => {
		const requestsBefore = api.apiRequests().length;
		const startedAt = Date.now();
		await Promise.all(Array.from({ length: WORKERS }, async () => await queue.runBatch(url, 'same', ITEMS)));
		const executions = (await endedExecutions(id, number * WORKERS)).slice(-WORKERS);
		const outputs = executions.map((execution) => nodeOutput(execution, BATCH_NODE));
		const items = outputs.flat();
		return {
			executions,
			outputs,
			seconds: (Date.now() - startedAt) / 1000,
			requests: api.apiRequests().slice(requestsBefore),
			sent: items.filter((item) => item.json.alreadySubmitted === false).length,
			sentPerBatch: outputs.map((output) => output.filter((item) => item.json.alreadySubmitted === false).length),
			reported: items.filter((item) => item.json.alreadySubmitted === true).length,
			failed: items.filter((item) => item.json.error !== undefined).length,
		};
	};
	const first = await round(1);
	const second = await round(2);
	const sentTwice = [...requestsPerItem().values()].filter((count) => count > 1).length;
	process.stdout.write(
		`queue mode, ${WORKERS} workers, ${WORKERS} batches of the same ${ITEMS} items at once (Concurrency ${CONCURRENCY}, API ${LATENCY_MS} ms), twice: ` +
			`sent ${first.sent + second.sent} (${first.sentPerBatch.join(' + ')} by the three batches of the first round), reported ${first.reported + second.reported}, failed ${first.failed + second.failed}, sent twice ${sentTwice} ` +
			`(the rounds took ${first.seconds.toFixed(1)} s and ${second.seconds.toFixed(1)} s)\n`,
	);

	for (const { executions, outputs } of [first, second]) {
		// each worker ran one of the batches, all three at the same time, and each has every item
		expect(executions.map((execution) => execution.status)).toEqual(executions.map(() => 'success'));
		expect(new Set(executions.map((execution) => queue.workerOf(execution.id)?.name)).size).toBe(WORKERS);
		const lastStart = Math.max(...executions.map((execution) => Date.parse(execution.startedAt)));
		expect(lastStart).toBeLessThan(Math.min(...executions.map((execution) => Date.parse(execution.stoppedAt))));
		expect(outputs.map((output) => output.length)).toEqual(outputs.map(() => ITEMS));
	}
	expect(first.failed + second.failed).toBe(0);
	// every request was sent exactly once, by one of the three batches, which output its task; the
	// other two report it as already submitted
	expect(sentTwice).toBe(0);
	expect([...requestsPerItem().entries()].sort(([a], [b]) => a - b)).toEqual(Array.from({ length: ITEMS }, (_, i) => [i, 1]));
	const taskOf = new Map(first.requests.map((request) => [itemOf(request.body.source_image), request.taskId]));
	for (let i = 0; i < ITEMS; i++) {
		const answers = first.outputs.map((output) => output[i].json);
		expect(answers.filter((json) => json.alreadySubmitted === false).map((json) => json.taskId)).toEqual([taskOf.get(i)]);
		expect(answers.filter((json) => json.alreadySubmitted === true)).toHaveLength(WORKERS - 1);
	}
	// the same again: nothing sent, every item of every batch reported as already submitted
	expect(second.requests).toHaveLength(0);
	expect(second.reported).toBe(WORKERS * ITEMS);
}, 300_000);

describe('batches that meet a dead worker or Retry On Fail', () => {
	test('a worker killed mid-batch, then the same batch again: no item sent twice, none lost silently, every task reaches the trigger', async () => {
		const ITEMS = 200;
		const CONCURRENCY = 5;
		api.latencyMs = 40;
		api.autoCallback = true;
		const { id, url } = await queue.deployBatch({ webhookUrl: queue.callbackUrl, options: { concurrency: CONCURRENCY } });
		const triggerRunsBefore = await stack.main.executionCount(queue.triggerWorkflowId);
		await queue.runBatch(url, 'crash', ITEMS);
		await until('50 requests of the batch', () => (api.apiRequests().length >= 50 ? true : undefined));
		const running = await until('the running execution', async () => (await stack.main.executions(id))[0]);
		const worker = await until('the worker that runs it', () => queue.workerOf(running.id));
		worker.child.kill('SIGKILL');
		const crashed = await until('the crashed execution to end', async () => {
			const execution = (await stack.main.executions(id)).find((e) => e.id === running.id);
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
			(await stack.main.executionCount(queue.triggerWorkflowId)) - triggerRunsBefore >= tasksOfCrash.length ? true : undefined,
		);

		// the user's next step: the same batch again (a surviving worker takes it)
		await queue.runBatch(url, 'crash', ITEMS);
		const rerun = await stack.main.waitForExecution(id, { count: 2, statuses: ['success', 'error', 'crashed'] });
		expect(rerun.status).toBe('success');
		const output = nodeOutput(rerun, BATCH_NODE);
		expect(output).toHaveLength(ITEMS);
		expect([...requestsPerItem().values()].filter((count) => count > 1)).toEqual([]);
		const reported = output.flatMap((item, index) => (item.json.alreadySubmitted === true ? [index] : []));
		const sentAgain = output.flatMap((item, index) => (item.json.alreadySubmitted === false ? [index] : []));
		// every item is either sent now or reported as sent by the crashed run ...
		expect([...reported, ...sentAgain].sort((a, b) => a - b)).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
		expect(sentAgain.filter((index) => sentBefore.has(index))).toEqual([]);
		// ... and reported-but-never-sent are at most the items that held a record whose request had
		// not left: the claim window (claims run ahead of the request slots by a depth computed from
		// the measured claim and API times, at most 4 x Concurrency) plus the Concurrency request
		// slots whose request had not left yet: 5 x Concurrency, the bound docs/how-it-works.md states ("at
		// most 5 x Concurrency items, 25 at the default 5")
		const recordedNotSent = reported.filter((index) => !sentBefore.has(index));
		expect(recordedNotSent.length).toBeLessThanOrEqual(5 * CONCURRENCY);
		expect(api.tasks.length - tasksBefore).toBe(sentAgain.length);
		process.stdout.write(
			`worker killed after ${sentBefore.size} of ${ITEMS} items were sent (${tasksOfCrash.length} tasks, each reached the trigger); ` +
				`the re-run sent ${sentAgain.length}, reported ${reported.length} as already submitted (${recordedNotSent.length} recorded but never sent)\n`,
		);
		await queue.replaceWorker(worker);
	}, 300_000);

	test('Retry On Fail after an HTTP 500: the node runs again and sends only what never left', async () => {
		api.fail({ status: 500, match: `${itemUrl('retry', 3)}"` });
		const { id, url } = await queue.deployBatch({ options: { concurrency: 1 } }, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
		await queue.runBatch(url, 'retry', 8);
		const done = await stack.main.waitForExecution(id);
		expect(done.status).toBe('success');
		// each item sent once over both tries, in any order (claims run ahead of the request slot)
		const requests = api.apiRequests();
		expect(requests.map((r) => itemOf(r.body.source_image)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		const output = nodeOutput(done, BATCH_NODE);
		// item 3 (HTTP 500: the task may exist) is not sent again and has no task ID
		expect(output[3].json).toMatchObject({ alreadySubmitted: true, taskId: '' });
		// every other item carries its own request's task ID: those the first try sent come out
		// already submitted (the same process ran both tries, so it still knows them), the rest sent
		const taskOf = (item: number) => requests.find((r) => itemOf(r.body.source_image) === item)?.taskId;
		const others = [0, 1, 2, 4, 5, 6, 7];
		expect(others.map((item) => output[item].json.taskId)).toEqual(others.map(taskOf));
		expect(output.filter((item) => item.json.alreadySubmitted === false).length).toBeGreaterThan(0);
	});
});
