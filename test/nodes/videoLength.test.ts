/**
 * Duration Source "Read From the Video": the video swaps read the length from the MP4 / MOV file
 * over real HTTP range requests (n8n-core's HTTP helper against the mock on loopback), send it as
 * `duration`, and refuse clearly, with nothing sent to aifaceswap, when they cannot.
 */
import { FACE_URL, PHOTO_PNG } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { mp4 } from '../support/mp4';
import { runAifaceswap } from '../support/n8n';
import { creditsFor } from '../support/operations';

const api = useMockApi();

const videoUrl = (name: string) => `${api.url}/files/${name}`;
const swap = (name: string, extra: Record<string, unknown> = {}) => ({
	resource: 'video',
	operation: 'swapFace',
	sourceVideoUrl: videoUrl(name),
	faceImageUrl: FACE_URL,
	enhance: 1,
	...extra,
});
const run = async (parameters: Record<string, unknown>, continueOnFail = false) =>
	await runAifaceswap({ baseUrl: api.url, parameters: parameters as never, continueOnFail });

test('Duration Source defaults to the video: a faststart file costs one 64 KiB range read', async () => {
	api.files.serve('fast.mp4', { bytes: mp4({ moovFirst: true, timescale: 1000, duration: 12_345, mdatBytes: 5 * 1024 * 1024 }) });
	const result = await run(swap('fast.mp4'));
	const [request] = api.apiRequests();
	expect(request.body).toMatchObject({ duration: 12.35, enhance: 1 });
	// 12.35 s at enhance 1
	expect(result.output?.[0].json).toMatchObject({ duration: 12.35, estimatedCredits: creditsFor('video', 'swapFace', { durationSeconds: 12.35, enhance: 1 }) });
	expect(api.files.ranges.get('fast.mp4')).toEqual(['bytes=0-65535']);
	expect(api.files.bytesSent('fast.mp4')).toBe(65_536);
});

test('moov at the end of a 20 MiB file: the first read, then the moov box only', async () => {
	const file = mp4({ moovFirst: false, version: 1, timescale: 90_000, duration: 90_000 * 61.5, mdatBytes: 20 * 1024 * 1024 });
	api.files.serve('tail.mp4', { bytes: file });
	const result = await run({ ...swap('tail.mp4'), resource: 'video', operation: 'swapMultipleFaces', references: { reference: [{ faceRefInput: 'base64', faceRefBase64: PHOTO_PNG.toString('base64'), faceImageUrl: FACE_URL }] } });
	expect(api.apiRequests()[0].body).toMatchObject({ duration: 61.5 });
	expect(result.output?.[0].json).toMatchObject({ duration: 61.5 });
	const moovSize = file.length - (32 + 8 + 20 * 1024 * 1024);
	expect(api.files.ranges.get('tail.mp4')).toHaveLength(2);
	expect(api.files.bytesSent('tail.mp4')).toBe(65_536 + moovSize);
});

test('Duration Source Manual sends the entered length and reads nothing', async () => {
	api.files.serve('manual.mp4', { bytes: mp4() });
	const result = await run(swap('manual.mp4', { durationSource: 'manual', duration: 3 }));
	expect(api.apiRequests()[0].body).toMatchObject({ duration: 3 });
	expect(result.output?.[0].json).toMatchObject({ duration: 3 });
	expect(api.files.ranges.get('manual.mp4')).toBeUndefined();
});

test.each([
	['a 404', 'missing.mp4', undefined, /the server answered HTTP 404/],
	['a 403', 'forbidden.mp4', { bytes: mp4(), status: 403 }, /the server answered HTTP 403/],
	['an HTML page', 'page.mp4', { bytes: Buffer.from('<html><body>Sign in</body></html>'), contentType: 'text/html; charset=utf-8' }, /it is a web page \(text\/html\), not a video file/],
	['a server that ignores Range', 'norange.mp4', { bytes: mp4({ mdatBytes: 30 * 1024 * 1024 }), ignoreRange: true }, /ignores range requests \(HTTP 200 instead of 206\)/],
	['a fragmented MP4', 'frag.mp4', { bytes: mp4({ fragmented: true }) }, /fragmented MP4/],
	['an mvhd duration of 0', 'zero.mp4', { bytes: mp4({ duration: 0 }) }, /states no length/],
	['a file that is not a video', 'photo.mp4', { bytes: PHOTO_PNG, contentType: 'application/octet-stream' }, /not an MP4 or MOV file/],
])('%s: a clear error naming the URL\'s problem and Manual, and nothing sent to aifaceswap', async (_name, file, served, reason) => {
	if (served) api.files.serve(file, served as never);
	const result = await run(swap(file), true);
	expect(api.apiRequests()).toHaveLength(0);
	const json = result.output?.[0].json as { error: string; description: string };
	expect(json.error).toMatch(/^Could not read the length of the video at Source Video URL \(sourceVideoUrl\): /);
	expect(json.error).toMatch(reason);
	expect(json.error).toMatch(/Nothing was sent to aifaceswap\.$/);
	expect(json.description).toMatch(/set Duration Source to Manual/);
});

test('a server that ignores Range is not read to the end', async () => {
	api.files.serve('big.mp4', { bytes: mp4({ mdatBytes: 30 * 1024 * 1024 }), ignoreRange: true });
	await run(swap('big.mp4'), true);
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(api.files.bytesSent('big.mp4')).toBeLessThan(4 * 1024 * 1024);
});

test('an unreachable host: a clear error, nothing sent', async () => {
	const result = await run({ ...swap('x.mp4'), sourceVideoUrl: 'http://127.0.0.1:9/x.mp4' }, true);
	expect(api.apiRequests()).toHaveLength(0);
	expect((result.output?.[0].json as { error: string }).error).toMatch(/n8n could not download it \(the connection was refused\)/);
});
