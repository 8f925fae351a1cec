import { randomString } from 'n8n-workflow';

/**
 * A request waiting in the submission record, a claim (a request about to be sent) or a heal (a
 * sent request's record, checked again), and what each answer of the store tells about it. The
 * scheduler (`submissionRecord.ts`) makes the calls; `observe`, `failedWrite` and `lateAnswer`
 * update the entry's evidence and say what follows.
 *
 * Nonces: values unique to one write of one entry, that nobody else writes. When another process
 * rewrites the row from a read taken before our write, our write vanishes whole, nonces included.
 * - Each write of a claim's values leaves `TOKENS` nonces (`tokens`). A check tests the first one
 *   left: found with the whole record after the settle wait, the write survived and the claim wins.
 *   A heal writes none: whose write its record is does not matter to it, only that it is whole.
 * - A call that fails may still have written: what it carried may then be back in the row from its
 *   write, next to another writer's values. Its nonces become `markers` (found later, they tell
 *   only that it wrote), and the next check tests the next token, which it never carried.
 * - Nonces of our writes (earlier tokens, and those of a call that passed its deadline and answered
 *   after all that it wrote the values where they were not) are `own`: found with the values, they
 *   show that the values are our own write, which a late write put back.
 */
const TOKENS = 2;

export interface RecordEntry {
	kind: 'claim' | 'heal';
	/** The request's record (see `recordValues`). */
	values: string[];
	/** Nonces of the entry's latest write of the values that no call has carried since. */
	tokens: string[];
	/** Nonces of the entry's earlier writes of the values (see above). */
	own: Set<string>;
	/** Nonces of failed calls (they may have written). */
	markers: Set<string>;
	/** Values that a read of this entry found: they may be another request's record, and are never removed for it. */
	found: Set<string>;
	/** Writes of the values whose nonce another process's write erased, plus one. */
	attempts: number;
	/** Store calls carrying this entry that failed in a row. */
	failures: number;
	/** When another process's write first erased the entry's write. */
	erasedSince?: number;
	/**
	 * Claim: when a late call of ours wrote this request's values for another claim (`ownLateWrite`).
	 * Until a call that started after it answers, values found without our token may be that write.
	 */
	ownLateWriteAt?: number;
	/** When the entry was made. */
	openedAt: number;
	/** Goes into the next store call (false while it waits for its settle wait or a back-off). */
	due: boolean;
	/** A due heal has waited `HEAL_RIDE_MS` for a claim's call (`goingNow`). */
	waited?: boolean;
	/** A claim's caller, told how it ended (a heal has none). */
	finish?: (outcome: ClaimOutcome | Error) => void;
	/** A won claim whose request has not been answered: when its win was last confirmed (`SubmissionRecord.leaving`). */
	heldSince?: number;
	/** A held claim's outcome found while no caller asked (another run's record, an error): told at its next `leaving`. */
	ended?: ClaimOutcome | Error;
}

/** How a claim ended: its request may be sent, or another execution or process recorded it. */
export type ClaimOutcome = 'send' | 'recorded';

export type Decision =
	/** Claim: our write survived: send. Heal: the record is there. */
	| { kind: 'won' }
	/** This call (re)wrote the values: check its nonces after the settle wait. */
	| { kind: 'verify' }
	/** Claim: another execution or process recorded the request: not sent. `stretch`: values this entry wrote that none of its reads found, to remove. */
	| { kind: 'recorded'; stretch: string[] }
	/** Claim: a record was found that a failed call of ours may have written: whose it is cannot be told. */
	| { kind: 'undecidable' };

const NONCE_PREFIX = 'nonce ';

export function isNonce(value: string): boolean {
	return value.startsWith(NONCE_PREFIX);
}

/** The new nonces of one call of an entry. */
export function newTokens(): string[] {
	return Array.from({ length: TOKENS }, () => `${NONCE_PREFIX}${randomString(20)}`);
}

export function newEntry(kind: RecordEntry['kind'], values: string[]): RecordEntry {
	return { kind, values, tokens: [], own: new Set(), markers: new Set(), found: new Set(), attempts: 0, failures: 0, due: false, openedAt: performance.now() };
}

/** What one call of the entry carries besides its new nonces: the values, the token it tests, the nonces whose presence tells something. */
export function callValues(entry: RecordEntry): string[] {
	return [...entry.values, ...entry.tokens.slice(0, 1), ...entry.own, ...entry.markers];
}

/** Every nonce the entry may still look for (the clean-up leaves them). */
export function entryNonces(entry: RecordEntry): string[] {
	return [...entry.tokens, ...entry.own, ...entry.markers];
}

/**
 * The entry's call that started at `startedAt` and wrote `fresh` answered: `found` are the values
 * of the call that were in the row before it.
 */
