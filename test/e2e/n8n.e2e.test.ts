/**
 * End to end in a real n8n: the package installed as a community package, a credential pointing
 * at the mock aifaceswap API, workflows driven over HTTP, assertions on what n8n outputs and on
 * what the mock received.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { FACE_BOXES, FRAME_BOXES, MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { CALLBACK_URL as CALLBACK, FACE_JPEG, FACE_URL, FACE_URL_2, PHOTO_PNG, sha256, SOURCE_URL, VIDEO_URL } from '../support/fixtures';
import type { CredentialRef } from './workflows';
import { accountItems, faultItemUrl, injectFaults, plannedAccount, resentOnlyWhenRefused } from '../support/fault-plan';
import { AIFACESWAP, BATCH_NODE, batchWorkflow, HASH_NODE, triggerWorkflow, webhookToAifaceswap } from './workflows';
import type { WorkflowFile } from './n8n-server';
import { N8nServer, nodeOutput } from './n8n-server';
import { mp4 } from '../support/mp4';
import { charged, creditsFor, CREDENTIAL_CHECK_PATH, declarationOf, endpointOf } from '../support/operations';
import { PUBLIC_HOST_NAMES_PRELOAD, publicLooking } from '../support/public-host';
import { generatedSha256 } from '../mock-api/generated-files';
import { Bystander } from '../support/bystander';
import { PeakMemory } from '../support/process-memory';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';

const api = new MockAifaceswapApi();
/** The task an Image > Swap Face creates: its callback type and that type's name. */
const single = declarationOf('image', 'swapFace');
// debug logging: the last test reads every log line for the API key
// public-host-names: the Base URL http://api.aifaceswap.test:<port> (public by the package's rule) reaches the mock
// filesystem binary data mode: n8n 2.x's default outside queue mode, set for n8n 1.x too (its default
// keeps files in memory), as large files need
const n8n = new N8nServer('main', {
	env: { N8N_LOG_LEVEL: 'debug', NODE_OPTIONS: `--require ${PUBLIC_HOST_NAMES_PRELOAD}`, N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
});
let credential: CredentialRef;
let publicCredential: CredentialRef;

beforeAll(async () => {
	await api.start();
	await n8n.start();
	credential = { id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
	publicCredential = { id: await n8n.createCredential('Aifaceswap (public name)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: publicLooking(api.url) }), name: 'Aifaceswap (public name)' };
}, 600_000);
beforeEach(() => api.reset());
afterAll(async () => {
	await n8n.stop();
	await api.stop();
});

async function callWebhook(webhookPath: string, body: unknown, multipart?: Record<string, { data: Buffer; fileName: string; mimeType: string }>) {
	let init: RequestInit;
	if (multipart) {
		const form = new FormData();
		for (const [field, value] of Object.entries(body as IDataObject)) form.append(field, String(value));
		for (const [field, file] of Object.entries(multipart)) form.append(field, new Blob([file.data], { type: file.mimeType }), file.fileName);
		init = { method: 'POST', body: form };
	} else {
		init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
	}
	const response = await fetch(`${n8n.url}/webhook/${webhookPath}`, init);
	const text = await response.text();
	let json: unknown = text;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, json };
}

/** Imports and activates Webhook -> Aifaceswap with the given parameters; returns its path and id. */
async function deploy(parameters: IDataObject, options: { continueOnFail?: boolean; respond?: 'lastNode' | 'onReceived'; credential?: CredentialRef } = {}) {
	const webhookPath = `e2e-${randomUUID()}`;
	const { id } = await n8n.importWorkflow(
		webhookToAifaceswap({ name: `e2e ${String(parameters.resource)} ${String(parameters.operation)}`, path: webhookPath, parameters, credential: options.credential ?? credential, continueOnFail: options.continueOnFail, respond: options.respond }),
		{ activate: true },
	);
	return { webhookPath, id };
}

describe('the package in n8n', () => {
	test('both nodes and the credential are loaded under the package type names', () => {
		const types = fs.readFileSync(path.join(n8n.userFolder, '.cache', 'n8n', 'public', 'types', 'nodes.json'), 'utf8');
		expect(types).toContain('"name":"n8n-nodes-aifaceswap.aifaceswap"');
		expect(types).toContain('"name":"n8n-nodes-aifaceswap.aifaceswapTrigger"');
		const credentials = fs.readFileSync(path.join(n8n.userFolder, '.cache', 'n8n', 'public', 'types', 'credentials.json'), 'utf8');
		expect(credentials).toContain('"name":"aifaceswapApi"');
	});

	test("n8n's credential test passes a good key and fails a bad one, creating no task", async () => {
		expect(await n8n.testCredential('aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url })).toMatchObject({ status: 'OK' });
		const bad = await n8n.testCredential('aifaceswapApi', { apiKey: 'wrong-key', baseUrl: api.url });
		expect(bad.status).toBe('Error');
		expect(bad.message).toBe('The aifaceswap API rejected this API key (HTTP 401 Unauthorized, code 401: Invalid API key). Copy the key again from the API Management page of aifaceswap.io.');
		// n8n runs the nodes' check once for each key, also after a 401
		expect(api.apiRequests(endpointOf('image', 'extractFaces')).map((r) => r.status)).toEqual([400, 401]);
		expect(api.tasks).toHaveLength(0);
	});

	test("n8n's credential test fails a Base URL where the aifaceswap API does not answer, and says what is wrong", async () => {
		// the Base URL with /api at the end: HTTP 404 (a public-looking host name, resolved to the mock)
		const wrongPath = `${publicLooking(api.url)}/api`;
		expect(await n8n.testCredential('aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: wrongPath })).toEqual({
			status: 'Error',
			message: `No aifaceswap API at ${wrongPath}/api/aifaceswap/v1/ (HTTP 404 Not Found, code 404: Not Found): check the Base URL. Set the Base URL to https://aifaceswap.io, or to a proxy that forwards to the aifaceswap API. It ends before /api/.`,
		});
		// a gateway's HTML error page, and another site's page with HTTP 200
		api.fail({ status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' });
		expect((await n8n.testCredential('aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url })).message).toBe(
			`The server at ${api.url} answered HTTP 502 Bad Gateway with an HTML page ("502 Bad Gateway"): the API, or a proxy in front of it, is failing, so the key could not be checked. Try again later, and check the Base URL if it persists.`,
		);
		api.fail({ status: 200, body: '<html><head><title>Welcome</title></head></html>' });
		expect(await n8n.testCredential('aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('answered HTTP 200 OK with an HTML page ("Welcome") instead of the aifaceswap API\'s JSON'),
		});
		// nothing listening: a port just freed
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const { port } = closed.address() as AddressInfo;
		await new Promise((resolve) => closed.close(resolve));
		expect(await n8n.testCredential('aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: `http://127.0.0.1:${port}` })).toEqual({
			status: 'Error',
			message: `127.0.0.1:${port} refused the connection (ECONNREFUSED): nothing answers at that host and port. Check the Base URL.`,
		});
		expect(api.requests.map((r) => [r.path, r.status])).toEqual([
			[`/api${CREDENTIAL_CHECK_PATH}`, 404],
			[CREDENTIAL_CHECK_PATH, 502],
			[CREDENTIAL_CHECK_PATH, 200],
		]);
		expect(api.tasks).toHaveLength(0);
	});
});

describe('every operation in submit mode', () => {
	test('image swapFace from URLs', async () => {
		const { webhookPath } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.body.source }}', faceImageUrl: FACE_URL, webhookUrl: 'https://example.com/callback' });
		const answer = await callWebhook(webhookPath, { source: SOURCE_URL });
		expect(answer).toEqual({ status: 200, json: [{ taskId: api.tasks[0].taskId, reference: '', ...charged('image', 'swapFace'), alreadySubmitted: false }] });
		expect(api.apiRequests()[0].body).toEqual({ source_image: SOURCE_URL, face_image: FACE_URL, webhook: 'https://example.com/callback' });
	});

	test('image swapFace from binary files uploaded to the webhook', async () => {
		const { webhookPath } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageInput: 'binary', faceImageInput: 'binary' });
		const answer = await callWebhook(webhookPath, {}, {
			data: { data: PHOTO_PNG, fileName: 'photo.png', mimeType: 'image/png' },
			face: { data: FACE_JPEG, fileName: 'face.jpg', mimeType: 'image/jpeg' },
		});
		expect(answer.status).toBe(200);
		expect(api.apiRequests()[0].files).toEqual({
			source_image: { fileName: 'photo.png', mimeType: 'image/png', size: PHOTO_PNG.length, sha256: sha256(PHOTO_PNG) },
			face_image: { fileName: 'face.jpg', mimeType: 'image/jpeg', size: FACE_JPEG.length, sha256: sha256(FACE_JPEG) },
		});
	});

	const faces = (boxes: number[][]) => boxes.map(([x1, y1, x2, y2], index) => ({ index, x1, y1, x2, y2 }));

	test('image extractFaces from a URL and from binary', async () => {
		const fromUrl = await deploy({ resource: 'image', operation: 'extractFaces', imageUrl: SOURCE_URL });
		expect((await callWebhook(fromUrl.webhookPath, {})).json).toEqual([{ faces: faces(FACE_BOXES), faceCount: 3, credits: creditsFor('image', 'extractFaces') }]);
		const fromBinary = await deploy({ resource: 'image', operation: 'extractFaces', imageInput: 'binary' });
		await callWebhook(fromBinary.webhookPath, {}, { data: { data: PHOTO_PNG, fileName: 'group.png', mimeType: 'image/png' } });
		expect(api.apiRequests()[1].files.img).toMatchObject({ fileName: 'group.png', size: PHOTO_PNG.length });
	});

	test('image swapMultipleFaces', async () => {
		const { webhookPath } = await deploy({ resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: 2, faceImageUrl: FACE_URL }, { index: 0, faceImageUrl: FACE_URL_2 }] } });
		expect((await callWebhook(webhookPath, {})).json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('image', 'swapMultipleFaces'), alreadySubmitted: false }]);
		expect(api.apiRequests()[0].body).toEqual({ source_image: SOURCE_URL, face_image: [FACE_URL, FACE_URL_2], index: [2, 0] });
	});

	test('video swapFace', async () => {
		const { webhookPath } = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl: VIDEO_URL, faceImageUrl: FACE_URL, durationSource: 'manual', duration: 4, enhance: 1 });
		expect((await callWebhook(webhookPath, {})).json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('video', 'swapFace', { durationSeconds: 4, enhance: 1 }), duration: 4, alreadySubmitted: false }]);
		expect(api.apiRequests()[0].body).toEqual({ source_video: VIDEO_URL, face_image: FACE_URL, duration: 4, enhance: 1 });
	});

	test('video extractFaces from base64 text and from binary', async () => {
		const base64 = PHOTO_PNG.toString('base64');
		const fromText = await deploy({ resource: 'video', operation: 'extractFaces', frameInput: 'base64', frameBase64: '={{ $json.body.frame }}' });
		expect((await callWebhook(fromText.webhookPath, { frame: base64 })).json).toEqual([{ faces: faces(FRAME_BOXES), faceCount: 2, credits: creditsFor('video', 'extractFaces') }]);
		const fromBinary = await deploy({ resource: 'video', operation: 'extractFaces' });
		await callWebhook(fromBinary.webhookPath, {}, { data: { data: PHOTO_PNG, fileName: 'frame.png', mimeType: 'image/png' } });
		expect(api.apiRequests().map((r) => r.body.base64_img)).toEqual([base64, base64]);
	});

	test('video swapMultipleFaces', async () => {
		const base64 = PHOTO_PNG.toString('base64');
		const { webhookPath } = await deploy({
			resource: 'video',
			operation: 'swapMultipleFaces',
			sourceVideoUrl: VIDEO_URL,
			references: { reference: [{ faceRefInput: 'base64', faceRefBase64: base64, faceImageUrl: FACE_URL }, { faceRefInput: 'binary', faceRefBinaryProperty: 'ref', faceImageUrl: FACE_URL_2 }] },
			durationSource: 'manual',
			duration: 2,
			enhance: 2,
		});
		const answer = await callWebhook(webhookPath, {}, { ref: { data: FACE_JPEG, fileName: 'ref.jpg', mimeType: 'image/jpeg' } });
		expect(answer.json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('video', 'swapMultipleFaces', { durationSeconds: 2, enhance: 2, faceCount: 2 }), duration: 2, alreadySubmitted: false }]);
		expect(api.apiRequests()[0].body.ref_info).toEqual([
			{ face_ref: base64, face_url: FACE_URL },
			{ face_ref: FACE_JPEG.toString('base64'), face_url: FACE_URL_2 },
		]);
	});
});

