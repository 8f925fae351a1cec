/**
 * The credential's key check, run the way n8n's credential tester runs a declarative test:
 * the request from `test.request` with the credential's authentication applied, an HTTP error
 * failing the check through the `responseCode` rules, and the `responseSuccessBody` rules read
 * from the answer's body.
 */
import type { IAuthenticateRuleResponseCode, IAuthenticateRuleResponseSuccessBody, IDataObject } from 'n8n-workflow';

import { AifaceswapApi } from '../credentials/AifaceswapApi.credentials';
import { MOCK_API_KEY } from './mock-api/server';
import { applyAuth } from './support/n8n';
import { useMockApi } from './support/mock';

type Rule = IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody;

async function testCredential(credentials: { apiKey: string; baseUrl: string }): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const { request, rules = [] } = new AifaceswapApi().test;
	const baseUrl = String(request.baseURL).replace('={{$credentials.baseUrl}}', credentials.baseUrl);
	const options = await applyAuth(credentials, 'aifaceswapApi', {
		url: `${baseUrl}${request.url}`,
		method: request.method,
		body: request.body as IDataObject,
		json: true,
	});
	const response = await fetch(options.url, {
		method: options.method,
		headers: { ...(options.headers as Record<string, string>), 'Content-Type': 'application/json' },
		body: JSON.stringify(options.body),
	});
	const body = (await response.json().catch(() => ({}))) as IDataObject;
	const ignore = request.ignoreHttpStatusErrors;
	const thrown = !response.ok && !(typeof ignore === 'object' ? !ignore.except.includes(response.status) : ignore);
	for (const rule of rules as Rule[]) {
		if (thrown && rule.type === 'responseCode' && rule.properties.value === response.status) {
			return { status: 'Error', message: rule.properties.message };
		}
		if (!thrown && rule.type === 'responseSuccessBody' && body[rule.properties.key] === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	if (thrown) return { status: 'Error', message: `Received HTTP status code: ${response.status}` };
	return { status: 'OK', message: 'Connection successful!' };
}

const api = useMockApi();

test('a good key passes, with one refused extract_face request and no task or credit', async () => {
	const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url });
	expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(api.requests).toHaveLength(1);
	expect(api.requests[0].path).toBe('/api/aifaceswap/v1/extract_face');
	expect(api.requests[0].headers.authorization).toBe(`Bearer ${MOCK_API_KEY}`);
	expect(api.requests[0].status).toBe(400);
	expect(api.tasks).toHaveLength(0);
});

test('a bad key fails with a message that says what to do', async () => {
	const result = await testCredential({ apiKey: 'not-the-key', baseUrl: api.url });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/^The aifaceswap API rejected this API key\./);
});

test('a key refused with HTTP 200 and code 401 in the body also fails', async () => {
	api.fail({ status: 200, body: { code: 401, message: 'token invalid' } });
	const result = await testCredential({ apiKey: MOCK_API_KEY, baseUrl: api.url });
	expect(result.status).toBe('Error');
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
