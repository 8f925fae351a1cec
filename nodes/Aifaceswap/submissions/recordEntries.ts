import { randomString } from 'n8n-workflow';

/**
 * A request waiting in the submission record, a claim (a request about to be sent) or a heal (a
 * sent request's record, checked again), and what each answer of the store tells about it. The
 * scheduler (`submissionRecord.ts`) makes the calls; `observe` and `lateAnswer` update the entry's
 * evidence and say what follows.
 *
 * Nonces. Every store call writes, with the entry's values, a nonce of the entry's own: a value
 * unique to that entry's write, never shared with another entry, that nobody else writes. When
 * another process rewrites the row from a read taken before our write, our write vanishes whole,
 * nonce included. So:
 * - an entry wins when a later read, once concurrent writes have settled, finds the nonce of the
 *   write that recorded it (`check`) with the whole record: that write survived;
 * - a nonce of a call whose answer said the values were not there before (`own`), found with the
 *   values, tells that they are the entry's own write, which another process's read then saw;
 * - a nonce of a call that failed (`markers`) tells, when found, that the failed call did write, but
 *   not whether the values were there before it: its answer is lost. A call that passed its deadline
 *   and answers after all turns its marker into `own` or into nothing (`lateAnswer`).
 * Every nonce of an entry goes into each of its calls, so each answer says which are still there.
 */
export interface RecordEntry {
	kind: 'claim' | 'heal';
	/** The request's record (see `recordValues`). */
	values: string[];
	/** The nonce of the latest write of the values, whose survival is to be checked. */
	check?: string;
	/** Nonces of the entry's writes that recorded the values where they were not (see above). */
	own: Set<string>;
	/** Nonces of failed calls that carried the values (they may have written). */
	markers: Set<string>;
	/** Values that a read of this entry found: they may be another request's record, and are never removed for it. */
	found: Set<string>;
	/** Writes of the values whose nonce another process's write erased, plus one. */
	attempts: number;
	/** Store calls carrying this entry that failed in a row. */
	failures: number;
	/** When another process's write first erased the entry's write. */
	erasedSince?: number;
	/** Goes into the next store call (false while it waits for its settle wait or a back-off). */
	due: boolean;
}

export type Decision =
	/** Claim: our write survived: send. Heal: the record is there. */
	| { kind: 'won' }
	/** This call (re)wrote the values: check its nonce after the settle wait. */
	| { kind: 'verify' }
	/** Claim: another execution or process recorded the request: not sent. `stretch`: values this entry wrote that none of its reads found, to remove. */
	| { kind: 'recorded'; stretch: string[] }
	/** Claim: a record was found that a failed call of ours may have written: whose it is cannot be told. */
	| { kind: 'undecidable' };

const NONCE_PREFIX = 'nonce ';

export function newNonce(): string {
	return `${NONCE_PREFIX}${randomString(20)}`;
}

export function isNonce(value: string): boolean {
	return value.startsWith(NONCE_PREFIX);
}

export function newEntry(kind: RecordEntry['kind'], values: string[]): RecordEntry {
	return { kind, values, own: new Set(), markers: new Set(), found: new Set(), attempts: 0, failures: 0, due: false };
}

/** What one call of the entry writes: its values and every nonce it has. */
export function entryValues(entry: RecordEntry): string[] {
	return [...entry.values, ...entry.own, ...entry.markers, ...(entry.check === undefined ? [] : [entry.check])];
}

/** The entry's call that wrote `nonce` answered: `found` are the values of the call that were in the row before it. */
export function observe(entry: RecordEntry, nonce: string, found: Set<string>): Decision {
	const hits = entry.values.filter((value) => found.has(value));
	for (const value of hits) entry.found.add(value);
	const whole = hits.length === entry.values.length;
	const ownFound = [...entry.own].some((value) => found.has(value));
	// The check survived with every value: no other write erased ours. The check without every
	// value: something removed part of the record since; this call wrote it again, check that.
	if (entry.check !== undefined && found.has(entry.check)) return rewrote(entry, nonce, whole ? 'won' : 'verify');
	if (entry.kind === 'heal') return rewrote(entry, nonce, whole ? 'won' : 'verify');
	// Nothing of the request in the row, or our own earlier write: this call wrote it (again).
	if (hits.length === 0 || ownFound) return rewrote(entry, nonce, 'verify');
	if ([...entry.markers].some((marker) => found.has(marker))) return { kind: 'undecidable' };
	// Our own earlier write would have kept one of our nonces: what was found is another writer's record.
	return { kind: 'recorded', stretch: entry.values.filter((value) => !entry.found.has(value)) };
}

/** This call's nonce recorded the values where they were not (or over our own write): it is `own`, and the one to check. */
function rewrote(entry: RecordEntry, nonce: string, kind: 'won' | 'verify'): Decision {
	entry.own.add(nonce);
	if (kind === 'verify') entry.check = nonce;
	return { kind };
}

/**
 * A call of the entry that passed its deadline (its nonce a marker) answered after all: `found`
 * (undefined when it failed) are its values that were in the row before its write.
 */
export function lateAnswer(entry: RecordEntry, nonce: string, found: Set<string> | undefined): void {
	if (found === undefined || !entry.markers.has(nonce)) return;
	entry.markers.delete(nonce);
	const hits = entry.values.filter((value) => found.has(value));
	for (const value of hits) entry.found.add(value);
	// Found without a nonce of ours: another writer's record, which the next answer tells again.
	if (hits.length === 0 || [...entry.own].some((value) => found.has(value))) entry.own.add(nonce);
}

/** What stays when a claim fails unsent with its values in the record. */
const LEFT_RECORDED =
	'It stays in the submission record: a re-run within 48 hours reports it as already submitted; if no other run sent it, re-run with Skip Already Submitted off';

export const UNDECIDABLE_MESSAGE = `the database call failed after it may have written this request (its answer was lost), and the request is in the record now, so this node cannot tell whether another run sent it. ${LEFT_RECORDED}`;

/** A claim whose store calls kept failing: any of them may have written it. */
export function failedMessage(error: Error): string {
	return `${error.message}. A failed call may have written it, so it may stay in the submission record: a re-run within 48 hours may report it as already submitted; if so, re-run with Skip Already Submitted off`;
}

export function contendedMessage(limitMs: number): string {
	return `other n8n processes kept rewriting the submission record for ${limitMs / 1000} s. ${LEFT_RECORDED}`;
}
