/**
 * The submission record's cost (Skip Already Submitted), side by side in one run at the default
 * Concurrency with the mock API answering in LATENCY_MS:
 * - ITEMS items in one execution with the record off, on and new, and on and holding FILL requests;
 * - filling a record with FILL requests (the mock answering at once), and the same requests sent
 *   with the record off;
 * - EXECUTIONS one-item executions at once, record on and off (two workflows each, alternating).
 * Each figure keeps its window, so that its store calls and settle waits can be read afterwards.
 */
import { DEFAULT_CONCURRENCY } from '../../nodes/Aifaceswap/actions/common.descriptions';
import type { CredentialRef } from '../e2e/workflows';

import type { BatchFigure, FillFigure } from './batches';
import { aifaceswapNode, deployBatch, fillRecord, runBatch } from './batches';
import type { ExecutionsFigure } from './executions';
import { runExecutions } from './executions';
import { EXECUTIONS, FILL, ITEMS, log, timed } from './setup';

export const RECORD_ON = 'Aifaceswap';
export const RECORD_OFF = 'Aifaceswap, Skip Already Submitted off';
export const RECORD_FULL = `Aifaceswap, submission record holding ${FILL} requests`;

export interface RecordRow<T> {
	/** What the record was: "off", "on, new", ... */
	label: string;
	figure: T;
}

export interface RecordFigures {
	concurrency: number;
	batches: Array<RecordRow<BatchFigure>>;
	fills: Array<RecordRow<FillFigure>>;
	executions: Array<RecordRow<ExecutionsFigure[]>>;
}

export async function runRecordPart(credential: CredentialRef): Promise<RecordFigures> {
	const concurrency = DEFAULT_CONCURRENCY;
	const figures: RecordFigures = { concurrency, batches: [], fills: [], executions: [] };
	const withFill = FILL > 0 && !process.env.BENCH_SKIP_FULL_RECORD;
	log(`The submission record: ${ITEMS} items at Concurrency ${concurrency}, record on (new), off${withFill ? `, filled with ${FILL} requests off and on, on (holding ${FILL})` : ''}...`);
	const batch = async (name: string, skipAlreadySubmitted: boolean) =>
		await runBatch(await deployBatch(name, aifaceswapNode(concurrency, credential, skipAlreadySubmitted)), concurrency);
	const on = await timed('batch, record on (new)', async () => await batch(RECORD_ON, true));
	const off = await timed('batch, record off', async () => await batch(RECORD_OFF, false));
	figures.batches.push({ label: 'off', figure: off }, { label: 'on, new', figure: on });
	if (withFill) {
		const fillOff = await timed(`${FILL} requests, record off`, async () => await fillRecord(await deployBatch(`${RECORD_OFF}, filling`, aifaceswapNode(concurrency, credential, false)), FILL));
		const fullWorkflow = await deployBatch(RECORD_FULL, aifaceswapNode(concurrency, credential));
		const fillOn = await timed(`${FILL} requests, record on`, async () => await fillRecord(fullWorkflow, FILL));
		const full = await timed(`batch, record on (holding ${FILL} requests)`, async () => await runBatch(fullWorkflow, concurrency));
		// the fill's late clean-ups belong to the fill, the batch's calls to the batch
		fillOn.window.callsUntil = full.window.from;
		figures.batches.push({ label: `on, holding ${FILL} requests`, figure: full });
		figures.fills.push({ label: 'off', figure: fillOff }, { label: 'on', figure: fillOn });
	}

	log(`${EXECUTIONS} one-item executions at once, record on and off...`);
	const executionsOn: ExecutionsFigure[] = [];
	const executionsOff: ExecutionsFigure[] = [];
	for (let round = 0; round < 2; round++) {
		// on and off alternate, so neither always meets a warmer n8n
		const pair = [
			async () => executionsOn.push(await timed('executions, record on', async () => await runExecutions('Aifaceswap (submission record on, default)', credential, true))),
			async () => executionsOff.push(await timed('executions, record off', async () => await runExecutions(RECORD_OFF, credential, false))),
		];
		for (const run of round === 0 ? pair : pair.reverse()) await run();
	}
	figures.executions.push({ label: 'off', figure: executionsOff }, { label: 'on', figure: executionsOn });
	return figures;
}
