import { FACE_BOXES, MOCK_API_KEY } from '../mock-api/server';
import {
	CALLBACK_URL,
	FACE_JPEG,
	FACE_URL,
	FACE_URL_2,
	faceFile,
	PHOTO_PNG,
	photoFile,
	sha256,
	SOURCE_URL,
} from '../support/fixtures';
import { runAifaceswap } from '../support/n8n';
import { useMockApi } from '../support/mock';
import { PRICES } from '../../nodes/Aifaceswap/pricing/credits';
import { callbackTypeOf, creditsFor, pathOf } from '../support/operations';

const api = useMockApi();

const run = async (parameters: Record<string, unknown>, items?: Parameters<typeof runAifaceswap>[0]['items']) =>
	await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, items });

describe('image: swapFace', () => {
	test('URLs go as JSON with the callback URL, and the output has the task id and credits', async () => {
		const result = await run({
			resource: 'image',
			operation: 'swapFace',
			sourceImageUrl: SOURCE_URL,
			faceImageUrl: `={{ "${FACE_URL}" }}`,
			webhookUrl: CALLBACK_URL,
		});
		expect(result.error).toBeUndefined();
		const [request] = api.apiRequests();
		expect(api.apiRequests()).toHaveLength(1);
		expect(request.path).toBe(pathOf('image', 'swapFace'));
		expect(request.method).toBe('POST');
		expect(request.headers.authorization).toBe(`Bearer ${MOCK_API_KEY}`);
		expect(request.contentType).toMatch(/^application\/json/);
		expect(request.body).toEqual({ source_image: SOURCE_URL, face_image: FACE_URL, webhook: CALLBACK_URL });
		expect(result.output).toEqual([
			{ json: { taskId: api.tasks[0].taskId, reference: '', credits: PRICES.image.swapFace, estimatedCredits: PRICES.image.swapFace, type: callbackTypeOf('image', 'swapFace'), alreadySubmitted: false }, pairedItem: { item: 0 } },
		]);
	});

	test('no callback URL means no webhook field', async () => {
		await run({ resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL });
		expect(api.apiRequests()[0].body).toEqual({ source_image: SOURCE_URL, face_image: FACE_URL });
	});

	test('binary images are uploaded as multipart files with their names, types and bytes', async () => {
		const result = await run(
			{
				resource: 'image',
				operation: 'swapFace',
				sourceImageInput: 'binary',
				faceImageInput: 'binary',
				webhookUrl: CALLBACK_URL,
			},
			[{ json: {}, binary: { data: photoFile, face: faceFile } }],
		);
		expect(result.error).toBeUndefined();
		const [request] = api.apiRequests();
		expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(request.files).toEqual({
			source_image: { fileName: 'photo.png', mimeType: 'image/png', size: PHOTO_PNG.length, sha256: sha256(PHOTO_PNG) },
			face_image: { fileName: 'face.jpg', mimeType: 'image/jpeg', size: FACE_JPEG.length, sha256: sha256(FACE_JPEG) },
		});
		expect(request.body).toEqual({ webhook: CALLBACK_URL });
		expect(result.output?.[0].json).toEqual({ taskId: api.tasks[0].taskId, reference: '', credits: PRICES.image.swapFace, estimatedCredits: PRICES.image.swapFace, type: callbackTypeOf('image', 'swapFace'), alreadySubmitted: false });
	});

	test('one binary and one URL image: the URL goes as a text field of the multipart body', async () => {
		await run(
			{
				resource: 'image',
				operation: 'swapFace',
				sourceImageInput: 'binary',
				sourceImageBinaryProperty: 'photo',
				faceImageUrl: FACE_URL,
			},
			[{ binary: { photo: photoFile } }],
		);
		const [request] = api.apiRequests();
		expect(Object.keys(request.files)).toEqual(['source_image']);
		expect(request.body).toEqual({ face_image: FACE_URL });
	});

	test('each item is its own task, in order', async () => {
		const result = await run(
			{ resource: 'image', operation: 'swapFace', sourceImageUrl: '={{ $json.photo }}', faceImageUrl: FACE_URL },
			[{ json: { photo: `${SOURCE_URL}?1` } }, { json: { photo: `${SOURCE_URL}?2` } }, { json: { photo: `${SOURCE_URL}?3` } }],
		);
		expect(api.apiRequests().map((r) => r.body.source_image)).toEqual([`${SOURCE_URL}?1`, `${SOURCE_URL}?2`, `${SOURCE_URL}?3`]);
		expect(result.output?.map((item) => item.json.taskId)).toEqual(api.tasks.map((t) => t.taskId));
		expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});

describe('image: extractFaces', () => {
	const faces = FACE_BOXES.map(([x1, y1, x2, y2], index) => ({ index, x1, y1, x2, y2 }));

	test('from a URL: faces in API order with their index, count and credits', async () => {
		const result = await run({ resource: 'image', operation: 'extractFaces', imageUrl: SOURCE_URL });
		expect(api.apiRequests()[0].path).toBe(pathOf('image', 'extractFaces'));
		expect(api.apiRequests()[0].body).toEqual({ img: SOURCE_URL });
		expect(result.output).toEqual([{ json: { faces, faceCount: 3, credits: PRICES.image.extractFaces }, pairedItem: { item: 0 } }]);
	});

	test('from binary: uploaded as the multipart file field img', async () => {
		const result = await run({ resource: 'image', operation: 'extractFaces', imageInput: 'binary' }, [
			{ binary: { data: photoFile } },
		]);
		expect(api.apiRequests()[0].files).toEqual({
			img: { fileName: 'photo.png', mimeType: 'image/png', size: PHOTO_PNG.length, sha256: sha256(PHOTO_PNG) },
		});
		expect(result.output?.[0].json.faceCount).toBe(3);
	});
});

describe('image: swapMultipleFaces', () => {
	test('faces become face_image and index lists in the same order', async () => {
		const result = await run({
			resource: 'image',
			operation: 'swapMultipleFaces',
			sourceImageUrl: SOURCE_URL,
			faces: { face: [{ index: 2, faceImageUrl: FACE_URL }, { index: 0, faceImageUrl: FACE_URL_2 }] },
			webhookUrl: CALLBACK_URL,
		});
		expect(result.error).toBeUndefined();
		const [request] = api.apiRequests();
		expect(request.path).toBe(pathOf('image', 'swapMultipleFaces'));
		expect(request.body).toEqual({
			source_image: SOURCE_URL,
			face_image: [FACE_URL, FACE_URL_2],
			index: [2, 0],
			webhook: CALLBACK_URL,
		});
		const credits = creditsFor('image', 'swapMultipleFaces');
		expect(result.output?.[0].json).toEqual({ taskId: api.tasks[0].taskId, reference: '', credits, estimatedCredits: credits, type: callbackTypeOf('image', 'swapMultipleFaces'), alreadySubmitted: false });
	});
});
