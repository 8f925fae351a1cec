/**
 * The node as an AI Agent's tool: what n8n's own parameter logic makes of the description for the
 * tool variant (a type name ending in "Tool", as n8n names it), and how the node runs as a tool.
 */
import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import * as imageSwapMultipleFaces from '../../nodes/Aifaceswap/actions/image/swapMultipleFaces.operation';
import { MODEL_INPUTS, notForModelsMessage, TOOL_DESCRIPTIONS } from '../../nodes/Aifaceswap/actions/tool.descriptions';
import * as videoExtractFaces from '../../nodes/Aifaceswap/actions/video/extractFaces.operation';
import * as videoSwapMultipleFaces from '../../nodes/Aifaceswap/actions/video/swapMultipleFaces.operation';
import { TOOL_MAX_CREDITS } from '../../nodes/Aifaceswap/pricing/credits';
import { FACE_URL, PHOTO_PNG, SOURCE_URL, VIDEO_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { runAifaceswap } from '../support/n8n';
import { publicLooking } from '../support/public-host';

const api = useMockApi();
const node = new Aifaceswap().description;

/** The parameters n8n fills in for a node of this type, as it does when it loads a workflow. */
function parametersOf(asTool: boolean, set: Record<string, unknown>) {
	const description = { ...node, name: asTool ? `${node.name}Tool` : node.name } as INodeTypeDescription;
	return NodeHelpers.getNodeParameters(description.properties, set as never, true, false, { typeVersion: 1 } as never, description) ?? {};
}

const fromAi = (input: { key: string; description: string }) => `={{ $fromAI('${input.key}', '${input.description}', 'string') }}`;

test.each([
	['image', 'swapFace', TOOL_DESCRIPTIONS.imageSwapFace, { sourceImageUrl: MODEL_INPUTS.targetImageUrl, faceImageUrl: MODEL_INPUTS.faceImageUrl }],
	['image', 'extractFaces', TOOL_DESCRIPTIONS.imageExtractFaces, { imageUrl: MODEL_INPUTS.imageUrl }],
	['video', 'swapFace', TOOL_DESCRIPTIONS.videoSwapFace, { sourceVideoUrl: MODEL_INPUTS.targetVideoUrl, faceImageUrl: MODEL_INPUTS.faceImageUrl }],
])('%s %s: the tool gets its description and URLs the model fills; the node has neither', (resource, operation, text, urls) => {
	const tool = parametersOf(true, { resource, operation });
	const plain = parametersOf(false, { resource, operation });
	expect(tool.toolDescription).toBe(text);
	expect(plain.toolDescription).toBeUndefined();
	for (const [name, input] of Object.entries(urls)) {
		expect({ name, value: tool[name] }).toEqual({ name, value: fromAi(input) });
		expect({ name, value: plain[name] }).toEqual({ name, value: '' });
	}
	if (operation !== 'extractFaces') {
		expect(tool.resultMode).toBeUndefined();
		expect(plain.resultMode).toBe('submit');
		// the Callback URL stays in the tool: where the results go
		expect('webhookUrl' in tool).toBe(true);
	}
});

test.each([
	['image', 'swapMultipleFaces', imageSwapMultipleFaces.declaration.notForModels],
	['video', 'extractFaces', videoExtractFaces.declaration.notForModels],
	['video', 'swapMultipleFaces', videoSwapMultipleFaces.declaration.notForModels],
])('%s %s is not offered to a model: no $fromAI input, a description that says not to call it, a notice', (resource, operation, reason) => {
	const tool = parametersOf(true, { resource, operation });
	expect(JSON.stringify(tool)).not.toContain('$fromAI');
	expect(tool.toolDescription).toMatch(/^Not available: .* Do not call this tool; it does nothing and returns an error\.$/);
	const notice = node.properties.find((p) => p.name === 'notForModelsNotice' && p.displayOptions?.show?.operation?.includes(operation) && p.displayOptions?.show?.resource?.includes(resource));
	expect(notice?.displayName).toBe(notForModelsMessage(reason));
	expect(notice?.displayOptions?.show?.['@tool']).toEqual([true]);
});

test('Estimate Only is not offered to the tool: the tool has no Result Mode, and a saved one is not kept', () => {
	for (const resultMode of ['estimate', 'wait']) {
		const tool = parametersOf(true, { resource: 'image', operation: 'swapFace', resultMode });
		expect(tool.resultMode).toBeUndefined();
		expect(parametersOf(false, { resource: 'image', operation: 'swapFace', resultMode }).resultMode).toBe(resultMode);
	}
	for (const text of Object.values(TOOL_DESCRIPTIONS)) expect(text).not.toMatch(/estimate only/i);
});

test('Max Credits: a budget per call in the tool, shown in its options; no limit on the node', () => {
	const swap = { resource: 'video', operation: 'swapFace' };
	expect(parametersOf(true, swap).options).toEqual({ maxCredits: TOOL_MAX_CREDITS });
	expect(parametersOf(false, swap).options).toEqual({});
	expect(TOOL_MAX_CREDITS).toBe(60);
	// the model is told the limit
	expect(TOOL_DESCRIPTIONS.imageSwapFace).toContain('a task estimated above 60 credits');
	expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain('a task estimated above 60 credits');
	expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain('60 credits cover 30 s without enhancement');
});

test('every tool description says what it returns and what it costs', () => {
	for (const text of Object.values(TOOL_DESCRIPTIONS)) {
		expect(text).toMatch(/[Rr]eturns/);
		expect(text).toMatch(/credits/);
	}
});

describe('running as a tool', () => {
	const swap = { resource: 'image', operation: 'swapFace', sourceImageUrl: 'not-a-url', faceImageUrl: FACE_URL };

	test('a bad input is the answer to the model, not a failed run; nothing is sent', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: swap as never, asTool: true });
		expect(result.status).toBe('success');
		expect(result.output?.[0].json).toEqual({ error: 'Source Image URL (sourceImageUrl) is not a valid URL: "not-a-url".' });
		expect(api.apiRequests()).toHaveLength(0);
	});

	test('as a plain node the same input fails the run', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: swap as never });
		expect(result.status).toBe('error');
	});

	test('Wait for Result saved on a tool is refused before anything is sent', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: { ...swap, sourceImageUrl: FACE_URL, resultMode: 'wait' } as never, asTool: true });
		expect(result.error?.message).toBe('Result Mode "Wait for Result" (resultMode) does not work when the node is an AI Agent\'s tool, so nothing was sent.');
		expect(api.apiRequests()).toHaveLength(0);
	});
});

