/**
 * Callbacks: CALLBACKS per round posted CALLBACK_CONCURRENCY at a time to a trigger (the Aifaceswap
 * Trigger, a minimal community trigger, n8n's Webhook node), each followed by a No Operation node,
 * counting the executions that every accepted callback started.
 */
import { randomUUID } from 'node:crypto';

import type { N8nServer, WorkflowFile } from '../e2e/n8n-server';
import { triggerWorkflow } from '../e2e/workflows';

import { n8n, postJson } from './setup';

export const CALLBACKS = 500;
export const CALLBACK_CONCURRENCY = 20;
export const CALLBACK_ROUNDS = 3;
export const MINIMAL_TRIGGER = 'n8n-nodes-bench-minimal-trigger.minimalTrigger';

export interface CallbackTarget {
	name: string;
	url: string;
	workflowId: string;
	rates: number[];
	accepted: number;
	executions: number;
	drainMs: number[];
}

export async function deployTarget(name: string, type: string, server: N8nServer = n8n, webhookBase = n8n.url): Promise<CallbackTarget> {
	const webhookId = randomUUID();
	let workflow: WorkflowFile;
	let url = `${webhookBase}/webhook/${webhookId}/task_callback`;
	if (type === 'n8n-nodes-base.webhook') {
		const webhookPath = `bench-callback-${webhookId}`;
		url = `${webhookBase}/webhook/${webhookPath}`;
		workflow = triggerWorkflow({ name: `bench ${name}`, webhookId, parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} } });
		workflow.nodes[0] = { ...workflow.nodes[0], type, typeVersion: 2 };
	} else {
		workflow = triggerWorkflow({ name: `bench ${name}`, webhookId, parameters: {} });
		workflow.nodes[0] = { ...workflow.nodes[0], type };
	}
	const { id } = await server.importWorkflow(workflow, { activate: true });
	return { name, url, workflowId: id, rates: [], accepted: 0, executions: 0, drainMs: [] };
}

function callbackBody(tag: string, index: number) {
	return { success: 1, type: 1, task_id: `bench-${tag}-${index}`, result_image: `https://cdn.example.com/results/${tag}-${index}.png` };
}

/** Posts `count` callbacks, CALLBACK_CONCURRENCY at a time; returns how many were accepted (2xx) and the time. */
async function postCallbacks(url: string, count: number, tag: string): Promise<{ accepted: number; ms: number }> {
	let next = 0;
	let accepted = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CALLBACK_CONCURRENCY }, async () => {
			while (next < count) {
				const index = next++;
				const status = await postJson(url, callbackBody(tag, index)).catch(() => 0);
				if (status >= 200 && status < 300) accepted++;
			}
		}),
	);
	return { accepted, ms: performance.now() - started };
}

async function waitForExecutions(workflowId: string, expected: number, server: N8nServer): Promise<number> {
	const deadline = Date.now() + 300_000;
	let count = 0;
	while (Date.now() < deadline) {
		count = await server.executionCount(workflowId);
		const finished = await server.executionCount(workflowId, ['success', 'error', 'crashed']);
		if (count >= expected && finished === count) return count;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	return count;
}

/** 20 warm-up callbacks per target, then CALLBACK_ROUNDS rounds, each target in a different place each round. */
export async function runCallbacks(targets: CallbackTarget[], server: N8nServer = n8n): Promise<void> {
	for (const target of targets) {
		const warm = await postCallbacks(target.url, 20, `warmup-${target.name}`);
		target.accepted += warm.accepted;
		await waitForExecutions(target.workflowId, target.accepted, server);
	}
	for (let round = 0; round < CALLBACK_ROUNDS; round++) {
		// a different order each round, so no target always goes first
		const order = targets.map((_, i) => targets[(i + round) % targets.length]);
		for (const target of order) {
			const { accepted, ms } = await postCallbacks(target.url, CALLBACKS, `${round}-${target.name}`);
			target.accepted += accepted;
			target.rates.push((accepted / ms) * 1000);
			const drainStarted = performance.now();
			target.executions = await waitForExecutions(target.workflowId, target.accepted, server);
			target.drainMs.push(performance.now() - drainStarted + ms);
		}
	}
}
