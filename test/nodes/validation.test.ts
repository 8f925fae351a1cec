import { FACE_URL, photoFile, SOURCE_URL, textFile, VIDEO_URL } from '../support/fixtures';
import type { TestItem } from '../support/n8n';
import { useMockApi } from '../support/mock';
import { runAifaceswap } from '../support/n8n';
import { creditsFor } from '../support/operations';

const api = useMockApi();

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };
const videoSwap = { resource: 'video', operation: 'swapFace', sourceVideoUrl: VIDEO_URL, faceImageUrl: FACE_URL, durationSource: 'manual', duration: 5 };
/** Ten seconds of video swap at 2K, by the price list. */
const tenSeconds = creditsFor('video', 'swapFace', { durationSeconds: 10, enhance: 2 });
const base64 = photoFile.data.toString('base64');
const multiVideo = (references: unknown[], extra: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'swapMultipleFaces',
	sourceVideoUrl: VIDEO_URL,
	references: { reference: references },
	durationSource: 'manual',
	duration: 5,
	enhance: 0,
	...extra,
});
const ref = { faceRefInput: 'base64', faceRefBase64: base64, faceImageUrl: FACE_URL };

type Case = [name: string, parameters: Record<string, unknown>, message: RegExp, items?: TestItem[]];

const cases: Case[] = [
	['an empty URL', { ...imageSwap, sourceImageUrl: '={{ $json.missing ?? "" }}' }, /^Source Image URL \(sourceImageUrl\) is empty/],
	['a URL without http(s)', { ...imageSwap, faceImageUrl: 'ftp://example.com/f.jpg' }, /^Face Image URL \(faceImageUrl\) must start with http:\/\/ or https:\/\//],
	['a URL that is not a URL', { ...imageSwap, faceImageUrl: 'face.jpg' }, /^Face Image URL \(faceImageUrl\) is not a valid URL: "face.jpg"/],
	['a missing binary property', { ...imageSwap, sourceImageInput: 'binary', sourceImageBinaryProperty: 'photo' }, /^Source Image Binary Property \(sourceImageBinaryProperty\) names "photo", but the item has no binary property of that name/, [{ binary: { data: photoFile } }]],
	['a binary property that is not an image', { resource: 'image', operation: 'extractFaces', imageInput: 'binary' }, /^Image Binary Property \(imageBinaryProperty\) names "data", which is not an image \(its type is "text\/plain"\)/, [{ binary: { data: textFile } }]],
	['an empty face list', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: {} }, /^Faces \(faces\) is empty/],
	['a duplicate face index', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: 1, faceImageUrl: FACE_URL }, { index: 1, faceImageUrl: FACE_URL }] } }, /^Faces > Face 2 > Index \(faces\.face\[1\]\.index\) repeats face index 1/],
	['a negative face index', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: -1, faceImageUrl: FACE_URL }] } }, /^Faces > Face 1 > Index \(faces\.face\[0\]\.index\) must be a whole number from 0/],
	['a face without a URL', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: 0, faceImageUrl: '' }] } }, /^Faces > Face 1 > Face Image URL \(faces\.face\[0\]\.faceImageUrl\) is empty/],
	['no references', multiVideo([]), /^References \(references\) is empty/],
	['a reference that is not base64', multiVideo([{ ...ref, faceRefBase64: 'not base64!' }]), /^References > Reference 1 > Face Reference Base64 \(references\.reference\[0\]\.faceRefBase64\) is not base64/],
	['a zero duration', { ...videoSwap, duration: 0 }, /^Duration \(Seconds\) \(duration\) must be a positive number of seconds, got 0/],
	['a negative duration', multiVideo([ref], { duration: -2 }), /^Duration \(Seconds\) \(duration\) must be a positive number of seconds, got -2/],
	['a duration that is not a number', { ...videoSwap, duration: '={{ "five" }}' }, /^Duration \(Seconds\) \(duration\) must be a positive number of seconds, got five/],
	['an enhance value outside 0-2', { ...videoSwap, enhance: '={{ 3 }}' }, /^Enhance \(enhance\) must be 0 \(none\), 1 \(up to 1080p\) or 2 \(up to 2K\), got 3/],
	['frame text that is not base64', { resource: 'video', operation: 'extractFaces', frameInput: 'base64', frameBase64: 'abc$%^' }, /^Frame Base64 \(frameBase64\) is not base64 text of an image/],
	['an empty frame', { resource: 'video', operation: 'extractFaces', frameInput: 'base64', frameBase64: '  ' }, /^Frame Base64 \(frameBase64\) is empty/],
	['a callback URL that is not http(s)', { ...imageSwap, webhookUrl: 'n8n.local/webhook' }, /^Callback URL \(webhookUrl\) is not a valid URL/],
	['an estimate above Max Credits', { ...videoSwap, duration: 10, enhance: 2, options: { maxCredits: tenSeconds - 1 } }, new RegExp(`^Max Credits \\(options\\.maxCredits\\) is ${tenSeconds - 1}, but this task is estimated at ${tenSeconds} credits, so it was not sent`)],
];

