import { keyOf } from './adapter';
import type { AdmittedLabel } from './admitted';
import { CONTENTION, FAILED_AFTER_WRITE, HEAL_GIVEN_UP, KILLED_CHECKS, KILLED_CLAIMS, LATE_WRITE, LEFT_RECORDED, OTHER_PROCESS, REFUSED_ELSEWHERE, REMOVAL_GIVEN_UP, REMOVAL_UNDONE, STOPPED_CLAIMS } from './admitted';
import type { Send } from './api';
import { claimLive, erasedByLateWrite, erasedByOther, erasedDuring, killedBeforeCheck, raced, removedByOtherClaim, rewriteErased } from './admissions';
import type { ExecutionRun, Observation } from './run';

/**
 * The invariants, judged on what the simulated API did (which requests created a task, which
 * answers left that unknown to the node) and on what each item reported:
 * - I1 no request gets a second send after an answer that created or may have created a task;
 * - I2 such a request stays recorded for 24 h after its send less the clock skew between the
 *   processes: the judge's replay at the end sends it not again;
 * - I3 an item reported already submitted has a task that was or may have been created for its request;
 * - I4 every execution ends within `END_BOUND_MS`, each failed item with a cause of `CAUSES` that
 *   its error names (undecidable only when another execution had the same request);
 * - I5 what the record holds in memory per process stays within `memoryBound`, its clean-up's
 *   queue within `CLEANUP_BOUND`;
 * - I6 a killed or stopped execution leaves at most 5 x Concurrency (1 with Wait for Result)
 *   requests recorded but never sent.
 * A finding in a case README "What it leaves open" admits is `admitted`, with its label (`admitted.ts`).
 */
export interface Finding {
	invariant: 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6';
	what: string;
	/** Set when the README admits the case: which one. */
	admitted?: AdmittedLabel;
}

const HOUR_MS = 3_600_000;
export const END_BOUND_MS = 30 * 60_000;
export const RECORD_WINDOW_MS = 24 * HOUR_MS;

/** The failures an item may end with, by what its error says (the first that matches). */
export const CAUSES: ReadonlyArray<readonly [string, RegExp]> = [
	['refused by the API', /\(simulated\)|HTTP 4\d\d|API code 4\d\d/],
	['may have been created', /may have been created/],
	['undecidable', /cannot tell whether another run sent it/],
	['contention limit', /kept rewriting the submission record/],
	['not recorded, not sent', /The request was not sent: n8n's database could not confirm this run's record of it/],
	['run stopped', /the run stopped at a failed item/],
	['API not reached', /Could not reach the aifaceswap API/],
];

function causeOf(text: string): string | undefined {
	return CAUSES.find(([, pattern]) => pattern.test(text))?.[0];
}

/** An item's error that says its request may stay recorded unsent (README: "n8n's database failing"). */
const SAYS_LEFT_RECORDED = /could not be removed|cannot tell whether another run sent it|may stay in the submission record/;

/** Sends that created, or may have created, a task (the node could not tell). */
const mayHaveTask = (send: Send) => send.effect === 'created' || send.unknownToNode;

