import type { Send } from './api';
import type { ExecutionRun, Observation } from './run';
import type { StaleWrite } from './store';

/**
 * The admitted cases as predicates over what a schedule did (its store's slow, stale and removing
 * writes, its processes' warnings, its kill): each ties a finding of the judge (`invariants.ts`) to
 * the case of `admitted.ts` it falls in, with that case's bound.
 */

/** How long after a send's answer its process checks its record for the last time (31 s), with its queue's delays. */
const LAST_CHECK_MS = 40_000;

/**
 * The shortest settle wait (storeCalls.ts): a write from a read taken no longer before is not a
 * slow call. The processes' writes, each from a read of the row only its own process wrote, can
 * still erase each other's all the time (calls that follow each other closely): that is no case
 * the record admits.
 */
const SHORTEST_SETTLE_MS = 40;

/** Whether a write came from a read taken longer before it than the shortest settle wait (and within the 30 s deadline). */
function slowerThanSettle(write: StaleWrite): boolean {
	const ms = write.writeAt - write.readAt;
	return ms > SHORTEST_SETTLE_MS && ms <= 30_000;
}

/**
 * Whether a store call of another process than the sending one's, from a read taken before the
 * send and within its 30 s deadline, erased a write of the sending process (a call slower than the
 * settle wait), and `againAt`, a second send of the request, came before the sending process's last
 * check of its record (how-it-works: a claim made between the erasure and that check sends it again).
 */
export function erasedByOther(observation: Observation, send: Send, againAt: number): boolean {
	return againAt <= send.answeredAt + LAST_CHECK_MS && observation.staleWrites.some((write) => write.process !== send.process && write.erased.has(send.process) && write.readAt <= send.at && slowerThanSettle(write));
}

/**
 * I2: whether a write of another process, from a read taken before a write of the sending process
 * made after the send (a check writing the record again), erased it after the sender's last check.
 */
export function rewriteErased(observation: Observation, send: Send): boolean {
	return observation.staleWrites.some((write) => write.process !== send.process && write.erased.has(send.process) && write.writeAt >= send.at && slowerThanSettle(write));
}

/**
 * I2: whether another process removed the request's record after the send: its claim of the same
 * request won while the record was erased (the slow-call case), then its request was refused or
 * not sent, and its removal took the values both records share.
 */
export function removedByOtherClaim(observation: Observation, send: Send, key: string): boolean {
	return observation.removals.some((removal) => removal.process !== send.process && removal.writeAt >= send.at && removal.values.some((value) => value.startsWith(key)));
}

/**
 * Whether two processes both sent `request` (each claim won) while a write of one, from a read
 * taken before the other's send and within its deadline, erased the other's: a call slower than
 * the other's settle wait (a write landing before the other's check would have shown it the
 * erasure). The later send comes before the earlier one's last check. `late`: the write came
 * after its call's 30 s deadline instead (the late-call case).
 */
export function raced(observation: Observation, request: string, late = false): boolean {
	const sends = observation.sends.filter((send) => send.request === request && send.execution !== 'replay');
	const erased = (by: Send, of: Send) => observation.staleWrites.some((write) => write.process === by.process && write.erased.has(of.process) && write.readAt <= of.at && (late ? write.writeAt - write.readAt > 30_000 : slowerThanSettle(write)));
	return sends.some((a) => sends.some((b) => a.process !== b.process && a.at <= b.at && b.at <= a.answeredAt + LAST_CHECK_MS && (erased(a, b) || erased(b, a))));
}

/**
 * Whether the sending process was killed before its last check of `send`'s record (31 s after the
 * answer) while a write of another process, from a read before the send, had erased it: nobody
 * writes it again.
 */
export function killedBeforeCheck(observation: Observation, send: Send): boolean {
	const { kill, processes, startMs } = observation.plan;
	if (!kill || processes[kill.process].name !== send.process || startMs + kill.at > send.answeredAt + LAST_CHECK_MS) return false;
	return observation.staleWrites.some((write) => write.process !== send.process && write.erased.has(send.process) && write.readAt <= send.at);
}

/**
 * When the claim of `send` began: the first record call of its process carrying the request's
 * record (`keys`: its key, each followed by `@`) since that process last removed it. A won claim
 * waits for its slot (and its request out 429 pauses) as long as it must.
 */
function claimStart(observation: Observation, send: Send, keys: string[]): number {
	const carries = (values: string[]) => values.some((value) => keys.some((key) => value.startsWith(key)));
	const removedAt = observation.removals.filter((removal) => removal.process === send.process && removal.writeAt <= send.at && carries(removal.values)).reduce((last, removal) => Math.max(last, removal.writeAt), -Infinity);
	return observation.recordCalls.filter((call) => call.process === send.process && call.at >= removedAt && call.at <= send.at && carries(call.values)).reduce((first, call) => Math.min(first, call.at), send.at);
}

/**
 * Whether a store call that passed the node's 30 s deadline wrote after `send` (and, for I1, before
 * `againAt`, the second send): it erased the record, written at the send or again by a heal before
 * its write. For I2 (`ownHealed`) only another process's call counts, since the sending process
 * writes its records again when its own late call ends.
 */
export function erasedByLateWrite(observation: Observation, send: Send, ownHealed: boolean, againAt = Infinity, keys: string[] = []): boolean {
	// I1: also one that erased the sender's won claim before its request left (`keys`: the request's).
	const wonClaimErased = () => observation.staleWrites.some((write) => write.writeAt - write.readAt > 30_000 && write.erased.has(send.process) && write.writeAt >= claimStart(observation, send, keys) && write.writeAt <= againAt);
	return observation.slowCalls.some((call) => (!ownHealed || call.process !== send.process) && call.writeAt - call.readAt > 30_000 && call.writeAt >= send.at && call.writeAt <= againAt) || (!ownHealed && wonClaimErased());
}

/** Whether a write of another process took out a write of `run`'s process carrying a record of `key` (its values or only its nonces) while `run` ran. */
export function erasedDuring(observation: Observation, run: ExecutionRun, key: string): boolean {
	return observation.staleWrites.some((write) => write.process !== run.process && write.erasedWrites.some((erased) => erased.process === run.process && erased.values.some((value) => value.startsWith(key))) && write.writeAt >= run.startedAt && write.writeAt <= (run.endedAt ?? Infinity));
}

/**
 * I3: whether `run` ran while the claim of `refused` (another process's request the API refused,
 * with record `key`) was in the record: from its claim's start until that process's last removal of
 * the record within 90 s of the answer (the removal, the one made again after the settle wait, each
 * held to its 30 s deadline).
 */
export function claimLive(observation: Observation, refused: Send, key: string, run: ExecutionRun): boolean {
	const removedAt = observation.removals
		.filter((removal) => removal.process === refused.process && removal.writeAt >= refused.at && removal.writeAt <= refused.answeredAt + 90_000 && removal.values.some((value) => value.startsWith(key)))
		.reduce((last, removal) => Math.max(last, removal.writeAt), -Infinity);
	return run.startedAt <= removedAt && (run.endedAt ?? Infinity) >= claimStart(observation, refused, [key]);
}
