/**
 * The node as an AI Agent's tool: what n8n's own parameter logic makes of the description for the
 * tool variant (a type name ending in "Tool", as n8n names it), and how the node runs as a tool.
 */
import type { INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import { hasResultMode } from '../../nodes/Aifaceswap/actions/operation';
import { MODEL_INPUTS, notForModelsMessage, TOOL_DESCRIPTIONS } from '../../nodes/Aifaceswap/actions/tool.descriptions';
import { TOOL_MAX_CREDITS } from '../../nodes/Aifaceswap/pricing/credits';
import { FACE_URL, PHOTO_PNG, VIDEO_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { runAifaceswap } from '../support/n8n';
import { creditsFor, DECLARED, declarationOf, FOR_MODELS } from '../support/operations';
import { publicLooking } from '../support/public-host';

const api = useMockApi();
const node = new Aifaceswap().description;

/** The parameters n8n fills in for a node of this type, as it does when it loads a workflow. */
function parametersOf(asTool: boolean, set: Record<string, unknown>) {
	const description = { ...node, name: asTool ? `${node.name}Tool` : node.name } as INodeTypeDescription;
	return NodeHelpers.getNodeParameters(description.properties, set as never, true, false, { typeVersion: 1 } as never, description) ?? {};
}

const fromAi = (input: { key: string; description: string }) => `={{ $fromAI('${input.key}', '${input.description}', 'string') }}`;

/** The operation's own Tool Description and the fields its tool variant has the model fill ($fromAI defaults). */
function toolFieldsOf({ module }: (typeof FOR_MODELS)[number]) {
	const inTool = module.description.filter((p) => JSON.stringify(p.displayOptions?.show?.['@tool']) === '[true]');
	const text = inTool.find((p) => p.name === 'toolDescription')?.default;
	const modelFilled = inTool.filter((p) => String(p.default).startsWith('={{ $fromAI(')).map((p) => [p.name, p.default] as const);
	return { text, modelFilled };
}

test('the URLs the model fills, as the model reads them', () => {
	const { modelFilled } = toolFieldsOf(FOR_MODELS.find((d) => d.resource === 'image' && d.operation === 'swapFace')!);
	expect(modelFilled).toEqual([
		['sourceImageUrl', fromAi(MODEL_INPUTS.targetImageUrl)],
		['faceImageUrl', fromAi(MODEL_INPUTS.faceImageUrl)],
	]);
});

test.each(FOR_MODELS.map((declared) => [declared.resource, declared.operation, declared] as const))('%s %s: the tool gets its description and URLs the model fills; the node has neither', (resource, operation, declared) => {
	const tool = parametersOf(true, { resource, operation });
	const plain = parametersOf(false, { resource, operation });
	const { text, modelFilled } = toolFieldsOf(declared);
	// what it does, returns and costs
	expect(text).toMatch(/[Rr]eturns/);
	expect(text).toMatch(/credit/);
	expect(tool.toolDescription).toBe(text);
	expect(plain.toolDescription).toBeUndefined();
	expect(modelFilled.length).toBeGreaterThan(0);
	for (const [name, value] of modelFilled) {
		expect({ name, value: tool[name] }).toEqual({ name, value });
		expect({ name, value: plain[name] }).toEqual({ name, value: '' });
	}
	if (hasResultMode(declared.declaration)) {
		expect(tool.resultMode).toBeUndefined();
		expect(plain.resultMode).toBe('submit');
		// the Callback URL stays in the tool: where the results go
		expect('webhookUrl' in tool).toBe(true);
	}
});

const NOT_FOR_MODELS = DECLARED.filter(({ declaration }) => declaration.notForModels);

test.each(NOT_FOR_MODELS.map(({ resource, operation, declaration }) => [resource, operation, declaration.notForModels!] as const))('%s %s is not offered to a model: no $fromAI input, a description that says not to call it, a notice', (resource, operation, reason) => {
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
	// the model is told the limit, and what it buys
	expect(TOOL_DESCRIPTIONS.imageSwapFace).toContain(`a task estimated above ${TOOL_MAX_CREDITS} credits`);
	expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain(`a task estimated above ${TOOL_MAX_CREDITS} credits`);
	const perSecond = creditsFor('video', 'swapFace', { durationSeconds: 1 });
	expect(TOOL_DESCRIPTIONS.videoSwapFace).toContain(`${TOOL_MAX_CREDITS} credits cover ${TOOL_MAX_CREDITS / perSecond} s without enhancement`);
});

test('the budget per call covers every operation a model can use at a fixed price, and some seconds of video', () => {
	for (const { label, declaration } of FOR_MODELS) {
		if (typeof declaration.price === 'number') expect({ label, covered: declaration.price <= TOOL_MAX_CREDITS }).toEqual({ label, covered: true });
	}
	expect(creditsFor('video', 'swapFace', { durationSeconds: 1, enhance: 2 })).toBeLessThanOrEqual(TOOL_MAX_CREDITS);
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

	const credits = (seconds: number, enhance: number) => creditsFor('video', 'swapFace', { durationSeconds: seconds, enhance });

	test('a one-hour 2K video is refused with the reason as the answer to the model; nothing is sent', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: video(3600, 2) as never, asTool: true });
		expect(result.status).toBe('success');
		expect(result.output?.[0].json.error).toBe(`Max Credits (options.maxCredits) is ${TOOL_MAX_CREDITS}, but this task is estimated at ${credits(3600, 2)} credits, so it was not sent.`);
		expect(api.requests).toHaveLength(0);
	});

	/** At each enhance level: the longest whole-second video within the budget is sent, a second more is refused. */
	const rows = [0, 1, 2].flatMap((enhance) => {
		const within = Math.floor(TOOL_MAX_CREDITS / credits(1, enhance));
		return [
			[within, enhance, credits(within, enhance), true],
			[within + 1, enhance, credits(within + 1, enhance), false],
		] as const;
	});

	test.each(rows)('%s s at enhance %s (%s credits): sent %s', async (seconds, enhance, estimate, sent) => {
		expect(estimate <= TOOL_MAX_CREDITS).toBe(sent);
		const result = await runAifaceswap({ baseUrl: api.url, parameters: video(seconds, enhance) as never, asTool: true });
		expect(api.apiRequests()).toHaveLength(sent ? 1 : 0);
		if (sent) expect(result.output?.[0].json.estimatedCredits).toBe(estimate);
		else expect(result.output?.[0].json.error).toMatch(new RegExp(`is ${TOOL_MAX_CREDITS}, but this task is estimated at ${estimate} credits`));
	});

	test('the user sets the tool\'s Max Credits: 0 is no limit, another number is that limit', async () => {
		await runAifaceswap({ baseUrl: api.url, parameters: video(3600, 2, { maxCredits: 0 }) as never, asTool: true });
		expect(api.apiRequests()).toHaveLength(1);
		const limit = credits(60, 0) - 1;
		const refused = await runAifaceswap({ baseUrl: api.url, parameters: video(60, 0, { maxCredits: limit }) as never, asTool: true });
		expect(refused.output?.[0].json.error).toMatch(new RegExp(`^Max Credits \\(options\\.maxCredits\\) is ${limit}, but this task is estimated at ${credits(60, 0)} credits`));
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('the node (not a tool) keeps no limit by default', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: video(3600, 2) as never });
		expect(result.output?.[0].json.estimatedCredits).toBe(credits(3600, 2));
		expect(api.apiRequests()).toHaveLength(1);
	});
});

