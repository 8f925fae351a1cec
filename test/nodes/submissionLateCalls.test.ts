/**
 * Store calls that pass their deadline: the claims in such a call go again at once (the stuck call
 * does not hold the node's next call back), and when the stuck call ends after all and writes the
 * row it read long ago, the records sent meanwhile are written again. n8n-core's real engine, the
 * mock API over HTTP, the store double of `test/support/processed-data.ts`.
 */
import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import { useProcessedData } from '../support/processed-data';
import { outcomes, swapUrl, swapWorkflow } from '../support/submission-runs';
import { storeCallLimits } from '../../nodes/Aifaceswap/submissions/storeCalls';
import { claimLimits } from '../../nodes/Aifaceswap/submissions/recordRetries';

const api = useMockApi();
const store = useProcessedData();

const DEFAULTS = { deadlineMs: storeCallLimits.deadlineMs, contendedMs: claimLimits.contendedMs };
const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
	store.latencyMs = 5;
});

afterEach(() => {
	storeCallLimits.deadlineMs = DEFAULTS.deadlineMs;
	claimLimits.contendedMs = DEFAULTS.contendedMs;
});

test('a claim whose store call passed its deadline is made again and sent, not failed as contended', async () => {
	// a deadline longer than the contention limit: the time a stuck call took is no contention
	storeCallLimits.deadlineMs = 1_500;
	claimLimits.contendedMs = 1_000;
	const workflow = swapWorkflow(api, 'late-claim');
	store.records.set(workflow.record, ['another request']);
	void store.hangNext((call) => call.kind === 'check' && call.key === workflow.record);
	const result = outcomes(await workflow.run([swapUrl('late-claim')]));
	expect({ result, sends: api.apiRequests().length }).toEqual({ result: [false], sends: 1 });
}, 30_000);

test('a clean-up call that passed its deadline and writes late: the record it erased is written again, a replay sends nothing', async () => {
	storeCallLimits.deadlineMs = 500;
	const workflow = swapWorkflow(api, 'late-removal');
	store.records.set(workflow.record, ['another request']);
	const removal = store.hangNext((call) => call.kind === 'remove' && call.key === workflow.record);
	expect(outcomes(await workflow.run([swapUrl('late-removal-a')]))).toEqual([false]);
	await removal.reached;
	await wait(700);
	// sent while the removal that read the row before it is still under way
	expect(outcomes(await workflow.run([swapUrl('late-removal-b')]))).toEqual([false]);
	await store.quiet(workflow.record, 1_500);
	removal.release();
	await store.quiet(workflow.record, 4_000);
	const replay = outcomes(await workflow.run([swapUrl('late-removal-b')], { process: anotherProcess() }));
	expect({ replay, sends: api.apiRequests().length }).toEqual({ replay: [true], sends: 2 });
}, 60_000);
