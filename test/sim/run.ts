import type { INodeExecutionData } from 'n8n-workflow';

import type { Environment, ExecutionSpec } from './adapter';
import { errorText, heldInMemory, runNode } from './adapter';
import type { Send } from './api';
import { SimApi } from './api';
import type { Plan } from './plan';
import { Random } from './random';
import type { Removal, SlowCall, StaleWrite } from './store';
import { SimStore } from './store';
import type { SimProcess } from './virtualTime';
import { VirtualTime } from './virtualTime';

/** What an item came to: sent (a task ID), already submitted, failed (its error), or not run (its run stopped first). */
export interface ItemEnd {
	request: string;
	/** The input item's index. */
	index: number;
	kind: 'sent' | 'alreadySubmitted' | 'failed';
	text: string;
}

export interface ExecutionRun {
	name: string;
	process: string;
	spec: ExecutionSpec;
	startedAt: number;
	endedAt?: number;
	/** Each output item, or (the run threw) the error that ended it. */
	items?: ItemEnd[];
	runError?: string;
	/** The request of the item whose error ended the run. */
	runErrorRequest?: string;
	stopped: boolean;
	killed: boolean;
	/** The judge's own replay at the end of the schedule (no faults). */
	replay: boolean;
}

export interface Observation {
	plan: Plan;
	executions: ExecutionRun[];
	sends: Send[];
	/** The node's logged warnings, each with the process that logged it. */
	warnings: Array<{ process: string; message: string; at: number }>;
	/** Per process: the most its record held in memory (the clean-up's queue apart). */
	memory: Map<string, { record: number; cleanup: number }>;
	/** Store calls whose read-to-write time passed 40 ms (the shortest settle wait). */
	slowCalls: SlowCall[];
	/** Every record call: its process, its values, when it began. */
	recordCalls: SimStore['recordCalls'];
	/** The store's removals that wrote. */
	removals: Removal[];
	/** Writes that erased other processes' writes. */
	staleWrites: StaleWrite[];
	/** The largest difference between two processes' clocks. */
	skewMs: number;
	replayAt: number;
	trace: string[];
	/** Timers the schedule ran (its cost). */
	events: number;
}

/** Virtual time a schedule may take before the judge's replay. */
const HORIZON_MS = 40 * 3_600_000;

function itemsOf(output: INodeExecutionData[][], spec: ExecutionSpec): ItemEnd[] {
	return (output[0] ?? []).map(({ json, pairedItem }, position) => {
		const index = typeof pairedItem === 'object' && !Array.isArray(pairedItem) ? pairedItem.item : position;
		const request = spec.requests[index];
		if (typeof json.error === 'string') return { request, index, kind: 'failed', text: `${json.error} ${String(json.description ?? '')}` };
		return { request, index, kind: json.alreadySubmitted === true ? 'alreadySubmitted' : 'sent', text: String(json.taskId ?? '') };
	});
}

let runs = 0;

