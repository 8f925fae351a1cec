/**
 * The benchmark behind CONTRIBUTING.md's figures (`npm run bench`). It measures, it does not assert:
 * one real n8n (as in the end-to-end tests), the mock aifaceswap API answering every request after
 * LATENCY_MS, and side by side in one run, by part (BENCH_PARTS, all by default):
 * - record: what the submission record costs (record.ts): the batch with the record off, on and
 *   new, on and holding FILL requests; filling it, against the same requests with the record off;
 *   one-item executions at once, on and off; with the store calls per item and the settle waits.
 * - submit: ITEMS items through Image > Swap Face at concurrencies 5 and 1, against the same calls
 *   made by n8n's HTTP Request node with its batching at the same concurrency (batches.ts).
 * - callbacks: callbacks to the Aifaceswap Trigger, a minimal community trigger
 *   (test/bench/minimal-trigger: the floor for any community trigger) and n8n's Webhook node.
 * - queue: the same callbacks to the Aifaceswap Trigger in queue mode (Postgres, Redis, main, a
 *   webhook process and two workers), beside the single-process figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_CONCURRENCY } from '../../nodes/Aifaceswap/actions/common.descriptions';
import { AIFACESWAP_TRIGGER } from '../e2e/workflows';
import type { CredentialRef } from '../e2e/workflows';
import { MOCK_API_KEY } from '../mock-api/server';
import { QueueStack } from '../support/queue-stack';

import type { BatchFigure } from './batches';
import { aifaceswapNode, deployBatch, httpRequestNode, runBatch } from './batches';
import type { CallbackTarget } from './callbacks';
import { deployTarget, MINIMAL_TRIGGER, runCallbacks } from './callbacks';
import { RECORD_OFF, RECORD_ON, runRecordPart } from './record';
import type { RecordFigures } from './record';
import { callbackTables, recordTables, submitTable } from './report';
import { api, ITEMS, LATENCY_MS, log, n8n, storeCalls, timed } from './setup';

// For looking into one figure (CONTRIBUTING.md's figures use the defaults): BENCH_PARTS
// (record,submit,callbacks,queue), BENCH_ITEMS, BENCH_FILL, BENCH_EXECUTIONS, BENCH_CONCURRENCIES
// (5,1), BENCH_SKIP_HTTP (no HTTP Request batches), BENCH_SKIP_FULL_RECORD (no fill, no batch
// against a full record), BENCH_GAPS (prints the time from an answer to the next request) and
// BENCH_NODE_OPTIONS (for n8n's Node.js, e.g. --cpu-prof).
const PARTS = (process.env.BENCH_PARTS ?? 'record,submit,callbacks,queue').split(',');
const CONCURRENCIES = process.env.BENCH_CONCURRENCIES?.split(',').map(Number) ?? [DEFAULT_CONCURRENCY, 1];

/** Submit mode at each concurrency; the record part's batches at the same concurrency are not run again. */
async function runSubmitPart(credential: CredentialRef, batches: BatchFigure[]): Promise<void> {
	for (const concurrency of CONCURRENCIES) {
		log(`Submit mode, ${ITEMS} items at concurrency ${concurrency}...`);
		const nodes = [
			{ name: RECORD_ON, node: aifaceswapNode(concurrency, credential) },
			{ name: RECORD_OFF, node: aifaceswapNode(concurrency, credential, false) },
			...(process.env.BENCH_SKIP_HTTP ? [] : [{ name: 'HTTP Request', node: httpRequestNode(concurrency) }]),
		];
		for (const { name, node } of nodes) {
			if (batches.some((b) => b.name === name && b.concurrency === concurrency)) continue;
			batches.push(await timed(`${name}, concurrency ${concurrency}`, async () => await runBatch(await deployBatch(name, node), concurrency)));
		}
	}
}

