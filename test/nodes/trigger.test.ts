import { checkDownloadUrl, parseHostList } from '../../nodes/shared/downloadAllowance';
import { constantTimeEqual, parseTaskCallback } from '../../nodes/shared/callback';
import { createHash } from 'node:crypto';

import { generatedSha256 } from '../mock-api/generated-files';
import { RESULT_PNG } from '../mock-api/server';
import { Bystander } from '../support/bystander';
import { FACE_URL, SOURCE_URL } from '../support/fixtures';
import { useMockApi } from '../support/mock';
import { declarationOf, DECLARED } from '../support/operations';
import { runAifaceswap } from '../support/n8n';
import { post, useWebhookServer } from '../support/webhook-server';

const api = useMockApi();
const n8n = useWebhookServer();

const TASK = 'ac3eb7ab5852233a3d2076031103b4fe';
const single = declarationOf('image', 'swapFace');
const multiple = declarationOf('image', 'swapMultipleFaces');
const successBody = () => ({ success: 1, type: single.callbackType, task_id: TASK, result_image: api.resultUrl(TASK) });
const startedItems = () => n8n.started.map((data) => data[0].map((item) => item.json));

describe('answers', () => {
	test('a success callback starts the workflow with the fields the user needs', async () => {
		const answer = await post(n8n.triggerUrl(), successBody());
		expect(answer).toEqual({ status: 200, json: { message: 'Workflow was started' } });
		expect(startedItems()).toEqual([
			[{ taskId: TASK, success: true, type: single.callbackType, typeName: single.callbackName, resultUrl: api.resultUrl(TASK), reference: '' }],
		]);
	});

	test('a failure callback starts it too, with success false and an empty resultUrl', async () => {
		const answer = await post(n8n.triggerUrl(), { success: 0, type: multiple.callbackType, task_id: TASK, result_image: '' });
		expect(answer.status).toBe(200);
		expect(startedItems()).toEqual([[{ taskId: TASK, success: false, type: multiple.callbackType, typeName: multiple.callbackName, resultUrl: '', reference: '' }]]);
	});

	test('a callback of a type no operation declares, or of no type, starts the workflow too, named Unknown: its result is not lost', async () => {
		const declared = DECLARED.map(({ declaration }) => declaration.callbackType);
		const undeclared = Math.max(0, ...declared.filter((type) => type !== undefined)) + 1;
		for (const type of [undeclared, String(undeclared), undefined, 'video']) {
			expect((await post(n8n.triggerUrl(), { ...successBody(), type })).status).toBe(200);
		}
		expect(startedItems().map(([item]) => [item.type, item.typeName])).toEqual([
			[undeclared, 'Unknown'],
			[undeclared, 'Unknown'],
			[0, 'Unknown'],
			[0, 'Unknown'],
		]);
		expect(startedItems().every(([item]) => item.resultUrl === api.resultUrl(TASK) && item.success === true)).toBe(true);
	});

	test('a callback outside Events is answered 200 and starts nothing', async () => {
		n8n.trigger.parameters = { events: ['success'] };
		const answer = await post(n8n.triggerUrl(), { success: 0, type: 1, task_id: TASK, result_image: '' });
		expect(answer).toEqual({ status: 200, json: { received: true, started: false } });
		expect(n8n.started).toHaveLength(0);
		n8n.trigger.parameters = { events: ['failure'] };
		expect((await post(n8n.triggerUrl(), successBody())).json.started).toBe(false);
		expect(n8n.started).toHaveLength(0);
	});

	test.each([
		['a form body without task_id', 'success=1&type=1', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'The body has no task_id.'],
		['a JSON array', [successBody()], {}, 'The body must be a JSON object (send Content-Type: application/json).'],
		['no task_id', { success: 1, type: 1 }, {}, 'The body has no task_id.'],
	])('%s is answered 400 with the reason and starts nothing', async (_name, body, headers, reason) => {
		const answer = await post(n8n.triggerUrl(), body, headers as Record<string, string>);
		expect(answer).toEqual({ status: 400, json: { error: reason } });
		expect(n8n.started).toHaveLength(0);
	});

	test('a success other than 1 or 0 is read from whether a result came: the callback is never lost to it', async () => {
		for (const success of [2, 'yes', null]) {
			expect((await post(n8n.triggerUrl(), { ...successBody(), success })).status).toBe(200);
			expect((await post(n8n.triggerUrl(), { ...successBody(), success, result_image: '' })).status).toBe(200);
		}
		expect(startedItems().map(([item]) => item.success)).toEqual([true, false, true, false, true, false]);
	});

	test.each([
		['text/plain', 415, 'Content-Type text/plain is not accepted: send application/json.'],
		['application/xml', 415, 'Content-Type application/xml is not accepted: send application/json.'],
		['multipart/form-data; boundary=x', 415, 'Content-Type multipart/form-data is not accepted: send application/json.'],
	])('a body sent as %s is answered %p and starts nothing', async (contentType, status, reason) => {
		const answer = await post(n8n.triggerUrl(), JSON.stringify(successBody()), { 'Content-Type': contentType });
		expect(answer).toEqual({ status, json: { error: reason } });
		expect(n8n.started).toHaveLength(0);
	});

	test('a form-encoded callback is read like a JSON one', async () => {
		const answer = await post(n8n.triggerUrl(), `success=1&type=1&task_id=${TASK}&result_image=`, {
			'Content-Type': 'application/x-www-form-urlencoded',
		});
		expect(answer.status).toBe(200);
		expect(n8n.started).toHaveLength(1);
		expect(n8n.started[0][0][0].json).toMatchObject({ taskId: TASK, success: true, type: 1 });
	});

	test('a body over 64 KiB is answered 413 and starts nothing, even with a valid task_id', async () => {
		const answer = await post(n8n.triggerUrl(), { ...successBody(), padding: 'x'.repeat(70 * 1024) });
		expect(answer.status).toBe(413);
		expect(answer.json.error).toMatch(/^The body is \d+ bytes; a task callback has at most 65536\.$/);
		expect(n8n.started).toHaveLength(0);
	});

	test('with a secret token, a callback without it or with a wrong one is answered 401', async () => {
		n8n.trigger.parameters = { options: { secretToken: 's3cret-Token' } };
		expect(await post(n8n.triggerUrl(), successBody())).toEqual({ status: 401, json: { error: 'Missing or wrong token' } });
		expect((await post(n8n.triggerUrl('?token=s3cret-Tokem'), successBody())).status).toBe(401);
		expect((await post(n8n.triggerUrl('?token=s3cret-Token-and-more'), successBody())).status).toBe(401);
		expect(n8n.started).toHaveLength(0);
		expect((await post(n8n.triggerUrl('?token=s3cret-Token'), successBody())).status).toBe(200);
		expect(n8n.started).toHaveLength(1);
	});

	test('the token is checked before the body, so a stranger learns nothing about the format', async () => {
		n8n.trigger.parameters = { options: { secretToken: 'abc' } };
		expect((await post(n8n.triggerUrl(), { nothing: true })).status).toBe(401);
	});
});

