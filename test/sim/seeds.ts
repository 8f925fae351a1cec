/**
 * Seeds the simulation replays on every run (`simulation.test.ts`).
 *
 * `NAMED_SEEDS`: schedules found on the record, each with what it shows. `KNOWN_BROKEN`: seeds
 * whose violations the record does not close yet; the test expects them to break (so the list stays
 * true). When a fix closes one, the test names it: take it out of the list. Once the record is
 * fixed, `KNOWN_BROKEN` is empty and every seed must pass.
 */
export interface NamedSeed {
	seed: number;
	/** The `--processes` it was found with (the plan's own draw when not set). */
	processes?: number;
	/** What the schedule shows, and the invariant it broke on the record where it was found. */
	schedule: string;
}

export const NAMED_SEEDS: NamedSeed[] = [
	{ seed: 37, schedule: 'S1 a first claim call commits, then fails: the retry finds its own marker, the item fails "cannot tell" with no other writer (I4)' },
	{ seed: 3060, schedule: 'S2 a first claim call passes its deadline and writes before the retry: "cannot tell" with no other writer (I4)' },
	{ seed: 344, schedule: 'S3 a late first claim call writes during the retry\'s settle wait: already submitted, nothing ever sent (I3)' },
	{ seed: 1163, schedule: 'S4 a late call of an idle, dropped record erases a new record\'s sent request, nothing heals it: the replay sends it again (I2)' },
	{ seed: 668, schedule: 'S5 a run stopped by a 402: a claimed item\'s removal fails, no error names it, a re-run says already submitted (I3)' },
	{ seed: 416, schedule: 'S6 another process claims while the first one\'s refused request\'s claim is being removed: already submitted, no task (I3)' },
	{ seed: 38, schedule: 'S7 a store call never returns: the sent requests kept for healing grow without bound (I5)' },
	{ seed: 59, schedule: 'a late claim call puts back the record of a refused request after its removal: already submitted, no task (I3)' },
	{ seed: 1216, schedule: 'a run stopped by a 402 reports only that item: other items\' "cannot tell" errors and failed removals are not named (I3)' },
	{ seed: 991, schedule: 'a late claim call of the same process writes a refused request\'s record back while the request is claimed again: that claim takes it for another run\'s, already submitted, no task (I3)' },
	{ seed: 2018, schedule: 'across midnight, a late call of the same process writes back a refused request\'s record of the day before; a new claim finds half of it: already submitted, no task (I3)' },
	{ seed: 1189, schedule: 'a late removal writes back a refused request\'s record; its removal made again fails and is dropped unnoticed: already submitted, no task (I3)' },
	{ seed: 13115, schedule: 'a late call writes back a record whose removal was made again, which no late call\'s end removed again: already submitted, no task (I3)' },
	{ seed: 5311, schedule: 'another process\'s slow call puts back a refused record while this process claims the request again; the removal made again is skipped for the open claim: already submitted, no task (I3)' },
	{ seed: 11034, schedule: 'a removal made again during an open claim leaves the claim\'s nonce without its values; another process\'s copy of the values passes for the claim\'s write: sent twice (I1, on the first try at removing during open claims; later across processes: another process\'s removal made again while it claimed the request again, now not made then)' },
	{ seed: 6841, schedule: 'a run stopped by a 402 lists another refused item whose record could not be removed only by its message: a re-run says already submitted, no error said so (I3)' },
	{ seed: 509342, processes: 4, schedule: 'a removal made again, held 30 s behind a hung call, erases the record another process sent and checked meanwhile: sent twice (I1)' },
	{ seed: 505830, processes: 4, schedule: 'a stopped execution with Continue On Fail claims every item left: each request cancelled unsent stays recorded, past the bound (I6)' },
	{ seed: 10009227, processes: 4, schedule: 'a removal made again erases the record of a request another process just sent, whose answer is slow; its record is checked only after the answer: a third process sends it too (I1)' },
	{ seed: 10008784, processes: 4, schedule: 'a late call of the sending process erases a won claim\'s record before its request left; its end wrote only sent records again: another process sends it too (I1)' },
	{ seed: 40002047, processes: 3, schedule: 'two processes claim a request at once, a third process\'s slow write erases one claim\'s nonces only, the other\'s slow write the other\'s: each takes the other\'s values for a sent request (I3, admitted: another process\'s store call slower than a settle wait; it tells the judge that a claim erased in its nonces only counts as erased)' },
	{ seed: 1304, schedule: 'sustained contention, two processes: calls with no gap between them each read the row their own process wrote last, so each sees only its own writes; r6, claimed by both, wins in both (I1 with the store calls\' spacing made conditional; passes with it)' },
	{ seed: 127, schedule: 'sustained contention, four processes: the clean-up runs only when no claim is due, so its queue passes 200 values until the stream stops (I5; with the clean-up taking a full batch before due entries, 244 still: the open claims\' nonces; they now go to the clean-up only when no open entry looks for them)' },
	{ seed: 70000797, processes: 3, schedule: 'a won claim waits 120 s for its slot (concurrency 1, a timeout ahead); another process\'s claim call, read before it and written 1.6 s later, wins too and sends; the first claim\'s check from its win finds the record whole, and it sends at its turn (I1; a won claim is now checked again before its request leaves)' },
	{ seed: 80007915, processes: 4, schedule: 'a refused request\'s removal fails while another execution of the process waits for the request; that execution\'s claim opens while the record\'s loop awaits its look at the clean-up, and nothing wakes it: the execution never ends (I4, with the clean-up\'s nonces handed over at the end of their entry)' },
	{ seed: 219, schedule: 'a refused request\'s answer closes its held claim while the claim\'s check after the send is out; that check\'s answer counted it as won and kept it as about to be sent, a late call\'s end wrote its record back: already submitted, no task (I3, with the claim held through its request)' },
	{ seed: 78362132, schedule: 'a late call of this process puts back two refused records; the removals made again at its end are skipped for claims of the same requests opened after they became due, which then take the put-back for another run\'s record: already submitted, no task (I3, with removals made again skipped for every open claim)' },
	{ seed: 667616778, processes: 3, schedule: 'a refused request\'s removal writes in the same virtual millisecond as another process\'s call that read before it and puts the record back; the removal made again is skipped for this process\'s claim of the request, which says already submitted, no task (I3, admitted: a removal undone; the judge had compared the two writes by time, not by order)' },
	{ seed: 8746, schedule: 'a late call\'s end wrote a held claim\'s record again without a nonce; the claim\'s check before it left took that copy for another run\'s record: already submitted, nothing sent (I3, with the claim held through its request)' },
	{ seed: 91003494, processes: 3, schedule: 'p1\'s request refused; p2 claims it between p1\'s two removals; the removal made again takes p2\'s values but not its nonce; a new execution of p1 claims the request after that and sends; p2\'s check finds p1\'s values with its own nonce and sends too (I1, open: found by a review on main 588951b)' },
	{ seed: 255, schedule: 'a stopped execution: a request cancelled before it left is removed; its removal fails, the item has no output, a re-run says already submitted (I3, admitted: a stopped execution\'s claims)' },
];

/** How many schedules (seeds 1 to this) every run of the unit suite checks. */
export const CI_SCHEDULES = 2_000;

/** Open findings (docs/simulation.md "Open findings"). */
export const KNOWN_BROKEN = new Set<number>([91003494]);