describe('video length read from the video (Duration Source: Read From the Video)', () => {
	test('video swapFace: the length of a file with moov at the end, read with two range requests', async () => {
		const file = mp4({ moovFirst: false, version: 1, timescale: 90_000, duration: 90_000 * 61.5, mdatBytes: 20 * 1024 * 1024 });
		api.files.serve('tail.mp4', { bytes: file });
		const sourceVideoUrl = `${api.url}/files/tail.mp4`;
		const { webhookPath } = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl, faceImageUrl: FACE_URL, enhance: 0 });
		expect((await callWebhook(webhookPath, {})).json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('video', 'swapFace', { durationSeconds: 61.5 }), duration: 61.5, alreadySubmitted: false }]);
		expect(api.apiRequests()[0].body).toEqual({ source_video: sourceVideoUrl, face_image: FACE_URL, duration: 61.5, enhance: 0 });
		expect(api.files.bytesSent('tail.mp4')).toBe(65_536 + file.length - (32 + 8 + 20 * 1024 * 1024));
	});

	test('video swapMultipleFaces: the length of a faststart file, read with one range request', async () => {
		api.files.serve('fast.mp4', { bytes: mp4({ timescale: 1000, duration: 7_500, mdatBytes: 2 * 1024 * 1024 }) });
		const sourceVideoUrl = `${api.url}/files/fast.mp4`;
		const references = { reference: [{ faceRefInput: 'base64', faceRefBase64: PHOTO_PNG.toString('base64'), faceImageUrl: FACE_URL }] };
		const { webhookPath } = await deploy({ resource: 'video', operation: 'swapMultipleFaces', sourceVideoUrl, references, enhance: 0 });
		// 1 face, enhance 0, 7.5 s
		expect((await callWebhook(webhookPath, {})).json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('video', 'swapMultipleFaces', { durationSeconds: 7.5, faceCount: 1 }), duration: 7.5, alreadySubmitted: false }]);
		expect(api.files.bytesSent('fast.mp4')).toBe(65_536);
	});

	test('a URL that serves a web page instead of a video: a clear error, nothing sent to aifaceswap', async () => {
		api.files.serve('login.mp4', { bytes: Buffer.from('<html><body>Please sign in</body></html>'), contentType: 'text/html' });
		const { webhookPath } = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl: `${api.url}/files/login.mp4`, faceImageUrl: FACE_URL }, { continueOnFail: true });
		const [item] = (await callWebhook(webhookPath, {})).json as Array<{ error: string }>;
		expect(item.error).toBe(
			'Could not read the length of the video at Source Video URL (sourceVideoUrl): it is a web page (text/html), not a video file. Nothing was sent to aifaceswap.',
		);
		expect(api.apiRequests()).toHaveLength(0);
	});
});

