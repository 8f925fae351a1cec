/**
 * A refused request's record is removed so that a re-run sends it. A store call that read the row
 * before the removal can write it back afterwards and put the record back: the removal is made
 * again after the settle wait, and again when a late store call of this process ends. Six
 * schedules of these removals (the simulation's seeds 991 and 2018, 5311, 11034, 13115, 1189 and
 * 78362132 show them) once left a request reported as already submitted with no task, sent twice,
 * or its record kept without a word. Each runs on n8n-core's real engine with real timers, the mock API
 * over HTTP and the store double (`test/support/processed-data.ts`), which holds a call between its
 * read and its write; "another process" is a second copy of the node's modules (`anotherProcess`)
 * or a store call made directly.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import type { StoreCall } from '../support/processed-data';
import { heldCallOfAnotherProcess, useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';
import { isNonce } from '../../nodes/Aifaceswap/submissions/recordEntries';
import { storeCallLimits } from '../../nodes/Aifaceswap/submissions/storeCalls';

const api = useMockApi();
const store = useProcessedData();

const DEFAULT_DEADLINE_MS = storeCallLimits.deadlineMs;
const REFUSED = { status: 402, body: { code: 402, message: 'Insufficient credits' } };
const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** What each store call carried, as it ended (the node's values, not the store's hashes). */
let ended: { check: string[][]; remove: string[][] };
/** Removals of the refused request's record after the first one fail (a database that went away). */
let failRemovalsAgain = false;

beforeEach(() => {
	store.latencyMs = 5;
	ended = { check: [], remove: [] };
	failRemovalsAgain = false;
	const { checkProcessedAndRecord, removeProcessed } = store;
	jest.spyOn(store, 'checkProcessedAndRecord').mockImplementation(async (items, ...rest) => {
		const output = await checkProcessedAndRecord.call(store, items, ...rest);
		ended.check.push(items.map(String));
		return output;
	});
	jest.spyOn(store, 'removeProcessed').mockImplementation(async (items, ...rest) => {
		const values = items.map(String);
		if (failRemovalsAgain && removalsOf(values).length > 0) throw new Error('database is locked');
		await removeProcessed.call(store, items, ...rest);
		ended.remove.push(values);
	});
});

afterEach(() => {
	storeCallLimits.deadlineMs = DEFAULT_DEADLINE_MS;
	jest.restoreAllMocks();
});

/** The refused request's record: the values (not nonces) of the first removal that carried any. */
const refusedRecord = () => (ended.remove.find((values) => values.some((value) => !isNonce(value))) ?? []).filter((value) => !isNonce(value));
/** The removals that carried `record` (first, made again, after a late call). */
const removalsOf = (record: string[]) => ended.remove.filter((values) => record.length > 0 && !isNonce(record[0]) && values.includes(record[0]));
/** Tasks the API created for `url`, whose first request it refused. */
const tasksFor = (url: string) => (sendsPerUrl(api).get(url) ?? 0) - 1;

/** The node's first store call takes 250 ms: its settle waits are then 1 s (the longest), room for another call in between. */
function slowFirstCall(): void {
	let calls = 0;
	store.latencyOf = () => (calls++ === 0 ? 250 : 5);
}

/** A run of one request that the API refuses (its first request only), 300 ms after it arrives. */
function refusedRun(name: string) {
	const workflow = swapWorkflow(api, name);
	const refused = swapUrl(`${name}-refused`);
	api.latencyMs = 300;
	api.fail({ ...REFUSED, match: `${name}-refused` });
	return { workflow, refused, first: workflow.run([refused], { continueOnFail: true }) };
}

type Workflow = ReturnType<typeof swapWorkflow>;

/** The refused run, with `hold` starting a store call that reads its record and is held; returns once the record is removed. */
async function refusedWhileHeld<T>(name: string, hold: (workflow: Workflow) => Promise<T>) {
	const { workflow, refused, first } = refusedRun(name);
	await until(() => api.apiRequests().length === 1);
	const held = await hold(workflow);
	expect(outcomes(await first)).toEqual(['Insufficient credits']);
	return { workflow, refused, record: refusedRecord(), held };
}

/** This process claims the request again: returns its run once the claim's first write is done. */
async function claimAgain(workflow: Workflow, refused: string, record: string[]): Promise<{ run: ReturnType<Workflow['run']> }> {
	const checks = ended.check.length;
	const run = workflow.run([refused], { continueOnFail: true });
	await until(() => ended.check.slice(checks).some((values) => values.includes(record[0])));
	return { run };
}

/** A claim of another request of this process that reads the row now and passes its deadline (held until released). */
async function lateClaimOfAnotherRequest(workflow: Workflow, match: (call: StoreCall) => boolean) {
	const late = store.hangNext(match);
	const other = workflow.run([swapUrl(`${workflow.workflowId}-other`)]);
	await late.reached;
	return { release: late.release, other };
}

/**
 * A record whose removal was made again, put back once more by a late claim call of this process
 * (held until `release`): a slow call of another process puts it back first, then a claim of
 * another request reads it and passes its deadline (short enough that the held call does not keep
 * the removal made again past its time).
 */
