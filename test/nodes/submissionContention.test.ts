/**
 * The submission record under sustained contention: three n8n processes sharing the database (one
 * module instance of the node each, `anotherProcess`) claim 50 requests a second each, some of them
 * the same request on all three at the same moment, against a store double that rewrites one row
 * per node with no lock, as n8n's database does. n8n-core's real engine, the mock API over HTTP.
 */
import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import { useProcessedData } from '../support/processed-data';
import { atPace, itemErrors, outcomes, sendsPerUrl, swapUrl, swapWorkflow } from '../support/submission-runs';

const api = useMockApi();
const store = useProcessedData();

const PROCESSES = 3;
/** 50 claims a second per process, for 4 seconds. */
const CLAIMS_PER_PROCESS = 200;
const EVERY_MS = 20;
/** Long enough without a store call that the node's later calls (heals, clean-ups) are done. */
const SETTLED_MS = 4_000;

test.each([1, 5, 20])(
	'three processes, 50 claims a second each, store read-to-write %i ms: no item fails, none is sent twice, a replay from another process sends nothing',
	async (latencyMs) => {
		store.latencyMs = latencyMs;
		api.latencyMs = 50;
		const workflow = swapWorkflow(api, `contention-${latencyMs}`);
		// every fifth claim is the same request on all three processes at the same moment
		const requestOf = (process: number, claim: number) =>
			swapUrl(claim % 5 === 0 ? `shared-${claim}` : `process-${process}-${claim}`);
		const processes = Array.from({ length: PROCESSES }, () => anotherProcess());
		const runs = await Promise.all(
			processes.map(
				async (node, process) =>
					await atPace(CLAIMS_PER_PROCESS, EVERY_MS, async (claim) =>
						await workflow.run([requestOf(process, claim)], { process: node, continueOnFail: true }),
					),
			),
		);
		const failures = runs.flat().flatMap(itemErrors);
		const requests = [...new Set(processes.flatMap((_, process) => Array.from({ length: CLAIMS_PER_PROCESS }, (_, claim) => requestOf(process, claim))))];
		const sends = sendsPerUrl(api);
		const first = {
			failed: failures.length,
			someFailures: [...new Set(failures)].slice(0, 3),
			sentTwice: requests.filter((url) => (sends.get(url) ?? 0) > 1).length,
			notSent: requests.filter((url) => !sends.has(url)).length,
		};

		await store.quiet(workflow.record, SETTLED_MS);
		const sendsBefore = api.apiRequests().length;
		const replay = await workflow.run(requests, { process: anotherProcess(), concurrency: 20, continueOnFail: true });
		const replayed = outcomes(replay);
		expect({
			...first,
			replay: {
				sent: api.apiRequests().length - sendsBefore,
				failed: replayed.filter((outcome) => typeof outcome === 'string').length,
				notSubmitted: replayed.filter((outcome) => outcome === false).length,
			},
		}).toEqual({
			failed: 0,
			someFailures: [],
			sentTwice: 0,
			notSent: 0,
			replay: { sent: 0, failed: 0, notSubmitted: 0 },
		});
	},
	60_000,
);