export function observe(entry: RecordEntry, fresh: string[], found: Set<string>, startedAt: number): Decision {
	const tested = entry.tokens[0];
	const ownLateWrite = entry.ownLateWriteAt !== undefined;
	if (ownLateWrite && startedAt >= (entry.ownLateWriteAt as number)) entry.ownLateWriteAt = undefined;
	const hits = entry.values.filter((value) => found.has(value));
	for (const value of hits) entry.found.add(value);
	const whole = hits.length === entry.values.length;
	// The token survived with every value: no other write erased ours. The token without every
	// value: something removed part of the record since; this call wrote it again, check that.
	if (tested !== undefined && found.has(tested)) return whole ? { kind: 'won' } : rewrote(entry, fresh);
	if (entry.kind === 'heal') return whole ? { kind: 'won' } : rewrote(entry, fresh);
	// Nothing of the request in the row, or our own earlier write: this call wrote it (again).
	if (hits.length === 0 || [...entry.own].some((value) => found.has(value))) return rewrote(entry, fresh);
	if (ownLateWrite || [...entry.markers].some((marker) => found.has(marker))) return { kind: 'undecidable' };
	// Our own earlier write would have kept a token of ours: what was found is another writer's record.
	return { kind: 'recorded', stretch: entry.values.filter((value) => !entry.found.has(value)) };
}

/** This call wrote the values where they were not (or over our own write): the earlier tokens stay as evidence of our writes. */
function rewrote(entry: RecordEntry, fresh: string[]): Decision {
	for (const token of entry.tokens) entry.own.add(token);
	entry.tokens = fresh;
	return { kind: 'verify' };
}

/** The entry's call that carried `fresh` failed: all it carried may be in the row from its write. */
export function failedWrite(entry: RecordEntry, fresh: string[]): void {
	const carried = [...fresh, ...entry.tokens.splice(0, 1), ...entry.own];
	for (const nonce of carried) entry.markers.add(nonce);
	entry.own.clear();
}

/**
 * A call of the entry that passed its deadline (`fresh` its nonces, now markers) answered after all:
 * `found` (undefined when it failed) are its values that were in the row before its write.
 */
export function lateAnswer(entry: RecordEntry, fresh: string[], found: Set<string> | undefined): void {
	if (found === undefined || !fresh.every((nonce) => entry.markers.has(nonce))) return;
	for (const nonce of fresh) entry.markers.delete(nonce);
	const hits = entry.values.filter((value) => found.has(value));
	for (const value of hits) entry.found.add(value);
	// Found without a nonce of ours: another writer's record, which the next answer tells again.
	if (hits.length === 0) for (const nonce of fresh) entry.own.add(nonce);
}

/**
 * A late call of ours wrote after all: it put back the row it read, with what it carried. Open
 * claims of requests among `putBack` (the claims it carried, records we removed since its read) can
 * no longer tell that copy from another process's record: marked, they fail as undecidable rather
 * than report the request as submitted by another run. `except`: the late call's own entries
 * (`lateAnswer` tells them what it found).
 */
export function ownLateWrite(open: RecordEntry[], putBack: Set<string>, at: number, except: RecordEntry[] = []): void {
	for (const entry of open) if (entry.kind === 'claim' && !except.includes(entry) && entry.values.some((value) => putBack.has(value))) entry.ownLateWriteAt = at;
}

/**
 * What a removal of `values` takes with them from open claims of the same requests: their whole
 * write, nonces too (a nonce left without its values would pass another writer's copy of the
 * values for the claim's own write). The claim finds nothing and writes again.
 */
export function openClaimWrites(open: RecordEntry[], values: string[]): string[] {
	return open.filter((entry) => entry.kind === 'claim' && entry.values.some((value) => values.includes(value))).flatMap((entry) => [...entry.values, ...entryNonces(entry)]);
}

/** What stays when a claim fails unsent with its values in the record. */
const LEFT_RECORDED =
	'It stays in the submission record: a re-run in the next 24 to 48 hours reports it as already submitted; if no other run sent it, re-run with Skip Already Submitted off';

export const UNDECIDABLE_MESSAGE = `the database call failed after it may have written this request (its answer was lost), and the request is in the record now, so this node cannot tell whether another run sent it. ${LEFT_RECORDED}`;

/** A claim whose store calls kept failing: any of them may have written it. */
export function failedMessage(error: Error): string {
	return `${error.message}. A failed call may have written it, so it may stay in the submission record: a re-run within 48 hours may report it as already submitted; if so, re-run with Skip Already Submitted off`;
}

export function contendedMessage(limitMs: number): string {
	return `other n8n processes kept rewriting the submission record for ${limitMs / 1000} s. ${LEFT_RECORDED}`;
}
