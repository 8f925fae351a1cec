/**
 * When the submission record checks a request's record again after another process's slow write
 * (or a late call of this process) erased it: from the claim's win on, while the request waits for
 * its answer; once more when every call that read before the send has written or passed its
 * deadline; and when a late call of this process ends before the answer. Each schedule runs on
 * n8n-core's real engine with real timers, the mock API over HTTP and the store double
 * (`test/support/processed-data.ts`), which holds a call between its read and its write; "another
 * process" is a second copy of the node's modules (`anotherProcess`) or a store call made directly.
 * Each erases the record at the moment only that check writes it again, then lets another process
 * claim the same request: it must report it as already submitted, and the API must see it once.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import type { StoreCall } from '../support/processed-data';
import { heldCallOfAnotherProcess, useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';
import { storeCallLimits } from '../../nodes/Aifaceswap/submissions/storeCalls';

const api = useMockApi();
const store = useProcessedData();

const DEFAULT_DEADLINE_MS = storeCallLimits.deadlineMs;
const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
/** A record row that exists before the test: a held call rewrites it (it does not insert it). */
const EARLIER_ROW = ['another request'];

beforeEach(() => {
	store.latencyMs = 5;
});

afterEach(() => {
	storeCallLimits.deadlineMs = DEFAULT_DEADLINE_MS;
});

type Workflow = ReturnType<typeof swapWorkflow>;

/** A workflow whose record row exists already. */
function workflowWithRow(name: string): Workflow {
	const workflow = swapWorkflow(api, name);
	store.records.set(workflow.record, [...EARLIER_ROW]);
	return workflow;
}

/** The row holds what the held call read and its own value: every record written since is erased. */
const erased = (workflow: Workflow, ownValues: number) => store.records.get(workflow.record)?.length === EARLIER_ROW.length + ownValues;

/** When the API has received `count` requests (performance.now()); their bodies are read after its latency. */
async function arrivalOf(count: number): Promise<number> {
	await until(() => api.apiRequests().length >= count, 20_000);
	return performance.now();
}

/** Waits until `ms` after `from` (performance.now()). */
const untilAfter = async (from: number, ms: number) => await wait(Math.max(0, from + ms - performance.now()));

test("a won claim's record is watched from the win: another process's slow write erases it while the request waits for its answer, a claim of the same request in a third process still finds it", async () => {
	const workflow = workflowWithRow('watched-from-win');
	const url = swapUrl('watched-from-win');
	// read before P's claim writes; written right after the claim wins
	const slow = await heldCallOfAnotherProcess(workflow.workflowId);
	api.latencyMs = 6_000;
	const p = workflow.run([url]);
	const won = await arrivalOf(1);
	// after P's clean-up of its nonces (a removal that read the record would write it back)
	await store.quiet(workflow.record, 200);
	await slow.release();
	const erasedAfterWin = erased(workflow, 1);
	// the record is checked 1 s after the win; P's answer comes 6 s after it
	await untilAfter(won, 2_500);
	const q = outcomes(await workflow.run([url], { process: anotherProcess() }));
	expect({ erasedAfterWin, p: outcomes(await p), q, sends: sendsPerUrl(api).get(url) }).toEqual({ erasedAfterWin: true, p: [false], q: [true], sends: 1 });
}, 30_000);

test("a sent record is checked once more a store call deadline and 1 s after the answer: another process's call that read before the send erases it after the first check, a replay still finds it", async () => {
	// the second check comes 3 s after the answer
	storeCallLimits.deadlineMs = 2_000;
	const workflow = workflowWithRow('second-check');
	const url = swapUrl('second-check');
	const slow = await heldCallOfAnotherProcess(workflow.workflowId);
	api.latencyMs = 200;
	expect(outcomes(await workflow.run([url]))).toEqual([false]);
	const answered = performance.now();
	// after the first check (1 s after the answer), within the slow call's deadline from its read
	await untilAfter(answered, 1_400);
	await store.quiet(workflow.record, 200);
	await slow.release();
	const erasedAfterFirstCheck = erased(workflow, 1);
	await untilAfter(answered, 3_600);
	await store.quiet(workflow.record, 500);
	const replay = outcomes(await workflow.run([url], { process: anotherProcess() }));
	expect({ erasedAfterFirstCheck, replay, sends: sendsPerUrl(api).get(url) }).toEqual({ erasedAfterFirstCheck: true, replay: [true], sends: 1 });
}, 30_000);

test("a late call's end writes won-but-unanswered records again too: this process's call that read before a claim passes its deadline, writes its old row after the claim won and ends before the answer", async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = workflowWithRow('late-end-unanswered');
	const [other, url] = [swapUrl('late-end-unanswered-other'), swapUrl('late-end-unanswered')];
	// this process's claim of another request reads the row and is held past its deadline
	const late = store.hangNext((call: StoreCall) => call.kind === 'check' && call.key === workflow.record);
	api.latencyMs = 6_000;
	const otherRun = workflow.run([other]);
	await late.reached;
	const p = workflow.run([url]);
	// both claims are won in the first round after the late call's deadline
	const won = await arrivalOf(2);
	// after the check 1 s after the win: only the late call's end can write the record again now
	await untilAfter(won, 1_500);
	await store.quiet(workflow.record, 200);
	const writes = store.writesOf.get(workflow.record) ?? 0;
	late.release();
	await until(() => (store.writesOf.get(workflow.record) ?? 0) > writes);
	// what the late call read and carried: the other request's record and nonces (2 + 2)
	const erasedByLateCall = erased(workflow, 4);
	await wait(500);
	const q = outcomes(await workflow.run([url], { process: anotherProcess() }));
	expect({ erasedByLateCall, p: outcomes(await p), q, sends: sendsPerUrl(api).get(url) }).toEqual({ erasedByLateCall: true, p: [false], q: [true], sends: 1 });
	await otherRun;
}, 30_000);

test("while a batch claims, the checks of its sent records go in the claims' store calls: no call checks records alone before the last claim's; the checks write no nonces; nothing is logged", async () => {
	const workflow = swapWorkflow(api, 'checks-with-claims');
	const urls = Array.from({ length: 150 }, (_, i) => swapUrl(`checks-with-claims-${i}`));
	const calls: StoreCall[] = [];
	store.latencyOf = (call) => {
		if (call.key === workflow.record && call.kind === 'check') calls.push(call);
		return 5;
	};
	const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
	// 150 requests of 100 ms, 5 at a time: claims go on for 3 s, the first checks come due after 1 s
	api.latencyMs = 100;
	const run = await workflow.run(urls, { concurrency: 5 });
	// the last requests' checks 1 s after their answers (a check with nonces would pass for a claim's call)
	await until(() => calls.length > 0 && calls[calls.length - 1].nonces === 0);
	const lastClaim = calls.map((call) => call.nonces > 0).lastIndexOf(true);
	const checksAlone = calls.slice(0, lastClaim).filter((call) => call.nonces === 0).length;
	const warnings = warn.mock.calls.map(([message]) => String(message));
	warn.mockRestore();
	expect({ sent: outcomes(run).filter((outcome) => outcome === false).length, checksAlone, warnings }).toEqual({ sent: 150, checksAlone: 0, warnings: [] });
}, 30_000);