describe('errors a user meets', () => {
	test('a bad key: the execution fails with a plain message and the key is not in it', async () => {
		const badCredential = { id: await n8n.createCredential('Wrong key', 'aifaceswapApi', { apiKey: 'wrong-key-e2e', baseUrl: api.url }), name: 'Wrong key' };
		const { webhookPath, id } = await deploy({ resource: 'image', operation: 'extractFaces', imageUrl: SOURCE_URL }, { credential: badCredential });
		expect((await callWebhook(webhookPath, {})).status).toBe(500);
		const execution = await n8n.waitForExecution(id);
		expect(execution.status).toBe('error');
		const error = execution.data.resultData.error as unknown as IDataObject;
		expect(error.message).toBe('The aifaceswap API rejected the API key: Invalid API key');
		expect(JSON.stringify(execution.data)).not.toContain('wrong-key-e2e');
	});

	test('an API error keeps its message; a validation error sends nothing', async () => {
		api.fail({ status: 200, body: { code: 1002, message: 'Insufficient credits' } });
		const swap = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL });
		await callWebhook(swap.webhookPath, {});
		expect(((await n8n.waitForExecution(swap.id)).data.resultData.error as unknown as IDataObject).message).toBe('Insufficient credits');
		const invalid = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl: '={{ $json.body.video }}', faceImageUrl: FACE_URL, durationSource: 'manual', duration: 5 });
		api.reset();
		await callWebhook(invalid.webhookPath, { video: 'ftp://example.com/v.mp4' });
		expect(((await n8n.waitForExecution(invalid.id)).data.resultData.error as unknown as IDataObject).message).toMatch(/^Source Video URL \(sourceVideoUrl\) must start with http/);
		expect(api.requests).toHaveLength(0);
	});

	test('Continue On Fail: the failed item becomes an error item, the others still run', async () => {
		const { webhookPath } = await deploy(
			{ resource: 'image', operation: 'extractFaces', imageUrl: '={{ $json.url }}' },
			{ continueOnFail: true },
		);
		// Split the body's list into items with the node's expression: one good URL, one bad.
		void webhookPath;
		const split = await n8n.importWorkflow(
			{
				name: 'e2e continue on fail',
				nodes: [
					{ id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: 'e2e-split', responseMode: 'lastNode', responseData: 'allEntries', options: {} } },
					{ id: randomUUID(), name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.items', options: {} } },
					{ id: randomUUID(), name: 'Aifaceswap', type: 'n8n-nodes-aifaceswap.aifaceswap', typeVersion: 1, position: [400, 0], parameters: { resource: 'image', operation: 'extractFaces', imageUrl: '={{ $json.url }}' }, credentials: { aifaceswapApi: credential }, onError: 'continueRegularOutput' },
				],
				connections: { Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] }, 'Split Out': { main: [[{ node: 'Aifaceswap', type: 'main', index: 0 }]] } },
			},
			{ activate: true },
		);
		const answer = await callWebhook('e2e-split', { items: [{ url: SOURCE_URL }, { url: 'not a url' }, { url: FACE_URL }] });
		expect(answer.status).toBe(200);
		const items = answer.json as IDataObject[];
		expect(items).toHaveLength(3);
		expect(items[0].faceCount).toBe(3);
		expect(items[1].error).toBe('Image URL (imageUrl) is not a valid URL: "not a url".');
		expect(items[2].faceCount).toBe(3);
		const execution = await n8n.waitForExecution(split.id);
		expect(nodeOutput(execution, 'Aifaceswap').map((item) => (item as IDataObject).pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});

describe('batches: Estimate Only and Max Credits per Run', () => {
	test('Estimate Only prices the item as Submit Only does and sends nothing', async () => {
		const { webhookPath } = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl: VIDEO_URL, faceImageUrl: FACE_URL, durationSource: 'manual', duration: 4, enhance: 1, resultMode: 'estimate' });
		expect((await callWebhook(webhookPath, {})).json).toEqual([{ estimatedCredits: PRICES.video.swapFace.credits({ durationSeconds: 4, enhance: 1 }), duration: 4, overRunCap: false }]);
		expect(api.apiRequests()).toHaveLength(0);
	});

	test("n8n's Loop Over Items: its passes in one execution share Max Credits per Run's total", async () => {
		const batchPath = `e2e-loop-${randomUUID()}`;
		const workflow = batchWorkflow({
			name: 'e2e loop with a cap',
			path: batchPath,
			node: {
				type: AIFACESWAP,
				parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL, options: { maxCreditsPerRun: 3 * PRICES.image.swapFace } },
				credentials: { aifaceswapApi: credential },
				onError: 'continueRegularOutput',
			},
		});
		workflow.nodes.push({ id: randomUUID(), name: 'Loop Over Items', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, position: [360, 200], parameters: { batchSize: 2, options: {} } });
		workflow.connections = {
			...workflow.connections,
			'Split Out': { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
			'Loop Over Items': { main: [[], [{ node: BATCH_NODE, type: 'main', index: 0 }]] },
			[BATCH_NODE]: { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
		};
		const { id } = await n8n.importWorkflow(workflow, { activate: true });
		await callWebhook(batchPath, { items: Array.from({ length: 5 }, (_, i) => ({ url: faultItemUrl(i) })) });
		const execution = await n8n.waitForExecution(id);
		expect(api.apiRequests().map((request) => request.body.source_image)).toEqual([0, 1, 2].map(faultItemUrl));
		const passes = (execution.data.resultData.runData[BATCH_NODE] ?? []).map((run) => (run.data?.main?.[0] ?? []).map((item) => (item.json.error === undefined ? 'sent' : 'refused')));
		expect(passes).toEqual([['sent', 'sent'], ['sent', 'refused'], ['refused']]);
	});

	test('a run past Max Credits per Run sends nothing and fails naming the option', async () => {
		const { webhookPath, id } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, options: { maxCreditsPerRun: PRICES.image.swapFace - 1 } });
		await callWebhook(webhookPath, {});
		const execution = await n8n.waitForExecution(id);
		expect(execution.status).toBe('error');
		expect(JSON.stringify(execution.data.resultData.error)).toContain(`Max Credits per Run (options.maxCreditsPerRun) is ${PRICES.image.swapFace - 1} credits`);
		expect(api.apiRequests()).toHaveLength(0);
	});
});