describe('operations a model cannot use', () => {
	/** The operation with its required text fields filled, so that n8n runs it (what they hold does not matter: nothing is read). */
	const filled = ({ resource, operation, module }: (typeof NOT_FOR_MODELS)[number]) => ({
		resource,
		operation,
		...Object.fromEntries(module.description.filter((p) => p.required && p.type === 'string').map((p) => [p.name, FACE_URL])),
	});

	test.each(NOT_FOR_MODELS.map((declared) => [declared.label, filled(declared), declared.declaration.notForModels!] as const))(
		'%s as a tool answers the model why, and sends nothing',
		async (_name, parameters, reason) => {
			const result = await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, asTool: true });
			expect(result.status).toBe('success');
			expect(result.output).toEqual([{ json: { error: notForModelsMessage(reason) }, pairedItem: { item: 0 } }]);
			expect(api.requests).toHaveLength(0);
		},
	);

	test('the same parameters on the node are sent: the refusal is the tool\'s', async () => {
		const parameters = { resource: 'video', operation: 'swapMultipleFaces', sourceVideoUrl: VIDEO_URL, durationSource: 'manual', duration: 2, enhance: 0, references: { reference: [{ faceRefInput: 'base64', faceRefBase64: PHOTO_PNG.toString('base64'), faceImageUrl: FACE_URL }] } };
		const asTool = await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, asTool: true });
		expect(asTool.output).toEqual([{ json: { error: notForModelsMessage(declarationOf('video', 'swapMultipleFaces').notForModels!) }, pairedItem: { item: 0 } }]);
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