test.each(cases.map(([name, parameters, message, items]) => ({ name, parameters, message, items })))(
	'$name is refused before any request',
	async ({ parameters, message, items }) => {
	const result = await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, items });
	expect(result.status).toBe('error');
	expect(result.error?.message).toMatch(message);
	expect(result.error?.name).toBe('NodeOperationError');
	expect(api.requests).toHaveLength(0);
	},
);

test('a task within Max Credits is sent', async () => {
	const result = await runAifaceswap({
		baseUrl: api.url,
		parameters: { ...videoSwap, duration: 10, enhance: 2, options: { maxCredits: tenSeconds } } as never,
	});
	expect(result.output?.[0].json.estimatedCredits).toBe(tenSeconds);
	expect(api.apiRequests()).toHaveLength(1);
});

test('the error names the failing item', async () => {
	const result = await runAifaceswap({
		baseUrl: api.url,
		parameters: { ...imageSwap, sourceImageUrl: '={{ $json.url }}' } as never,
		items: [{ json: { url: SOURCE_URL } }, { json: { url: 'nope' } }],
	});
	expect(result.error?.message).toMatch(/Source Image URL \(sourceImageUrl\) is not a valid URL: "nope"/);
	expect(result.error?.context?.itemIndex ?? result.error?.itemIndex).toBe(1);
});

test('n8n itself flags a static empty required URL and a fourth reference before running', async () => {
	const empty = await runAifaceswap({ baseUrl: api.url, parameters: { ...imageSwap, sourceImageUrl: '' } as never });
	expect(empty.error?.message).toMatch(/Parameter "Source Image URL" is required/);
	const four = await runAifaceswap({ baseUrl: api.url, parameters: multiVideo([ref, ref, ref, ref]) as never });
	expect(four.error?.message).toMatch(/At most 3 fields are allowed/);
	expect(api.requests).toHaveLength(0);
});

test('a fourth reference that got past n8n is refused by the node itself', async () => {
	// n8n blocks a fourth reference in the editor and before running (above); older n8n versions
	// only in the editor, so the operation checks again. Called directly with a minimal context.
	const { execute } = await import('../../nodes/Aifaceswap/actions/video/swapMultipleFaces.operation');
	const parameters: Record<string, unknown> = multiVideo([ref, ref, ref, ref]);
	const context = {
		getNode: () => ({ name: 'Aifaceswap', type: 'n8n-nodes-aifaceswap.aifaceswap', typeVersion: 1, parameters: {} }),
		getNodeParameter: (name: string) => parameters[name],
		getInputData: () => [{ json: {} }],
	};
	const run = { api: { baseUrl: async () => 'https://aifaceswap.io' }, resultMode: 'submit' };
	await expect(execute.call(context as never, 0, run as never)).rejects.toThrow(
		/^References \(references\) has 4 entries, but aifaceswap swaps at most 3 faces in a video\.$/,
	);
});

test('a Result Mode saved as an expression is refused before anything is sent (it decides how the whole run goes)', async () => {
	const result = await runAifaceswap({ baseUrl: api.url, parameters: { ...imageSwap, resultMode: '={{ "wait" }}' } as never });
	expect(result.error?.message).toMatch(/^Result Mode \(resultMode\) must be "Submit Only", "Wait for Result" or "Estimate Only \(Sends Nothing\)", not "\{\{ \\"wait\\" \}\}", so nothing was sent\.$/);
	expect(api.requests).toHaveLength(0);
});

test('Max Credits\' advice fits the price: a fixed price names no duration, a video price what it depends on', async () => {
	const image = await runAifaceswap({ baseUrl: api.url, parameters: { ...imageSwap, options: { maxCredits: 1 } } as never });
	expect(image.error?.description).toMatch(/^This operation always costs \d+ credits: raise Max Credits to at least \d+, or set it to 0 for no limit\.$/);
	const video = await runAifaceswap({ baseUrl: api.url, parameters: { ...videoSwap, options: { maxCredits: 1 } } as never });
	expect(video.error?.description).toMatch(/^Raise Max Credits, or lower what the price depends on: .*enhance.*\.$/);
	expect(api.requests).toHaveLength(0);
});
