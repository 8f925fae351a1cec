/**
 * End to end in a real n8n with settings users turn on next: n8n's SSRF protection
 * (N8N_SSRF_PROTECTION_ENABLED=true, n8n 2.x). The mock API listens on 127.0.0.1, a range n8n
 * blocks by default; the public test names (*.aifaceswap.test, see public-host-names.js) resolve
 * to 127.0.0.1 in n8n too, and n8n resolves names before it checks them, so a name reaches the
 * mock only when it is in N8N_SSRF_ALLOWED_HOSTNAMES, as a user's proxy on a private address would.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { PUBLIC_HOST_NAMES_PRELOAD, publicLooking } from '../support/public-host';
import type { CredentialRef } from './workflows';
import { triggerWorkflow, webhookToAifaceswap } from './workflows';
import { N8N_VERSION, N8nServer, nodeOutput } from './n8n-server';

/** The mock API, its result files served under the API's public name (as aifaceswap serves them under its own). */
class PublicResultsApi extends MockAifaceswapApi {
	resultHost = 'api';
	resultUrl(taskId: string): string {
		return `${publicLooking(this.url, this.resultHost)}/results/${taskId}.png`;
	}
}

const api = new PublicResultsApi();
const major = Number(N8N_VERSION.split('.')[0]);
const describeSsrf = major >= 2 ? describe : describe.skip;

describeSsrf("n8n's SSRF protection on", () => {
	let n8n: N8nServer;
	let loopback: CredentialRef;
	let allowedName: CredentialRef;
	let webhookUrl = '';

	beforeAll(async () => {
		await api.start();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { freePort } = require('../../scripts/n8n-instance') as { freePort: () => Promise<number> };
		const port = await freePort();
		webhookUrl = `http://n8n.aifaceswap.test:${port}/`;
		n8n = new N8nServer('ssrf', {
			port,
			env: {
				N8N_SSRF_PROTECTION_ENABLED: 'true',
				N8N_SSRF_ALLOWED_HOSTNAMES: 'api.aifaceswap.test',
				WEBHOOK_URL: webhookUrl,
				NODE_OPTIONS: `--require ${PUBLIC_HOST_NAMES_PRELOAD}`,
			},
		});
		await n8n.start();
		loopback = { id: await n8n.createCredential('Aifaceswap (loopback)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (loopback)' };
		allowedName = { id: await n8n.createCredential('Aifaceswap (allowed name)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: publicLooking(api.url) }), name: 'Aifaceswap (allowed name)' };
	}, 600_000);
	beforeEach(() => {
		api.reset();
		api.resultHost = 'api';
	});
	afterAll(async () => {
		await n8n?.stop();
		await api.stop();
	});

	async function run(parameters: IDataObject, credential: CredentialRef, statuses = ['success', 'error', 'crashed']) {
		const webhookPath = `e2e-ssrf-${randomUUID()}`;
		const { id } = await n8n.importWorkflow(
			webhookToAifaceswap({ name: `e2e ssrf ${randomUUID()}`, path: webhookPath, parameters, credential, respond: 'onReceived' }),
			{ activate: true },
		);
		await fetch(`${n8n.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		return { id, execution: await n8n.waitForExecution(id, { statuses }) };
	}

	test('a Base URL on a blocked address: the execution fails naming the variable to set, and nothing reaches the API', async () => {
		const { execution } = await run({ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL }, loopback);
		expect(execution.status).toBe('error');
		const error = (execution.data as { resultData?: { error?: { message?: string; description?: string } } }).resultData?.error;
		expect(error?.message).toBe(
			"Could not reach the aifaceswap API: n8n's SSRF protection blocked the request to 127.0.0.1: n8n refuses the address it resolves to. To allow it, the n8n administrator adds the host name to N8N_SSRF_ALLOWED_HOSTNAMES or its address to N8N_SSRF_ALLOWED_IP_RANGES. Nothing was sent",
		);
		expect(api.requests).toHaveLength(0);
	});

	test('a Base URL whose name is in N8N_SSRF_ALLOWED_HOSTNAMES: Wait for Result sends the swap, the callback resumes it, the result is downloaded', async () => {
		api.autoCallback = true;
		api.callbackDelayMs = 1500;
		const { id, execution: waiting } = await run(
			{ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'wait', options: { downloadResult: true } },
			allowedName,
			['waiting', 'error'],
		);
		expect(waiting.status).toBe('waiting');
		expect(api.apiRequests()[0].body.webhook).toMatch(new RegExp(`^${webhookUrl}webhook-waiting/${waiting.id}`));
		const done = await n8n.waitForExecution(id, { statuses: ['success', 'error'] });
		expect(done.status).toBe('success');
		const [item] = nodeOutput(done, 'Aifaceswap');
		expect(item.json).toMatchObject({ taskId: api.tasks[0].taskId, success: true, resultUrl: api.resultUrl(api.tasks[0].taskId), timedOut: false });
		expect(item.json.downloadError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png' });
		expect(api.tasks).toHaveLength(1);
	});

	test("the trigger's Download Result: from an allowed name it downloads; from a name that resolves to a blocked address it names n8n's setting", async () => {
		const webhookId = randomUUID();
		const { id } = await n8n.importWorkflow(
			triggerWorkflow({ name: 'e2e ssrf trigger', webhookId, parameters: { options: { downloadResult: true, allowedDownloadHosts: 'cdn.aifaceswap.test' } }, credential: allowedName }),
			{ activate: true },
		);
		const triggerUrl = `${n8n.url}/webhook/${webhookId}/task_callback`;
		await api.sendCallback(triggerUrl, { success: 1, type: 1, task_id: 'ssrf-allowed', result_image: api.resultUrl('ssrf-allowed') });
		const allowed = await n8n.waitForExecution(id);
		expect(nodeOutput(allowed, 'Aifaceswap Trigger')[0].binary?.data).toMatchObject({ mimeType: 'image/png' });

		// allowed by the node (Allowed Download Hosts), refused by n8n: the name resolves to 127.0.0.1
		api.resultHost = 'cdn';
		const blockedUrl = api.resultUrl('ssrf-blocked');
		await api.sendCallback(triggerUrl, { success: 1, type: 1, task_id: 'ssrf-blocked', result_image: blockedUrl });
		const blocked = await n8n.waitForExecution(id, { count: 2 });
		const [item] = nodeOutput(blocked, 'Aifaceswap Trigger');
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ taskId: 'ssrf-blocked', resultUrl: blockedUrl });
		expect(item.json.downloadError).toBe(
			"Result not downloaded: n8n's SSRF protection blocked the request to cdn.aifaceswap.test (127.0.0.1): n8n refuses the address it resolves to. To allow it, the n8n administrator adds the host name to N8N_SSRF_ALLOWED_HOSTNAMES or its address to N8N_SSRF_ALLOWED_IP_RANGES.",
		);
	});
});
