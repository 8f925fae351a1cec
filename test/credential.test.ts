/**
 * The credential's key check, run as n8n runs it: the test function named by the nodes'
 * `testedBy`, found the way n8n's credential tester finds it, called with n8n-core's own
 * CredentialTestContext (its real request helper) against servers on loopback.
 */
import type http from 'node:http';

import { CredentialTestContext } from 'n8n-core';
import type { ICredentialTestFunction, ICredentialTestFunctions, INodeCredentialTestResult, INodeType } from 'n8n-workflow';

import { AifaceswapApi } from '../credentials/AifaceswapApi.credentials';
import { Aifaceswap } from '../nodes/Aifaceswap/Aifaceswap.node';
import { AifaceswapTrigger } from '../nodes/AifaceswapTrigger/AifaceswapTrigger.node';
import { MOCK_API_KEY } from './mock-api/server';
import { LoopbackServer } from './support/loopback-server';
import { useMockApi } from './support/mock';
import { CREDENTIAL_CHECK_PATH } from './support/operations';

/**
 * n8n's lookup (CredentialsTester.getCredentialTestFunction): a declarative `test` on the
 * credential wins; otherwise the first node that lists the credential with `testedBy` gives
 * `methods.credentialTest[testedBy]`.
 */
function credentialTestOf(credentialName: string, nodes: INodeType[]): ICredentialTestFunction | undefined {
	for (const node of nodes) {
		const testedBy = node.description.credentials?.find((c) => c.name === credentialName && c.testedBy)?.testedBy;
		if (typeof testedBy === 'string') return node.methods?.credentialTest?.[testedBy];
	}
	return undefined;
}

async function testCredential(data: { apiKey: string; baseUrl?: string }): Promise<INodeCredentialTestResult> {
	const check = credentialTestOf('aifaceswapApi', [new Aifaceswap(), new AifaceswapTrigger()]);
	if (!check) throw new Error('no credential test');
	const context = new CredentialTestContext() as unknown as ICredentialTestFunctions;
	return await check.call(context, { id: 'c1', name: 'test', type: 'aifaceswapApi', data });
}

/** Another server at the Base URL: a web site, a proxy or a gateway answering with what it is told. */
class OtherServer extends LoopbackServer {
	answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
	requests: Array<{ path: string; authorization?: string }> = [];

	protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		for await (const _chunk of req) {
			// read the body
		}
		this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
		res.writeHead(this.answer.status, this.answer.headers ?? {});
		res.end(this.answer.body ?? '');
	}
}

const api = useMockApi();
const other = new OtherServer();
beforeAll(async () => {
	await other.start();
});
beforeEach(() => {
	other.requests = [];
});
afterAll(async () => other.stop());