describe('the trigger', () => {
	const webhookId = randomUUID();
	let workflowId = '';
	let tokenWorkflowUrl = '';
	const triggerUrl = () => `${n8n.url}/webhook/${webhookId}/task_callback`;

	beforeAll(async () => {
		({ id: workflowId } = await n8n.importWorkflow(
			triggerWorkflow({ name: 'e2e trigger', webhookId, parameters: { events: ['success'], options: { downloadResult: true } }, credential }),
			{ activate: true },
		));
		const tokenId = randomUUID();
		await n8n.importWorkflow(triggerWorkflow({ name: 'e2e trigger token', webhookId: tokenId, parameters: { options: { secretToken: 'e2e-secret' } } }), { activate: true });
		tokenWorkflowUrl = `${n8n.url}/webhook/${tokenId}/task_callback`;
	}, 120_000);

	test('a task sent with the trigger URL starts the workflow with its result, downloaded', async () => {
		api.autoCallback = true;
		const { webhookPath } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, webhookUrl: triggerUrl() });
		await callWebhook(webhookPath, {});
		const execution = await n8n.waitForExecution(workflowId);
		const [item] = nodeOutput(execution, 'Aifaceswap Trigger');
		const task = api.tasks[0];
		expect(item.json).toEqual({ taskId: task.taskId, success: true, type: single.callbackType, typeName: single.callbackName, resultUrl: api.resultUrl(task.taskId), reference: '' });
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${task.taskId}.png` });
		expect(api.callbacks[0].status).toBe(200);
		// n8n's answer to aifaceswap, as the README says (not n8n's default text "firstEntryJson")
		expect(JSON.parse(api.callbacks[0].answer!)).toEqual({ message: 'Workflow was started' });
	});

	test("Reference: a row's ID goes out as the Callback URL's ref and comes back on the trigger's item", async () => {
		api.autoCallback = true;
		const before = (await n8n.executions(workflowId)).length;
		const { webhookPath } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, webhookUrl: triggerUrl(), options: { reference: '={{ $json.body.id }}' } });
		const answer = await callWebhook(webhookPath, { id: 'row 7/é' });
		expect(answer.json).toEqual([expect.objectContaining({ reference: 'row 7/é', alreadySubmitted: false })]);
		expect(api.apiRequests()[0].body.webhook).toBe(`${triggerUrl()}?ref=${encodeURIComponent('row 7/é')}`);
		const execution = await n8n.waitForExecution(workflowId, { count: before + 1 });
		expect(nodeOutput(execution, 'Aifaceswap Trigger')[0].json).toMatchObject({ taskId: api.tasks[0].taskId, reference: 'row 7/é' });
	});

	test('filtered, 400 and 401 callbacks start nothing', async () => {
		const before = (await n8n.executions(workflowId)).length;
		expect(await api.sendCallback(triggerUrl(), { success: 0, type: 1, task_id: 'failed-task', result_image: '' })).toMatchObject({ status: 200 });
		expect((await api.sendCallback(triggerUrl(), { success: 1 })).status).toBe(400);
		expect((await api.sendCallback(tokenWorkflowUrl, { success: 1, type: 1, task_id: 't', result_image: '' })).status).toBe(401);
		expect((await api.sendCallback(`${tokenWorkflowUrl}?token=e2e-secret`, { success: 1, type: 1, task_id: 't', result_image: '' })).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect((await n8n.executions(workflowId)).length).toBe(before);
	});

	test('hostile callbacks get a 4xx, start nothing, and n8n stays up', async () => {
		const before = (await n8n.executions(workflowId)).length;
		const send = async (init: RequestInit) => (await fetch(triggerUrl(), init)).status;
		const json = (body: string) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
		const valid = JSON.stringify({ success: 1, type: 1, task_id: 'hostile', result_image: '' });
		const statuses = {
			// over n8n's own payload limit (16 MiB), and over the trigger's 64 KiB with a valid task_id
			huge: await send(json(`{"task_id":"x","pad":"${'x'.repeat(17 * 1024 * 1024)}"}`)),
			large: await send(json(JSON.stringify({ ...JSON.parse(valid), pad: 'x'.repeat(100 * 1024) }))),
			deepArrays: await send(json(`${'['.repeat(30_000)}${']'.repeat(30_000)}`)),
			deepObjects: await send(json(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)),
			malformed: await send(json('{"task_id": "x", ')),
			textPlain: await send({ method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: valid }),
			xml: await send({ method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: '<task_id>x</task_id>' }),
			multipart: await send({ method: 'POST', body: (() => { const form = new FormData(); form.append('task_id', 'x'); return form; })() }),
			noBody: await send({ method: 'POST' }),
			get: await send({ method: 'GET' }),
		};
		// n8n reads the body before any node runs; over its N8N_PAYLOAD_SIZE_MAX (16 MiB) n8n 2.40.7 itself
		// answers 500 ("request entity too large"): not the node's to change, and nothing starts
		expect(statuses.huge).toBe(500);
		const { huge: _n8nOwn, ...ours } = statuses;
		expect(Object.entries(ours).filter(([, status]) => status < 400 || status >= 500)).toEqual([]);
		expect(statuses.large).toBe(413);
		expect(statuses.textPlain).toBe(415);
		expect((await fetch(`${n8n.url}/healthz`)).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect((await n8n.executions(workflowId)).length).toBe(before);
		// and a genuine callback still starts one execution
		expect((await send(json(valid))).valueOf()).toBe(200);
		await n8n.waitForExecution(workflowId, { count: before + 1 });
	});
});

describe('result downloads in the trigger (Download Result)', () => {
	const MIB = 1024 * 1024;
	/** Trigger (Max Download Size 400 MB) -> Hash (n8n's Crypto node reads the binary). */
	const large = { webhookId: randomUUID(), workflowId: '' };
	/** Trigger (Max Download Size 1 MB) -> Done. */
	const limited = { webhookId: randomUUID(), workflowId: '' };
	const callbackUrl = (trigger: { webhookId: string }) => `${n8n.url}/webhook/${trigger.webhookId}/task_callback`;

	beforeAll(async () => {
		({ id: large.workflowId } = await n8n.importWorkflow(
			triggerWorkflow({ name: 'e2e large result', webhookId: large.webhookId, parameters: { options: { downloadResult: true, maxDownloadSize: 400 } }, credential, next: HASH_NODE }),
			{ activate: true },
		));
		({ id: limited.workflowId } = await n8n.importWorkflow(
			triggerWorkflow({ name: 'e2e limited result', webhookId: limited.webhookId, parameters: { options: { downloadResult: true, maxDownloadSize: 1 } }, credential }),
			{ activate: true },
		));
	}, 120_000);

	/** Posts a success callback with this result URL; returns n8n's answer, how long it took, and the execution. */
	async function callback(trigger: { webhookId: string; workflowId: string }, taskId: string, resultUrl: string) {
		const before = (await n8n.executions(trigger.workflowId)).length;
		const sentAt = Date.now();
		const answer = await api.sendCallback(callbackUrl(trigger), { success: 1, type: single.callbackType, task_id: taskId, result_image: resultUrl });
		const answeredAfterMs = Date.now() - sentAt;
		const execution = await n8n.waitForExecution(trigger.workflowId, { count: before + 1 });
		return { answer, answeredAfterMs, execution, item: nodeOutput(execution, 'Aifaceswap Trigger')[0] };
	}

	test("a 300 MB video arrives whole through n8n's binary storage, the callback is answered in seconds, n8n's memory grows by far less than the file", async () => {
		const size = 300 * MIB;
		api.generated.serve('large.mp4', { size });
		const memory = new PeakMemory(n8n.pid);
		const { answer, answeredAfterMs, execution, item } = await callback(large, 'large-task', api.generatedUrl('large.mp4'));
		const { startMiB, peakMiB, growthMiB } = memory.read();
		process.stdout.write(`300 MiB result: callback answered after ${answeredAfterMs} ms; n8n resident memory ${startMiB} -> peak ${peakMiB} MiB (+${growthMiB} MiB)\n`);
		expect(answer.status).toBe(200);
		expect(answeredAfterMs).toBeLessThan(30_000);
		expect(execution.status).toBe('success');
		expect(item.json).toEqual({ taskId: 'large-task', success: true, type: single.callbackType, typeName: single.callbackName, resultUrl: api.generatedUrl('large.mp4'), reference: '' });
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'large-task.mp4' });
		// stored in n8n's binary data storage (a reference, not the bytes, in the execution) ...
		expect(String((item.binary?.data as IDataObject).id)).toMatch(/^filesystem(-v2)?:/);
		// ... and read whole by the next node
		expect(nodeOutput(execution, 'Hash')[0].json.sha256).toBe(generatedSha256(size));
		expect(api.generated.requests).toMatchObject([{ complete: true, bytesSent: size }]);
		expect(growthMiB).toBeLessThan(size / MIB / 4);
	}, 180_000);

	test('a result host that trickles: the callback is answered at the 20 s deadline and the execution starts with downloadError', async () => {
		api.generated.serve('slow.mp4', { size: 64 * 1024, trickle: { bytes: 1024, everyMs: 1000 } });
		const { answer, answeredAfterMs, execution, item } = await callback(limited, 'slow-task', api.generatedUrl('slow.mp4'));
		expect(answer).toMatchObject({ status: 200 });
		expect(answeredAfterMs).toBeGreaterThanOrEqual(19_500);
		expect(answeredAfterMs).toBeLessThan(30_000);
		expect(execution.status).toBe('success');
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ taskId: 'slow-task', success: true, resultUrl: api.generatedUrl('slow.mp4') });
		expect(item.json.downloadError).toMatch(/^Result not downloaded: it did not arrive within 20 s \((1[5-9]|20) KB received\); download it in the workflow with an HTTP Request node from resultUrl\.$/);
		const [request] = api.generated.requests;
		expect(request.complete).toBe(false);
		expect(request.closedAt! - request.receivedAt).toBeLessThan(22_000);
	}, 120_000);

	test('above Max Download Size: no binary, downloadError, resultUrl kept, the execution started', async () => {
		api.generated.serve('over.mp4', { size: 64 * MIB, declareLength: false });
		const { answer, answeredAfterMs, execution, item } = await callback(limited, 'over-task', api.generatedUrl('over.mp4'));
		expect(answer.status).toBe(200);
		expect(answeredAfterMs).toBeLessThan(10_000);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Done')).toHaveLength(1);
		expect(item.binary).toBeUndefined();
		expect(item.json).toEqual({
			taskId: 'over-task',
			success: true,
			type: single.callbackType,
			typeName: single.callbackName,
			resultUrl: api.generatedUrl('over.mp4'),
			reference: '',
			downloadError: 'Result not downloaded: the file is larger than Max Download Size (1 MB); raise Max Download Size or download it in the workflow with an HTTP Request node from resultUrl.',
		});
		expect(api.generated.requests[0].complete).toBe(false);
	});

	test("a forged callback whose result URL is another port of the Base URL's host is refused, with nothing fetched", async () => {
		const bystander = await new Bystander().start();
		try {
			const forged = `${bystander.url}/rest/settings`;
			const { answer, item } = await callback(limited, 'forged-task', forged);
			expect(answer.status).toBe(200);
			expect(item.binary).toBeUndefined();
			expect(item.json.downloadError).toBe(
				`Result not downloaded: ${bystander.url} is not the credential's Base URL ${api.url}: on its host only that scheme and port are downloaded from.`,
			);
			expect(bystander.requests).toEqual([]);
		} finally {
			await bystander.stop();
		}
	});
});

