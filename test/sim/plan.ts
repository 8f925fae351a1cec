import type { ExecutionSpec } from './adapter';
import type { ApiProfile } from './api';
import { Random } from './random';
import type { CallFault, StoreFaults } from './store';

/**
 * A schedule, drawn whole from its seed before it runs: the processes (clock skew), the executions
 * (which process, when, which requests, Stop), a killed process and its re-run, the store's and the
 * API's faults, midnight, a row near maxEntries. `kind` biases the draw towards a family of
 * schedules (still from the seed); most seeds draw `mixed`.
 */
export type PlanKind = 'mixed' | 'storeFaults' | 'refusals' | 'flood' | 'lateCall' | 'sustained';

export interface ProcessPlan {
	name: string;
	dateOffsetMs: number;
	perfOriginMs: number;
}

export interface ExecutionPlan {
	name: string;
	process: number;
	/** ms after the schedule's start. */
	at: number;
	spec: ExecutionSpec;
	/** Stopped this many ms after it started. */
	stopAfterMs?: number;
}

export interface Plan {
	seed: number;
	kind: PlanKind;
	startMs: number;
	processes: ProcessPlan[];
	executions: ExecutionPlan[];
	kill?: { process: number; at: number; rerunAfterMs: number };
	store: StoreFaults;
	api: ApiProfile;
	/** The range of the API's answer times, when fixed. */
	apiLatency?: readonly [number, number];
	/** Faults forced on a process's first store calls (a bias towards a family). */
	forced: Array<{ process: number; faults: CallFault[] }>;
}

const DAY_MS = 86_400_000;
const KINDS: ReadonlyArray<readonly [number, PlanKind]> = [
	[70.5, 'mixed'],
	[12, 'storeFaults'],
	[10, 'refusals'],
	[6, 'lateCall'],
	[1.5, 'flood'],
];

function apiProfile(random: Random, kind: PlanKind): ApiProfile {
	const p = (max: number) => random.next() * max;
	if (kind === 'flood') return [[1, 'task']];
	const refused = kind === 'refusals' ? 0.2 + p(0.4) : p(0.15);
	return [
		[1, 'task'],
		[refused, 'refused402'],
		[p(0.15), 'busy429'],
		[p(0.1), 'busy503'],
		[p(0.04), 'error500Created'],
		[p(0.04), 'error500None'],
		[p(0.02), 'timeoutCreated'],
		[p(0.02), 'timeoutNone'],
		[p(0.04), 'connectionRefused'],
	];
}

function storeFaults(random: Random, kind: PlanKind): StoreFaults {
	const p = (max: number) => random.next() * max;
	const calm = kind === 'flood' || (kind === 'mixed' && random.chance(0.4));
	const scale = kind === 'storeFaults' ? 2 : 1;
	return {
		failBefore: calm ? 0 : p(0.08 * scale),
		failAfter: calm ? 0 : p(0.08 * scale),
		late: calm ? 0 : p(0.03 * scale),
		hang: calm ? 0 : p(0.01),
		slow: kind === 'flood' ? 0 : p(0.3),
		nearFullGap: random.chance(0.03) ? random.int(0, 40) : undefined,
	};
}

function execution(random: Random, name: string, process: number, at: number, pool: number, kind: PlanKind): ExecutionPlan {
	const wait = kind !== 'flood' && random.chance(0.15);
	const items = kind === 'flood' ? random.int(110, 130) : wait ? 1 : random.int(1, 8);
	// Wait for Result sends its result elsewhere: a request of its own (`w`), never the same as a Submit Only one.
	const requests = Array.from({ length: items }, (_, i) => (kind === 'flood' ? `r${i}` : `${wait ? 'w' : 'r'}${random.int(1, pool)}`));
	const spec: ExecutionSpec = {
		requests,
		resultMode: wait ? 'wait' : 'submit',
		concurrency: kind === 'flood' ? 3 : random.int(1, 5),
		continueOnFail: kind === 'refusals' ? random.chance(0.3) : random.chance(0.5),
	};
	const stop = kind !== 'flood' && random.chance(0.08);
	return { name, process, at, spec, ...(stop ? { stopAfterMs: random.int(0, 5_000) } : {}) };
}

/**
 * Share of seeds drawn as `sustained`, decided from a stream of its own so that every other seed
 * draws the schedule it drew before the kind existed.
 */
const SUSTAINED_SHARE = 0.01;