const html = (title: string) => `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;

describe('the API answers', () => {
	test('a good key passes, with one refused request to the check endpoint and no task or credit', async () => {
		const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url });
		expect(result).toEqual({ status: 'OK', message: `The aifaceswap API at ${api.url} accepted the API key.` });
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0]).toMatchObject({ method: 'POST', path: CREDENTIAL_CHECK_PATH, body: {}, status: 400 });
		expect(api.requests[0].headers.authorization).toBe(`Bearer ${MOCK_API_KEY}`);
		expect(api.requests[0].headers['content-type']).toBe('application/json');
		expect(api.tasks).toHaveLength(0);
	});

	test('a Base URL with a trailing slash is the same API', async () => {
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: `${api.url}/` })).toMatchObject({ status: 'OK' });
		expect(api.requests[0].path).toBe(CREDENTIAL_CHECK_PATH);
	});

	test("a wrong key fails with the API's reason, once (n8n does not repeat it)", async () => {
		const result = await testCredential({ apiKey: 'not-the-key', baseUrl: api.url });
		expect(result).toEqual({
			status: 'Error',
			message:
				'The aifaceswap API rejected this API key (HTTP 401 Unauthorized, code 401: Invalid API key). Copy the key again from the API Management page of aifaceswap.io.',
		});
		expect(api.requests.map((r) => r.status)).toEqual([401]);
	});

	test('a key refused with HTTP 200 and code 401 or 403 in the body also fails', async () => {
		api.fail({ status: 200, body: { code: 401, message: 'token invalid' } });
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url })).toEqual({
			status: 'Error',
			message: expect.stringMatching(/^The aifaceswap API rejected this API key \(HTTP 200 OK, code 401: token invalid\)\./),
		});
		api.fail({ status: 200, body: { code: 403, message: 'no API access on this plan' } });
		expect((await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url })).message).toContain('rejected this API key (HTTP 200 OK, code 403: no API access on this plan)');
	});

	test('an API server error or rate limit fails: the key could not be checked', async () => {
		api.fail({ status: 500, body: { code: 500, message: 'internal error' } });
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url })).toEqual({
			status: 'Error',
			message: `The aifaceswap API at ${api.url} answered with a server error (HTTP 500 Internal Server Error, code 500: internal error), so the key could not be checked. Try again later.`,
		});
		api.fail({ status: 429, body: { code: 429, message: 'too many requests' } });
		expect((await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url })).message).toMatch(/^The aifaceswap API is rate limiting requests \(HTTP 429 Too Many Requests, code 429: too many requests\)/);
		expect(api.tasks).toHaveLength(0);
	});

	test('the key never appears in a message, even when a server repeats it', async () => {
		api.fail({ status: 401, body: { code: 401, message: `key ${MOCK_API_KEY} is not valid` } });
		const refused = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url });
		expect(refused.status).toBe('Error');
		expect(refused.message).toContain('key *** is not valid');
		other.answer = { status: 200, headers: { 'Content-Type': 'text/plain' }, body: `Authorization: Bearer ${MOCK_API_KEY}` };
		const echoed = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url });
		expect(echoed.status).toBe('Error');
		expect(echoed.message).toContain('Bearer ***');
		for (const { message } of [refused, echoed]) expect(message).not.toContain(MOCK_API_KEY);
	});
});

describe('answers that are not the API', () => {
	test('HTTP 404 from a wrong path in the Base URL fails: no aifaceswap API there', async () => {
		// A common slip: the Base URL with /api at the end
		const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: `${api.url}/api` });
		expect(result).toEqual({
			status: 'Error',
			message: `No aifaceswap API at ${api.url}/api/api/aifaceswap/v1/ (HTTP 404 Not Found, code 404: Not Found): check the Base URL. Set the Base URL to https://aifaceswap.io, or to a proxy that forwards to the aifaceswap API. It ends before /api/.`,
		});
		expect(api.requests.map((r) => [r.path, r.status])).toEqual([[`/api${CREDENTIAL_CHECK_PATH}`, 404]]);
	});

	test("HTTP 404 from another server's HTML page fails the same way", async () => {
		other.answer = { status: 404, headers: { 'Content-Type': 'text/html' }, body: html('404 Not Found') };
		const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(new RegExp(`^No aifaceswap API at ${other.url}/api/aifaceswap/v1/ \\(HTTP 404 Not Found\\): check the Base URL\\.`));
	});

	test.each([502, 503])('an HTML page with HTTP %i (a proxy or gateway) fails', async (status) => {
		const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
		other.answer = { status, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html(title) };
		const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url });
		expect(result).toEqual({
			status: 'Error',
			message: `The server at ${other.url} answered HTTP ${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'} with an HTML page ("${title}"): the API, or a proxy in front of it, is failing, so the key could not be checked. Try again later, and check the Base URL if it persists.`,
		});
		expect(other.requests).toEqual([{ path: CREDENTIAL_CHECK_PATH, authorization: `Bearer ${MOCK_API_KEY}` }]);
	});

	test('a page that is not JSON with HTTP 200 (another site) fails', async () => {
		other.answer = { status: 200, headers: { 'Content-Type': 'text/html' }, body: html('Welcome to nginx!') };
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).toEqual({
			status: 'Error',
			message: `The server at ${other.url} answered HTTP 200 OK with an HTML page ("Welcome to nginx!") instead of the aifaceswap API's JSON: the Base URL points to another site or a proxy. Set the Base URL to https://aifaceswap.io, or to a proxy that forwards to the aifaceswap API.`,
		});
		other.answer = { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'OK' };
		expect((await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).message).toContain('answered HTTP 200 OK with "OK" (text/plain) instead of the aifaceswap API\'s JSON');
		other.answer = { status: 204 };
		expect((await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).message).toContain('answered HTTP 204 No Content with an empty body instead of the aifaceswap API\'s JSON');
	});

	test('JSON without a numeric code fails', async () => {
		other.answer = { status: 400, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: 'Bad Request', statusCode: 400 }) };
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).toEqual({
			status: 'Error',
			message: `The server at ${other.url} answered HTTP 400 Bad Request with JSON that has no numeric "code" field ({"error":"Bad Request","statusCode":400}), which every aifaceswap API answer has: the Base URL points to another service. Set the Base URL to https://aifaceswap.io, or to a proxy that forwards to the aifaceswap API.`,
		});
		for (const body of ['{"code":"400"}', '[1,2]', '"text"']) {
			other.answer = { status: 200, headers: { 'Content-Type': 'application/json' }, body };
			expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).toMatchObject({ status: 'Error', message: expect.stringContaining('no numeric "code" field') });
		}
	});

	test('a redirect fails and says where it goes', async () => {
		// e.g. http:// to https://: the Base URL it implies is named
		other.answer = { status: 301, headers: { Location: `https://aifaceswap.io${CREDENTIAL_CHECK_PATH}` } };
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).toEqual({
			status: 'Error',
			message: `The server at ${other.url} redirects the API's requests (HTTP 301 Moved Permanently to https://aifaceswap.io${CREDENTIAL_CHECK_PATH}) instead of answering them: set the Base URL to https://aifaceswap.io, if that is the aifaceswap API or a proxy to it.`,
		});
		expect(other.requests).toHaveLength(1);
		// a login page, relative to the server
		other.answer = { status: 302, headers: { Location: '/login?next=%2Fapi' } };
		expect((await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url })).message).toBe(
			`The server at ${other.url} redirects the API's requests (HTTP 302 Found to ${other.url}/login) instead of answering them: set the Base URL to the address the API answers at.`,
		);
	});

	test('a proxy refusing with HTTP 403 and its own page fails as a refused key, naming the proxy', async () => {
		other.answer = { status: 403, headers: { 'Content-Type': 'text/html' }, body: html('Access denied') };
		const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: other.url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The aifaceswap API rejected this API key \(HTTP 403 Forbidden\)\. Copy the key again .* the proxy may be the one refusing: its answer was an HTML page \("Access denied"\), not the API's JSON\.$/);
	});
});