async function runQueuePart(): Promise<CallbackTarget> {
	log('Callbacks in queue mode (Postgres, Redis, main, webhook process, 2 workers)...');
	const stack = new QueueStack('bench-queue', { workers: 2, env: { N8N_LOG_LEVEL: 'warn' } });
	await stack.start();
	try {
		const target = await deployTarget('Aifaceswap Trigger, queue mode', AIFACESWAP_TRIGGER, stack.main, stack.webhook.url);
		await runCallbacks([target], stack.main);
		return target;
	} finally {
		await stack.stop();
	}
}

export async function main(): Promise<void> {
	const started = performance.now();
	await api.start();
	api.latencyMs = LATENCY_MS;
	log(`Starting n8n (${new Date().toISOString()}), parts ${PARTS.join(', ')}...`);
	await n8n.start();
	const credential = {
		id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }),
		name: 'Aifaceswap (mock)',
	};

	let record: RecordFigures | undefined;
	if (PARTS.includes('record')) record = await timed('record part', async () => await runRecordPart(credential));
	const batches: BatchFigure[] = record?.batches.map((row) => row.figure) ?? [];
	if (PARTS.includes('submit')) await timed('submit part', async () => await runSubmitPart(credential, batches));

	const targets: CallbackTarget[] = [];
	if (PARTS.includes('callbacks')) {
		log('Callbacks...');
		targets.push(
			await deployTarget('Aifaceswap Trigger', AIFACESWAP_TRIGGER),
			await deployTarget('minimal trigger', MINIMAL_TRIGGER),
			await deployTarget('n8n Webhook node', 'n8n-nodes-base.webhook'),
		);
		await timed('callbacks part', async () => await runCallbacks(targets));
	}
	await n8n.stop();
	const queueTarget = PARTS.includes('queue') ? await timed('queue part', runQueuePart) : undefined;
	await api.stop();

	const sections: string[][] = [];
	if (record && storeCalls.calls().length === 0) {
		// the record-on figures made store calls: none counted means the counter did not load
		sections.push([`**No store call was counted** (${storeCalls.callsFile} is empty): test/bench/store-call-counter.js did not wrap n8n-core's DataDeduplicationService, so the store-call columns below are not true.`]);
	}
	if (record) sections.push(recordTables(record));
	if (PARTS.includes('submit')) sections.push(submitTable(batches));
	if (targets.length > 0 || queueTarget) sections.push(callbackTables(targets, queueTarget));
	const report = [
		`Benchmark of ${new Date().toISOString().slice(0, 10)}: \`npm run bench\` (parts ${PARTS.join(', ')}), n8n ${n8nVersion()}, mock API latency ${LATENCY_MS} ms, this machine (${machine()}).`,
		...sections.flatMap((section) => ['', ...section]),
		'',
		...notes(record !== undefined || batches.length > 0, targets.length > 0 || queueTarget !== undefined),
	].join('\n');
	log('');
	log(report);
	const outputDir = path.resolve(__dirname, '..', '..', 'test-output');
	fs.mkdirSync(outputDir, { recursive: true });
	fs.writeFileSync(path.join(outputDir, 'bench.md'), `${report}\n`);
	log(`\n(also in test-output/bench.md; the whole run took ${((performance.now() - started) / 60_000).toFixed(1)} min)`);
}

function notes(batches: boolean, callbacks: boolean): string[] {
	return [
		...(batches
			? [
					'"node time" is the node\'s executionTime in n8n\'s run data; the wall time adds the Webhook and Split Out nodes and n8n\'s own work.',
					'Store calls: the calls to n8n\'s processed-data store (record: checkProcessedAndRecord, remove: removeProcessed) counted inside n8n\'s process, with their durations; settle waits: those the node logged (n8n at debug level).',
				]
			: []),
		...(callbacks ? ['Accepted and executions include the 20 warm-up callbacks per target.'] : []),
	];
}

function n8nVersion(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require('../../scripts/n8n-runtime') as { paths: () => { n8nVersion: string } }).paths().n8nVersion;
}

function machine(): string {
	return `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
