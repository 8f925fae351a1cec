/**
 * Seven schedules that once broke the submission record, each on n8n-core's real engine with real
 * timers, the mock API over HTTP and the store double (`test/support/processed-data.ts`), which puts
 * a failure, a held call or another process's call exactly where it hurts. The deterministic
 * simulation (`npm run simulate`) finds such schedules; these keep them fixed on the real engine.
 */
import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import type { StoreCall } from '../support/processed-data';
import { useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';
import { sentRecordLimits } from '../../nodes/Aifaceswap/submissions/sentRecords';
import { storeCallLimits } from '../../nodes/Aifaceswap/submissions/storeCalls';

const api = useMockApi();
const store = useProcessedData();

const DEFAULTS = { deadlineMs: storeCallLimits.deadlineMs, kept: sentRecordLimits.kept };
const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
const DROPPED = new Error('Connection terminated unexpectedly');
/** Long enough without a store call that the node's later calls (heals, clean-ups) are done. */
const SETTLED_MS = 4_000;

beforeEach(() => {
	store.latencyMs = 5;
});

afterEach(() => {
	storeCallLimits.deadlineMs = DEFAULTS.deadlineMs;
	sentRecordLimits.kept = DEFAULTS.kept;
});

const checkOf = (record: string) => (call: StoreCall) => call.kind === 'check' && call.key === record;

test('schedule 1: the first claim call writes, then its connection drops: the item fails naming that case, and a re-run says why it is not sent', async () => {
	const workflow = swapWorkflow(api, 'commit-then-fail');
	const failure = store.failAfterWrite(checkOf(workflow.record), DROPPED);
	const result = outcomes(await workflow.run([swapUrl('commit-then-fail')], { continueOnFail: true }));
	expect({ fired: failure.fired, sends: api.apiRequests().length }).toEqual({ fired: true, sends: 0 });
	// n8n's store answers whether a value was there only to the call that wrote it: that answer is
	// lost, so whether another process recorded the request first cannot be told (README admits it)
	expect(String(result[0])).toContain('the database call failed after it may have written');
	expect(String(result[0])).toContain('Skip Already Submitted off');
});

test('schedule 2: the first claim call passes its deadline and writes before the retry: sent once, not failed', async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = swapWorkflow(api, 'late-before-retry');
	const held = store.hangNext(checkOf(workflow.record));
	void held.reached.then(async () => {
		await wait(800);
		held.release();
	});
	const result = outcomes(await workflow.run([swapUrl('late-before-retry')]));
	await store.quiet(workflow.record, SETTLED_MS);
	const replay = outcomes(await workflow.run([swapUrl('late-before-retry')], { process: anotherProcess() }));
	expect({ result, replay, sends: api.apiRequests().length }).toEqual({ result: [false], replay: [true], sends: 1 });
}, 30_000);

test("schedule 3: the first claim call passes its deadline and writes during the retry's settle wait: sent once, not taken for another's record", async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = swapWorkflow(api, 'late-in-settle');
	// the row exists: the late call rewrites it (it does not insert it)
	store.records.set(workflow.record, ['another request']);
	const held = store.hangNext(checkOf(workflow.record));
	void held.reached.then(async () => {
		// the retry's call has written (and read nothing of the request): its settle wait is under way
		await until(() => store.finished.check >= 1);
		held.release();
	});
	const result = outcomes(await workflow.run([swapUrl('late-in-settle')]));
	await store.quiet(workflow.record, SETTLED_MS);
	const replay = outcomes(await workflow.run([swapUrl('late-in-settle')], { process: anotherProcess() }));
	expect({ result, replay, sends: api.apiRequests().length }).toEqual({ result: [false], replay: [true], sends: 1 });
}, 30_000);

