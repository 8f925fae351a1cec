/**
 * The benchmark behind CONTRIBUTING.md's figures (`npm run bench`). It measures, it does not assert:
 * one real n8n (as in the end-to-end tests), the mock aifaceswap API answering every request after
 * LATENCY_MS, and side by side in one run:
 * 1. 500 items through Image > Swap Face (submit mode) at the default concurrency and at 1, against
 *    the same 500 calls made by n8n's HTTP Request node with its batching at the same concurrency;
 *    The Aifaceswap node runs twice: with Skip Already Submitted (the default: every request is
 *    recorded in n8n's database before it leaves) and without.
 * 2. 500 callbacks posted 20 at a time to the Aifaceswap Trigger, to a minimal community trigger
 *    (test/bench/minimal-trigger: the floor for any community trigger) and to n8n's Webhook node,
 *    each followed by a No Operation node, counting the executions that every accepted callback
 *    started.
 * 3. The same callbacks to the Aifaceswap Trigger in queue mode (Postgres, Redis, main, a webhook
 *    process and two workers), beside the single-process figure of part 2.
 * 4. 100 one-item executions of Webhook -> Aifaceswap started at the same moment (as webhook-driven
 *    workflows run), with Skip Already Submitted on and off: the time each call takes.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { INode } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../../nodes/Aifaceswap/actions/common.descriptions';
import { N8nServer } from '../e2e/n8n-server';
import { QueueStack } from '../support/queue-stack';
import type { WorkflowFile } from '../e2e/n8n-server';
import { AIFACESWAP, AIFACESWAP_TRIGGER, BATCH_NODE, batchWorkflow, triggerWorkflow, webhookToAifaceswap } from '../e2e/workflows';
import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';

const LATENCY_MS = 100;
// For looking into one figure (CONTRIBUTING.md's figures use the defaults): BENCH_ITEMS, BENCH_PARTS
// (submit,callbacks,queue), BENCH_CONCURRENCIES (5,1), BENCH_SKIP_HTTP (no HTTP Request batches),
// BENCH_SKIP_FULL_RECORD (no batch against a record that holds 10,000 requests),
// BENCH_GAPS (prints the time from an answer to the next request) and BENCH_NODE_OPTIONS (for
// n8n's Node.js, e.g. --cpu-prof).
const ITEMS = Number(process.env.BENCH_ITEMS ?? 500);
const PARTS = (process.env.BENCH_PARTS ?? 'submit,executions,callbacks,queue').split(',');
const EXECUTIONS = 100;
const EXECUTION_ROUNDS = 3;
const CONCURRENCIES = process.env.BENCH_CONCURRENCIES?.split(',').map(Number) ?? [DEFAULT_CONCURRENCY, 1];
const CALLBACKS = 500;
const CALLBACK_CONCURRENCY = 20;
const CALLBACK_ROUNDS = 3;
const MINIMAL_TRIGGER = 'n8n-nodes-bench-minimal-trigger.minimalTrigger';
const SKIP_OFF = 'Aifaceswap, Skip Already Submitted off';
/** The record's steady state: it keeps the last 10,000 requests (20,000 values) of a node. */
const RECORD_FULL = 10_000;
const FILL_CHUNK = 2_000;

const api = new MockAifaceswapApi();
const n8n = new N8nServer('bench', {
	env: { N8N_LOG_LEVEL: 'warn', ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}) },
	extraPackages: [path.join(__dirname, 'minimal-trigger')],
});

function log(line: string): void {
	process.stdout.write(`${line}\n`);
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function postJson(url: string, body: unknown): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	await response.arrayBuffer();
	return response.status;
}

// ---- 1. submit mode: Aifaceswap vs HTTP Request ---------------------------------------------

interface BatchFigure {
	name: string;
	concurrency: number;
	/** The node's own run time in n8n's run data. */
	nodeMs: number;
	/** From posting the 500 items to n8n's answer when the workflow is done. */
	wallMs: number;
	boundMs: number;
	ok: number;
	/** The most requests the mock API had in flight at one time. */
	maxInFlight: number;
}

function aifaceswapNode(concurrency: number, skipAlreadySubmitted = true): Pick<INode, 'type' | 'parameters'> & Partial<INode> {
	return {
		type: AIFACESWAP,
		parameters: {
			resource: 'image',
			operation: 'swapFace',
			sourceImageUrl: '={{ $json.url }}',
			faceImageUrl: FACE_URL,
			options: { concurrency, skipAlreadySubmitted },
		},
	};
}

