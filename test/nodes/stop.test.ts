/**
 * Stop in the editor (or a workflow timeout) during a batch: n8n aborts the execution's cancel
 * signal, and its request helper then cancels every request of the node before it leaves. The node
 * takes no further item and sends no request that has not left; the claims of the items it had
 * taken are removed, so a re-run sends exactly what never reached the API. n8n-core's real engine,
 * the mock API over HTTP, the store double.
 */
import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import { useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';

const api = useMockApi();
const store = useProcessedData();

test.each([
	['with Continue On Fail', true],
	['without it', false],
])('a batch stopped after its first requests (%s): a re-run sends each item whose request never reached the API, none twice', async (_case, continueOnFail) => {
	api.latencyMs = 300;
	const workflow = swapWorkflow(api, `stop-${String(continueOnFail)}`);
	const urls = Array.from({ length: 12 }, (_, i) => swapUrl(`stop-${String(continueOnFail)}-${i}`));
	const stopAfterTwo = (stop: () => void) => void until(() => api.apiRequests().length >= 2).then(stop);
	const stopped = await workflow.run(urls, { concurrency: 2, continueOnFail, onStart: stopAfterTwo });
	await store.quiet(workflow.record, 4_000);
	const reached = api.apiRequests().length;
	api.latencyMs = 0;
	const replay = outcomes(await workflow.run(urls, { process: anotherProcess(), continueOnFail: true }));
	const sends = sendsPerUrl(api);
	expect({ status: stopped.status, reachedFew: reached <= 4, alreadySubmitted: replay.filter((outcome) => outcome === true).length, sentOnceEach: urls.every((url) => sends.get(url) === 1) }).toEqual({
		status: 'canceled',
		reachedFew: true,
		alreadySubmitted: reached,
		sentOnceEach: true,
	});
}, 60_000);
