/**
 * The Aifaceswap Tool inside n8n's AI Agent, in a real n8n: Webhook -> AI Agent, with n8n's OpenAI
 * Chat Model (its credential's Base URL pointed at test/mock-openai) and the Aifaceswap Tool
 * connected as the agent's tool. Asserts what the model was told (tool name, description, schema),
 * what reached the mock aifaceswap API, and what the agent answered.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { MODEL_INPUTS, TOOL_DESCRIPTIONS } from '../../nodes/Aifaceswap/actions/tool.descriptions';
import { TOOL_MAX_CREDITS } from '../../nodes/Aifaceswap/pricing/credits';
import { MOCK_API_KEY, MockAifaceswapApi } from '../mock-api/server';
import { MOCK_OPENAI_KEY, MockOpenAi } from '../mock-openai/server';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { mp4 } from '../support/mp4';
import { creditsFor, SWAPS } from '../support/operations';
import type { WorkflowFile } from './n8n-server';
import { N8nServer } from './n8n-server';
import type { CredentialRef } from './workflows';
import { node } from './workflows';

const api = new MockAifaceswapApi();
const openai = new MockOpenAi();
const n8n = new N8nServer('agent');
let aifaceswapCredential: CredentialRef;
let openAiCredential: CredentialRef;

beforeAll(async () => {
	await Promise.all([api.start(), openai.start()]);
	await n8n.start();
	aifaceswapCredential = { id: await n8n.createCredential('Aifaceswap (mock)', 'aifaceswapApi', { apiKey: MOCK_API_KEY, baseUrl: api.url }), name: 'Aifaceswap (mock)' };
	openAiCredential = { id: await n8n.createCredential('OpenAI (mock)', 'openAiApi', { apiKey: MOCK_OPENAI_KEY, url: `${openai.url}/v1` }), name: 'OpenAI (mock)' };
}, 600_000);
beforeEach(() => {
	api.reset();
	openai.reset();
});
afterAll(async () => {
	await n8n.stop();
	await Promise.all([api.stop(), openai.stop()]);
});

const TOOL_NODE = 'Swap Face';

/** Webhook (answers with the agent's output) -> AI Agent <- OpenAI Chat Model, Aifaceswap Tool. */
function agentWorkflow(webhookPath: string, toolParameters: IDataObject): WorkflowFile {
	return {
		name: `agent ${webhookPath}`,
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} }, { webhookId: randomUUID() }),
			node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3, { promptType: 'define', text: '={{ $json.body.prompt }}', options: {} }),
			node('OpenAI Chat Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, { model: { __rl: true, mode: 'id', value: 'mock-model' }, options: {} }, { credentials: { openAiApi: openAiCredential } }),
			node(TOOL_NODE, 'n8n-nodes-aifaceswap.aifaceswapTool', 1, toolParameters, { credentials: { aifaceswapApi: aifaceswapCredential } }),
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			[TOOL_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

async function ask(toolParameters: IDataObject, prompt: string): Promise<{ status: number; output: string }> {
	const webhookPath = `agent-${randomUUID()}`;
	await n8n.importWorkflow(agentWorkflow(webhookPath, toolParameters), { activate: true });
	const response = await fetch(`${n8n.url}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ prompt }),
	});
	const text = await response.text();
	let output = text;
	try {
		output = String((JSON.parse(text) as { output?: unknown }).output ?? text);
	} catch {
		// not JSON
	}
	return { status: response.status, output };
}

const imageSwapTool = { resource: 'image', operation: 'swapFace' };

test('n8n offers the node as "Aifaceswap Tool", with a tool description and without Result Mode', () => {
	const types = JSON.parse(fs.readFileSync(path.join(n8n.userFolder, '.cache', 'n8n', 'public', 'types', 'nodes.json'), 'utf8')) as Array<{ name: string; displayName: string; properties: Array<{ name: string; default: unknown; displayOptions?: IDataObject }> }>;
	const tool = types.find((type) => type.name === 'n8n-nodes-aifaceswap.aifaceswapTool');
	expect(tool?.displayName).toBe('Aifaceswap Tool');
	// the node's own Tool Description per operation, so n8n adds none of its own
	expect(tool?.properties.filter((p) => p.name === 'descriptionType')).toEqual([]);
	expect(tool?.properties.filter((p) => p.name === 'toolDescription').map((p) => p.default)).toContain(TOOL_DESCRIPTIONS.imageSwapFace);
	expect(tool?.properties.find((p) => p.name === 'resultMode')?.displayOptions).toMatchObject({ hide: { '@tool': [true] } });
	// the tool's Options start with Max Credits, a budget per call
	const toolOptions = tool?.properties.filter((p) => p.name === 'options' && (p.displayOptions?.show as IDataObject | undefined)?.['@tool']);
	// (one per swap operation)
	expect(toolOptions?.map((p) => p.default)).toEqual(SWAPS.map(() => ({ maxCredits: TOOL_MAX_CREDITS })));
});

test('the agent calls the tool with the URLs it chose; the model was told what the tool does, costs and returns; the answer has the task ID', async () => {
	const target = `${SOURCE_URL}?agent`;
	openai.argumentsFor = () => ({ [MODEL_INPUTS.targetImageUrl.key]: target, [MODEL_INPUTS.faceImageUrl.key]: FACE_URL });
	const answer = await ask(imageSwapTool, `Put the face ${FACE_URL} into ${target}`);
	expect(answer.status).toBe(200);

	// what the model received
	const [tool] = openai.requests[0].tools ?? [];
	expect(openai.requests[0].tools).toHaveLength(1);
	expect(tool.function.name).toBe('Swap_Face');
	expect(tool.function.description).toBe(TOOL_DESCRIPTIONS.imageSwapFace);
	expect(tool.function.parameters?.properties).toEqual({
		target_image_url: expect.objectContaining({ type: 'string', description: MODEL_INPUTS.targetImageUrl.description }),
		face_image_url: expect.objectContaining({ type: 'string', description: MODEL_INPUTS.faceImageUrl.description }),
	});

	// what reached aifaceswap, with the key of the credential (the mock checks it)
	expect(api.apiRequests()).toHaveLength(1);
	expect(api.apiRequests()[0].body).toEqual({ source_image: target, face_image: FACE_URL });
	const { taskId } = api.tasks[0];

	// what the model got back, and the agent's answer
	expect(openai.toolResults()).toHaveLength(1);
	const credits = creditsFor('image', 'swapFace');
	expect(JSON.parse(openai.toolResults()[0])).toEqual([expect.objectContaining({ taskId, credits, estimatedCredits: credits, alreadySubmitted: false })]);
	expect(answer.output).toContain(taskId);
	expect(openai.toolResults()[0]).not.toContain(MOCK_API_KEY);
});

test('a bad URL from the model comes back to it as an error naming the parameter; nothing is sent', async () => {
	openai.argumentsFor = () => ({ [MODEL_INPUTS.targetImageUrl.key]: 'not-a-url', [MODEL_INPUTS.faceImageUrl.key]: FACE_URL });
	const answer = await ask(imageSwapTool, 'Swap the face');
	expect(answer.status).toBe(200);
	expect(openai.toolResults()).toHaveLength(1);
	expect(openai.toolResults()[0]).toContain('Source Image URL (sourceImageUrl) is not a valid URL');
	expect(answer.output).toContain('is not a valid URL');
	expect(api.apiRequests()).toHaveLength(0);
});

test('the default budget (Max Credits in the tool): a one-hour video is refused before anything is sent, and the model gets the reason', async () => {
	api.files.serve('one-hour.mp4', { bytes: mp4({ timescale: 1000, duration: 3_600_000 }) });
	const video = `${api.url}/files/one-hour.mp4`;
	openai.argumentsFor = () => ({ [MODEL_INPUTS.targetVideoUrl.key]: video, [MODEL_INPUTS.faceImageUrl.key]: FACE_URL });
	const answer = await ask({ resource: 'video', operation: 'swapFace' }, `Put the face ${FACE_URL} into the video ${video}`);
	expect(answer.status).toBe(200);
	// the model was told the limit
	expect(openai.requests[0].tools?.[0].function.description).toBe(TOOL_DESCRIPTIONS.videoSwapFace);
	expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain(`a task estimated above ${TOOL_MAX_CREDITS} credits`);
	// the length was read from the video (3600 s), and nothing reached the API
	const oneHour = creditsFor('video', 'swapFace', { durationSeconds: 3600 });
	expect(api.files.ranges.get('one-hour.mp4')?.length).toBeGreaterThan(0);
	expect(api.apiRequests()).toHaveLength(0);
	// the reason went back to the model, and the agent answered with it
	expect(openai.toolResults()).toHaveLength(1);
	expect(openai.toolResults()[0]).toContain(`Max Credits (options.maxCredits) is ${TOOL_MAX_CREDITS}, but this task is estimated at ${oneHour} credits, so it was not sent.`);
	expect(answer.output).toContain(`estimated at ${oneHour} credits`);

	// within the budget (a 20 s video: 40 credits) the same tool sends the task
	api.files.serve('short.mp4', { bytes: mp4({ timescale: 1000, duration: 20_000 }) });
	openai.argumentsFor = () => ({ [MODEL_INPUTS.targetVideoUrl.key]: `${api.url}/files/short.mp4`, [MODEL_INPUTS.faceImageUrl.key]: FACE_URL });
	const sent = await ask({ resource: 'video', operation: 'swapFace' }, 'Swap the face in the short video');
	expect(api.apiRequests()).toHaveLength(1);
	expect(sent.output).toContain(api.tasks[0].taskId);
});

test('an operation a model cannot use (Swap Multiple Faces) answers the model why and sends nothing', async () => {
	const answer = await ask({ resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: 0, faceImageUrl: FACE_URL }] } }, 'Swap the faces');
	expect(answer.status).toBe(200);
	// no input for the model to fill, and a description that says not to call it
	const [tool] = openai.requests[0].tools ?? [];
	expect(tool.function.description).toMatch(/^Not available: .* Do not call this tool/);
	expect(Object.keys(tool.function.parameters?.properties ?? {})).toEqual([]);
	// the model that calls it anyway gets the reason
	expect(openai.toolResults()[0]).toContain('Swap Multiple Faces (image) is not available to an AI Agent');
	expect(api.requests).toHaveLength(0);
});

test('a tool saved with Result Mode "Wait for Result" answers at once as Submit Only', async () => {
	openai.argumentsFor = () => ({ [MODEL_INPUTS.targetImageUrl.key]: `${SOURCE_URL}?wait`, [MODEL_INPUTS.faceImageUrl.key]: FACE_URL });
	const answer = await ask({ ...imageSwapTool, resultMode: 'wait' }, 'Swap the face');
	expect(answer.status).toBe(200);
	expect(api.apiRequests()).toHaveLength(1);
	// no resume URL went to aifaceswap: the execution never paused
	expect(api.apiRequests()[0].body.webhook).toBeUndefined();
	expect(answer.output).toContain(api.tasks[0].taskId);
});

test('example 7: a chat message to the example workflow starts a swap, the answer has the task ID', async () => {
	const text = fs
		.readFileSync(path.resolve(__dirname, '..', '..', 'examples', '7-ai-agent-tool.json'), 'utf8')
		.replaceAll('https://YOUR-N8N/webhook/YOUR-TRIGGER-ID/task_callback?token=YOUR-SECRET', 'https://n8n.example.com/webhook/results/task_callback');
	const workflow = JSON.parse(text) as WorkflowFile;
	const chatTrigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger')!;
	// reachable without the editor's chat panel: a public chat answering at its webhook
	chatTrigger.parameters = { ...chatTrigger.parameters, public: true };
	for (const node of workflow.nodes) {
		if (node.credentials?.aifaceswapApi) node.credentials.aifaceswapApi = aifaceswapCredential;
		if (node.credentials?.openAiApi) node.credentials.openAiApi = openAiCredential;
	}
	await n8n.importWorkflow(workflow, { activate: true });
	openai.argumentsFor = (tool) => {
		expect(tool.function.description).toBe(TOOL_DESCRIPTIONS.imageSwapFace);
		return { [MODEL_INPUTS.targetImageUrl.key]: `${SOURCE_URL}?chat`, [MODEL_INPUTS.faceImageUrl.key]: FACE_URL };
	};
	const response = await fetch(`${n8n.url}/webhook/${chatTrigger.webhookId}/chat`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ action: 'sendMessage', sessionId: 'e2e-session', chatInput: `Put the face ${FACE_URL} into ${SOURCE_URL}?chat` }),
	});
	const answer = (await response.json()) as { output?: string };
	expect(response.status).toBe(200);
	expect(api.apiRequests()[0].body).toEqual({ source_image: `${SOURCE_URL}?chat`, face_image: FACE_URL, webhook: 'https://n8n.example.com/webhook/results/task_callback' });
	expect(answer.output).toContain(api.tasks[0].taskId);
	// the system message of the example reached the model
	expect(JSON.stringify(openai.requests[0].messages[0])).toContain('Use the Swap Face tool');
});
