import type { ICredentialDataDecryptedObject, ICredentialType, Icon, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

/**
 * The key check is not a declarative `test` here: it must fail on every answer that is not the
 * aifaceswap API's own, which n8n's declarative rules cannot express. Both nodes name it with
 * `testedBy` (nodes/Aifaceswap/transport/credentialTest.ts); it spends no credit.
 */
export class AifaceswapApi implements ICredentialType {
	name = 'aifaceswapApi';

	displayName = 'Aifaceswap API';

	icon: Icon = { light: 'file:aifaceswap.svg', dark: 'file:aifaceswap.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-aifaceswap#credentials';

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
}
