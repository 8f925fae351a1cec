/** The benchmark's tables (Markdown), from the figures of one run. */
import { FILL_CHUNK } from './batches';
import type { BatchFigure } from './batches';
import { CALLBACK_CONCURRENCY, CALLBACK_ROUNDS, CALLBACKS } from './callbacks';
import type { CallbackTarget } from './callbacks';
import { EXECUTION_ROUNDS } from './executions';
import type { ExecutionsFigure } from './executions';
import { RECORD_OFF } from './record';
import type { RecordFigures } from './record';
import { EXECUTIONS, FILL, ITEMS, median, percentile, seconds, storeCalls } from './setup';
import type { RecordCost, Window } from './store-calls';

const ratio = (value: number, base: number) => (value / base).toFixed(3);

const STORE_METHODS: Record<string, string> = { checkProcessedAndRecord: 'record', removeProcessed: 'remove' };

/** "0.412 (206: 200 record, 6 remove)": store calls per item, then the calls by kind. */
function callsPerItem(cost: RecordCost, items: number): string {
	const { calls } = cost;
	if (calls.length === 0) return '0';
	const byMethod = new Map<string, number>();
	for (const call of calls) byMethod.set(STORE_METHODS[call.method] ?? call.method, (byMethod.get(STORE_METHODS[call.method] ?? call.method) ?? 0) + 1);
	const failed = calls.filter((call) => !call.ok).length;
	const kinds = [...byMethod].map(([method, count]) => `${count} ${method}`).join(', ');
	return `${ratio(calls.length, items)} (${calls.length}: ${kinds}${failed > 0 ? `, ${failed} failed` : ''})`;
}

/** Store call durations: median / p95 / max. */
function callDurations({ calls }: RecordCost): string {
	if (calls.length === 0) return '';
	const ms = calls.map((call) => call.ms);
	return `${percentile(ms, 0.5).toFixed(1)} / ${percentile(ms, 0.95).toFixed(1)} / ${Math.max(...ms).toFixed(1)} ms`;
}

/** Settle waits logged: how many, median / max. */
function settleWaits({ settleWaits: waits }: RecordCost): string {
	if (waits.length === 0) return 'none logged';
	return `${waits.length}: ${percentile(waits, 0.5).toFixed(0)} / ${Math.max(...waits).toFixed(0)} ms`;
}

const costColumns = (windows: Window[], items: number) => {
	const cost = storeCalls.cost(windows);
	return `${callsPerItem(cost, items)} | ${callDurations(cost)} | ${settleWaits(cost)}`;
};
const COST_HEADER = 'store calls per item | store call time (median / p95 / max) | settle waits (count: median / max)';

export function recordTables(record: RecordFigures): string[] {
	const lines: string[] = [];
	const off = record.batches.find((row) => row.label === 'off')?.figure;
	lines.push(`The submission record (Skip Already Submitted), ${ITEMS} items (Image > Swap Face) in one execution at Concurrency ${record.concurrency}:`);
	lines.push('');
	lines.push(`| submission record | node time | latency bound | node / bound | vs record off | workflow wall time | most in flight | ${COST_HEADER} |`);
	lines.push('|---|---|---|---|---|---|---|---|---|---|');
	for (const { label, figure } of record.batches) {
		lines.push(
			`| ${label} | ${seconds(figure.nodeMs)} s | ${seconds(figure.boundMs)} s | ${ratio(figure.nodeMs, figure.boundMs)} | ${off ? ratio(figure.nodeMs, off.nodeMs) : ''} | ${seconds(figure.wallMs)} s | ${figure.maxInFlight} | ${costColumns([figure.window], ITEMS)} |`,
		);
	}
	if (record.fills.length > 0) {
		const fillOff = record.fills.find((row) => row.label === 'off')?.figure;
		lines.push('');
		lines.push(`Filling the record: the same ${FILL} requests sent through a workflow (up to ${FILL_CHUNK} per execution, the mock answering at once), record off and on:`);
		lines.push('');
		lines.push(`| submission record | time | per request | vs record off | ${COST_HEADER.replace('per item', 'per request')} |`);
		lines.push('|---|---|---|---|---|---|---|');
		for (const { label, figure } of record.fills) {
			lines.push(
				`| ${label} | ${seconds(figure.ms)} s | ${(figure.ms / figure.requests).toFixed(2)} ms | ${fillOff ? ratio(figure.ms, fillOff.ms) : ''} | ${costColumns([figure.window], figure.requests)} |`,
			);
		}
	}
	if (record.executions.length > 0) {
		lines.push('');
		lines.push(`${EXECUTIONS} one-item executions of Webhook -> Aifaceswap started at the same moment (answer with the node's output), ${EXECUTION_ROUNDS} rounds per workflow, two workflows per setting:`);
		lines.push('');
		lines.push(`| submission record | median time per execution | rounds (median) | wall time per round | vs record off | requests sent | ${COST_HEADER.replace('per item', 'per execution')} |`);
		lines.push('|---|---|---|---|---|---|---|---|---|');
		const offMedian = median(record.executions.find((row) => row.label === 'off')?.figure.flatMap((f) => f.medianMs) ?? []);
		for (const { label, figure } of record.executions) lines.push(executionsRow(label, figure, offMedian));
	}
	return lines;
}