export async function runSchedule(plan: Plan, tracing = false): Promise<Observation> {
	const trace: string[] = [];
	const time = new VirtualTime(plan.startMs, new Random(plan.seed, 'node'));
	const log = (line: string) => {
		if (tracing) trace.push(`${((time.now - plan.startMs) / 1000).toFixed(3).padStart(10)} s  ${line}`);
	};
	const store = new SimStore(time, plan.store, log);
	const api = new SimApi(plan.seed, time, plan.api, log, plan.apiLatency);
	const observation: Observation = {
		plan,
		executions: [],
		sends: api.sends,
		warnings: [],
		memory: new Map(),
		slowCalls: store.slowCalls,
		recordCalls: store.recordCalls,
		removals: store.removals,
		staleWrites: store.staleWrites,
		skewMs: Math.max(...plan.processes.map((p) => p.dateOffsetMs)) - Math.min(...plan.processes.map((p) => p.dateOffsetMs)),
		replayAt: 0,
		trace,
		events: 0,
	};
	const processes = plan.processes.map((p): SimProcess => ({ name: p.name, dateOffsetMs: p.dateOffsetMs, perfOriginMs: p.perfOriginMs, killed: false }));
	for (const { process, faults } of plan.forced) store.forced.set(processes[process].name, [...faults]);
	// unique per run: the node keeps claims and records in memory per workflow, and a seed may run twice in one process (jest)
	const runNumber = ++runs;
	const processId = (proc: SimProcess) => `${plan.seed} ${proc.name} ${runNumber}`;

	const start = (proc: SimProcess, name: string, spec: ExecutionSpec, replay = false): ExecutionRun => {
		const run: ExecutionRun = { name, process: proc.name, spec, startedAt: time.now, stopped: false, killed: false, replay };
		observation.executions.push(run);
		const random = new Random(plan.seed, 'store', proc.name);
		const env: Environment = {
			check: async (values, maxEntries) => await store.check(proc, random, values, maxEntries),
			remove: async (values) => await store.remove(proc, random, values),
			http: async (request) => {
				const held = heldInMemory(processId(proc), env);
				const most = observation.memory.get(proc.name) ?? { record: 0, cleanup: 0 };
				observation.memory.set(proc.name, { record: Math.max(held.record, most.record), cleanup: Math.max(held.cleanup, most.cleanup) });
				if (run.stopped) {
					log(`${proc.name} ${name} api ${request}: not sent, the execution was stopped`);
					throw Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' });
				}
				return await api.request(proc.name, name, request);
			},
			stopped: () => run.stopped,
			warn: (message) => {
				observation.warnings.push({ process: proc.name, message, at: time.now });
				log(`${proc.name} ${name} warning: ${message}`);
			},
		};
		log(`${proc.name} ${name} starts: ${spec.requests.join(' ')} (${spec.resultMode}, concurrency ${spec.concurrency}${spec.continueOnFail ? ', continue on fail' : ''})`);
		void time.within(proc, async () => {
			try {
				run.items = itemsOf(await runNode(processId(proc), spec, env), spec);
				log(`${proc.name} ${name} ends: ${run.items.map((item) => `${item.request} ${item.kind}${item.kind === 'failed' ? ` (${item.text.slice(0, 240)})` : ''}`).join(', ')}`);
			} catch (error) {
				run.runError = errorText(error);
				const itemIndex = (error as { context?: { itemIndex?: unknown } }).context?.itemIndex;
				run.runErrorRequest = typeof itemIndex === 'number' ? spec.requests[itemIndex] : undefined;
				log(`${proc.name} ${name} fails: ${run.runError.slice(0, 2000)}`);
			}
			run.endedAt = time.now;
		});
		return run;
	};

	time.install();
	try {
		for (const execution of plan.executions) {
			const proc = processes[execution.process];
			time.after(execution.at, () => {
				const run = start(proc, execution.name, execution.spec);
				if (execution.stopAfterMs !== undefined) {
					time.after(execution.stopAfterMs, () => {
						if (run.endedAt !== undefined) return;
						run.stopped = true;
						log(`${proc.name} ${execution.name} stopped`);
					}, undefined);
				}
			}, proc);
		}
		const { kill } = plan;
		if (kill) {
			const victim = processes[kill.process];
			time.after(kill.at, () => {
				victim.killed = true;
				const cut = observation.executions.filter((run) => run.process === victim.name && run.endedAt === undefined);
				log(`${victim.name} killed; ${cut.map((run) => run.name).join(', ') || 'no execution'} cut short`);
				const reborn: SimProcess = { ...victim, name: `${victim.name}'`, killed: false };
				for (const run of cut) {
					run.killed = true;
					time.after(kill.rerunAfterMs, () => start(reborn, `${run.name}'`, run.spec), reborn);
				}
			}, undefined);
		}
		await time.run(plan.startMs + HORIZON_MS);
		// The judge's replay: every request of the schedule again, in a new process, with a calm
		// store and API; Wait for Result's requests one by one, in that mode.
		const requests = [...new Set(plan.executions.flatMap((execution) => execution.spec.requests))];
		const judge: SimProcess = { name: 'replay', dateOffsetMs: plan.processes[0].dateOffsetMs, perfOriginMs: 7, killed: false };
		store.calm = true;
		api.calm = true;
		time.now += 60_000;
		observation.replayAt = time.now;
		const waits = plan.executions.filter((execution) => execution.spec.resultMode === 'wait').flatMap((execution) => execution.spec.requests);
		const submits = requests.filter((request) => !waits.includes(request));
		if (submits.length > 0) start(judge, 'replay', { requests: submits, resultMode: 'submit', concurrency: 5, continueOnFail: true }, true);
		for (const request of new Set(waits)) start(judge, 'replay', { requests: [request], resultMode: 'wait', concurrency: 1, continueOnFail: true }, true);
		await time.run(time.now + HORIZON_MS);
	} finally {
		time.uninstall();
	}
	observation.events = time.events;
	return observation;
}