describe('wait mode', () => {
	test('the execution waits, aifaceswap calls the resume URL, and it finishes with the result', async () => {
		api.autoCallback = true;
		api.callbackDelayMs = 1500;
		const { webhookPath, id } = await deploy(
			{ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'wait', options: { downloadResult: true } },
			{ respond: 'onReceived' },
		);
		await callWebhook(webhookPath, {});
		const waiting = await n8n.waitForExecution(id, { statuses: ['waiting'] });
		expect(waiting.status).toBe('waiting');
		expect(api.apiRequests()[0].body.webhook).toMatch(new RegExp(`^${n8n.url}/webhook-waiting/${waiting.id}`));
		const done = await n8n.waitForExecution(id, { statuses: ['success', 'error'] });
		expect(done.status).toBe('success');
		const [item] = nodeOutput(done, 'Aifaceswap');
		const task = api.tasks[0];
		expect(item.json).toEqual({ taskId: task.taskId, reference: '', ...charged('image', 'swapFace'), alreadySubmitted: false, success: true, resultUrl: api.resultUrl(task.taskId), timedOut: false });
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png' });
		expect(api.callbacks[0]).toMatchObject({ status: 200, answer: '{"received":true}' });
	});

	test('a callback for another task is refused and the execution keeps waiting; a failed task fails it', async () => {
		const { webhookPath, id } = await deploy(
			{ resource: 'video', operation: 'swapFace', sourceVideoUrl: VIDEO_URL, faceImageUrl: FACE_URL, durationSource: 'manual', duration: 1, resultMode: 'wait' },
			{ respond: 'onReceived' },
		);
		await callWebhook(webhookPath, {});
		const waiting = await n8n.waitForExecution(id, { statuses: ['waiting'] });
		const task = api.tasks[0];
		const other = await api.sendCallback(task.webhook!, { ...api.callbackBody(task), task_id: 'another-task' });
		expect(other.status).toBe(409);
		expect((await n8n.execution(waiting.id)).status).toBe('waiting');
		await api.sendCallback(task.webhook!, api.callbackBody(task, 0));
		const failed = await n8n.waitForExecution(id, { statuses: ['error'] });
		expect((failed.data.resultData.error as unknown as IDataObject).message).toBe(`The aifaceswap task ${task.taskId} failed: aifaceswap reported no result`);
	});

	test('when the wait limit passes, the item continues with its task id and timedOut true', async () => {
		const { webhookPath, id } = await deploy(
			{ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, resultMode: 'wait', options: { waitLimit: 0.05 } },
			{ respond: 'onReceived' },
		);
		await callWebhook(webhookPath, {});
		const done = await n8n.waitForExecution(id, { statuses: ['success', 'error'] });
		expect(done.status).toBe('success');
		expect(nodeOutput(done, 'Aifaceswap')[0].json).toEqual({
			taskId: api.tasks[0].taskId,
			reference: '',
			credits: creditsFor('image', 'swapFace'),
			estimatedCredits: creditsFor('image', 'swapFace'),
			alreadySubmitted: false,
			type: single.callbackType,
			success: false,
			resultUrl: '',
			timedOut: true,
		});
	}, 180_000);
});

