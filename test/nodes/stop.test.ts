/**
 * Stop in the editor (or a workflow timeout) during a batch: n8n aborts the execution's cancel
 * signal, and its request helper then cancels every request of the node before it leaves. The node
 * takes no further item and sends no request that has not left; the claims of the items it had
 * taken are removed, so a re-run sends exactly what never reached the API. n8n-core's real engine,
 * the mock API over HTTP, the store double.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { useMockApi } from '../support/mock';
import { anotherProcess } from '../support/n8n';
import { useProcessedData } from '../support/processed-data';
import { outcomes, sendsPerUrl, swapUrl, swapWorkflow, until } from '../support/submission-runs';

const api = useMockApi();
const store = useProcessedData();

const stopAfterTwo = (stop: () => void) => void until(() => api.apiRequests().length >= 2).then(stop);

afterEach(() => {
	store.failRemovalsWith = undefined;
	jest.restoreAllMocks();
});

test.each([
	['with Continue On Fail', true],
	['without it', false],
])('a batch stopped after its first requests (%s): a re-run sends each item whose request never reached the API, none twice', async (_case, continueOnFail) => {
	api.latencyMs = 300;
	const workflow = swapWorkflow(api, `stop-${String(continueOnFail)}`);
	const urls = Array.from({ length: 12 }, (_, i) => swapUrl(`stop-${String(continueOnFail)}-${i}`));
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

test("a stopped batch whose claims cannot be removed: n8n's log names the items a re-run reports as already submitted", async () => {
	const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
	api.latencyMs = 300;
	const workflow = swapWorkflow(api, 'stop-kept');
	const urls = Array.from({ length: 6 }, (_, i) => swapUrl(`stop-kept-${i}`));
	store.failRemovalsWith = new Error('database is locked');
	await workflow.run(urls, { concurrency: 2, continueOnFail: true, onStart: stopAfterTwo });
	await until(() => warn.mock.calls.some(([message]) => String(message).includes('the execution was stopped')));
	const logged = warn.mock.calls.map(([message]) => String(message)).find((message) => message.includes('the execution was stopped')) ?? '';
	// the two items whose requests left stay recorded as sent; the others taken before the stop are named
	expect(logged).toMatch(/a re-run reports them as already submitted: item \d/);
	expect(logged).not.toMatch(/item [01]\b/);
}, 60_000);
