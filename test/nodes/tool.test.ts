/**
 * The node as an AI Agent's tool: what n8n's own parameter logic makes of the description for the
 * tool variant (a type name ending in "Tool", as n8n names it), and how the node runs as a tool.
 */
import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import { MODEL_INPUTS, TOOL_DESCRIPTIONS } from '../../nodes/Aifaceswap/actions/tool.descriptions';
import { FACE_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { runAifaceswap } from '../support/n8n';

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
	['image', 'swapMultipleFaces', TOOL_DESCRIPTIONS.imageSwapMultipleFaces, { sourceImageUrl: MODEL_INPUTS.targetImageUrl }],
	['video', 'swapFace', TOOL_DESCRIPTIONS.videoSwapFace, { sourceVideoUrl: MODEL_INPUTS.targetVideoUrl, faceImageUrl: MODEL_INPUTS.faceImageUrl }],
	['video', 'extractFaces', TOOL_DESCRIPTIONS.videoExtractFaces, {}],
	['video', 'swapMultipleFaces', TOOL_DESCRIPTIONS.videoSwapMultipleFaces, { sourceVideoUrl: MODEL_INPUTS.targetVideoUrl }],
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
