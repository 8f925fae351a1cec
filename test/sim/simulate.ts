import type { Finding } from './invariants';
import { judge } from './invariants';
import { planOf } from './plan';
import { runSchedule } from './run';

/** What one schedule came to: its findings, and (when traced) its steps. */
export interface ScheduleResult {
	seed: number;
	kind: string;
	violations: Finding[];
	admitted: Finding[];
	trace: string[];
	events: number;
}

export async function simulateOne(seed: number, options: { processes?: number; trace?: boolean } = {}): Promise<ScheduleResult> {
	const plan = planOf(seed, options.processes);
	const observation = await runSchedule(plan, options.trace ?? false);
	const findings = judge(observation);
	return {
		seed,
		kind: plan.kind,
		violations: findings.filter((finding) => finding.admitted === undefined),
		admitted: findings.filter((finding) => finding.admitted !== undefined),
		trace: observation.trace,
		events: observation.events,
	};
}

/** One line per finding: the seed, the invariant, what broke. */
export function findingLine(seed: number, finding: Finding): string {
	return `seed ${seed}: ${finding.invariant} ${finding.what}${finding.admitted ? ` [admitted: ${finding.admitted}]` : ''}`;
}

export interface Totals {
	schedules: number;
	violations: number;
	admitted: number;
}

/** Runs `count` schedules from `firstSeed` on; `report` gets each schedule's result. */
export async function simulateMany(firstSeed: number, count: number, options: { processes?: number; trace?: boolean }, report: (result: ScheduleResult) => void): Promise<Totals> {
	const totals: Totals = { schedules: 0, violations: 0, admitted: 0 };
	for (let seed = firstSeed; seed < firstSeed + count; seed++) {
		const result = await simulateOne(seed, options);
		totals.schedules++;
		totals.violations += result.violations.length;
		totals.admitted += result.admitted.length;
		report(result);
	}
	return totals;
}

export function summaryLine(totals: Totals): string {
	return `simulation: ${totals.schedules} schedules, ${totals.violations} violations, ${totals.admitted} admitted`;
}
