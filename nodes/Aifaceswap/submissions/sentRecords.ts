/**
 * The records of requests sent lately, kept so that they can be written again when a store call
 * that passed its deadline ends after all: it may then write a row it read before they were
 * recorded. A record is kept while a call under way could still do that: for the deadline after
 * its send, and longer while a late call that started before it has not ended. At most
 * `sentRecordLimits.kept` are kept (a call that never returns must not hold every later send):
 * past that the oldest is given up, and the first one given up that a call not yet ended may still
 * erase (sent after that call started) is logged; one sent before every open call started is safe.
 * Requests whose claim was won here and that are about to be sent are known too: a refused
 * request's removal made again must not take their record, and a late call's end writes theirs
 * again too (`wonSince`).
 */
export const sentRecordLimits = { kept: 50 };

/** How long after a send its record is first checked (and written again if it vanished). */
export const HEAL_AFTER_MS = 1_000;

interface Sent {
	values: string[];
	at: number;
}

/** What is logged when a record still needed is given up. */
export const GAVE_UP_WARNING =
	"Aifaceswap submission record: a call to n8n's database has not returned; the records of the oldest requests sent since are no longer kept for checking when it ends, so a replay may send them again";

export class SentRecords {
	private sent: Sent[] = [];
	private gaveUp = false;
	/** Claims won here whose request has not been answered yet, by their first value. */
	private unanswered = new Map<string, string[]>();

	/** A claim of `values` won here: its request is about to be sent. */
	won(values: string[]): void {
		this.unanswered.set(values[0], values);
	}

	/** The request of `values` was not sent after all. */
	notSent(values: string[]): void {
		this.unanswered.delete(values[0]);
	}

	/** The records of requests whose claim was won here and that are about to be sent, or were sent since `since`. */
	wonSince(since: number): string[][] {
		return [...this.unanswered.values(), ...this.since(since)];
	}

	/**
	 * Keeps `values` sent now; drops those older than `keepFrom`. True when one still needed (sent
	 * since `neededFrom`, the start of a call that has not ended) was given up, the first time only.
	 */
	add(values: string[], keepFrom: number, now: number, neededFrom = Infinity): boolean {
		this.unanswered.delete(values[0]);
		this.sent = this.sent.filter((sent) => sent.at >= keepFrom);
		this.sent.push({ values, at: now });
		if (this.sent.length <= sentRecordLimits.kept) return false;
		const dropped = this.sent.splice(0, this.sent.length - sentRecordLimits.kept);
		if (this.gaveUp || !dropped.some((sent) => sent.at >= neededFrom)) return false;
		this.gaveUp = true;
		return true;
	}

	/** The records sent (or written again) since `startedAt`. */
	since(startedAt: number): string[][] {
		return this.sent.filter((sent) => sent.at >= startedAt).map((sent) => sent.values);
	}

	/** A heal writes `values` (the array `add` was given) again at `at`: a late call that read before erases them again. */
	written(values: string[], at: number): void {
		const sent = this.sent.find((kept) => kept.values === values);
		if (sent) sent.at = at;
	}

	/** A late call has ended: the next give-up is logged again. */
	lateCallEnded(): void {
		this.gaveUp = false;
	}
}
