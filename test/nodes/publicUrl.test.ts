/**
 * URLs aifaceswap cannot reach are refused, with nothing sent, while the credential's Base URL is
 * public; with a Base URL that is itself local (a test server, a proxy on the same network) they
 * are sent. Real n8n-core runs against the mock API: the public Base URL is
 * `http://api.aifaceswap.test:<mock port>`, a name the test maps to loopback (support/public-host).
 */
import { unreachableFromInternet } from '../../nodes/Aifaceswap/inputs/publicUrl';
import { CALLBACK_URL, FACE_URL, PHOTO_PNG, SOURCE_URL, VIDEO_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { mp4 } from '../support/mp4';
import { runAifaceswap } from '../support/n8n';
import { publicLooking } from '../support/public-host';

const api = useMockApi();
const publicBase = () => publicLooking(api.url).replace(/\/$/, '');

/**
 * Every address form, both sides of each boundary: [URL as a user types it, reachable from the internet].
 * The host is judged as the WHATWG URL parser normalises it (e.g. 0x7f.1 and 2130706433 are 127.0.0.1).
 */
const ADDRESSES: Array<[url: string, reachable: boolean]> = [
	// names
	['http://localhost:5678/webhook/a/task_callback', false],
	['http://LOCALHOST./x', false],
	['http://n8n.localhost/x', false],
	['http://localhost.example.com/x', true],
	['http://a.local/x', false],
	['http://n8n.local./x', false],
	['http://local.example.com/x', true],
	['http://example.local.com/x', true],
	['http://db.internal/x', false],
	['http://internal.example.com/x', true],
	['http://nas.lan/x', false],
	['http://lan.example.com/x', true],
	['http://printer.home.arpa/x', false],
	['http://home.arpa.example.com/x', true],
	// a listed suffix counts only as a whole label
	['http://photos.glocal/x', true],
	['http://n8n.example.plan/x', true],
	['http://my.homearpa/x', true],
	['http://example/x', false],
	['http://example./x', false],
	['http://n8n:5678/webhook/a/task_callback', false],
	['https://example.com/x', true],
	['https://n8n.example.com./x', true],
	// IPv4 loopback and "this host", also in the forms URL normalises
	['http://126.255.255.255/x', true],
	['http://127.0.0.1:5678/x', false],
	['http://127.255.255.255/x', false],
	['http://128.0.0.0/x', true],
	['http://0x7f.1/x', false],
	['http://2130706433/x', false],
	['http://0177.0.0.1/x', false],
	['http://127.1/x', false],
	['http://0/x', false],
	['http://0.255.255.255/x', false],
	['http://1.0.0.0/x', true],
	// private 10/8
	['http://9.255.255.255/x', true],
	['http://10.0.0.0/x', false],
	['http://10.0.0.5/photo.jpg', false],
	['http://10.255.255.255/x', false],
	['http://0xa000005/x', false],
	['http://11.0.0.0/x', true],
	// shared 100.64/10
	['http://100.63.255.255/x', true],
	['http://100.64.0.0/x', false],
	['http://100.127.255.255/x', false],
	['http://100.128.0.0/x', true],
	// link-local 169.254/16
	['http://169.253.255.255/x', true],
	['http://169.254.0.0/x', false],
	['http://169.254.169.254/latest/meta-data', false],
	['http://169.255.0.0/x', true],
	// private 172.16/12
	['http://172.15.255.255/x', true],
	['http://172.16.0.0/x', false],
	['http://172.31.255.255/x', false],
	['http://172.32.0.0/x', true],
	// private 192.168/16
	['http://192.167.255.255/x', true],
	['http://192.168.0.0/x', false],
	['http://192.168.1.20:5678/x', false],
	['http://192.168.255.255/x', false],
	['http://192.169.0.0/x', true],
	// multicast and reserved
	['http://223.255.255.255/x', true],
	['http://224.0.0.0/x', false],
	['http://255.255.255.255/x', false],
	['http://8.8.8.8/x', true],
	// IPv6
	['http://[::1]/x', false],
	['http://[0:0:0:0:0:0:0:1]/x', false],
	['http://[::]/x', false],
	['http://[::2]/x', false],
	['http://[::127.0.0.1]/x', false],
	['http://[::ffff:10.0.0.1]/x', false],
	['http://[::ffff:a00:1]/x', false],
	['http://[::ffff:127.0.0.1]/x', false],
	['http://[::ffff:100.63.255.255]/x', true],
	['http://[::ffff:100.64.0.0]/x', false],
	['http://[::ffff:8.8.8.8]/x', true],
	['http://[64:ff9b::10.0.0.1]/x', false],
	['http://[64:ff9b::8.8.8.8]/x', true],
	['http://[fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/x', true],
	['http://[fc00::]/x', false],
	['http://[fd12:3456::1]/x', false],
	['http://[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/x', false],
	['http://[fe00::1]/x', true],
	['http://[fe7f:ffff::1]/x', true],
	['http://[fe80::]/x', false],
	['http://[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/x', false],
	['http://[fec0::1]/x', false],
	['http://[ff02::1]/x', false],
	['http://[2606:4700:4700::1111]/x', true],
];

describe('the rule, from the URL text alone', () => {
	test.each(ADDRESSES)('%s: reachable %s', (url, reachable) => {
		expect(unreachableFromInternet(new URL(url).hostname) === undefined).toBe(reachable);
	});

	test('the test Base URL counts as public', () => {
		expect(unreachableFromInternet('api.aifaceswap.test')).toBeUndefined();
	});
});

const imageSwap = { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL };

describe('every address form as the Callback URL, through n8n', () => {
	test.each(ADDRESSES)('Base URL public: %s is sent only when reachable (%s)', async (url, reachable) => {
		const result = await runAifaceswap({ baseUrl: publicBase(), parameters: { ...imageSwap, webhookUrl: url } as never });
		if (reachable) {
			expect(result.error).toBeUndefined();
			expect(api.apiRequests().map((r) => r.body.webhook)).toEqual([url]);
			return;
		}
		expect(result.status).toBe('error');
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/^Callback URL \(webhookUrl\) is ".*", which aifaceswap cannot reach from the internet: .* Nothing was sent\. Use an address the internet can reach, or leave Callback URL empty\.$/);
		expect(result.error?.description).toMatch(/Aifaceswap Trigger.*WEBHOOK_URL/);
		expect(api.requests).toHaveLength(0);
	});

	test.each(ADDRESSES)('Base URL private (the mock on 127.0.0.1): %s is sent', async (url) => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: { ...imageSwap, webhookUrl: url } as never });
		expect(result.error).toBeUndefined();
		expect(api.apiRequests().map((r) => r.body.webhook)).toEqual([url]);
	});

	test('the refusal names the URL without its query and says why', async () => {
		const result = await runAifaceswap({ baseUrl: publicBase(), parameters: { ...imageSwap, webhookUrl: 'http://192.168.1.20:5678/webhook/abc/task_callback?token=secret' } as never });
		expect(result.error?.message).toBe(
			'Callback URL (webhookUrl) is "http://192.168.1.20:5678/webhook/abc/task_callback", which aifaceswap cannot reach from the internet: 192.168.1.20 is a private network address (192.168.0.0/16). Nothing was sent. Use an address the internet can reach, or leave Callback URL empty.',
		);
	});

	test('the credential\'s default Base URL (https://aifaceswap.io) is public', async () => {
		// nothing is sent: the refusal comes first, so the real API is never asked
		const result = await runAifaceswap({ baseUrl: '', parameters: { ...imageSwap, webhookUrl: 'http://localhost:5678/webhook/a/task_callback' } as never });
		expect(result.error?.message).toMatch(/^Callback URL \(webhookUrl\) is "http:\/\/localhost:5678\/webhook\/a\/task_callback", which aifaceswap cannot reach from the internet: localhost is a name of this computer\./);
	});
});

