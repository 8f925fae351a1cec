/**
 * Six further kinds of schedule that once broke the submission record, beside the seven of
 * `submissionSchedules.test.ts`: a stopped run's error that left out an item whose refused
 * request stays recorded (seed 6841 of `npm run simulate` shows it), two processes that both sent
 * one request after a verify call that failed once it wrote (seed 970), a late claim call of the
 * same process that put back a refused request's record after its removal (seed 59), a run
 * stopped by a refusal whose error left out the items that failed "cannot tell" (seed 1216), a won
 * claim that waited for its slot while another process's slow claim call took its place, so both
 * sent (seed 70000797 with 3 processes), and an execution waiting on another's refused request that
 * never ended (seed 80007915 with 4 processes: the record's loop lost a wake-up).
 * n8n-core's real engine with real timers, the mock API over HTTP and the store double
 * (`test/support/processed-data.ts`), which puts the failure or the other process's call where it hurts.
 */
import { useMockApi } from '../support/mock';
import type { RunResult } from '../support/n8n';
import { anotherProcess } from '../support/n8n';
import type { StoreCall } from '../support/processed-data';
import { useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';
import { storeCallLimits } from '../../nodes/Aifaceswap/submissions/storeCalls';

const api = useMockApi();
const store = useProcessedData();

const DEFAULT_DEADLINE_MS = storeCallLimits.deadlineMs;
const DROPPED = new Error('Connection terminated unexpectedly');
const REFUSED = { status: 402, body: { code: 402, message: 'Insufficient credits' } };
/** Long enough without a store call that the node's later calls (heals, clean-ups, removals made again) are done. */
const SETTLED_MS = 4_000;

beforeEach(() => {
	store.latencyMs = 5;
});

afterEach(() => {
	storeCallLimits.deadlineMs = DEFAULT_DEADLINE_MS;
});

const checkOf = (record: string) => (call: StoreCall) => call.kind === 'check' && call.key === record;

/** The nth call that `match`es, counted where the store double asks (at each call's write for `failAfterWrite`). */
function nth(n: number, match: (call: StoreCall) => boolean): (call: StoreCall) => boolean {
	let seen = 0;
	return (call) => match(call) && ++seen === n;
}

/** A stopped run's error as the user sees it: message and description. */
const described = (run: RunResult) => `${run.error?.message ?? ''} ${String(run.error?.description ?? '')}`;

test('a run stopped by a refusal while another refused item\'s record cannot be removed: the error names that item among those a re-run reports as already submitted', async () => {
	const workflow = swapWorkflow(api, 'two-refused');
	const urls = [0, 1].map((i) => swapUrl(`two-refused-${i}`));
	// both requests are in flight together, and both are refused
	api.latencyMs = 300;
	for (const i of [0, 1]) api.fail({ ...REFUSED, match: `two-refused-${i}` });
	store.failRemovalsWith = new Error('database is locked');
	const run = await workflow.run(urls, { concurrency: 2 });
	store.failRemovalsWith = undefined;
	api.latencyMs = 0;
	const replay = outcomes(await workflow.run(urls, { process: anotherProcess(), continueOnFail: true }));
	expect({ status: run.status, message: run.error?.message, sends: urls.map((url) => sendsPerUrl(api).get(url)), replay }).toEqual({
		status: 'error',
		message: 'Insufficient credits',
		sends: [1, 1],
		replay: [true, true],
	});
	// item 0's own error says it stays recorded; item 1 is named where the user looks for what to send again
	expect(described(run)).toMatch(/a re-run reports them as already submitted: item 1\b/);
}, 30_000);

test('two processes both claim one request, and the verify call of one fails after its write: sent once', async () => {
	const workflow = swapWorkflow(api, 'verify-fails');
	const url = swapUrl('verify-fails');
	// the row exists: every call rewrites it (none inserts it)
	store.records.set(workflow.record, ['another request']);
	// Q's claim call reads the row before P's claim writes, and writes right after: P's write is
	// erased. No call is slower than a settle wait.
	const q = store.hangNext(checkOf(workflow.record));
	const qRun = workflow.run([url], { process: anotherProcess(), continueOnFail: true });
	await q.reached;
	// P's verify call (the third write of the row) reads Q's record, writes, and its answer is lost
	const failure = store.failAfterWrite(nth(3, checkOf(workflow.record)), DROPPED);
	const pRun = workflow.run([url], { process: anotherProcess(), continueOnFail: true });
	await until(() => store.finished.check >= 1);
	q.release();
	const results = [...outcomes(await pRun), ...outcomes(await qRun)];
	await store.quiet(workflow.record, SETTLED_MS);
	expect({ failed: failure.fired, sends: sendsPerUrl(api).get(url) }).toEqual({ failed: true, sends: 1 });
	expect(results).toContain(false);
}, 30_000);

test("a late claim call of the same process writes back a refused request's record after its removal: a re-run sends the request", async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = swapWorkflow(api, 'late-after-removal');
	const url = swapUrl('late-after-removal');
	store.records.set(workflow.record, ['another request']);
	// the first claim call passes its deadline; the claim goes again, wins and is sent
	const held = store.hangNext(checkOf(workflow.record));
	api.fail(REFUSED);
	const refused = outcomes(await workflow.run([url], { continueOnFail: true }));
	// the refused request's record is removed (and removed again after the settle wait); only then
	// does the late call write the row it read, with the request in it
	const removed = store.finished.remove;
	await store.quiet(workflow.record, 1_500);
	held.release();
	await store.quiet(workflow.record, SETTLED_MS);
	const replay = outcomes(await workflow.run([url], { process: anotherProcess() }));
	expect({ refused, removed: removed >= 1, replay, sends: sendsPerUrl(api).get(url) }).toEqual({
		refused: ['Insufficient credits'],
		removed: true,
		replay: [false],
		sends: 2,
	});
}, 30_000);