describe('no answer', () => {
	test('a host that does not exist fails', async () => {
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: 'https://api.no-such-host.invalid' })).toEqual({
			status: 'Error',
			message:
				'The host of the Base URL, api.no-such-host.invalid, was not found (ENOTFOUND): check the Base URL for typos. Set the Base URL to https://aifaceswap.io, or to a proxy that forwards to the aifaceswap API.',
		});
	});

	test('a port where nothing listens fails', async () => {
		const closed = await new OtherServer().start();
		await closed.stop();
		const host = new URL(closed.url).host;
		expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl: closed.url })).toEqual({
			status: 'Error',
			message: `${host} refused the connection (ECONNREFUSED): nothing answers at that host and port. Check the Base URL.`,
		});
	});

	test('HTTPS to a plain HTTP port fails and says to use http://', async () => {
		const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url.replace('http:', 'https:') });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/does not speak HTTPS on that port \(EPROTO\): if it is a plain HTTP server, start the Base URL with http:\/\//);
	});

	test('a Base URL that is not an http(s) address fails before anything is sent', async () => {
		for (const baseUrl of ['aifaceswap.io', 'ftp://aifaceswap.io']) {
			expect(await testCredential({ apiKey: MOCK_API_KEY, baseUrl })).toEqual({
				status: 'Error',
				message: `The Base URL "${baseUrl}" is not an http:// or https:// address. Set the Base URL to https://aifaceswap.io, or to a proxy that forwards to the aifaceswap API.`,
			});
		}
		expect(await testCredential({ apiKey: '', baseUrl: api.url })).toEqual({
			status: 'Error',
			message: 'The API Key is empty. Copy the key again from the API Management page of aifaceswap.io.',
		});
		expect(api.requests).toHaveLength(0);
	});
});

describe('how n8n finds the check', () => {
	test('the credential has no declarative test (it would win over the nodes\' check)', () => {
		expect((new AifaceswapApi() as { test?: unknown }).test).toBeUndefined();
	});

	test('both nodes that use the credential name the same check, and have it', () => {
		for (const node of [new Aifaceswap(), new AifaceswapTrigger()]) {
			const entry = node.description.credentials?.find((c) => c.name === 'aifaceswapApi');
			expect(entry?.testedBy).toBe('aifaceswapApiTest');
			expect(typeof node.methods?.credentialTest?.aifaceswapApiTest).toBe('function');
		}
		expect(credentialTestOf('aifaceswapApi', [new AifaceswapTrigger()])).toBe(credentialTestOf('aifaceswapApi', [new Aifaceswap()]));
	});
});

test('the credential sends the key as a Bearer header and defaults to aifaceswap.io', async () => {
	const credential = new AifaceswapApi();
	expect(credential.name).toBe('aifaceswapApi');
	expect(credential.displayName).toBe('Aifaceswap API');
	expect(await credential.authenticate({ apiKey: 'k-123' }, { url: 'https://aifaceswap.io/x', headers: { Accept: 'application/json' } })).toEqual({
		url: 'https://aifaceswap.io/x',
		headers: { Accept: 'application/json', Authorization: 'Bearer k-123' },
	});
	const apiKey = credential.properties.find((p) => p.name === 'apiKey');
	expect(apiKey?.typeOptions?.password).toBe(true);
	expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe('https://aifaceswap.io');
});
