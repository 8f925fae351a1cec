/**
 * Submit mode: ITEMS items through one node in one execution (Webhook -> Split Out -> the node),
 * the Aifaceswap node (Image > Swap Face) or n8n's HTTP Request node making the same calls, and
 * the record's fill: FILL requests sent through a workflow first with the mock answering at once.
 */
import { randomUUID } from 'node:crypto';

import type { INode } from 'n8n-workflow';

import { AIFACESWAP, BATCH_NODE, batchWorkflow } from '../e2e/workflows';
import type { CredentialRef } from '../e2e/workflows';
import { MOCK_API_KEY } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { endpointOf, pathOf } from '../support/operations';

import { api, ITEMS, LATENCY_MS, log, n8n, percentile, postJson, storeCalls } from './setup';
import type { Window } from './store-calls';

type NodeSpec = Pick<INode, 'type' | 'parameters'> & Partial<INode>;

/** Requests per execution while filling a record. */
export const FILL_CHUNK = 2_000;

export interface BatchFigure {
	name: string;
	concurrency: number;
	/** The node's own run time in n8n's run data. */
	nodeMs: number;
	/** From posting the items to n8n's answer when the workflow is done. */
	wallMs: number;
	boundMs: number;
	/** The most requests the mock API had in flight at one time. */
	maxInFlight: number;
	window: Window;
}

export interface FillFigure {
	name: string;
	requests: number;
	ms: number;
	window: Window;
}

export interface BatchWorkflow {
	name: string;
	id: string;
	url: string;
	/** Executions of the workflow so far. */
	executions: number;
}

export function aifaceswapNode(concurrency: number, credential: CredentialRef, skipAlreadySubmitted = true): NodeSpec {
	return {
		type: AIFACESWAP,
		parameters: {
			resource: 'image',
			operation: 'swapFace',
			sourceImageUrl: '={{ $json.url }}',
			faceImageUrl: FACE_URL,
			options: { concurrency, skipAlreadySubmitted },
		},
		credentials: { aifaceswapApi: credential },
	};
}

export function httpRequestNode(concurrency: number): NodeSpec {
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${api.url}${pathOf('image', 'swapFace')}`,
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${MOCK_API_KEY}` }] },
			sendBody: true,
			bodyParameters: {
				parameters: [
					{ name: 'source_image', value: '={{ $json.url }}' },
					{ name: 'face_image', value: FACE_URL },
				],
			},
			// HTTP Request batching sends batchSize requests, then waits batchInterval before the next
			// batch, whether or not the last ones have answered: with the interval set to the API's
			// latency, about `concurrency` requests are in flight, as with the Aifaceswap node.
			options: { batching: { batch: { batchSize: concurrency, batchInterval: LATENCY_MS } } },
		},
	};
}

const items = (count: number, tag: string) => Array.from({ length: count }, (_, i) => ({ url: `${SOURCE_URL}?${tag}=${i}` }));

/** Imports and activates the workflow and runs it once on 10 items (warm-up). */
export async function deployBatch(name: string, node: NodeSpec): Promise<BatchWorkflow> {
	const webhookPath = `bench-${randomUUID()}`;
	const { id } = await n8n.importWorkflow(batchWorkflow({ name: `bench ${name}`, path: webhookPath, node }), { activate: true });
	const workflow = { name, id, url: `${n8n.url}/webhook/${webhookPath}`, executions: 0 };
	await post(workflow, items(10, 'warmup'));
	return workflow;
}

async function post(workflow: BatchWorkflow, body: Array<{ url: string }>): Promise<void> {
	const status = await postJson(workflow.url, { items: body });
	workflow.executions++;
	if (status !== 200) throw new Error(`${workflow.name}: the workflow answered HTTP ${status}`);
}

/** Sends `requests` requests through the workflow, FILL_CHUNK per execution, the mock answering at once. */
export async function fillRecord(workflow: BatchWorkflow, requests: number): Promise<FillFigure> {
	await storeCalls.quiet();
	api.latencyMs = 0;
	const from = Date.now();
	const started = performance.now();
	for (let sent = 0; sent < requests; sent += FILL_CHUNK) await post(workflow, items(Math.min(FILL_CHUNK, requests - sent), `fill${sent}`));
	const ms = performance.now() - started;
	api.latencyMs = LATENCY_MS;
	return { name: workflow.name, requests, ms, window: { workflowIds: [workflow.id], from, to: Date.now() } };
}

/** Runs ITEMS items through the workflow once its store is quiet (the warm-up's or the fill's clean-ups done). */
export async function runBatch(workflow: BatchWorkflow, concurrency: number): Promise<BatchFigure> {
	await storeCalls.quiet();
	api.requests = [];
	api.tasks = [];
	api.maxInFlight = 0;
	const from = Date.now();
	const started = performance.now();
	await post(workflow, items(ITEMS, 'item'));
	const wallMs = performance.now() - started;
	const to = Date.now();
	const execution = await n8n.waitForExecution(workflow.id, { count: workflow.executions });
	const run = execution.data.resultData.runData[BATCH_NODE][0];
	const output = run.data?.main?.[0] ?? [];
	const requests = api.apiRequests(endpointOf('image', 'swapFace'));
	const ok = requests.filter((r) => r.status === 200).length;
	if (process.env.BENCH_GAPS) logGaps(`${workflow.name} ${concurrency}`, requests);
	if (output.length !== ITEMS || ok !== ITEMS) throw new Error(`${workflow.name}: ${output.length} output items, ${ok} accepted requests`);
	return {
		name: workflow.name,
		concurrency,
		nodeMs: run.executionTime,
		wallMs,
		boundMs: (ITEMS / concurrency) * LATENCY_MS,
		maxInFlight: api.maxInFlight,
		window: { workflowIds: [workflow.id], from, to },
	};
}

/** BENCH_GAPS: each answer paired with the first later request not paired yet, the client's turnaround. */
function logGaps(name: string, requests: Array<{ receivedAt: number; answeredAt?: number }>): void {
	const byArrival = [...requests].sort((a, b) => a.receivedAt - b.receivedAt);
	const paired = new Set<number>();
	const gaps: number[] = [];
	for (const answered of [...requests].sort((a, b) => (a.answeredAt ?? 0) - (b.answeredAt ?? 0))) {
		const next = byArrival.findIndex((r, k) => !paired.has(k) && r.receivedAt >= (answered.answeredAt ?? 0));
		if (next === -1) continue;
		paired.add(next);
		gaps.push(byArrival[next].receivedAt - (answered.answeredAt ?? 0));
	}
	const service = requests.map((r) => (r.answeredAt ?? 0) - r.receivedAt);
	log(`${name}: turnaround p50 ${percentile(gaps, 0.5)} ms p90 ${percentile(gaps, 0.9)} ms; API time p50 ${percentile(service, 0.5)} ms`);
}