/**
 * Sustained contention (`sustained`): every process runs a one-item execution on a steady beat
 * for a second or two, every few beats the same request on all of them at the same moment, against
 * a busy but healthy store (no faults, no slow call, a call's read-to-write time growing with the
 * calls under way, a connection at once). The processes' calls then follow each other closely for
 * as long as the schedule lasts, which short schedules never keep up.
 */
function sustainedPlan(seed: number, random: Random, processes: number | undefined): Plan {
	const count = processes ?? random.int(2, 4);
	const startMs = (20_000 + random.int(0, 3_000)) * DAY_MS + random.int(0, DAY_MS - 3_600_000);
	const processPlans = Array.from({ length: count }, (_, i) => ({ name: `p${i + 1}`, dateOffsetMs: 0, perfOriginMs: random.int(0, 1e9) }));
	const everyMs = random.int(5, 20);
	const beats = random.int(12, 40);
	const sharedEvery = random.int(2, 6);
	const offsets = processPlans.map(() => random.int(0, everyMs - 1));
	const executions: ExecutionPlan[] = [];
	for (let beat = 0; beat < beats; beat++) {
		const shared = beat % sharedEvery === 0;
		for (let process = 0; process < count; process++) {
			const spec: ExecutionSpec = { requests: [shared ? `r${beat}` : `q${process + 1}x${beat}`], resultMode: 'submit', concurrency: random.int(1, 5), continueOnFail: true };
			executions.push({ name: `e${process + 1}x${beat}`, process, at: beat * everyMs + (shared ? 0 : offsets[process]), spec });
		}
	}
	const store: StoreFaults = { failBefore: 0, failAfter: 0, late: 0, hang: 0, slow: 0, nearFullGap: undefined, load: { readToWriteMs: [random.int(5, 15), random.int(15, 25)], perCallMs: random.int(0, 3) } };
	return { seed, kind: 'sustained', startMs, processes: processPlans, executions, store, api: [[1, 'task']], apiLatency: [30, 300], forced: [] };
}

/** The schedule of `seed`; `processes` fixes their number (1 to 4). */
export function planOf(seed: number, processes?: number): Plan {
	const random = new Random(seed, 'plan');
	if (new Random(seed, 'kind sustained').chance(SUSTAINED_SHARE)) return sustainedPlan(seed, random, processes);
	const kind = random.weighted(KINDS);
	const count = processes ?? (kind === 'flood' || kind === 'lateCall' ? 1 : random.weighted([[5, 1], [4, 2], [2, 3], [1, 4]] as const));
	const day = 20_000 + random.int(0, 3_000);
	const midnight = random.chance(0.2);
	const startMs = day * DAY_MS + (midnight ? DAY_MS - random.int(0, 90_000) : random.int(0, DAY_MS - 3_600_000));
	const skewed = count > 1 && random.chance(0.5);
	const processPlans = Array.from({ length: count }, (_, i) => ({
		name: `p${i + 1}`,
		dateOffsetMs: skewed ? random.int(-3_000, 3_000) : 0,
		perfOriginMs: random.int(0, 1e9),
	}));
	const pool = random.int(2, 8);
	const arrival = random.weighted([[4, 'together'], [4, 'apart'], [1, 'hours']] as const);
	const executions: ExecutionPlan[] = [];
	const total = kind === 'flood' ? 1 : kind === 'lateCall' ? random.int(2, 4) : random.int(1, 5);
	for (let i = 0; i < total; i++) {
		const at = i === 0 ? 0 : kind === 'lateCall' ? random.int(1_000, 80_000) : arrival === 'together' ? random.int(0, 50) : arrival === 'apart' ? random.int(0, 120_000) : random.int(0, 30 * 3_600_000);
		executions.push(execution(random, `e${i + 1}`, random.int(0, count - 1), at, pool, kind));
	}
	const kill = kind !== 'flood' && random.chance(0.08) ? { process: random.int(0, count - 1), at: random.int(0, 10_000), rerunAfterMs: random.int(1_000, 120_000) } : undefined;
	const forced: Plan['forced'] = [];
	if (kind === 'lateCall') forced.push({ process: 0, faults: [random.pick<CallFault>(['late', 'failAfter', 'none'])] });
	if (kind === 'flood') forced.push({ process: 0, faults: ['none', 'none', 'hang'] });
	return { seed, kind, startMs, processes: processPlans, executions, kill, store: storeFaults(random, kind), api: apiProfile(random, kind), forced, ...(kind === 'flood' ? { apiLatency: [1_500, 3_000] as const } : {}) };
}