const LOCAL = 'http://10.0.0.5/file';
const base64 = PHOTO_PNG.toString('base64');

/** Each URL parameter of the six operations with a local URL in it, and the message that names it. */
const PARAMETERS: Array<[name: string, parameters: Record<string, unknown>, message: string]> = [
	['image swapFace source', { ...imageSwap, sourceImageUrl: LOCAL }, 'Source Image URL (sourceImageUrl) is "http://10.0.0.5/file", which aifaceswap cannot reach from the internet: 10.0.0.5 is a private network address (10.0.0.0/8). Nothing was sent. Use a public URL, or set Source Image Input (sourceImageInput) to Binary File.'],
	['image swapFace face', { ...imageSwap, faceImageUrl: 'http://localhost:8080/face.png' }, 'Face Image URL (faceImageUrl) is "http://localhost:8080/face.png", which aifaceswap cannot reach from the internet: localhost is a name of this computer. Nothing was sent. Use a public URL, or set Face Image Input (faceImageInput) to Binary File.'],
	['image extractFaces', { resource: 'image', operation: 'extractFaces', imageUrl: 'http://169.254.169.254/latest' }, 'Image URL (imageUrl) is "http://169.254.169.254/latest", which aifaceswap cannot reach from the internet: 169.254.169.254 is a link-local address (169.254.0.0/16). Nothing was sent. Use a public URL, or set Image Input (imageInput) to Binary File.'],
	['image swapMultipleFaces source', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: LOCAL, faces: { face: [{ index: 0, faceImageUrl: FACE_URL }] } }, 'Source Image URL (sourceImageUrl) is "http://10.0.0.5/file", which aifaceswap cannot reach from the internet: 10.0.0.5 is a private network address (10.0.0.0/8). Nothing was sent. Use a public URL of the file.'],
	['image swapMultipleFaces face', { resource: 'image', operation: 'swapMultipleFaces', sourceImageUrl: SOURCE_URL, faces: { face: [{ index: 0, faceImageUrl: FACE_URL }, { index: 1, faceImageUrl: 'http://[fd00::5]/f.jpg' }] } }, 'Faces > Face 2 > Face Image URL (faces.face[1].faceImageUrl) is "http://[fd00::5]/f.jpg", which aifaceswap cannot reach from the internet: [fd00::5] is a unique-local address (fc00::/7). Nothing was sent. Use a public URL of the file.'],
	['video swapFace source (its length is not read either)', { resource: 'video', operation: 'swapFace', sourceVideoUrl: 'http://192.168.0.10/clip.mp4', faceImageUrl: FACE_URL }, 'Source Video URL (sourceVideoUrl) is "http://192.168.0.10/clip.mp4", which aifaceswap cannot reach from the internet: 192.168.0.10 is a private network address (192.168.0.0/16). Nothing was sent. Use a public URL of the file.'],
	['video swapFace face', { resource: 'video', operation: 'swapFace', sourceVideoUrl: VIDEO_URL, faceImageUrl: 'http://nas.lan/face.jpg', durationSource: 'manual', duration: 5 }, 'Face Image URL (faceImageUrl) is "http://nas.lan/face.jpg", which aifaceswap cannot reach from the internet: nas.lan is a name only a local network resolves (.lan). Nothing was sent. Use a public URL of the file.'],
	['video swapMultipleFaces source', { resource: 'video', operation: 'swapMultipleFaces', sourceVideoUrl: 'http://[::ffff:10.0.0.1]/clip.mp4', references: { reference: [{ faceRefInput: 'base64', faceRefBase64: base64, faceImageUrl: FACE_URL }] } }, 'Source Video URL (sourceVideoUrl) is "http://[::ffff:a00:1]/clip.mp4", which aifaceswap cannot reach from the internet: [::ffff:a00:1] is an IPv4-mapped address of 10.0.0.1, a private network address (10.0.0.0/8). Nothing was sent. Use a public URL of the file.'],
	['video swapMultipleFaces face', { resource: 'video', operation: 'swapMultipleFaces', sourceVideoUrl: VIDEO_URL, durationSource: 'manual', duration: 5, references: { reference: [{ faceRefInput: 'base64', faceRefBase64: base64, faceImageUrl: 'http://files/face.jpg' }] } }, 'References > Reference 1 > Face Image URL (references.reference[0].faceImageUrl) is "http://files/face.jpg", which aifaceswap cannot reach from the internet: files is a name without a dot, which only a local network (or Docker) resolves. Nothing was sent. Use a public URL of the file.'],
	['the Callback URL', { ...imageSwap, webhookUrl: 'http://n8n.local/webhook/abc/task_callback' }, 'Callback URL (webhookUrl) is "http://n8n.local/webhook/abc/task_callback", which aifaceswap cannot reach from the internet: n8n.local is a name only a local network resolves (.local). Nothing was sent. Use an address the internet can reach, or leave Callback URL empty.'],
];

