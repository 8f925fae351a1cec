import { FRAME_BOXES } from '../mock-api/server';
import { CALLBACK_URL, FACE_JPEG, FACE_URL, FACE_URL_2, faceFile, PHOTO_PNG, photoFile, VIDEO_URL } from '../support/fixtures';
import { runAifaceswap } from '../support/n8n';
import { useMockApi } from '../support/mock';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';
import { callbackTypeOf, creditsFor, pathOf } from '../support/operations';

const api = useMockApi();

const run = async (parameters: Record<string, unknown>, items?: Parameters<typeof runAifaceswap>[0]['items']) =>
	await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, items });

describe('video: swapFace', () => {
	test.each([
		[0, 5],
		[1, 5],
		[2, 2.5],
	])('enhance %i for %f s: body, charged credits and estimate by the price list', async (enhance, duration) => {
		const credits = creditsFor('video', 'swapFace', { durationSeconds: duration, enhance });
		const result = await run({
			resource: 'video',
			operation: 'swapFace',
			sourceVideoUrl: VIDEO_URL,
			faceImageUrl: FACE_URL,
			durationSource: 'manual',
			duration,
			enhance,
			webhookUrl: CALLBACK_URL,
		});
		expect(result.error).toBeUndefined();
		const [request] = api.apiRequests();
		expect(request.path).toBe(pathOf('video', 'swapFace'));
		expect(request.body).toEqual({
			source_video: VIDEO_URL,
			face_image: FACE_URL,
			duration,
			enhance,
			webhook: CALLBACK_URL,
		});
		expect(result.output).toEqual([
			{ json: { taskId: api.tasks[0].taskId, reference: '', credits, estimatedCredits: credits, duration, type: callbackTypeOf('video', 'swapFace'), alreadySubmitted: false }, pairedItem: { item: 0 } },
		]);
	});
});

describe('video: extractFaces', () => {
	const faces = FRAME_BOXES.map(([x1, y1, x2, y2], index) => ({ index, x1, y1, x2, y2 }));

	test('a binary frame is sent as base64_img; faces come from pos; the API reports no points, so credits is the price-list cost; the frame passes through for cropping', async () => {
		const result = await run({ resource: 'video', operation: 'extractFaces' }, [{ binary: { data: photoFile } }]);
		const [request] = api.apiRequests();
		expect(request.path).toBe(pathOf('video', 'extractFaces'));
		expect(request.contentType).toMatch(/^application\/json/);
		expect(request.body).toEqual({ base64_img: PHOTO_PNG.toString('base64') });
		expect(result.output).toEqual([{ json: { faces, faceCount: 2, credits: PRICES.video.extractFaces }, binary: { data: expect.objectContaining({ fileName: 'photo.png', mimeType: 'image/png' }) }, pairedItem: { item: 0 } }]);
	});

	test('base64 text: a data URL prefix and line breaks are removed', async () => {
		const base64 = PHOTO_PNG.toString('base64');
		const wrapped = `data:image/png;base64,${base64.slice(0, 40)}\n${base64.slice(40)}`;
		await run({ resource: 'video', operation: 'extractFaces', frameInput: 'base64', frameBase64: wrapped });
		expect(api.apiRequests()[0].body).toEqual({ base64_img: base64 });
	});
});

describe('video: swapMultipleFaces', () => {
	test('references from base64 and binary become ref_info; estimate (faces + 1 + enhance) x 2 x duration', async () => {
		const base64 = PHOTO_PNG.toString('base64');
		const result = await run(
			{
				resource: 'video',
				operation: 'swapMultipleFaces',
				sourceVideoUrl: VIDEO_URL,
				references: {
					reference: [
						{ faceRefInput: 'base64', faceRefBase64: base64, faceImageUrl: FACE_URL },
						{ faceRefInput: 'binary', faceRefBinaryProperty: 'ref2', faceImageUrl: FACE_URL_2 },
					],
				},
				durationSource: 'manual',
				duration: 4,
				enhance: 1,
				webhookUrl: CALLBACK_URL,
			},
			[{ binary: { ref2: faceFile } }],
		);
		expect(result.error).toBeUndefined();
		const [request] = api.apiRequests();
		expect(request.path).toBe(pathOf('video', 'swapMultipleFaces'));
		expect(request.body).toEqual({
			source_video: VIDEO_URL,
			ref_info: [
				{ face_ref: base64, face_url: FACE_URL },
				{ face_ref: FACE_JPEG.toString('base64'), face_url: FACE_URL_2 },
			],
			duration: 4,
			enhance: 1,
			webhook: CALLBACK_URL,
		});
		// priced by its 2 faces, enhance 1 and 4 s
		const credits = creditsFor('video', 'swapMultipleFaces', { durationSeconds: 4, enhance: 1, faceCount: 2 });
		expect(result.output?.[0].json).toEqual({ taskId: api.tasks[0].taskId, reference: '', credits, estimatedCredits: credits, duration: 4, type: callbackTypeOf('video', 'swapMultipleFaces'), alreadySubmitted: false });
	});
});