test("schedule 4: a late store call outlives the node's idle moment: the requests sent meanwhile are healed when it writes its old row", async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = swapWorkflow(api, 'late-while-idle');
	store.records.set(workflow.record, ['another request']);
	const removal = store.hangNext((call) => call.kind === 'remove' && call.key === workflow.record);
	expect(outcomes(await workflow.run([swapUrl('late-while-idle-a')]))).toEqual([false]);
	await removal.reached;
	// nothing of the first execution is left to do: the node goes idle
	await store.quiet(workflow.record, 5_000);
	expect(outcomes(await workflow.run([swapUrl('late-while-idle-b')]))).toEqual([false]);
	await store.quiet(workflow.record, 1_500);
	removal.release();
	await store.quiet(workflow.record, SETTLED_MS);
	const replay = outcomes(await workflow.run([swapUrl('late-while-idle-b')], { process: anotherProcess() }));
	expect({ replay, sends: api.apiRequests().length }).toEqual({ replay: [true], sends: 2 });
}, 60_000);

test('schedule 5: a run stopped by a refusal while the refused claims cannot be removed: the error names every item left recorded but unsent', async () => {
	const workflow = swapWorkflow(api, 'stop-removal');
	const urls = [0, 1, 2].map((i) => swapUrl(`stop-removal-${i}`));
	api.latencyMs = 300;
	api.fail({ status: 402, body: { code: 402, message: 'Insufficient credits' }, match: 'stop-removal-0' });
	store.failRemovalsWith = new Error('database is locked');
	const run = await workflow.run(urls, { concurrency: 1 });
	store.failRemovalsWith = undefined;
	api.latencyMs = 0;
	const replay = outcomes(await workflow.run(urls, { process: anotherProcess(), continueOnFail: true }));
	const kept = replay.flatMap((outcome, item) => (outcome === true && item > 0 ? [item] : []));
	const described = `${run.error?.message ?? ''} ${String((run.error as { description?: string } | undefined)?.description ?? '')}`;
	expect({ status: run.status, sent: sendsPerUrl(api).get(urls[0]), keptSome: kept.length > 0 }).toEqual({ status: 'error', sent: 1, keptSome: true });
	for (const item of kept) expect(described).toMatch(new RegExp(`item ${item}\\b`));
	expect(described).toContain('a re-run reports');
}, 30_000);

test("schedule 6: another process's identical request, claimed while this one's request is refused: told it may be sent again, not only that it was sent", async () => {
	const workflow = swapWorkflow(api, 'refusal-race');
	const url = swapUrl('refusal-race');
	api.latencyMs = 500;
	api.fail({ status: 402, body: { code: 402, message: 'Insufficient credits' } });
	const refused = workflow.run([url], { continueOnFail: true });
	await until(() => api.apiRequests().length === 1);
	const other = await workflow.run([url], { process: anotherProcess() });
	expect(outcomes(await refused)).toEqual(['Insufficient credits']);
	expect(outcomes(other)).toEqual([true]);
	// the README admits this window (one API answer); the item's notice must not say the task exists
	expect(String(other.output?.[0].json.notice)).toContain('the API was refusing it at that moment');
}, 30_000);

test('schedule 7: a store call that never returns: the sent records kept for healing stay bounded', async () => {
	storeCallLimits.deadlineMs = 500;
	sentRecordLimits.kept = 50;
	const workflow = swapWorkflow(api, 'never-returns');
	const urls = Array.from({ length: 300 }, (_, i) => swapUrl(`never-returns-${i}`));
	const stuck = store.hangNext((call) => call.kind === 'remove' && call.key === workflow.record);
	store.records.set(workflow.record, ['another request']);
	const first = outcomes(await workflow.run(urls.slice(0, 1)));
	await stuck.reached;
	const rest = outcomes(await workflow.run(urls.slice(1), { concurrency: 20 }));
	await store.quiet(workflow.record, 1_500);
	// when the stuck call ends after all, every record still kept is checked in one call
	let healCall: number | undefined;
	store.latencyOf = (call) => {
		if (call.kind === 'check') healCall ??= call.values;
		return 5;
	};
	stuck.release();
	await store.quiet(workflow.record, SETTLED_MS);
	expect({ sent: [...first, ...rest].filter((outcome) => outcome === false).length, bounded: healCall !== undefined && healCall <= 3 * 50 }).toEqual({ sent: 300, bounded: true });
}, 120_000);