describe('every URL parameter of the six operations', () => {
	test.each(PARAMETERS)('Base URL public: %s is refused, naming the parameter; nothing is sent or read', async (_name, parameters, message) => {
		const result = await runAifaceswap({ baseUrl: publicBase(), parameters: parameters as never });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(message);
		expect(api.requests).toHaveLength(0);
	});

	test.each(PARAMETERS)('Base URL private: %s is sent', async (_name, parameters) => {
		// a local Base URL may reach local files: the length is entered, since the mock serves none of them
		const manual = parameters.resource === 'video' ? { durationSource: 'manual', duration: 5 } : {};
		const result = await runAifaceswap({ baseUrl: api.url, parameters: { ...parameters, ...manual } as never });
		expect(result.error).toBeUndefined();
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('binary inputs have no URL to judge: sent with a public Base URL', async () => {
		const result = await runAifaceswap({
			baseUrl: publicBase(),
			parameters: { ...imageSwap, sourceImageInput: 'binary', faceImageInput: 'binary', webhookUrl: CALLBACK_URL } as never,
			items: [{ binary: { data: { data: PHOTO_PNG, fileName: 'p.png', mimeType: 'image/png' }, face: { data: PHOTO_PNG, fileName: 'f.png', mimeType: 'image/png' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(api.apiRequests()).toHaveLength(1);
	});

	test('a public video URL is read for its length and sent (video on a public-looking name that reaches the mock)', async () => {
		api.files.serve('clip.mp4', { bytes: mp4({ moovFirst: true, timescale: 1000, duration: 3000 }) });
		const sourceVideoUrl = publicLooking(`${api.url}/files/clip.mp4`, 'files');
		const result = await runAifaceswap({ baseUrl: publicBase(), parameters: { resource: 'video', operation: 'swapFace', sourceVideoUrl, faceImageUrl: FACE_URL } as never });
		expect(result.error).toBeUndefined();
		expect(api.apiRequests()[0].body).toMatchObject({ source_video: sourceVideoUrl, duration: 3 });
	});

	test('with Continue On Fail the refused item is an error item and the others are sent', async () => {
		const result = await runAifaceswap({
			baseUrl: publicBase(),
			parameters: { ...imageSwap, sourceImageUrl: '={{ $json.url }}' } as never,
			items: [{ json: { url: SOURCE_URL } }, { json: { url: 'http://127.0.0.1/a.jpg' } }, { json: { url: `${SOURCE_URL}?2` } }],
			continueOnFail: true,
		});
		expect(result.output?.map((item) => Object.keys(item.json).includes('error'))).toEqual([false, true, false]);
		expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(api.apiRequests()).toHaveLength(2);
	});
});

describe("n8n's resume URL (Wait for Result)", () => {
	const wait = { ...imageSwap, resultMode: 'wait' };

	test('Base URL public and n8n without WEBHOOK_URL (resume URL on localhost): refused, saying to set WEBHOOK_URL', async () => {
		const result = await runAifaceswap({ baseUrl: publicBase(), parameters: wait as never, webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Result Mode "Wait for Result" \(resultMode\) needs aifaceswap to call n8n's resume URL "http:\/\/localhost:5678\/webhook-waiting\/\d+", which aifaceswap cannot reach from the internet: localhost is a name of this computer\. Nothing was sent\. n8n needs the WEBHOOK_URL environment variable set to its public address\.$/,
		);
		// the signature stays out of the error
		expect(result.error?.message).not.toMatch(/signature/);
		expect(result.error?.description).toMatch(/cloudflared tunnel --url http:\/\/localhost:5678.*ngrok http 5678.*WEBHOOK_URL/);
		expect(api.requests).toHaveLength(0);
	});

	test('Base URL public and WEBHOOK_URL set to a public address (a tunnel): sent with the resume URL, and the execution waits', async () => {
		const result = await runAifaceswap({ baseUrl: publicBase(), parameters: wait as never, webhookWaitingBaseUrl: 'https://my-n8n.trycloudflare.com/webhook-waiting' });
		expect(result.status).toBe('waiting');
		expect(api.apiRequests()[0].body.webhook).toMatch(/^https:\/\/my-n8n\.trycloudflare\.com\/webhook-waiting\/\d+\?signature=/);
	});

	test('Base URL private: a resume URL on 127.0.0.1 is sent', async () => {
		const result = await runAifaceswap({ baseUrl: api.url, parameters: wait as never });
		expect(result.status).toBe('waiting');
		expect(api.apiRequests()).toHaveLength(1);
	});
});
