import type { RecordEntry } from './recordEntries';
import { contendedMessage, failedMessage, failedWrite } from './recordEntries';

/**
 * How long an entry of the submission record keeps trying, and what ends it: another process's
 * writes that keep erasing it, or store calls that keep failing. The scheduler
 * (`submissionRecord.ts`) follows what these return.
 */

/** How often a sent request's record is written again before it is given up (logged). */
export const MAX_HEAL_ATTEMPTS = 10;
/** How long a claim goes on being written again after another process first erased it (tests shorten it). */
export const claimLimits = { contendedMs: 60_000 };
const MAX_FAILURES = 3;
const FAILURE_BACKOFF_MS = 200;

/** What follows: the entry goes again after `afterMs`; a claim fails; a heal is given up (`why`, logged). */
export type Next = { afterMs: number } | { fail: Error } | { giveUp: string };

/** The entry's values were (re)written: check after the settle wait, later with each erasure. */
export function afterWrite(entry: RecordEntry, settleMs: number, now: number): Next {
	entry.attempts++;
	if (entry.kind === 'heal' && entry.attempts > MAX_HEAL_ATTEMPTS) return { giveUp: 'kept being erased by other n8n processes' };
	if (entry.attempts === 2) entry.erasedSince = now;
	// Not sent. What it wrote stays: another process's write may have recorded the same values
	// since, from a read this claim never saw, and sent them.
	if (entry.kind === 'claim' && entry.erasedSince !== undefined && now - entry.erasedSince > claimLimits.contendedMs) return { fail: new Error(contendedMessage(claimLimits.contendedMs)) };
	// After an erasure, a random part of another wait spreads the processes' next writes apart.
	return { afterMs: settleMs * (entry.attempts === 1 ? 1 : 1 + Math.random()) };
}

/** The entry's call that carried `fresh` failed; it may or may not have written: the entry goes again after a back-off. */
export function afterFailure(entry: RecordEntry, fresh: string[], error: Error): Next {
	failedWrite(entry, fresh);
	entry.failures++;
	if (entry.failures <= MAX_FAILURES) return { afterMs: FAILURE_BACKOFF_MS * 2 ** (entry.failures - 1) * (0.5 + Math.random()) };
	return entry.kind === 'heal' ? { giveUp: `could not be written again: ${error.message}` } : { fail: new Error(failedMessage(error)) };
}