test("a run stopped by a refusal while another item failed \"cannot tell\": the error names that item too", async () => {
	const workflow = swapWorkflow(api, 'refused-and-undecided');
	const urls = [0, 1].map((i) => swapUrl(`refused-and-undecided-${i}`));
	// item 0's request is in flight (Concurrency 1) while item 1 claims: its claim call writes,
	// then its connection drops (item 0's claim was the first two calls: its write and its verify)
	api.latencyMs = 1_000;
	api.fail({ ...REFUSED, match: 'refused-and-undecided-0' });
	const failure = store.failAfterWrite(nth(3, checkOf(workflow.record)), DROPPED);
	const run = await workflow.run(urls, { concurrency: 1 });
	expect({ failed: failure.fired, status: run.status, message: run.error?.message, sends: api.apiRequests().length }).toEqual({
		failed: true,
		status: 'error',
		message: 'Insufficient credits',
		sends: 1,
	});
	expect(described(run)).toMatch(/item 1: [^.]*cannot tell whether another run sent it/);
}, 30_000);

test("a won claim waits over a second for its slot while another process's slow claim call takes its place: it is not sent, and says already submitted", async () => {
	const workflow = swapWorkflow(api, 'taken-while-waiting');
	const urls = [0, 1].map((i) => swapUrl(`taken-while-waiting-${i}`));
	store.records.set(workflow.record, ['another request']);
	// Q's claim of item 1's request reads the row, then waits
	const q = store.hangNext(checkOf(workflow.record));
	const qRun = workflow.run([urls[1]], { process: anotherProcess(), continueOnFail: true });
	await q.reached;
	// P (Concurrency 1): item 0's request takes 3 s; item 1's claim wins meanwhile and waits for the slot
	api.fail({ delayMs: 3_000, match: 'taken-while-waiting-0' });
	const pRun = workflow.run(urls, { concurrency: 1, continueOnFail: true });
	await until(() => api.apiRequests().length >= 1);
	await new Promise((resolve) => setTimeout(resolve, 500));
	// Q writes the row it read with its own claim: P's write of item 1 is gone; Q wins and sends
	q.release();
	const q1 = outcomes(await qRun);
	const p = outcomes(await pRun);
	expect({ q: q1, p, sends: urls.map((url) => sendsPerUrl(api).get(url)) }).toEqual({ q: [false], p: [false, true], sends: [1, 1] });
}, 30_000);

test('a refused request whose record cannot be removed, while another execution of the process waits for it: that execution claims it in turn and ends', async () => {
	const workflow = swapWorkflow(api, 'waits-on-refused');
	const url = swapUrl('waits-on-refused');
	// the answer comes when the record has no timer left (its check after the send, the clean-up's second pass)
	api.latencyMs = 3_500;
	api.fail({ ...REFUSED, times: 1 });
	store.failNext((call) => call.kind === 'remove' && call.nonces === 0, new Error('database is locked'));
	const first = workflow.run([url], { continueOnFail: true });
	await until(() => api.apiRequests().length >= 1);
	// the same request in this process waits for how the first one's claim ends
	const second = workflow.run([url], { continueOnFail: true });
	const ended = await Promise.race([Promise.all([first, second]).then((runs) => runs.map(outcomes)), new Promise((resolve) => setTimeout(() => resolve('not ended 10 s after'), 10_000))]);
	expect({ ended, sends: sendsPerUrl(api).get(url) }).toEqual({ ended: [[expect.stringMatching(/^Insufficient credits/)], [true]], sends: 1 });
}, 30_000);
