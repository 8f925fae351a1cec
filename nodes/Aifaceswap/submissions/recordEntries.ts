/**
 * What one answer of the store means for a request waiting in the submission record: a claim (a
 * request about to be sent) or a heal (a sent request's record, checked again). Pure: the
 * scheduler (`submissionRecord.ts`) writes, reads and acts on the decision.
 *
 * A write records the entry's values together with a nonce, a value unique to that entry's write
 * (never shared with another entry: an entry that goes again rewrites its own nonces, which must
 * not vouch for anyone else's values). When another process rewrites the row from a read taken
 * before our write, our write vanishes whole, nonce included. So an entry wins when a later read, once concurrent writes have settled, finds
 * the nonce of the write that recorded it: that write survived. A nonce of a store call that
 * failed (a marker) tells, when found later, that the failed call did write.
 */

export interface RecordEntry {
	kind: 'claim' | 'heal';
	/** The request's record (see `recordValues`). */
	values: string[];
	/** The nonce of the latest write that recorded the values, whose survival is to be checked. */
	check?: string;
	/** Nonces of failed calls that carried the values (they may have written). */
	markers: string[];
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
	/** Claim: a record was found, and a failed call of ours may have written it: whether it is ours cannot be told. */
	| { kind: 'undecidable' };

/** `found`: the values of the entry's call (values, check, markers) that were in the row before it. */
export function decide(entry: RecordEntry, found: Set<string>): Decision {
	const hits = entry.values.filter((value) => found.has(value));
	for (const value of hits) entry.found.add(value);
	const whole = hits.length === entry.values.length;
	// The check survived with every value: no other write erased ours. The check without every
	// value: something removed part of the record since; this call wrote it again, check that.
	if (entry.check !== undefined && found.has(entry.check)) return whole ? { kind: 'won' } : { kind: 'verify' };
	if (entry.kind === 'heal') return whole ? { kind: 'won' } : { kind: 'verify' };
	// Nothing of the request in the row (our earlier write vanished whole): this call wrote it.
	if (hits.length === 0) return { kind: 'verify' };
	if (entry.markers.some((marker) => found.has(marker))) return { kind: 'undecidable' };
	// Our own earlier write would have kept its nonce: what was found is another writer's record.
	return { kind: 'recorded', stretch: entry.values.filter((value) => !entry.found.has(value)) };
}

export function newEntry(kind: RecordEntry['kind'], values: string[]): RecordEntry {
	return { kind, values, markers: [], found: new Set(), attempts: 0, failures: 0, due: false };
}

/** What stays when a claim fails unsent with its values in the record. */
const LEFT_RECORDED =
	'It stays in the submission record: a re-run in the next 24 to 48 hours reports it as already submitted; if no other run sent it, re-run with Skip Already Submitted off';

export const UNDECIDABLE_MESSAGE = `a store call failed after it may have written this request, and the request was found recorded, so this node cannot tell whether another run sent it. ${LEFT_RECORDED}`;

export function contendedMessage(limitMs: number): string {
	return `other n8n processes kept rewriting the submission record for ${limitMs / 1000} s. ${LEFT_RECORDED}`;
}
