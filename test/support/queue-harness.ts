/**
 * What the queue-mode test files (test/queue/) share: the mock API, a queue-mode stack
 * (queue-stack.ts) with this package's credential in it and an active Aifaceswap Trigger workflow
 * whose production callback URL is on the webhook process, and the helpers that drive them the way
 * a user's traffic does. `useQueueHarness` registers the jest hooks that start and stop them.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

import type { CredentialRef } from '../e2e/workflows';
import { AIFACESWAP, batchWorkflow, triggerWorkflow } from '../e2e/workflows';
import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from './fixtures';
import type { N8nProcess } from './queue-stack';
import { QueueStack } from './queue-stack';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The source image URL of item `index` of a batch named `run`, and back. */
export const itemUrl = (run: string, index: number) => `${SOURCE_URL}?${run}=${index}`;
export const itemOf = (url: unknown) => Number(/=(\d+)$/.exec(String(url))?.[1]);

export async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, text: await response.text() };
}

/** Polls `probe` until it gives something other than undefined or false. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(250);
	}
}

export class QueueHarness {
	readonly api = new MockAifaceswapApi();
	readonly stack: QueueStack;
	credential!: CredentialRef;
	/** The production callback URL of the active Aifaceswap Trigger workflow, on the webhook process. */
	callbackUrl = '';
	triggerWorkflowId = '';

	constructor(name: string, options: ConstructorParameters<typeof QueueStack>[1]) {
		this.stack = new QueueStack(name, options);
	}

	async start(): Promise<void> {
		await this.api.start();
		await this.stack.start();
		const credentialId = await this.stack.main.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: this.api.url });
		this.credential = { id: credentialId, name: 'Aifaceswap (mock)' };
		const webhookId = randomUUID();
		const trigger = triggerWorkflow({ name: 'queue trigger', webhookId, parameters: {} });
		({ id: this.triggerWorkflowId } = await this.stack.main.importWorkflow(trigger, { activate: true }));
		this.callbackUrl = `${this.stack.webhook.url}/webhook/${webhookId}/task_callback`;
	}

	async stop(): Promise<void> {
		await this.stack.stop();
		await this.api.stop();
	}

	/** The worker whose log says it started the execution (the latest start, if several). */
	workerOf(executionId: string): N8nProcess | undefined {
		const line = `Worker started execution ${executionId} `;
		return this.stack.workers.find((worker) => fs.readFileSync(worker.logFile, 'utf8').includes(line));
	}

	/** How many executions the worker has started. */
	startsIn(worker: N8nProcess): number {
		return fs.readFileSync(worker.logFile, 'utf8').split('Worker started execution ').length - 1;
	}

	/** Starts a stopped (or killed) worker again, in its place. */
	async replaceWorker(worker: N8nProcess): Promise<void> {
		const index = this.stack.workers.indexOf(worker);
		this.stack.workers[index] = await this.stack.startProcess(worker.name, 'worker', worker.port);
	}

	/** Imports and activates a batch workflow: Webhook (answers at once) -> Split Out -> Aifaceswap. */
	async deployBatch(parameters: IDataObject, node: IDataObject = {}): Promise<{ id: string; url: string }> {
		const path = `queue-${randomUUID()}`;
		const workflow = batchWorkflow({
			name: `queue batch ${path}`,
			path,
			node: {
				type: AIFACESWAP,
				parameters: { resource: 'image', operation: 'swapFace', faceImageUrl: FACE_URL, sourceImageUrl: '={{ $json.url }}', ...parameters },
				credentials: { aifaceswapApi: this.credential },
				...node,
			},
		});
		workflow.nodes[0].parameters = { ...workflow.nodes[0].parameters, responseMode: 'onReceived', responseData: undefined };
		const { id } = await this.stack.main.importWorkflow(workflow, { activate: true });
		return { id, url: `${this.stack.webhook.url}/webhook/${path}` };
	}

	/** Posts a batch of `count` items (item i's source image is `itemUrl(run, i)`) to its webhook. */
	async runBatch(url: string, run: string, count: number): Promise<void> {
		const answer = await post(url, { items: Array.from({ length: count }, (_, i) => ({ url: itemUrl(run, i) })) });
		expect(answer.status).toBe(200);
	}

	/** The processed_data rows of a workflow in Postgres. */
	recordRows(workflowId: string): Array<{ context: string; data: string[] }> {
		const rows = this.stack.sql(`select context, value from processed_data where "workflowId" = '${workflowId}'`) as Array<{ context: string; value: { data: string[] } | string }>;
		return rows.map((row) => ({ context: row.context, data: (typeof row.value === 'string' ? (JSON.parse(row.value) as { data: string[] }) : row.value).data }));
	}
}

/** A harness for one test file: started before its tests, the mock API reset before each, stopped after. */
export function useQueueHarness(name: string, options: ConstructorParameters<typeof QueueStack>[1]): QueueHarness {
	const harness = new QueueHarness(name, options);
	beforeAll(async () => await harness.start(), 600_000);
	beforeEach(() => harness.api.reset());
	afterAll(async () => await harness.stop(), 120_000);
	return harness;
}
