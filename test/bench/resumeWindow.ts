/**
 * Measures the resume window (`npm run bench -- window`): how soon after a Wait for Result task is
 * sent its callback may arrive. A callback that comes before n8n has stored the paused execution
 * is refused with 409 and lost. It measures, it does not assert: Webhook -> Aifaceswap (Wait for
 * Result) in a real n8n on SQLite, then in queue mode (Postgres, Redis, main, a webhook process,
 * two workers); the mock API calls back after each delay, ROUNDS times, and the answer's status is
 * counted.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { N8nServer } from '../e2e/n8n-server';
import { webhookToAifaceswap } from '../e2e/workflows';
import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { QueueStack } from '../support/queue-stack';

const DELAYS_MS = (process.env.WINDOW_DELAYS ?? '0,50,100,200,300,500,750,1000,1500').split(',').map(Number);
const ROUNDS = Number(process.env.WINDOW_ROUNDS ?? 5);

const api = new MockAifaceswapApi();

function log(line: string): void {
	process.stdout.write(`${line}\n`);
}

async function until<T>(probe: () => T | undefined, what: string, limitMs = 60_000): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() - started > limitMs) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** For each delay, how many of ROUNDS callbacks n8n refused (409 or other) and accepted (200). */
async function measure(setup: string, server: N8nServer, webhookBase: string): Promise<string[]> {
	const credential = { id: await server.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
	const webhookPath = `window-${randomUUID()}`;
	await server.importWorkflow(
		webhookToAifaceswap({
			name: 'resume window',
			path: webhookPath,
			respond: 'onReceived',
			parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.body.url }}', faceImageUrl: FACE_URL, resultMode: 'wait', options: { waitLimit: 1 } },
			credential,
		}),
		{ activate: true },
	);
	api.autoCallback = true;
	const rows: string[] = [];
	for (const delay of DELAYS_MS) {
		api.callbackDelayMs = delay;
		const statuses: string[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const before = api.callbacks.length;
			const response = await fetch(`${webhookBase}/webhook/${webhookPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ url: `${SOURCE_URL}?window=${randomUUID()}` }),
			});
			if (response.status !== 200) throw new Error(`The webhook answered HTTP ${response.status}`);
			const callback = await until(() => api.callbacks[before], 'the callback');
			statuses.push(String(callback.status));
			// let the execution finish before the next one
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
		const refused = statuses.filter((status) => status !== '200').length;
		rows.push(`| ${setup} | ${delay} ms | ${refused} of ${ROUNDS} | ${statuses.join(' ')} |`);
		log(rows[rows.length - 1]);
	}
	return rows;
}

export async function main(): Promise<void> {
	await api.start();
	const rows: string[] = [];
	const single = new N8nServer('bench-window', { env: { N8N_LOG_LEVEL: 'warn' } });
	await single.start();
	try {
		rows.push(...(await measure('one process, SQLite', single, single.url)));
	} finally {
		await single.stop();
	}
	const stack = new QueueStack('bench-window-queue', { workers: 2, env: { N8N_LOG_LEVEL: 'warn' } });
	await stack.start();
	try {
		rows.push(...(await measure('queue mode, Postgres', stack.main, stack.webhook.url)));
	} finally {
		await stack.stop();
	}
	await api.stop();
	const report = [
		`Resume window of ${new Date().toISOString().slice(0, 10)}: callback sent this long after the mock API answered the task, ${ROUNDS} rounds each (${os.cpus().length} cores).`,
		'',
		'| n8n | callback delay | refused | statuses |',
		'|---|---|---|---|',
		...rows,
	].join('\n');
	log(`\n${report}`);
	const outputDir = path.resolve(__dirname, '..', '..', 'test-output');
	fs.mkdirSync(outputDir, { recursive: true });
	fs.writeFileSync(path.join(outputDir, 'resume-window.md'), `${report}\n`);
}