export function judge(observation: Observation): Finding[] {
	const { executions, sends } = observation;
	const findings: Finding[] = [];
	const scheduled = executions.filter((run) => !run.replay);
	const replayed = executions.filter((run) => run.replay).flatMap((run) => run.items ?? []);
	const failedTexts = (request: string) =>
		scheduled.flatMap((run) => [...(run.items ?? []).filter((item) => item.request === request && item.kind === 'failed').map((item) => item.text), ...(run.runError && run.spec.requests.includes(request) ? [run.runError] : [])]);
	// A stopped execution left a request recorded unsent only if it did not end that request's item (it failed, had no output, or the run threw).
	const ended = (run: ExecutionRun, index: number) => (run.items ?? []).some((item) => item.index === index && item.kind !== 'failed');
	const cut = (request: string) => scheduled.find((run) => (run.killed || run.stopped) && (run.killed || run.runError !== undefined ? run.spec.requests.includes(request) : run.spec.requests.some((r, index) => r === request && !ended(run, index))));
	// A heal is the sending process's: only a give-up that process logged after the send (and, for a
	// second send, before it) admits a finding about its send.
	// A check given up names its record; the sent records given up while a call hangs are all those sent since it began.
	const healGivenUp = (send: Send, before = Infinity) =>
		observation.warnings.some((warning) => warning.process === send.process && warning.at >= send.at && warning.at <= before && (/no longer kept for checking/.test(warning.message) || (/kept being erased/.test(warning.message) && (['submit', 'wait'] as const).some((mode) => warning.message.includes(`(record ${keyOf(send.request, mode)}@`)))));

	// I1: a second send after an answer that created or may have created a task, within the window.
	const byRequest = new Map<string, Send[]>();
	const sentTwice = new Set<string>();
	for (const send of sends) if (send.execution !== 'replay') byRequest.set(send.request, [...(byRequest.get(send.request) ?? []), send]);
	for (const [request, list] of byRequest) {
		for (const [i, send] of list.entries()) {
			const first = list.slice(0, i).find((earlier) => mayHaveTask(earlier) && send.at - earlier.at < RECORD_WINDOW_MS - observation.skewMs);
			if (!first) continue;
			sentTwice.add(request);
			const admitted = healGivenUp(first, send.at) ? HEAL_GIVEN_UP : erasedByLateWrite(observation, first, false, send.at, [`${keyOf(request, 'submit')}@`, `${keyOf(request, 'wait')}@`]) ? LATE_WRITE : first.process !== send.process && (erasedByOther(observation, first, send.at) || raced(observation, request)) ? OTHER_PROCESS : raced(observation, request, true) ? LATE_WRITE : killedBeforeCheck(observation, first) ? KILLED_CHECKS : undefined;
			findings.push({ invariant: 'I1', what: `${request} sent again by ${send.process} ${send.execution} at ${s(send.at, observation)} after ${first.answer} from ${first.process} ${first.execution} at ${s(first.at, observation)}`, admitted });
			break;
		}
	}

	// I2: the judge's replay sends a request that created or may have created a task inside the window.
	for (const item of replayed) {
		if (item.kind !== 'sent') continue;
		const earlier = sends.find((send) => send.request === item.request && send.execution !== 'replay' && mayHaveTask(send) && observation.replayAt - send.at < RECORD_WINDOW_MS - observation.skewMs);
		if (earlier && !sentTwice.has(item.request)) {
			findings.push({ invariant: 'I2', what: `${item.request} sent by the replay ${s(observation.replayAt, observation)}: its ${earlier.answer} from ${earlier.process} ${earlier.execution} at ${s(earlier.at, observation)} was no longer recorded`, admitted: healGivenUp(earlier) ? HEAL_GIVEN_UP : erasedByLateWrite(observation, earlier, true) ? LATE_WRITE : killedBeforeCheck(observation, earlier) ? KILLED_CHECKS : rewriteErased(observation, earlier) || removedByOtherClaim(observation, earlier, `${keyOf(item.request, 'submit')}@`) || removedByOtherClaim(observation, earlier, `${keyOf(item.request, 'wait')}@`) ? OTHER_PROCESS : undefined });
		}
	}

	// I3: already submitted, with no task created or maybe created for the request.
	for (const run of executions) {
		for (const item of run.items ?? []) {
			if (item.kind !== 'alreadySubmitted' || sends.some((send) => send.request === item.request && mayHaveTask(send))) continue;
			const texts = failedTexts(item.request);
			const killedOrStopped = cut(item.request);
			// Claimed while another process's identical request was being refused and its record taken out.
			const key = `${keyOf(item.request, run.spec.resultMode)}@`;
			const refusedMeanwhile = !run.replay && sends.some((send) => send.request === item.request && send.answer === 'refused402' && send.process !== run.process && claimLive(observation, send, key, run));
			// Its record, taken out, put back by a store call of another process that read before the removal and wrote after it, with no removal of that process after the put-back.
			const removals = observation.removals.filter((removal) => removal.values.some((value) => value.startsWith(key)));
			const removalUndone = removals.some((removal) => observation.staleWrites.some((write) => write.process !== removal.process && write.erased.has(removal.process) && write.readVersion <= removal.version && write.writeVersion > removal.version && !removals.some((later) => later.process === removal.process && later.version > write.writeVersion)));
			// A process that removed the request's record gave up a removal made again (logged), within the time that can take (a settle wait, the removal and its write-back each held to its 30 s deadline).
			const removalGivenUp = removals.some((removal) => observation.warnings.some((warning) => warning.process === removal.process && warning.at >= removal.writeAt && warning.at <= removal.writeAt + 90_000 && /could not be removed again/.test(warning.message) && warning.message.includes(key)));
			// A claim of the request (the one this run deferred to, or its own) erased by another process's write from an older read.
			const claimsErased = scheduled.filter((other) => other.spec.requests.includes(item.request)).some((claimer) => erasedDuring(observation, claimer, key));
			const admitted = refusedMeanwhile
				? REFUSED_ELSEWHERE
				: removalUndone
					? REMOVAL_UNDONE
					: removalGivenUp
					? REMOVAL_GIVEN_UP
					: claimsErased
					? OTHER_PROCESS
					: killedOrStopped
				? (killedOrStopped.killed ? KILLED_CLAIMS : STOPPED_CLAIMS)
				: texts.some((text) => /kept rewriting/.test(text))
					? CONTENTION
					: texts.some((text) => SAYS_LEFT_RECORDED.test(text))
						? LEFT_RECORDED
						: undefined;
			findings.push({ invariant: 'I3', what: `${item.request} reported already submitted by ${run.process} ${run.name} but no task was or may have been created`, admitted });
		}
	}

	// I4: every execution ends in time; every failure has a declared cause.
	for (const run of scheduled) {
		if (run.killed || run.stopped) continue;
		if (run.endedAt === undefined || run.endedAt - run.startedAt > END_BOUND_MS) {
			findings.push({ invariant: 'I4', what: `${run.process} ${run.name} ${run.endedAt === undefined ? 'never ended' : `took ${Math.round((run.endedAt - run.startedAt) / 1000)} s`}` });
			continue;
		}
		const failures = [...(run.items ?? []).filter((item) => item.kind === 'failed'), ...(run.runError ? [{ request: run.runErrorRequest ?? '', text: run.runError }] : [])];
		for (const failure of failures) {
			const cause = causeOf(failure.text);
			const otherWriter = scheduled.some((other) => other !== run && other.spec.requests.some((request) => failure.request === '' || request === failure.request));
			if (cause === undefined) findings.push({ invariant: 'I4', what: `${run.process} ${run.name} ${failure.request} failed with an undeclared cause: ${failure.text.slice(0, 160)}` });
			else if (cause === 'undecidable' && !otherWriter) findings.push({ invariant: 'I4', what: `${run.process} ${run.name} ${failure.request} failed as undecidable though no other execution had its request`, admitted: FAILED_AFTER_WRITE });
		}
	}

	// I5 and I6.
	for (const [process, held] of observation.memory) {
		const bound = memoryBound(scheduled.filter((run) => run.process === process));
		if (held.record > bound) findings.push({ invariant: 'I5', what: `${process}'s record held ${held.record} things in memory (bound ${bound})` });
		if (held.cleanup > CLEANUP_BOUND) findings.push({ invariant: 'I5', what: `${process}'s clean-up held ${held.cleanup} values (bound ${CLEANUP_BOUND})` });
	}
	for (const run of scheduled.filter((r) => r.killed || r.stopped)) {
		// A request whose own error says it may stay recorded is the database's case, not the cut's.
		const unsent = new Set(run.spec.requests.filter((request) => !sends.some((send) => send.request === request && mayHaveTask(send)) && !failedTexts(request).some((text) => SAYS_LEFT_RECORDED.test(text)) && executions.some((other) => other.items?.some((item) => item.request === request && item.kind === 'alreadySubmitted'))));
		const bound = run.spec.resultMode === 'wait' ? 1 : 5 * run.spec.concurrency;
		if (unsent.size > bound) findings.push({ invariant: 'I6', what: `${run.process} ${run.name} (${run.killed ? 'killed' : 'stopped'}) left ${unsent.size} requests recorded but unsent (bound ${bound})` });
	}
	return findings.filter((finding, i) => findings.findIndex((other) => other.invariant === finding.invariant && other.what === finding.what) === i);
}

/** The clean-up's queue: a batch of 100 waiting for a quiet moment, and one batch's second pass (recordCleanup.ts). */
export const CLEANUP_BOUND = 200;

/** Per process: 64, plus 3 for each item its executions can hold at once (5 x Concurrency each). */
export function memoryBound(runs: ExecutionRun[]): number {
	return 64 + runs.reduce((sum, run) => sum + 3 * 5 * run.spec.concurrency, 0);
}

function s(at: number, observation: Observation): string {
	return `${((at - observation.plan.startMs) / 1000).toFixed(3)} s`;
}
