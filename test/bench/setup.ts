/**
 * What every part of the benchmark shares: the mock aifaceswap API, the real n8n it runs (with the
 * store-call counter loaded and n8n's debug log written to a file, see store-calls.ts), the sizes
 * that BENCH_* variables change, and small helpers.
 */
import path from 'node:path';

import { N8nServer, userFolderOf } from '../e2e/n8n-server';
import { MockAifaceswapApi } from '../mock-api/server';

import { StoreCallLog } from './store-calls';

export const LATENCY_MS = 100;
/** Items of one submit-mode batch. */
export const ITEMS = Number(process.env.BENCH_ITEMS ?? 500);
/** Requests sent through a workflow first, so that its batch meets a full submission record. */
export const FILL = Number(process.env.BENCH_FILL ?? 10_000);
/** One-item executions started at the same moment. */
export const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 100);

const USER_FOLDER = userFolderOf('bench');
export const storeCalls = new StoreCallLog(path.join(USER_FOLDER, 'store-calls.jsonl'), path.join(USER_FOLDER, 'n8n-debug.log'));

export const api = new MockAifaceswapApi();
export const n8n = new N8nServer('bench', {
	env: {
		// debug, into a file: the node logs each claim round's settle wait at debug level
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_OUTPUT: 'file',
		N8N_LOG_FILE_LOCATION: storeCalls.logFile,
		N8N_LOG_FILE_SIZE_MAX: '1024',
		BENCH_STORE_CALLS_FILE: storeCalls.callsFile,
		NODE_OPTIONS: [`--require "${path.join(__dirname, 'store-call-counter.js')}"`, process.env.BENCH_NODE_OPTIONS].filter(Boolean).join(' '),
	},
	extraPackages: [path.join(__dirname, 'minimal-trigger')],
});

export function log(line: string): void {
	process.stdout.write(`${line}\n`);
}

export const seconds = (ms: number) => (ms / 1000).toFixed(2);

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The value below which a share `p` of the values lie (nearest rank). */
export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];
}

export async function postJson(url: string, body: unknown): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	await response.arrayBuffer();
	return response.status;
}

/** Runs `work` and logs how long it took (the notes on how long each part takes come from these lines). */
export async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
	const started = performance.now();
	const result = await work();
	log(`  ${what}: ${seconds(performance.now() - started)} s`);
	return result;
}
