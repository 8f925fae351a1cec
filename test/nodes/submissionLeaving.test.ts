/**
 * A won claim's check before its request leaves (`SubmissionRecord.leaving`, the transport's
 * `mayLeave`, asked before each attempt once the shared back-off has passed): a retry after a 429,
 * a check that fails, a claim's contention limit after its win, and a Stop while the check is out.
 * Each failed on the first version of the check (asked once, before the back-off; Stop looked at
 * only before it). n8n-core's real engine with real timers,
 * the mock API over HTTP and the store double (`test/support/processed-data.ts`).
 */
import { useMockApi } from '../support/mock';
import { anotherProcess, runAifaceswap } from '../support/n8n';
import type { StoreCall } from '../support/processed-data';
import { useProcessedData } from '../support/processed-data';
import { IMAGE_SWAP, outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';
import { claimLimits } from '../../nodes/Aifaceswap/submissions/recordRetries';

const api = useMockApi();
const store = useProcessedData();

const DEFAULT_CONTENDED_MS = claimLimits.contendedMs;
const TOO_MANY = { status: 429, headers: { 'Retry-After': '3' }, body: { code: 429, message: 'Too many requests' } };
const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
	store.latencyMs = 5;
});

afterEach(() => {
	claimLimits.contendedMs = DEFAULT_CONTENDED_MS;
	store.failWith = undefined;
});

const checkOf = (record: string) => (call: StoreCall) => call.kind === 'check' && call.key === record;

/** Tasks the API created for a source image URL (a 429 creates none). */
const created = (url: string) => api.apiRequests().filter((request) => request.status === 200 && String(request.body.source_image) === url).length;

test("a won claim's request told 429 (Retry-After 3 s) while another process's slow claim call takes its place: its retry is not sent", async () => {
	const workflow = swapWorkflow(api, 'taken-during-429');
	const url = swapUrl('taken-during-429');
	store.records.set(workflow.record, ['another request']);
	// Q's claim reads the row, then waits
	const q = store.hangNext(checkOf(workflow.record));
	const qRun = workflow.run([url], { process: anotherProcess(), continueOnFail: true });
	await q.reached;
	// P's claim wins and its request leaves at once (no check: within 1 s of the win): 429, try again in 3 s
	api.fail({ ...TOO_MANY, match: 'taken-during-429' });
	const pRun = workflow.run([url], { continueOnFail: true });
	await until(() => api.apiRequests().length >= 1);
	await wait(500);
	// Q writes the row it read with its own claim: P's write is gone; Q wins and sends
	q.release();
	const result = { q: outcomes(await qRun), p: outcomes(await pRun) };
	expect({ ...result, created: created(url) }).toEqual({ q: [false], p: [true], created: 1 });
}, 30_000);

