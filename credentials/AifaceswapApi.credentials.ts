import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

const REJECTED_KEY_MESSAGE =
	'The aifaceswap API rejected this API key. Copy the key again from the API Management page of aifaceswap.io.';

/**
 * The key check sends `POST /api/aifaceswap/v1/extract_face` with an empty JSON body. The API
 * must refuse it for the missing `img` field, so no task is created and no credit is spent;
 * the answer only tells whether the key was accepted. An HTTP 401/403, or a body whose `code`
 * is 401/403, means the key was refused; any other answer means it was accepted.
 */
const keyRefusedRules = [
	{ type: 'responseCode', properties: { value: 401, message: REJECTED_KEY_MESSAGE } },
	{ type: 'responseCode', properties: { value: 403, message: REJECTED_KEY_MESSAGE } },
	{ type: 'responseSuccessBody', properties: { key: 'code', value: 401, message: REJECTED_KEY_MESSAGE } },
	{ type: 'responseSuccessBody', properties: { key: 'code', value: 403, message: REJECTED_KEY_MESSAGE } },
] as Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody>;

export class AifaceswapApi implements ICredentialType {
	name = 'aifaceswapApi';

	displayName = 'Aifaceswap API';

	icon: Icon = { light: 'file:aifaceswap.svg', dark: 'file:aifaceswap.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-aifaceswap#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your key from the API Management page of aifaceswap.io',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://aifaceswap.io',
			description: 'Origin of the aifaceswap API. Change it only to go through a proxy or a test server.',
		},
	];

	/**
	 * Bearer auth. A function rather than the generic `{{$credentials.apiKey}}` header: n8n would
	 * evaluate that expression for every request (about 1 ms of n8n's CPU each), which shows in
	 * batches of hundreds of items.
	 */
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '')}` },
	});

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/api/aifaceswap/v1/extract_face',
			method: 'POST',
			body: {},
			json: true,
			// Only a refused key may fail the check; the expected "img is required" answer must not.
			ignoreHttpStatusErrors: { ignore: true, except: [401, 403] },
		},
		rules: keyRefusedRules as ICredentialTestRequest['rules'],
	};
}