describe('a batch meeting every fault at once', () => {
	test('40 items at concurrency 5 with Continue On Fail: one output each, no task sent twice', async () => {
		const ITEMS = 40;
		const batchPath = `e2e-faults-${randomUUID()}`;
		const { id } = await n8n.importWorkflow(
			batchWorkflow({
				name: 'e2e faults',
				path: batchPath,
				node: {
					type: AIFACESWAP,
					parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.url }}', faceImageUrl: FACE_URL, options: { concurrency: 5 } },
					credentials: { aifaceswapApi: credential },
					onError: 'continueRegularOutput',
				},
			}),
			{ activate: true },
		);
		injectFaults(api, ITEMS);
		const answer = await callWebhook(batchPath, { items: Array.from({ length: ITEMS }, (_, i) => ({ url: faultItemUrl(i) })) });
		expect(answer.status).toBe(200);
		const output = nodeOutput(await n8n.waitForExecution(id), BATCH_NODE);
		expect(output).toHaveLength(ITEMS);
		expect(output.map((item) => (item as IDataObject).pairedItem)).toEqual(Array.from({ length: ITEMS }, (_, i) => ({ item: i })));
		const account = accountItems(api, output, ITEMS);
		expect(account.map(({ statuses: _s, ...rest }) => rest)).toEqual(plannedAccount(ITEMS).map(({ statuses: _s, ...rest }) => rest));
		expect(account.filter((item) => !resentOnlyWhenRefused(item))).toEqual([]);

		// the same batch again: only what the API certainly refused (HTTP 503 every time) is sent
		const firstRequests = api.apiRequests().length;
		await callWebhook(batchPath, { items: Array.from({ length: ITEMS }, (_, i) => ({ url: faultItemUrl(i) })) });
		const second = nodeOutput(await n8n.waitForExecution(id, { count: 2 }), BATCH_NODE);
		const resent = new Set(api.apiRequests().slice(firstRequests).map((r) => Number(/\?item=(\d+)$/.exec(String(r.body.source_image))?.[1])));
		const refused = account.filter((item) => item.case === 'HTTP 503 on every attempt').map((item) => item.itemIndex);
		expect([...resent].sort((a, b) => a - b)).toEqual(refused);
		second.forEach((item, itemIndex) => {
			if (refused.includes(itemIndex)) return;
			expect(item.json).toMatchObject({ alreadySubmitted: true, credits: 0 });
			if (account[itemIndex].outcome === 'task') expect(item.json.taskId).toBe(output[itemIndex].json.taskId);
		});
		// where n8n keeps the records: its processed_data table, one row for this node of this workflow
		const nodeId = (await n8n.rest<{ nodes: Array<{ id: string; name: string }> }>('GET', `/rest/workflows/${id}`)).nodes.find((node) => node.name === BATCH_NODE)?.id;
		const rows = n8n.sqlite(`select workflowId, context, value from processed_data where workflowId = '${id}'`);
		expect(rows.map((row) => ({ ...row, value: undefined }))).toEqual([{ workflowId: id, context: `n:${nodeId}`, value: undefined }]);
		const stored = JSON.parse(String(rows[0].value)) as { mode: string; data: string[] };
		expect(stored.mode).toBe('entries');
		// two values (its day and the next) per item that was not certainly refused, once the
		// checks' values are cleaned up
		await waitFor(() => storedValues(id).length === 2 * (ITEMS - refused.length));
	});
});

/** The values n8n keeps in processed_data for the workflow's one record. */
function storedValues(workflowId: string): string[] {
	const rows = n8n.sqlite(`select value from processed_data where workflowId = '${workflowId}'`);
	return rows.length === 0 ? [] : (JSON.parse(String(rows[0].value)) as { data: string[] }).data;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > until) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