test('a won claim whose check before leaving fails (the database down), without Continue On Fail: the run stops there, and no later item takes its slot and sends', async () => {
	const tag = (i: number) => `slot-after-failed-check-${i}`;
	// items 1 to 4 are one request (the later ones wait for item 1's claim); item 5 has Skip Already Submitted off
	const urls = [0, 1, 1, 1, 1, 5].map((i) => swapUrl(tag(i)));
	api.fail({ delayMs: 3_000, match: tag(0) });
	const run = runAifaceswap({
		baseUrl: api.url,
		parameters: { ...IMAGE_SWAP, options: { concurrency: 1, skipAlreadySubmitted: '={{ $json.skip }}' } },
		items: urls.map((url, i) => ({ json: { url, skip: i !== 5 } })),
		workflowId: 'slot-after-failed-check',
	});
	await until(() => api.apiRequests().length >= 1);
	// item 1's claim won long ago and waits for the slot; now the database fails every call
	await wait(2_000);
	store.failWith = new Error('database is locked');
	const result = await run;
	expect({ status: result.status, message: result.error?.message, item5: sendsPerUrl(api).get(urls[5]) ?? 0 }).toEqual({
		status: 'error',
		message: expect.stringMatching(/could not confirm this run's record/),
		item5: 0,
	});
}, 30_000);

test('a claim erased once before its win, which waits for its slot longer than the contention limit and is erased again meanwhile (no other run recorded it): written again and sent, not failed as contended', async () => {
	claimLimits.contendedMs = 2_000;
	const workflow = swapWorkflow(api, 'contended-then-held');
	const urls = [0, 1].map((i) => swapUrl(`contended-then-held-${i}`));
	store.records.set(workflow.record, ['another request']);
	// another process's write from an older read takes out item 1's first claim write (the second write of a claim's first call)
	let firstWrites = 0;
	store.failAfterWrite((call) => {
		if (call.kind === 'check' && call.values === 4 && call.nonces === 2 && ++firstWrites === 2) store.records.set(workflow.record, ['another request']);
		return false;
	}, new Error('never'));
	// P (Concurrency 1): item 0's request takes 3 s; item 1's claim, written again, wins and waits for the slot
	api.fail({ delayMs: 3_000, match: 'contended-then-held-0' });
	const pRun = workflow.run(urls, { concurrency: 1, continueOnFail: true });
	await until(() => api.apiRequests().length >= 1);
	await wait(1_200);
	await store.quiet(workflow.record, 300);
	// another process's slow write (of other requests) takes out item 1's record again
	store.records.set(workflow.record, ['another request']);
	const p = outcomes(await pRun);
	expect({ firstWrites, p, sends: urls.map((url) => sendsPerUrl(api).get(url)) }).toEqual({ firstWrites: 2, p: [false, false], sends: [1, 1] });
}, 30_000);

test('Stop while a won claim is checked before its request leaves: the request is not sent, and a re-run sends it', async () => {
	const workflow = swapWorkflow(api, 'stop-during-check');
	const urls = [0, 1].map((i) => swapUrl(`stop-during-check-${i}`));
	api.fail({ delayMs: 3_000, match: 'stop-during-check-0' });
	let stop: () => void = () => undefined;
	const run = workflow.run(urls, { concurrency: 1, continueOnFail: true, onStart: (stopRun) => (stop = stopRun) });
	await until(() => api.apiRequests().length >= 1);
	await wait(1_500);
	// the next record call: item 1's check before it leaves (item 0 answers at 3 s)
	const check = store.hangNext(checkOf(workflow.record));
	await check.reached;
	stop();
	check.release();
	const stopped = await run;
	await store.quiet(workflow.record, 2_000);
	const reachedBeforeRerun = urls.map((url) => sendsPerUrl(api).get(url) ?? 0);
	const rerun = outcomes(await workflow.run([urls[1]], { process: anotherProcess(), continueOnFail: true }));
	expect({ status: stopped.status, reachedBeforeRerun, rerun }).toEqual({ status: 'canceled', reachedBeforeRerun: [1, 0], rerun: [false] });
}, 30_000);

test.each([
	['answers', false],
	['fails after its write', true],
])("a won claim's check 1 s after its request left, out when the answer closes the claim, %s: no nonce stays in the row", async (_case, fails) => {
	const workflow = swapWorkflow(api, `closed-while-out-${String(fails)}`);
	const url = swapUrl(`closed-while-out-${String(fails)}`);
	api.latencyMs = 1_500;
	const run = workflow.run([url], { continueOnFail: true });
	await until(() => api.apiRequests().length >= 1);
	// the claim's check 1 s after its request left takes 800 ms: the answer (1.5 s) closes the claim meanwhile
	store.latencyOf = (call) => (call.nonces > 0 ? 800 : 0);
	if (fails) store.failAfterWrite((call) => call.kind === 'check' && call.nonces > 0, new Error('Connection terminated unexpectedly'));
	const outcome = outcomes(await run);
	await store.quiet(workflow.record, 5_000);
	expect({ outcome, rowValues: store.records.get(workflow.record)?.length }).toEqual({ outcome: [false], rowValues: 2 });
}, 30_000);
