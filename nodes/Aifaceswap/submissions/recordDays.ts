/**
 * The days of the submission record. A request sent on UTC day d is recorded as two values, `K@d`
 * and `K@(d+1)`, and a claim on day d looks for `K@d` and `K@(d+1)`: so a request is recognised on
 * the day it was sent and the next (24 to 48 hours), and also by a process whose clock is still on
 * the day before. Both values are a record that a replay can match; nothing is written only to be
 * looked at.
 */
const DAY_MS = 86_400_000;

export function today(): number {
	return Math.floor(Date.now() / DAY_MS);
}

/** The values that record request `key` sent (or about to be sent) on `day`. */
export function recordValues(key: string, day: number): string[] {
	return [`${key}@${day}`, `${key}@${day + 1}`];
}

/** Whether a request sent on `sentDay` is still recognised on `day` (the same window as its values). */
export function stillRecorded(sentDay: number, day: number): boolean {
	return sentDay >= day - 1;
}
