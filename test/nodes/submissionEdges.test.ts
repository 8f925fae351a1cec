/**
 * The submission record at its edges, with other n8n processes sharing the database: midnight (or
 * two clocks a little apart), a sent request's record that another process's slow write erased,
 * a store call that fails or never returns, and MySQL's wording of the insert race. n8n-core's
 * real engine, the mock API over HTTP, one module instance of the node per process
 * (`anotherProcess`), and a store double that rewrites one row per node with no lock, as n8n's
 * database does, where each test puts another process's call exactly where it hurts.
 */
import { useMockApi } from '../support/mock';
import type { RunResult } from '../support/n8n';
import { anotherProcess } from '../support/n8n';
import type { StoreCall } from '../support/processed-data';
import { storeContext, useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';
import { storeCallLimits } from '../../nodes/Aifaceswap/submissions/storeCalls';

const api = useMockApi();
const store = useProcessedData();

const DAY_MS = 86_400_000;
/** Long enough without a store call that the node's later calls (heals, clean-ups) are done. */
const SETTLED_MS = 4_000;
const DEFAULT_DEADLINE_MS = storeCallLimits.deadlineMs;
const realNow = Date.now.bind(Date);

beforeEach(() => {
	store.latencyMs = 5;
});

afterEach(() => {
	storeCallLimits.deadlineMs = DEFAULT_DEADLINE_MS;
	jest.restoreAllMocks();
});

/** Date.now() as a clock that runs from the time it is set to (every process reads it). */
function mockClock() {
	let offset = 0;
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
	return { set: (time: number) => (offset = time - realNow()) };
}

/** Another process's ordinary call on `call`'s row: it reads the row before `call` writes, and writes `ms` after, erasing that write. */
async function overlapWithOrdinaryCall(call: StoreCall, workflowId: string, ms = 5): Promise<void> {
	const other = store.hangNext((next) => next.key === call.key);
	void store.checkProcessedAndRecord(['another process'], 'node', storeContext(workflowId), { mode: 'entries' });
	await other.reached;
	setTimeout(other.release, ms);
}

/** The first call that `match`es runs `what` between its read and its write; `fired` tells whether one did. */
function atFirst(match: (call: StoreCall) => boolean, what: (call: StoreCall) => Promise<void>): { fired: boolean } {
	const state = { fired: false };
	store.betweenReadAndWrite = async (call) => {
		if (state.fired || !match(call)) return;
		state.fired = true;
		await what(call);
	};
	return state;
}

test('midnight: two processes claim the same request from one read, on either side of midnight: sent once, recognised for its window, not longer', async () => {
	const workflow = swapWorkflow(api, 'midnight');
	const request = swapUrl('midnight');
	const midnight = Date.UTC(2026, 0, 11);
	const clock = mockClock();
	clock.set(midnight - 1_000);
	// the row exists already: both claims rewrite it (neither inserts it)
	store.records.set(workflow.record, ['another request']);
	const [p, q] = [anotherProcess(), anotherProcess()];
	let qRun: Promise<RunResult> | undefined;
	// P read the row on day d-1. Q, whose clock is a little ahead, on day d, claims from the same
	// read, and its call (and what Q does right after it) is done before P writes: P's write
	// survives, Q's vanishes. P's clock goes on on day d-1.
	atFirst(
		(call) => call.kind === 'check' && call.key === workflow.record,
		async () => {
			clock.set(midnight + 1);
			const writes = store.writesOf.get(workflow.record);
			qRun = workflow.run([request], { process: q });
			await until(() => store.writesOf.get(workflow.record) !== writes);
			await store.quiet(workflow.record, 10);
			clock.set(midnight - 5_000);
		},
	);
	const pRun = await workflow.run([request], { process: p });
	const raced = [...outcomes(pRun), ...outcomes(await qRun!)];
	// both are done with the claim; P's next write of the row (its record, written again) fails
	// once, as any store call can: the record must not depend on that one write
	await store.quiet(workflow.record, 300);
	const failure = store.failNext((call) => call.kind === 'check' && call.key === workflow.record, new Error('Connection terminated unexpectedly'));
	await store.quiet(workflow.record, SETTLED_MS);
	const sendsOfRace = () => sendsPerUrl(api).get(request);
	const replayAt = async (time: number) => {
		clock.set(time);
		return outcomes(await workflow.run([request], { process: anotherProcess() }))[0];
	};

	const replays = { secondsLater: await replayAt(midnight - 500), nextDay: await replayAt(midnight + DAY_MS / 2) };
	const sentOnce = sendsOfRace();
	await store.quiet(workflow.record, SETTLED_MS);
	// day d+1 is the second day after the send's (d-1): the window is over
	const twoDaysLater = await replayAt(midnight + DAY_MS + DAY_MS / 2);
	expect({ raced: raced.sort(), failed: failure.fired, sentOnce, replays, twoDaysLater, sendsAtTheEnd: sendsOfRace() }).toEqual({
		raced: [false, true],
		failed: true,
		sentOnce: 1,
		replays: { secondsLater: true, nextDay: true },
		twoDaysLater: false,
		sendsAtTheEnd: 2,
	});
}, 60_000);

describe("a sent request's record that another process's slow write erased comes back", () => {
	test.each([
		['while an ordinary call of another process overlaps the write that restores it', 'overlap'],
		['when the store call that restores it fails once', 'fail'],
	])('%s', async (_case, how) => {
		const workflow = swapWorkflow(api, 'heal');
		const request = swapUrl('heal');
		// the API answers in 100 ms, as the real one takes at least that
		api.latencyMs = 100;
		store.records.set(workflow.record, ['another request']);
		// another process's call reads the row before our claim, and writes it back after the send
		const slow = store.hangNext((call) => call.key === workflow.record);
		const slowCall = store.checkProcessedAndRecord(['slow write'], 'node', storeContext(workflow.workflowId), { mode: 'entries' });
		await slow.reached;
		const sent = await workflow.run([request], { process: anotherProcess() });
		await store.quiet(workflow.record, 200);

		slow.release();
		await slowCall;
		const erased = [...(store.records.get(workflow.record) ?? [])];
		// the node's next write of the row (the one that restores the record) meets another process
		const onTheRow = (call: StoreCall) => call.kind === 'check' && call.key === workflow.record;
		const competitor =
			how === 'fail'
				? store.failNext(onTheRow, new Error('Connection terminated unexpectedly'))
				: atFirst(onTheRow, async (call) => await overlapWithOrdinaryCall(call, workflow.workflowId));
		await store.quiet(workflow.record, SETTLED_MS);
		const replay = await workflow.run([request], { process: anotherProcess() });
		expect({
			sent: outcomes(sent),
			erased: erased.length,
			competed: competitor.fired,
			replay: outcomes(replay),
			sends: api.apiRequests().length,
		}).toEqual({ sent: [false], erased: 2, competed: true, replay: [true], sends: 1 });
	}, 30_000);
});

describe('a store call that fails while the claims of several executions are in it', () => {
	test.each([
		['the call that writes their claims', 1],
		['the call that checks their claims survived', 2],
	])('%s: no item fails, each request is sent once, a replay sends nothing', async (_case, nth) => {
		const workflow = swapWorkflow(api, 'store-error');
		const requests = Array.from({ length: 10 }, (_, i) => swapUrl(`store-error-${i}`));
		// the first execution's claim holds the store; the other nine claims wait and go in one call
		const onTheRow = (call: StoreCall) => call.kind === 'check' && call.key === workflow.record;
		const first = store.hangNext(onTheRow);
		const runs = [workflow.run(requests.slice(0, 1))];
		await first.reached;
		runs.push(...requests.slice(1).map(async (url) => await workflow.run([url])));
		await new Promise((resolve) => setTimeout(resolve, 500));
		let batchCalls = 0;
		const failure = store.failNext(
			(call) => onTheRow(call) && call.values >= 9 && ++batchCalls === nth,
			new Error('Connection terminated unexpectedly'),
		);
		first.release();
		const results = (await Promise.all(runs)).flatMap(outcomes);
		await store.quiet(workflow.record, SETTLED_MS);
		const replay = await workflow.run(requests, { process: anotherProcess(), concurrency: 10 });
		expect({
			failed: failure.fired,
			results,
			replay: outcomes(replay),
			sends: requests.map((url) => sendsPerUrl(api).get(url) ?? 0),
		}).toEqual({
			failed: true,
			results: requests.map(() => false),
			replay: requests.map(() => true),
			sends: requests.map(() => 1),
		});
	}, 30_000);
});

test('a store call that never returns: the items still finish, each sent once', async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = swapWorkflow(api, 'stuck');
	const requests = [0, 1, 2].map((i) => swapUrl(`stuck-${i}`));
	// held until the test ends (the store double releases it then)
	let stuckCall = false;
	void store.hangNext((call) => call.kind === 'check' && call.key === workflow.record).reached.then(() => (stuckCall = true));
	const result = await workflow.run(requests);
	expect({ stuckCall, results: outcomes(result), sends: requests.map((url) => sendsPerUrl(api).get(url)) }).toEqual({
		stuckCall: true,
		results: [false, false, false],
		sends: [1, 1, 1],
	});
}, 15_000);

test('MySQL\'s "Duplicate entry" when two processes insert the row at once is retried like the other databases\' wording: no item fails', async () => {
	store.insertRaceError = "ER_DUP_ENTRY: Duplicate entry '1-x' for key 'PRIMARY'";
	const workflow = swapWorkflow(api, 'mysql');
	// the first process read "no row"; the second inserts the row before the first writes
	const first = store.hangNext((call) => call.kind === 'check' && call.key === workflow.record);
	const runs = [workflow.run([swapUrl('mysql-a')], { process: anotherProcess() })];
	await first.reached;
	runs.push(workflow.run([swapUrl('mysql-b')], { process: anotherProcess() }));
	await until(() => store.records.has(workflow.record));
	first.release();
	const results = (await Promise.all(runs)).flatMap(outcomes);
	expect({ insertRace: store.insertRaces > 0, results, sends: api.apiRequests().length }).toEqual({
		insertRace: true,
		results: [false, false],
		sends: 2,
	});
});