describe('many executions of one workflow at once (one per webhook call, as production runs)', () => {
	/** How often each source image reached the API. */
	const sendsPerUrl = () => {
		const sends = new Map<string, number>();
		for (const request of api.apiRequests()) sends.set(String(request.body.source_image), (sends.get(String(request.body.source_image)) ?? 0) + 1);
		return sends;
	};
	const swap = (url: string) => ({ url });
	const urls = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${faultItemUrl(i)}&${tag}`);

	test('60 calls at once, then the same 60 again: every swap sent exactly once, no execution failed; two callers at once: sent once', async () => {
		api.latencyMs = 150;
		const { webhookPath, id } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.body.url }}', faceImageUrl: FACE_URL });
		const swaps = urls(60, 'round');
		const first = await Promise.all(swaps.map(async (url) => await callWebhook(webhookPath, swap(url))));
		expect(first.map((answer) => answer.status)).toEqual(swaps.map(() => 200));
		expect(first.map((answer) => (answer.json as IDataObject[])[0].alreadySubmitted)).toEqual(swaps.map(() => false));

		const replay = await Promise.all(swaps.map(async (url) => await callWebhook(webhookPath, swap(url))));
		expect(replay.map((answer) => answer.status)).toEqual(swaps.map(() => 200));
		expect(replay.map((answer) => (answer.json as IDataObject[])[0].alreadySubmitted)).toEqual(swaps.map(() => true));
		expect(replay.map((answer) => (answer.json as IDataObject[])[0].taskId)).toEqual(first.map((answer) => (answer.json as IDataObject[])[0].taskId));
		expect([...sendsPerUrl().values()]).toEqual(swaps.map(() => 1));

		// 30 new swaps, each sent by two callers at the same moment
		const pairs = urls(30, 'pair');
		const both = await Promise.all([...pairs, ...pairs].map(async (url) => await callWebhook(webhookPath, swap(url))));
		expect(both.every((answer) => answer.status === 200)).toBe(true);
		expect(sendsPerUrl().size).toBe(90);
		expect([...sendsPerUrl().values()].every((sends) => sends === 1)).toBe(true);

		// every answer was 200 with an item; n8n recorded 180 executions and none failed
		await waitFor(async () => (await n8n.executionCount(id, ['success'])) === 180);
		expect(await n8n.executionCount(id)).toBe(180);
		// two values per request in n8n's table once the checks' values are cleaned up
		await waitFor(() => storedValues(id).length === 180);

		// after a restart this process knows no task: only the record in the database answers
		await n8n.restart();
		const afterRestart = await Promise.all([...swaps, ...pairs].map(async (url) => await callWebhook(webhookPath, swap(url))));
		expect(afterRestart.map((answer) => (answer.json as IDataObject[])[0].alreadySubmitted)).toEqual([...swaps, ...pairs].map(() => true));
		expect(api.apiRequests()).toHaveLength(90);
	}, 300_000);
});

describe('the example workflows', () => {
	const examplesDir = path.resolve(__dirname, '..', '..', 'examples');
	const files = fs.readdirSync(examplesDir).filter((file) => file.endsWith('.json')).sort();
	let triggerWorkflowId = '';

	/** An example as a user imports it, with the credential chosen and the placeholders filled. */
	function load(file: string, runnable: boolean): WorkflowFile {
		const text = fs
			.readFileSync(path.join(examplesDir, file), 'utf8')
			.replaceAll('https://YOUR-N8N/webhook/YOUR-TRIGGER-ID/task_callback', `${n8n.url}/webhook/5f1d7a3e-2c4b-4e8a-9b6f-0123456789ab/task_callback`)
			.replaceAll('https://YOUR-FRAME-URL/frame.png', `${api.url}/files/frame.png`)
			.replaceAll('https://YOUR-VIDEO-URL/video.mp4', `${api.url}/files/example.mp4`);
		const workflow = JSON.parse(text) as WorkflowFile;
		for (const node of workflow.nodes) {
			if (node.credentials?.aifaceswapApi) node.credentials.aifaceswapApi = credential;
			// To run it over HTTP, the manual trigger becomes a webhook with the same name.
			if (runnable && node.type === 'n8n-nodes-base.manualTrigger') {
				Object.assign(node, {
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: randomUUID(),
					parameters: file.includes('wait')
						? { httpMethod: 'POST', path: `example-${file}`, responseMode: 'onReceived', options: {} }
						: { httpMethod: 'POST', path: `example-${file}`, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
				});
			}
		}
		return workflow;
	}

	test('there are ten and every one imports', async () => {
		expect(files).toHaveLength(10);
		for (const file of files) {
			const { id } = await n8n.importWorkflow(load(file, false));
			const stored = await n8n.rest<{ nodes: unknown[] }>('GET', `/rest/workflows/${id}`);
			expect(stored.nodes.length).toBeGreaterThan(0);
		}
	});

	test('submit, then receive the result with the trigger example (token and download)', async () => {
		({ id: triggerWorkflowId } = await n8n.importWorkflow(load('2-receive-results-trigger.json', true), { activate: true }));
		await n8n.importWorkflow(load('1-swap-face-submit.json', true), { activate: true });
		api.autoCallback = true;
		const answer = await callWebhook('example-1-swap-face-submit.json', {});
		expect(answer.json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('image', 'swapFace'), alreadySubmitted: false }]);
		const execution = await n8n.waitForExecution(triggerWorkflowId);
		const [result] = nodeOutput(execution, 'Result');
		expect(result.json).toMatchObject({ taskId: api.tasks[0].taskId, success: true });
		expect(result.binary?.data).toMatchObject({ mimeType: 'image/png' });
	});

	test('swap and wait', async () => {
		api.autoCallback = true;
		const { id } = await n8n.importWorkflow(load('3-swap-and-wait.json', true), { activate: true });
		// A callback that comes before n8n has stored the paused execution is refused by n8n with
		// 409 "running already" (see the README); real swaps take seconds.
		api.callbackDelayMs = 1500;
		await callWebhook('example-3-swap-and-wait.json', {});
		const done = await n8n.waitForExecution(id);
		expect(api.callbacks[0]).toMatchObject({ status: 200 });
		expect(nodeOutput(done, 'Use the Result')[0].json).toMatchObject({ success: true, timedOut: false });
	});

	test('detect faces, then swap the first and the last', async () => {
		await n8n.importWorkflow(load('4-detect-faces-then-swap-several.json', true), { activate: true });
		const answer = await callWebhook('example-4-detect-faces-then-swap-several.json', {});
		expect(answer.json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('image', 'swapMultipleFaces'), alreadySubmitted: false }]);
		expect(api.apiRequests(endpointOf('image', 'swapMultipleFaces'))[0].body.index).toEqual([0, 2]);
	});

	test('video swap within its Max Credits', async () => {
		await n8n.importWorkflow(load('5-video-swap.json', true), { activate: true });
		const answer = await callWebhook('example-5-video-swap.json', {});
		expect(answer.json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('video', 'swapFace', { durationSeconds: 5 }), duration: 5, alreadySubmitted: false }]);
	});

	test('face references cut from a video frame with Edit Image, then a multiple video face swap', async () => {
		// A real 1280 x 720 PNG frame, made by GraphicsMagick (what n8n's Edit Image node uses).
		const frame = execFileSync('gm', ['convert', '-size', '1280x720', 'xc:#336699', 'png:-']);
		api.files.serve('frame.png', { bytes: frame, contentType: 'image/png' });
		api.files.serve('example.mp4', { bytes: mp4({ timescale: 1000, duration: 8_000 }) });
		await n8n.importWorkflow(load('6-video-face-references.json', true), { activate: true });
		const answer = await callWebhook('example-6-video-face-references.json', {});
		// 2 faces, enhance 0, 8 s
		expect(answer.json).toEqual([{ taskId: api.tasks[0].taskId, reference: '', ...charged('video', 'swapMultipleFaces', { durationSeconds: 8, faceCount: 2 }), duration: 8, alreadySubmitted: false }]);
		const [extract] = api.apiRequests(endpointOf('video', 'extractFaces'));
		expect(Buffer.from(extract.body.base64_img as string, 'base64').equals(frame)).toBe(true);
		const refs = api.apiRequests(endpointOf('video', 'swapMultipleFaces'))[0].body.ref_info as Array<{ face_ref: string }>;
		// Each face_ref is a PNG of exactly its box's size, read from its IHDR header.
		const sizes = refs.map(({ face_ref }) => {
			const png = Buffer.from(face_ref, 'base64');
			expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
			return [png.readUInt32BE(16), png.readUInt32BE(20)];
		});
		expect(sizes).toEqual(FRAME_BOXES.map(([x1, y1, x2, y2]) => [x2 - x1, y2 - y1]));
	});
});

describe('URLs aifaceswap cannot reach', () => {
	/** One item per case: [what, source image, face image, Callback URL, reachable]; each a different request. */
	const CASES: Array<[string, string, string, string, boolean]> = [
		['Callback URL on localhost (n8n without WEBHOOK_URL)', `${SOURCE_URL}?case1`, FACE_URL, 'http://localhost:5678/webhook/abc/task_callback', false],
		['Callback URL on a LAN address', `${SOURCE_URL}?case2`, FACE_URL, 'http://192.168.1.20:5678/webhook/abc/task_callback', false],
		['Callback URL on a Docker service name', `${SOURCE_URL}?case3`, FACE_URL, 'http://n8n:5678/webhook/abc/task_callback', false],
		['Callback URL on .local', `${SOURCE_URL}?case4`, FACE_URL, 'http://n8n.local/webhook/abc/task_callback', false],
		['Callback URL on 0x7f.1 (127.0.0.1)', `${SOURCE_URL}?case5`, FACE_URL, 'http://0x7f.1:5678/webhook/abc/task_callback', false],
		['source image on 10.0.0.5', 'http://10.0.0.5/photo.jpg', FACE_URL, '', false],
		['face image on localhost', `${SOURCE_URL}?case6`, 'http://localhost:8080/face.png', '', false],
		['face image on the metadata address', `${SOURCE_URL}?case7`, 'http://169.254.169.254/latest/face.png', '', false],
		['source image on an IPv4-mapped IPv6 address', 'http://[::ffff:10.0.0.1]/photo.jpg', FACE_URL, '', false],
		['source image on 100.64.0.1 (shared)', 'http://100.64.0.1/photo.jpg', FACE_URL, '', false],
		['public URLs and a public Callback URL', `${SOURCE_URL}?public`, FACE_URL, CALLBACK, true],
		['public URLs on 100.128.0.1 and 172.32.0.1', 'http://100.128.0.1/photo.jpg', 'http://172.32.0.1/face.png', '', true],
		['public URLs, no Callback URL', `${SOURCE_URL}?nocallback`, FACE_URL, '', true],
	];

	async function runBatch(ref: CredentialRef) {
		const batchPath = `e2e-reach-${randomUUID()}`;
		const { id } = await n8n.importWorkflow(
			batchWorkflow({
				name: 'e2e URLs aifaceswap cannot reach',
				path: batchPath,
				node: {
					type: AIFACESWAP,
					parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.source }}', faceImageUrl: '={{ $json.face }}', webhookUrl: '={{ $json.callback }}', options: { concurrency: 1 } },
					credentials: { aifaceswapApi: ref },
					onError: 'continueRegularOutput',
				},
			}),
			{ activate: true },
		);
		await callWebhook(batchPath, { items: CASES.map(([, source, face, callback]) => ({ source, face, callback })) });
		return nodeOutput(await n8n.waitForExecution(id), BATCH_NODE);
	}

	test('Base URL on a public name: the unreachable cases are refused with the reason and send nothing; the public ones are sent', async () => {
		const output = await runBatch(publicCredential);
		expect(output).toHaveLength(CASES.length);
		const refused = CASES.flatMap(([what, , , , reachable], index) => (reachable ? [] : [{ what, error: String(output[index].json.error) }]));
		for (const { what, error } of refused) expect({ what, error }).toEqual({ what, error: expect.stringMatching(/^(Callback URL \(webhookUrl\)|Source Image URL \(sourceImageUrl\)|Face Image URL \(faceImageUrl\)) is ".*", which aifaceswap cannot reach from the internet: .*\. Nothing was sent\. /) });
		expect(refused.find((r) => r.what.startsWith('Callback URL on localhost'))?.error).toBe(
			'Callback URL (webhookUrl) is "http://localhost:5678/webhook/abc/task_callback", which aifaceswap cannot reach from the internet: localhost is a name of this computer. Nothing was sent. Use an address the internet can reach, or leave Callback URL empty.',
		);
		// only the reachable ones reached the mock (it logs every request), through the public-looking
		// name; in any order (the items' checks run side by side)
		const sent = CASES.filter(([, , , , reachable]) => reachable);
		const bySource = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
		expect(api.apiRequests().map((r) => [r.body.source_image, r.body.face_image, r.body.webhook ?? '']).sort(bySource)).toEqual(sent.map(([, source, face, callback]) => [source, face, callback]).sort(bySource));
		expect(api.requests).toHaveLength(sent.length);
		expect(api.apiRequests()[0].headers.host).toBe(new URL(publicLooking(api.url)).host);
		CASES.forEach(([, , , , reachable], index) => expect(typeof output[index].json.taskId === 'string').toBe(reachable));
	});

	test('Base URL on 127.0.0.1 (a local test server or proxy): every case is sent', async () => {
		const output = await runBatch(credential);
		expect(output.map((item) => item.json.error)).toEqual(CASES.map(() => undefined));
		expect(api.apiRequests()).toHaveLength(CASES.length);
	});

	test("Wait for Result on an n8n whose resume URL is not public (WEBHOOK_URL on 127.0.0.1): refused, saying n8n needs WEBHOOK_URL; nothing sent", async () => {
		const { webhookPath, id } = await deploy({ resource: 'image', operation: 'swapFace', sourceImageUrl: `${SOURCE_URL}?wait`, faceImageUrl: FACE_URL, resultMode: 'wait' }, { credential: publicCredential, respond: 'onReceived' });
		await callWebhook(webhookPath, {});
		const execution = await n8n.waitForExecution(id);
		expect(execution.status).toBe('error');
		const error = execution.data.resultData.runData.Aifaceswap?.[0]?.error;
		expect(error?.message).toMatch(new RegExp(`^Result Mode "Wait for Result" \\(resultMode\\) needs aifaceswap to call n8n's resume URL "${n8n.url}/webhook-waiting/${execution.id}", which aifaceswap cannot reach from the internet: 127\\.0\\.0\\.1 is a loopback address \\(127\\.0\\.0\\.0/8, this computer\\)\\. Nothing was sent\\. n8n needs the WEBHOOK_URL environment variable set to its public address\\.$`));
		expect(api.requests).toHaveLength(0);
	});

	test('a source video on a private address is refused before its length is read; on a public name it is read and sent', async () => {
		api.files.serve('reach.mp4', { bytes: mp4({ timescale: 1000, duration: 2_000 }) });
		const local = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl: `${api.url}/files/reach.mp4`, faceImageUrl: FACE_URL }, { credential: publicCredential, continueOnFail: true });
		const refused = await callWebhook(local.webhookPath, {});
		expect(JSON.stringify(refused.json)).toContain('Source Video URL (sourceVideoUrl) is \\"http://127.0.0.1:');
		expect(api.requests).toHaveLength(0);
		const sourceVideoUrl = publicLooking(`${api.url}/files/reach.mp4`, 'files');
		const fine = await deploy({ resource: 'video', operation: 'swapFace', sourceVideoUrl, faceImageUrl: FACE_URL }, { credential: publicCredential });
		const answer = await callWebhook(fine.webhookPath, {});
		expect(answer.json).toEqual([expect.objectContaining({ duration: 2, estimatedCredits: creditsFor('video', 'swapFace', { durationSeconds: 2 }) })]);
		expect(api.apiRequests()[0].body.source_video).toBe(sourceVideoUrl);
	});
});