function httpRequestNode(concurrency: number): Pick<INode, 'type' | 'parameters'> & Partial<INode> {
	return {
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${api.url}/api/aifaceswap/v1/faceswap`,
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

async function deployBatch(name: string, node: Pick<INode, 'type' | 'parameters'> & Partial<INode>) {
	const webhookPath = `bench-${randomUUID()}`;
	const { id } = await n8n.importWorkflow(batchWorkflow({ name, path: webhookPath, node }), { activate: true });
	return { id, url: `${n8n.url}/webhook/${webhookPath}` };
}

/**
 * `recorded`: requests sent through the workflow first (with the mock answering at once), so that
 * the measured batch meets a submission record that already holds them.
 */
async function runBatch(
	name: string,
	concurrency: number,
	node: Pick<INode, 'type' | 'parameters'> & Partial<INode>,
	recorded = 0,
): Promise<BatchFigure> {
	const workflow = await deployBatch(`bench ${name} ${concurrency}`, node);
	const items = (count: number, tag: string) => Array.from({ length: count }, (_, i) => ({ url: `${SOURCE_URL}?${tag}=${i}` }));
	await postJson(workflow.url, { items: items(10, 'warmup') });
	let executions = 2;
	if (recorded > 0) {
		api.latencyMs = 0;
		const started = performance.now();
		for (let sent = 0; sent < recorded; sent += FILL_CHUNK, executions++) {
			const status = await postJson(workflow.url, { items: items(Math.min(FILL_CHUNK, recorded - sent), `fill${sent}`) });
			if (status !== 200) throw new Error(`${name}: filling the record, the workflow answered HTTP ${status}`);
		}
		log(`${name}: ${recorded} requests recorded in ${seconds(performance.now() - started)} s`);
		api.latencyMs = LATENCY_MS;
	}
	api.requests = [];
	api.tasks = [];
	api.maxInFlight = 0;
	const started = performance.now();
	const status = await postJson(workflow.url, { items: items(ITEMS, 'item') });
	const wallMs = performance.now() - started;
	if (status !== 200) throw new Error(`${name}: the workflow answered HTTP ${status}`);
	const execution = await n8n.waitForExecution(workflow.id, { count: executions });
	const run = execution.data.resultData.runData[BATCH_NODE][0];
	const output = run.data?.main?.[0] ?? [];
	const requests = api.apiRequests('faceswap');
	const ok = requests.filter((r) => r.status === 200).length;
	if (process.env.BENCH_GAPS) {
		// each answer paired with the first later request not paired yet: the client's turnaround
		const byArrival = [...requests].sort((a, b) => a.receivedAt - b.receivedAt);
		const paired = new Set<number>();
		const gaps: number[] = [];
		for (const answered of [...requests].sort((a, b) => (a.answeredAt ?? 0) - (b.answeredAt ?? 0))) {
			const next = byArrival.findIndex((r, k) => !paired.has(k) && r.receivedAt >= (answered.answeredAt ?? 0));
			if (next === -1) continue;
			paired.add(next);
			gaps.push(byArrival[next].receivedAt - (answered.answeredAt ?? 0));
		}
		gaps.sort((a, b) => a - b);
		const service = requests.map((r) => (r.answeredAt ?? 0) - r.receivedAt).sort((a, b) => a - b);
		const pct = (values: number[], p: number) => values[Math.min(values.length - 1, Math.floor(values.length * p))];
		log(`${name} ${concurrency}: turnaround p50 ${pct(gaps, 0.5)} ms p90 ${pct(gaps, 0.9)} ms; API time p50 ${pct(service, 0.5)} ms`);
	}
	if (output.length !== ITEMS || ok !== ITEMS) throw new Error(`${name}: ${output.length} output items, ${ok} accepted requests`);
	return { name, concurrency, nodeMs: run.executionTime, wallMs, boundMs: (ITEMS / concurrency) * LATENCY_MS, ok, maxInFlight: api.maxInFlight };
}

// ---- 4. one-item executions at once: the submission record on and off ----------------------

interface ExecutionsFigure {
	name: string;
	/** Per round: the median time of one call (webhook in, answer with the node's output out). */
	medianMs: number[];
	/** Per round: from the first call to the last answer. */
	wallMs: number[];
	sent: number;
}

async function runExecutions(name: string, credential: { id: string; name: string }, skipAlreadySubmitted: boolean): Promise<ExecutionsFigure> {
	const webhookPath = `bench-executions-${randomUUID()}`;
	await n8n.importWorkflow(
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
	const figure: ExecutionsFigure = { name, medianMs: [], wallMs: [], sent: 0 };
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
	figure.sent = api.apiRequests('faceswap').length;
	return figure;
}

// ---- 2. callbacks: Aifaceswap Trigger vs minimal trigger vs Webhook node ----------------------

interface CallbackTarget {
	name: string;
	url: string;
	workflowId: string;
	rates: number[];
	accepted: number;
	executions: number;
	drainMs: number[];
}

async function deployTarget(name: string, type: string, server = n8n, webhookBase = n8n.url): Promise<CallbackTarget> {
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

/** Posts `count` callbacks, `concurrency` at a time; returns how many were accepted (2xx) and the time. */
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

async function waitForExecutions(workflowId: string, expected: number, server = n8n): Promise<number> {
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

async function runCallbacks(targets: CallbackTarget[], server = n8n): Promise<void> {
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// ---- report ---------------------------------------------------------------------------------

export async function main(): Promise<void> {
	await api.start();
	api.latencyMs = LATENCY_MS;
	log(`Starting n8n (${new Date().toISOString()})...`);
	await n8n.start();
	const credential = {
		id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }),
		name: 'Aifaceswap (mock)',
	};
	const withCredential = (node: ReturnType<typeof aifaceswapNode>) => ({ ...node, credentials: { aifaceswapApi: credential } });

	const batches: BatchFigure[] = [];
	for (const concurrency of PARTS.includes('submit') ? CONCURRENCIES : []) {
		log(`Submit mode, ${ITEMS} items at concurrency ${concurrency}...`);
		batches.push(await runBatch('Aifaceswap', concurrency, withCredential(aifaceswapNode(concurrency))));
		batches.push(await runBatch(SKIP_OFF, concurrency, withCredential(aifaceswapNode(concurrency, false))));
		if (concurrency === DEFAULT_CONCURRENCY && !process.env.BENCH_SKIP_FULL_RECORD) {
			batches.push(await runBatch(`Aifaceswap, submission record holding ${RECORD_FULL} requests`, concurrency, withCredential(aifaceswapNode(concurrency)), RECORD_FULL));
		}
		if (!process.env.BENCH_SKIP_HTTP) batches.push(await runBatch('HTTP Request', concurrency, httpRequestNode(concurrency)));
	}

	const executionFigures: ExecutionsFigure[] = [];
	if (PARTS.includes('executions')) {
		log(`${EXECUTIONS} one-item executions at once, ${EXECUTION_ROUNDS} rounds, submission record on and off...`);
		api.latencyMs = LATENCY_MS;
		for (let round = 0; round < 2; round++) {
			// on and off alternate, so neither always meets a warmer n8n
			const pair = [
				async () => executionFigures.push(await runExecutions('Aifaceswap (submission record on, default)', credential, true)),
				async () => executionFigures.push(await runExecutions(SKIP_OFF, credential, false)),
			];
			for (const run of round === 0 ? pair : pair.reverse()) await run();
		}
	}

	if (PARTS.includes('callbacks')) log(`Callbacks, ${CALLBACK_ROUNDS} rounds of ${CALLBACKS} at concurrency ${CALLBACK_CONCURRENCY}...`);
	const targets = PARTS.includes('callbacks')
		? [
				await deployTarget('Aifaceswap Trigger', AIFACESWAP_TRIGGER),
				await deployTarget('minimal trigger', MINIMAL_TRIGGER),
				await deployTarget('n8n Webhook node', 'n8n-nodes-base.webhook'),
			]
		: [];
	if (targets.length > 0) await runCallbacks(targets);
	await n8n.stop();

	let queueTarget: CallbackTarget | undefined;
	if (PARTS.includes('queue')) {
		log('Callbacks in queue mode (Postgres, Redis, main, webhook process, 2 workers)...');
		const stack = new QueueStack('bench-queue', { workers: 2, env: { N8N_LOG_LEVEL: 'warn' } });
		await stack.start();
		try {
			queueTarget = await deployTarget('Aifaceswap Trigger, queue mode', AIFACESWAP_TRIGGER, stack.main, stack.webhook.url);
			await runCallbacks([queueTarget], stack.main);
		} finally {
			await stack.stop();
		}
	}
	await api.stop();

	const lines: string[] = [];
	lines.push(`Benchmark of ${new Date().toISOString().slice(0, 10)}: \`npm run bench\`, n8n ${n8nVersion()}, mock API latency ${LATENCY_MS} ms, this machine (${machine()}).`);
	lines.push('');
	lines.push(`Submit mode, ${ITEMS} items (Image > Swap Face) in one execution:`);
	lines.push('');
	lines.push('| node | concurrency | most in flight | node time | latency bound | node / bound | workflow wall time | vs HTTP Request | vs Skip Already Submitted off |');
	lines.push('|---|---|---|---|---|---|---|---|---|');
	for (const figure of batches) {
		const http = batches.find((b) => b.name === 'HTTP Request' && b.concurrency === figure.concurrency) ?? figure;
		const off = batches.find((b) => b.name === SKIP_OFF && b.concurrency === figure.concurrency) ?? figure;
		lines.push(
			`| ${figure.name} | ${figure.concurrency} | ${figure.maxInFlight} | ${seconds(figure.nodeMs)} s | ${seconds(figure.boundMs)} s | ${(figure.nodeMs / figure.boundMs).toFixed(3)} | ${seconds(figure.wallMs)} s | ${(figure.nodeMs / http.nodeMs).toFixed(3)} | ${figure.name.startsWith('Aifaceswap') ? (figure.nodeMs / off.nodeMs).toFixed(3) : ''} |`,
		);
	}
	if (executionFigures.length > 0) {
		lines.push('');
		lines.push(`${EXECUTIONS} one-item executions of Webhook -> Aifaceswap started at the same moment (answer with the node's output), ${EXECUTION_ROUNDS} rounds per workflow, two workflows per setting:`);
		lines.push('');
		lines.push('| node | median time per execution | rounds (median) | wall time per round | vs submission record off | requests sent |');
		lines.push('|---|---|---|---|---|---|');
		const offMedian = median(executionFigures.filter((f) => f.name === SKIP_OFF).flatMap((f) => f.medianMs));
		for (const name of [...new Set(executionFigures.map((f) => f.name))]) {
			const figures = executionFigures.filter((f) => f.name === name);
			const medians = figures.flatMap((f) => f.medianMs);
			const walls = figures.flatMap((f) => f.wallMs);
			lines.push(
				`| ${name} | ${median(medians).toFixed(0)} ms | ${medians.map((m) => m.toFixed(0)).join(' / ')} ms | ${seconds(median(walls))} s | ${(median(medians) / offMedian).toFixed(3)} | ${figures.reduce((sum, f) => sum + f.sent, 0)} |`,
			);
		}
	}
	if (targets.length > 0) {
	lines.push('');
	lines.push(`Callbacks, ${CALLBACKS} per round posted ${CALLBACK_CONCURRENCY} at a time, each target followed by a No Operation node; median of ${CALLBACK_ROUNDS} rounds:`);
	lines.push('');
	lines.push('| target | callbacks/s (median) | rounds | vs minimal trigger | vs n8n Webhook node | accepted | executions | lost |');
	lines.push('|---|---|---|---|---|---|---|---|');
	const minimal = median(targets[1].rates);
	const webhook = median(targets[2].rates);
	for (const target of targets) {
		const rate = median(target.rates);
		lines.push(
			`| ${target.name} | ${rate.toFixed(0)} | ${target.rates.map((r) => r.toFixed(0)).join(' / ')} | ${(rate / minimal).toFixed(3)} | ${(rate / webhook).toFixed(3)} | ${target.accepted} | ${target.executions} | ${target.accepted - target.executions} |`,
		);
	}
	}
	if (queueTarget) {
		const single = targets.find((target) => target.name === 'Aifaceswap Trigger');
		const rate = median(queueTarget.rates);
		lines.push('');
		lines.push(`Callbacks to the Aifaceswap Trigger in queue mode (the webhook process takes them, two workers run the executions), as above:`);
		lines.push('');
		lines.push('| target | callbacks/s (median) | rounds | vs single process | accepted | executions | lost |');
		lines.push('|---|---|---|---|---|---|---|');
		lines.push(
			`| ${queueTarget.name} | ${rate.toFixed(0)} | ${queueTarget.rates.map((r) => r.toFixed(0)).join(' / ')} | ${single ? (rate / median(single.rates)).toFixed(3) : 'n/a'} | ${queueTarget.accepted} | ${queueTarget.executions} | ${queueTarget.accepted - queueTarget.executions} |`,
		);
	}
	lines.push('');
	lines.push('Accepted and executions include the 20 warm-up callbacks per target. "node time" is the node\'s executionTime in n8n\'s run data; the wall time adds the Webhook and Split Out nodes and n8n\'s own work.');

	const report = lines.join('\n');
	log('');
	log(report);
	const outputDir = path.resolve(__dirname, '..', '..', 'test-output');
	fs.mkdirSync(outputDir, { recursive: true });
	fs.writeFileSync(path.join(outputDir, 'bench.md'), `${report}\n`);
	log(`\n(also in test-output/bench.md)`);
}

function n8nVersion(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require('../../scripts/n8n-runtime') as { paths: () => { n8nVersion: string } }).paths().n8nVersion;
}

function machine(): string {
	return `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
