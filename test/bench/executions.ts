/**
 * EXECUTIONS one-item executions of Webhook -> Aifaceswap started at the same moment (as
 * webhook-driven workflows run), each answering with the node's output: the time each call takes.
 */
import { randomUUID } from 'node:crypto';

import { webhookToAifaceswap } from '../e2e/workflows';
import type { CredentialRef } from '../e2e/workflows';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { endpointOf } from '../support/operations';

import { api, EXECUTIONS, median, n8n, postJson, storeCalls } from './setup';
import type { Window } from './store-calls';

export const EXECUTION_ROUNDS = 3;

export interface ExecutionsFigure {
	name: string;
	/** Per round: the median time of one call (webhook in, answer with the node's output out). */
	medianMs: number[];
	/** Per round: from the first call to the last answer. */
	wallMs: number[];
	sent: number;
	window: Window;
}

/** A new workflow, warmed up with one execution, then EXECUTION_ROUNDS rounds of EXECUTIONS calls at once. */
export async function runExecutions(name: string, credential: CredentialRef, skipAlreadySubmitted: boolean): Promise<ExecutionsFigure> {
	const webhookPath = `bench-executions-${randomUUID()}`;
	const { id } = await n8n.importWorkflow(
		webhookToAifaceswap({
			name: `bench ${name}`,
			path: webhookPath,
			parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.body.url }}', faceImageUrl: FACE_URL, options: { skipAlreadySubmitted } },
			credential,
		}),
		{ activate: true },
	);
	const url = `${n8n.url}/webhook/${webhookPath}`;
	await postJson(url, { url: `${SOURCE_URL}?warmup=${webhookPath}` });
	await storeCalls.quiet();
	const figure: ExecutionsFigure = { name, medianMs: [], wallMs: [], sent: 0, window: { workflowIds: [id], from: Date.now(), to: 0 } };
	api.requests = [];
	for (let round = 0; round < EXECUTION_ROUNDS; round++) {
		const started = performance.now();
		const times = await Promise.all(
			Array.from({ length: EXECUTIONS }, async (_, i) => {
				const callStarted = performance.now();
				const status = await postJson(url, { url: `${SOURCE_URL}?round${round}-${webhookPath}=${i}` });
				if (status !== 200) throw new Error(`${name}: a call answered HTTP ${status}`);
				return performance.now() - callStarted;
			}),
		);
		figure.wallMs.push(performance.now() - started);
		figure.medianMs.push(median(times));
	}
	figure.window.to = Date.now();
	figure.sent = api.apiRequests(endpointOf('image', 'swapFace')).length;
	return figure;
}