describe('n8n with WEBHOOK_URL on a public address (as behind a tunnel)', () => {
	// No tunnel can be opened here (no internet): WEBHOOK_URL is a public-looking name that the
	// preload maps to this n8n, in n8n's process and in this one (where the mock API calls back from).
	let tunnelled: N8nServer;
	let webhookUrl: string;

	beforeAll(async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { freePort } = require('../../scripts/n8n-instance') as { freePort: () => Promise<number> };
		const port = await freePort();
		webhookUrl = `http://n8n.aifaceswap.test:${port}/`;
		tunnelled = new N8nServer('tunnelled', { port, env: { WEBHOOK_URL: webhookUrl, NODE_OPTIONS: `--require ${PUBLIC_HOST_NAMES_PRELOAD}` } });
		await tunnelled.start();
	}, 600_000);
	afterAll(async () => tunnelled?.stop());

	test('Wait for Result with the Base URL public: the resume URL is on the public address, the task is sent, the callback resumes the execution', async () => {
		const publicRef = { id: await tunnelled.createCredential('Aifaceswap (public name)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: publicLooking(api.url) }), name: 'Aifaceswap (public name)' };
		const webhookPath = `e2e-tunnel-${randomUUID()}`;
		const { id } = await tunnelled.importWorkflow(
			webhookToAifaceswap({ name: 'e2e tunnel wait', path: webhookPath, parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: `${SOURCE_URL}?tunnel`, faceImageUrl: FACE_URL, resultMode: 'wait' }, credential: publicRef, respond: 'onReceived' }),
			{ activate: true },
		);
		api.autoCallback = true;
		api.callbackDelayMs = 1500;
		await fetch(`${tunnelled.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		const waiting = await tunnelled.waitForExecution(id, { statuses: ['waiting', 'error'] });
		expect(waiting.status).toBe('waiting');
		// (n8n 1.x signs no resume URL)
		expect(api.apiRequests()[0].body.webhook).toMatch(new RegExp(`^${webhookUrl}webhook-waiting/${waiting.id}(\\?signature=|$)`));
		const done = await tunnelled.waitForExecution(id, { statuses: ['success', 'error'] });
		expect(done.status).toBe('success');
		expect(nodeOutput(done, 'Aifaceswap')[0].json).toMatchObject({ taskId: api.tasks[0].taskId, success: true, timedOut: false });
		expect(api.callbacks[0]).toMatchObject({ status: 200 });
	});
});

describe('secrets', () => {
	test("after every scenario above, the API key is in no log line and nowhere in n8n's database but the encrypted credential", () => {
		const log = fs.readFileSync(n8n.logFile, 'utf8');
		expect(log.length).toBeGreaterThan(10_000);
		expect(log).toContain('Aifaceswap');
		expect(log).not.toContain(MOCK_API_KEY);
		const n8nFolder = path.join(n8n.userFolder, '.n8n');
		const databaseFiles = fs.readdirSync(n8nFolder).filter((file) => file.startsWith('database.sqlite'));
		expect(databaseFiles).toContain('database.sqlite');
		for (const file of databaseFiles) {
			const bytes = fs.readFileSync(path.join(n8nFolder, file));
			expect([file, bytes.includes(MOCK_API_KEY)]).toEqual([file, false]);
			// the check can fail: the execution data is stored there in plain text
			if (file === 'database.sqlite') expect(bytes.includes('Aifaceswap')).toBe(true);
		}
	});
});
