/**
 * End to end in a real n8n with settings users turn on next: n8n's SSRF protection
 * (N8N_SSRF_PROTECTION_ENABLED=true, n8n 2.x). The mock API listens on 127.0.0.1, a range n8n
 * blocks by default; the public test names (*.aifaceswap.test, see public-host-names.js) resolve
 * to 127.0.0.1 in n8n too, and n8n resolves names before it checks them, so a name reaches the
 * mock only when it is in N8N_SSRF_ALLOWED_HOSTNAMES, as a user's proxy on a private address would.
 * And n8n's AI Agent calling a workflow whose Aifaceswap node waits for the result (example 8).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { MOCK_OPENAI_KEY, MockOpenAi } from '../mock-openai/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { PUBLIC_HOST_NAMES_PRELOAD, publicLooking } from '../support/public-host';
import type { CredentialRef } from './workflows';
import { node, triggerWorkflow, webhookToAifaceswap } from './workflows';
import type { WorkflowFile } from './n8n-server';
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
const describeOn2 = major >= 2 ? describe : describe.skip;

describeOn2("n8n's SSRF protection on", () => {
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

describeOn2('an AI Agent whose workflow tool waits for the swap (example 8)', () => {
	const openai = new MockOpenAi();
	let n8n: N8nServer;

	beforeAll(async () => {
		await Promise.all([api.start(), openai.start()]);
		n8n = new N8nServer('agent-wait');
		await n8n.start();
	}, 600_000);
	afterAll(async () => {
		await n8n?.stop();
		await Promise.all([api.stop(), openai.stop()]);
	});

	test("the model asks for a swap, the tool's workflow waits for the callback, and the agent's reply carries the result URL", async () => {
		api.reset();
		const aifaceswap = { id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
		const openAi = { id: await n8n.createCredential('OpenAI (mock)', 'openAiApi', { apiKey: MOCK_OPENAI_KEY, url: `${openai.url}/v1` }), name: 'OpenAI (mock)' };
		const example = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', '8-ai-agent-waits-for-swap.json'), 'utf8')) as WorkflowFile;
		for (const each of example.nodes) if (each.credentials?.aifaceswapApi) each.credentials.aifaceswapApi = aifaceswap;
		const tool = await n8n.importWorkflow(example, { activate: true });

		const fromAi = (key: string) => `={{ $fromAI('${key}', 'URL of the ${key === 'face_image_url' ? 'face' : 'photo'}', 'string') }}`;
		const column = (id: string) => ({ id, displayName: id, required: false, defaultMatch: false, display: true, canBeUsedToMatch: true, type: 'string' });
		const webhookPath = `agent-wait-${randomUUID()}`;
		const agent = await n8n.importWorkflow(
			{
				name: 'e2e agent waits for the swap',
				nodes: [
					node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} }, { webhookId: randomUUID() }),
					node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3, { promptType: 'define', text: '={{ $json.body.prompt }}', options: {} }),
					node('OpenAI Chat Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, { model: { __rl: true, mode: 'id', value: 'mock-model' }, options: {} }, { credentials: { openAiApi: openAi } }),
					node('Swap Face and Wait', '@n8n/n8n-nodes-langchain.toolWorkflow', 2.2, {
						description: 'Swaps the face into the photo and waits for the result; returns resultUrl',
						workflowId: { __rl: true, mode: 'id', value: tool.id },
						workflowInputs: {
							mappingMode: 'defineBelow',
							value: { target_image_url: fromAi('target_image_url'), face_image_url: fromAi('face_image_url') },
							matchingColumns: [],
							schema: [column('target_image_url'), column('face_image_url')],
							attemptToConvertTypes: false,
							convertFieldsToString: false,
						},
					}),
				],
				connections: {
					Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
					'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
					'Swap Face and Wait': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
				},
			},
			{ activate: true },
		);
		openai.argumentsFor = () => ({ target_image_url: `${SOURCE_URL}?agent-wait`, face_image_url: FACE_URL });
		api.autoCallback = true;
		api.callbackDelayMs = 3000;
		await fetch(`${n8n.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt: 'Swap my face in' }) });

		// the agent's execution pauses with the tool's, and both finish once aifaceswap calls back
		const done = await n8n.waitForExecution(agent.id, { statuses: ['success', 'error', 'crashed'] });
		expect(done.status).toBe('success');
		const { taskId } = api.tasks[0];
		const resultUrl = api.resultUrl(taskId);
		expect(api.apiRequests()).toHaveLength(1);
		expect(api.apiRequests()[0].body).toMatchObject({ source_image: `${SOURCE_URL}?agent-wait`, face_image: FACE_URL, webhook: expect.stringMatching(/\/webhook-waiting\//) });
		expect(api.callbacks[0]).toMatchObject({ status: 200 });
		expect((await n8n.waitForExecution(tool.id)).status).toBe('success');
		// the model got the result in the same conversation, and the agent's reply carries it
		expect(JSON.parse(openai.toolResults()[0])).toEqual([expect.objectContaining({ taskId, success: true, resultUrl, timedOut: false })]);
		expect(String(nodeOutput(done, 'AI Agent')[0].json.output)).toContain(resultUrl);
	});
});