async function putBackAfterRemovedAgain(name: string) {
	storeCallLimits.deadlineMs = 300;
	slowFirstCall();
	const { workflow, refused, record, held } = await refusedWhileHeld(name, async (workflow) => await heldCallOfAnotherProcess(workflow.workflowId));
	await held.release();
	const late = await lateClaimOfAnotherRequest(workflow, (call) => call.kind === 'check' && call.values === 4);
	await until(() => removalsOf(record).length === 2);
	return { workflow, refused, record, late };
}

test("seed 991 kind: a late call of this process that read a refused request's record writes it back while the request is claimed again: never reported as submitted with no task, never sent twice", async () => {
	storeCallLimits.deadlineMs = 500;
	const { workflow, refused, record, held } = await refusedWhileHeld('own-late-call', async (workflow) => await lateClaimOfAnotherRequest(workflow, (call) => call.kind === 'check'));
	// a new claim of the refused request writes; then the late call writes the row it read
	const again = await claimAgain(workflow, refused, record);
	held.release();
	const [result] = outcomes(await again.run);
	await held.other;
	// sent once, or failed as undecidable ("cannot tell whether another run sent it")
	const tasks = tasksFor(refused);
	expect({ alreadySubmittedWithoutTask: result === true && tasks === 0, sentTwice: tasks > 1 }).toEqual({ alreadySubmittedWithoutTask: false, sentTwice: false });
	if (result !== false) expect(String(result)).toContain('cannot tell whether another run sent it');
}, 30_000);

test("seed 5311 kind: another process's slow call puts a refused request's record back while this process claims it again: the removal made again is skipped for the open claim (it would take another process's new claim's values and leave its nonce, seed 11034), and the claim says already submitted with nothing sent", async () => {
	slowFirstCall();
	const { workflow, refused, record, held } = await refusedWhileHeld('removed-again', async (workflow) => await heldCallOfAnotherProcess(workflow.workflowId));
	// the claim's write lands inside the removal's settle wait, its check well after it
	await wait(400);
	const again = await claimAgain(workflow, refused, record);
	// the slow call writes the row it read before the removal: the record is back, the claim's write gone
	await held.release();
	const result = outcomes(await again.run);
	expect({ result, tasks: tasksFor(refused), removals: removalsOf(record).length }).toEqual({ result: [true], tasks: 0, removals: 1 });
}, 30_000);

test("seed 11034 kind: this process claims a refused request again before its removal is made again, and another process claims it too: one send", async () => {
	const otherProcess = anotherProcess(); // loaded now: its claim must come inside this process's settle wait
	slowFirstCall();
	const { workflow, refused, first } = refusedRun('claim-nonce');
	expect(outcomes(await first)).toEqual(['Insufficient credits']);
	const record = refusedRecord();
	await wait(400);
	const again = await claimAgain(workflow, refused, record);
	await Promise.race([until(() => removalsOf(record).length === 2), again.run]);
	// a nonce of the claim left without its values would pass the other process's values for the claim's own write
	const other = outcomes(await workflow.run([refused], { process: otherProcess, continueOnFail: true }));
	const result = outcomes(await again.run);
	await store.quiet(workflow.record, 1_000);
	expect({ sends: [...result, ...other].filter((outcome) => outcome === false).length, tasks: tasksFor(refused) }).toEqual({ sends: 1, tasks: 1 });
}, 30_000);

test("seed 13115 kind: a late call of this process puts back a record whose removal was made again: another removal follows when it ends, a replay sends the refused request", async () => {
	const { workflow, refused, late } = await putBackAfterRemovedAgain('late-after-again');
	late.release();
	await late.other;
	await store.quiet(workflow.record, 1_500);
	const replay = outcomes(await workflow.run([refused], { process: anotherProcess() }));
	expect({ replay, tasks: tasksFor(refused) }).toEqual({ replay: [false], tasks: 1 });
}, 30_000);

test('seed 1189 kind: a removal made again that fails is given up and logged', async () => {
	const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
	const { workflow, first } = refusedRun('again-fails');
	failRemovalsAgain = true;
	expect(outcomes(await first)).toEqual(['Insufficient credits']);
	await store.quiet(workflow.record, 1_000);
	const warnings = warn.mock.calls.map(([message]) => String(message));
	expect({ removals: removalsOf(refusedRecord()).length, warnings }).toEqual({
		removals: 1,
		warnings: expect.arrayContaining([expect.stringContaining('could not be removed again')]) as unknown,
	});
}, 30_000);

test("seed 78362132 kind: a late call of this process puts a refused request's record back, and the request is claimed again after the removal made again at the call's end became due: the removal is made, the claim sends", async () => {
	const { workflow, refused, record, late } = await putBackAfterRemovedAgain('claimed-after-due');
	const checks = ended.check.length;
	late.release();
	// the late call has written the record back and ended: its removal made again is due; the claim opens now
	await until(() => ended.check.length > checks);
	const again = workflow.run([refused], { continueOnFail: true });
	const result = outcomes(await again);
	await late.other;
	await store.quiet(workflow.record, 1_500);
	expect({ result, tasks: tasksFor(refused), removals: removalsOf(record).length }).toEqual({ result: [false], tasks: 1, removals: 3 });
}, 30_000);