describe('from a real task', () => {
	test('the action node sends the trigger URL; aifaceswap calls back; the workflow starts with that task', async () => {
		api.autoCallback = true;
		const run = await runAifaceswap({
			baseUrl: api.url,
			parameters: { resource: 'image', operation: 'swapFace', sourceImageUrl: SOURCE_URL, faceImageUrl: FACE_URL, webhookUrl: n8n.triggerUrl() } as never,
		});
		expect(api.apiRequests()[0].body.webhook).toBe(n8n.triggerUrl());
		for (let waited = 0; api.callbacks.length === 0 && waited < 100; waited++) await new Promise((r) => setTimeout(r, 20));
		expect(startedItems()).toEqual([
			[{ taskId: run.output?.[0].json.taskId, success: true, type: single.callbackType, typeName: single.callbackName, resultUrl: api.resultUrl(String(run.output?.[0].json.taskId)), reference: '' }],
		]);
		expect(api.callbacks[0].status).toBe(200);
	});
});

describe('Download Result', () => {
	const resultDownloads = () => api.requests.filter((r) => r.path.startsWith('/results/'));

	test('downloads from the credential base URL host into binary "data" with the MIME type and a task file name', async () => {
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url } };
		expect((await post(n8n.triggerUrl(), successBody())).status).toBe(200);
		const [item] = n8n.started[0][0];
		expect(item.json.downloadError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${TASK}.png`, fileExtension: 'png' });
		expect(Buffer.from(item.binary!.data.data, 'base64')).toEqual(RESULT_PNG);
		expect(resultDownloads()).toHaveLength(1);
	});

	test('hosts in Allowed Download Hosts are downloaded from', async () => {
		n8n.trigger.parameters = { options: { downloadResult: true, allowedDownloadHosts: 'cdn.example.com, 127.0.0.1' } };
		await post(n8n.triggerUrl(), successBody());
		expect(n8n.started[0][0][0].binary?.data.mimeType).toBe('image/png');
	});

	test.each([
		['loopback', (url: string) => url, 'the host 127.0.0.1 is not allowed'],
		['a private address', () => 'http://10.1.2.3/result.png', 'the host 10.1.2.3 is not allowed'],
		['a link-local address', () => 'http://169.254.169.254/latest/meta-data', 'the host 169.254.169.254 is not allowed'],
		['IPv6 loopback', () => 'http://[::1]:8080/x.png', 'the host ::1 is not allowed'],
		['a look-alike host', () => 'https://aifaceswap.io.evil.example/x.png', 'the host aifaceswap.io.evil.example is not allowed'],
		['a file URL', () => 'file:///etc/passwd', 'only http and https URLs are downloaded, not file:'],
	])('%s is refused, reported in the item, and not requested', async (_name, makeUrl, reason) => {
		n8n.trigger.parameters = { options: { downloadResult: true } };
		const answer = await post(n8n.triggerUrl(), { ...successBody(), result_image: makeUrl(api.resultUrl(TASK)) });
		expect(answer.status).toBe(200);
		const [item] = n8n.started[0][0];
		expect(item.binary).toBeUndefined();
		expect(String(item.json.downloadError)).toContain(`Result not downloaded: ${reason}`);
		expect(resultDownloads()).toHaveLength(0);
	});

	test('a redirect to a host that is not allowed is refused', async () => {
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url } };
		const redirect = `${api.url}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data')}`;
		await post(n8n.triggerUrl(), { ...successBody(), result_image: redirect });
		expect(n8n.started[0][0][0].json.downloadError).toContain('the host 169.254.169.254 is not allowed');
		expect(api.requests.map((r) => r.path)).toEqual(['/redirect']);
	});

	test('an allowed redirect is followed', async () => {
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url } };
		const redirect = `${api.url}/redirect?to=${encodeURIComponent(api.resultUrl(TASK))}`;
		await post(n8n.triggerUrl(), { ...successBody(), result_image: redirect });
		expect(n8n.started[0][0][0].binary?.data.mimeType).toBe('image/png');
	});

	test('another port of the Base URL host is refused and nothing is fetched from it', async () => {
		const bystander = await new Bystander().start();
		try {
			n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url } };
			const forged = `${bystander.url}/rest/settings`;
			expect((await post(n8n.triggerUrl(), { ...successBody(), result_image: forged })).status).toBe(200);
			const [item] = n8n.started[0][0];
			expect(item.binary).toBeUndefined();
			expect(item.json).toMatchObject({ taskId: TASK, success: true, resultUrl: forged });
			expect(item.json.downloadError).toBe(
				`Result not downloaded: ${bystander.url} is not the credential's Base URL ${api.url}: on its host only that scheme and port are downloaded from.`,
			);
			expect(bystander.requests).toEqual([]);
		} finally {
			await bystander.stop();
		}
	});

	test.each([
		['with Content-Length: refused before the body is read', true],
		['without Content-Length: stopped when the count passes the limit', false],
	])('a file over Max Download Size, %s: no binary, downloadError, resultUrl kept', async (_name, declareLength) => {
		// larger than what loopback's socket buffers take in at once, so stopping early shows
		const size = 64 * 1024 * 1024;
		api.generated.serve('big.mp4', { size, declareLength });
		n8n.trigger = { parameters: { options: { downloadResult: true, maxDownloadSize: 2 } }, credentials: { baseUrl: api.url } };
		const answer = await post(n8n.triggerUrl(), { ...successBody(), result_image: api.generatedUrl('big.mp4') });
		expect(answer).toEqual({ status: 200, json: { message: 'Workflow was started' } });
		const [item] = n8n.started[0][0];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ taskId: TASK, success: true, resultUrl: api.generatedUrl('big.mp4') });
		expect(item.json.downloadError).toBe(
			`Result not downloaded: the file${declareLength ? ' (64 MB)' : ''} is larger than Max Download Size (2 MB); raise Max Download Size or download it in the workflow with an HTTP Request node from resultUrl.`,
		);
		const [request] = api.generated.requests;
		for (let waited = 0; request.closedAt === undefined && waited < 100; waited++) await new Promise((r) => setTimeout(r, 20));
		// the connection is closed, not left waiting with the rest of the file
		expect(request.closedAt).toBeDefined();
		expect(request.complete).toBe(false);
		expect(request.bytesSent).toBeLessThan(size / 2);
	});

	test('a file of exactly Max Download Size arrives whole, streamed through n8n', async () => {
		const size = 2 * 1024 * 1024;
		api.generated.serve('exact.mp4', { size, declareLength: false });
		n8n.trigger = { parameters: { options: { downloadResult: true, maxDownloadSize: 2 } }, credentials: { baseUrl: api.url } };
		await post(n8n.triggerUrl(), { ...successBody(), result_image: api.generatedUrl('exact.mp4') });
		const [item] = n8n.started[0][0];
		expect(item.json.downloadError).toBeUndefined();
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${TASK}.mp4`, fileExtension: 'mp4' });
		const bytes = Buffer.from(item.binary!.data.data, 'base64');
		expect(bytes.length).toBe(size);
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(generatedSha256(size));
	});

	test('without the option, Max Download Size is 100 MB', async () => {
		api.generated.serve('huge.mp4', { size: 100.5 * 1024 * 1024 });
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url } };
		await post(n8n.triggerUrl(), { ...successBody(), result_image: api.generatedUrl('huge.mp4') });
		expect(n8n.started[0][0][0].json.downloadError).toMatch(/^Result not downloaded: the file \(100.5 MB\) is larger than Max Download Size \(100 MB\)/);
		expect(n8n.started[0][0][0].binary).toBeUndefined();
	});

	test('a failed download is reported in the item, and the callback data is kept', async () => {
		n8n.trigger = { parameters: { options: { downloadResult: true } }, credentials: { baseUrl: api.url } };
		await post(n8n.triggerUrl(), { ...successBody(), result_image: `${api.url}/missing/result.png` });
		const [item] = n8n.started[0][0];
		expect(item.json).toMatchObject({ taskId: TASK, success: true, downloadError: 'Result not downloaded: the server answered HTTP 404.' });
	});
});

describe('helpers', () => {
	test('aifaceswap and yimeta hosts and their subdomains pass the guard', () => {
		for (const url of [
			'https://aifaceswap.io/r.png',
			'https://temp.aifaceswap.io/aifaceswap/static_img/x.webp',
			'https://art-global.yimeta.ai/aifaceswap/image/x.webp',
		]) {
			expect(checkDownloadUrl(url, { hosts: [] })).toBeUndefined();
		}
		expect(checkDownloadUrl('https://notaifaceswap.io/r.png', { hosts: [] })).toMatch(/not allowed/);
		expect(parseHostList(' CDN.example.com,*.files.example.org  other.net')).toEqual(['cdn.example.com', 'files.example.org', 'other.net']);
	});

	test("the credential's Base URL is allowed by its scheme, host and port exactly", () => {
		const local = { hosts: [], baseUrlOrigin: 'http://127.0.0.1:8080' };
		expect(checkDownloadUrl('http://127.0.0.1:8080/results/x.mp4', local)).toBeUndefined();
		expect(checkDownloadUrl('http://127.0.0.1:5678/rest/settings', local)).toBe(
			"http://127.0.0.1:5678 is not the credential's Base URL http://127.0.0.1:8080: on its host only that scheme and port are downloaded from",
		);
		expect(checkDownloadUrl('https://127.0.0.1:8080/x', local)).toMatch(/is not the credential's Base URL/);
		expect(checkDownloadUrl('http://127.0.0.1/x', local)).toMatch(/is not the credential's Base URL/);
		expect(checkDownloadUrl('http://10.0.0.1:8080/x', local)).toMatch(/^the host 10\.0\.0\.1 is not allowed: .*the credential's Base URL http:\/\/127\.0\.0\.1:8080/);
		// a default port is the same port, written or not
		const proxy = { hosts: [], baseUrlOrigin: 'http://proxy.example.com' };
		expect(checkDownloadUrl('http://proxy.example.com:80/x', proxy)).toBeUndefined();
		expect(checkDownloadUrl('http://PROXY.example.com/x', proxy)).toBeUndefined();
		expect(checkDownloadUrl('http://proxy.example.com:8080/x', proxy)).toMatch(/is not the credential's Base URL/);
		expect(checkDownloadUrl('http://sub.proxy.example.com/x', proxy)).toMatch(/is not allowed/);
		const ipv6 = { hosts: [], baseUrlOrigin: 'http://[::1]:9000' };
		expect(checkDownloadUrl('http://[::1]:9000/x', ipv6)).toBeUndefined();
		expect(checkDownloadUrl('http://[::1]:9001/x', ipv6)).toMatch(/is not the credential's Base URL/);
		// hosts the user lists keep their rule: the host and its subdomains, on any port
		expect(checkDownloadUrl('http://cdn.example.com:8443/x', { hosts: ['example.com'] })).toBeUndefined();
	});

	test('constant-time comparison', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abd', 'abc')).toBe(false);
		expect(constantTimeEqual('ab', 'abc')).toBe(false);
		expect(constantTimeEqual('', 'abc')).toBe(false);
		expect(constantTimeEqual('', '')).toBe(true);
	});

	test('callback values may come as text or booleans', () => {
		expect(parseTaskCallback({ success: '1', type: '2', task_id: 42, result_image: ' https://x.aifaceswap.io/r.png ' }, { 2: 'Two' })).toEqual({
			callback: { taskId: '42', success: true, type: 2, typeName: 'Two', resultUrl: 'https://x.aifaceswap.io/r.png' },
		});
		expect(parseTaskCallback({ success: false, task_id: 'a' })).toMatchObject({ callback: { success: false, type: 0, typeName: 'Unknown' } });
	});
});