describe('the budget per call', () => {
	const video = (seconds: number, enhance: number, options?: Record<string, unknown>) => ({
		resource: 'video',
		operation: 'swapFace',
		sourceVideoUrl: `${VIDEO_URL}?${seconds}-${enhance}`,
		faceImageUrl: FACE_URL,
		durationSource: 'manual',
		duration: seconds,
		enhance,
		...(options ? { options } : {}),
	});

	test('a one-hour 2K video (21,600 credits) is refused with the reason as the answer to the model; nothing is sent', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: video(3600, 2) as never, asTool: true });
		expect(result.status).toBe('success');
		expect(result.output?.[0].json.error).toBe('Max Credits (options.maxCredits) is 60, but this task is estimated at 21600 credits, so it was not sent.');
		expect(api.requests).toHaveLength(0);
	});

	test.each([
		[30, 0, 60, true],
		[30.5, 0, 61, false],
		[15, 1, 60, true],
		[10, 2, 60, true],
		[11, 2, 66, false],
	])('%s s at enhance %s (%s credits): sent %s', async (seconds, enhance, credits, sent) => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: video(seconds, enhance) as never, asTool: true });
		expect(api.apiRequests()).toHaveLength(sent ? 1 : 0);
		if (sent) expect(result.output?.[0].json.estimatedCredits).toBe(credits);
		else expect(result.output?.[0].json.error).toMatch(new RegExp(`is 60, but this task is estimated at ${credits} credits`));
	});

	test('the user sets the tool\'s Max Credits: 0 is no limit, another number is that limit', async () => {
		await runAifaceswap({ baseUrl: api.url, parameters: video(3600, 2, { maxCredits: 0 }) as never, asTool: true });
		expect(api.apiRequests()).toHaveLength(1);
		const refused = await runAifaceswap({ baseUrl: api.url, parameters: video(60, 0, { maxCredits: 100 }) as never, asTool: true });
		expect(refused.output?.[0].json.error).toMatch(/^Max Credits \(options\.maxCredits\) is 100, but this task is estimated at 120 credits/);
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('the node (not a tool) keeps no limit by default', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: video(3600, 2) as never });
		expect(result.output?.[0].json.estimatedCredits).toBe(21600);
		expect(api.apiRequests()).toHaveLength(1);
	});
});

describe('operations a model cannot use', () => {
	test.each([
		['image swapMultipleFaces', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: 0, faceImageUrl: FACE_URL }] } }, imageSwapMultipleFaces.declaration.notForModels],
		['video extractFaces', { resource: 'video', operation: 'extractFaces', frameInput: 'base64', frameBase64: PHOTO_PNG.toString('base64') }, videoExtractFaces.declaration.notForModels],
		['video swapMultipleFaces', { resource: 'video', operation: 'swapMultipleFaces', sourceVideoUrl: VIDEO_URL, durationSource: 'manual', duration: 2, enhance: 0, references: { reference: [{ faceRefInput: 'base64', faceRefBase64: PHOTO_PNG.toString('base64'), faceImageUrl: FACE_URL }] } }, videoSwapMultipleFaces.declaration.notForModels],
	])('%s as a tool answers the model why, and sends nothing', async (_name, parameters, reason) => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, asTool: true });
		expect(result.status).toBe('success');
		expect(result.output).toEqual([{ json: { error: notForModelsMessage(reason) }, pairedItem: { item: 0 } }]);
		expect(api.requests).toHaveLength(0);
		// the same parameters on the node are sent
		await runAifaceswap({ baseUrl: api.url, parameters: parameters as never });
		expect(api.apiRequests()).toHaveLength(1);
	});
});

test('a model\'s URL that aifaceswap cannot reach is refused with the reason (Base URL public); nothing is sent', async () => {
	const result = await runAifaceswap({
		baseUrl: publicLooking(api.url),
		parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: 'http://localhost:8080/me.jpg', faceImageUrl: FACE_URL } as never,
		asTool: true,
	});
	expect(result.output?.[0].json.error).toBe(
		'Source Image URL (sourceImageUrl) is "http://localhost:8080/me.jpg", which aifaceswap cannot reach from the internet: localhost is a name of this computer. Nothing was sent. Use a public URL, or set Source Image Input (sourceImageInput) to Binary File.',
	);
	expect(api.requests).toHaveLength(0);
});