function executionsRow(label: string, figures: ExecutionsFigure[], offMedian: number): string {
	const medians = figures.flatMap((f) => f.medianMs);
	const walls = figures.flatMap((f) => f.wallMs);
	const executions = figures.length * EXECUTION_ROUNDS * EXECUTIONS;
	return `| ${label} | ${median(medians).toFixed(0)} ms | ${medians.map((m) => m.toFixed(0)).join(' / ')} ms | ${seconds(median(walls))} s | ${ratio(median(medians), offMedian)} | ${figures.reduce((sum, f) => sum + f.sent, 0)} | ${costColumns(
		figures.map((f) => f.window),
		executions,
	)} |`;
}

export function submitTable(batches: BatchFigure[]): string[] {
	const lines: string[] = [];
	lines.push(`Submit mode, ${ITEMS} items (Image > Swap Face) in one execution, against n8n's HTTP Request node:`);
	lines.push('');
	lines.push('| node | concurrency | most in flight | node time | latency bound | node / bound | workflow wall time | vs HTTP Request | vs Skip Already Submitted off |');
	lines.push('|---|---|---|---|---|---|---|---|---|');
	for (const figure of batches) {
		const http = batches.find((b) => b.name === 'HTTP Request' && b.concurrency === figure.concurrency);
		const off = batches.find((b) => b.name === RECORD_OFF && b.concurrency === figure.concurrency);
		lines.push(
			`| ${figure.name} | ${figure.concurrency} | ${figure.maxInFlight} | ${seconds(figure.nodeMs)} s | ${seconds(figure.boundMs)} s | ${ratio(figure.nodeMs, figure.boundMs)} | ${seconds(figure.wallMs)} s | ${http ? ratio(figure.nodeMs, http.nodeMs) : ''} | ${off && figure.name.startsWith('Aifaceswap') ? ratio(figure.nodeMs, off.nodeMs) : ''} |`,
		);
	}
	return lines;
}

export function callbackTables(targets: CallbackTarget[], queueTarget: CallbackTarget | undefined): string[] {
	const lines: string[] = [];
	if (targets.length > 0) {
		lines.push(`Callbacks, ${CALLBACKS} per round posted ${CALLBACK_CONCURRENCY} at a time, each target followed by a No Operation node; median of ${CALLBACK_ROUNDS} rounds:`);
		lines.push('');
		lines.push('| target | callbacks/s (median) | rounds | vs minimal trigger | vs n8n Webhook node | accepted | executions | lost |');
		lines.push('|---|---|---|---|---|---|---|---|');
		const minimal = median(targets[1].rates);
		const webhook = median(targets[2].rates);
		for (const target of targets) {
			const rate = median(target.rates);
			lines.push(
				`| ${target.name} | ${rate.toFixed(0)} | ${target.rates.map((r) => r.toFixed(0)).join(' / ')} | ${ratio(rate, minimal)} | ${ratio(rate, webhook)} | ${target.accepted} | ${target.executions} | ${target.accepted - target.executions} |`,
			);
		}
	}
	if (queueTarget) {
		const single = targets.find((target) => target.name === 'Aifaceswap Trigger');
		const rate = median(queueTarget.rates);
		if (lines.length > 0) lines.push('');
		lines.push('Callbacks to the Aifaceswap Trigger in queue mode (the webhook process takes them, two workers run the executions), as above:');
		lines.push('');
		lines.push('| target | callbacks/s (median) | rounds | vs single process | accepted | executions | lost |');
		lines.push('|---|---|---|---|---|---|---|');
		lines.push(
			`| ${queueTarget.name} | ${rate.toFixed(0)} | ${queueTarget.rates.map((r) => r.toFixed(0)).join(' / ')} | ${single ? ratio(rate, median(single.rates)) : 'n/a'} | ${queueTarget.accepted} | ${queueTarget.executions} | ${queueTarget.accepted - queueTarget.executions} |`,
		);
	}
	return lines;
}
