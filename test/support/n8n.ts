/**
 * Runs workflows of this package's nodes in-process with n8n-core's real engine (WorkflowExecute),
 * so parameter resolution, expressions, binary data, credentials and HTTP are n8n's own.
 * Only the parts n8n's server would supply are stubbed here: the credential store and the URLs.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsHelper,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { AifaceswapApi } from '../../credentials/AifaceswapApi.credentials';
import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import { MOCK_API_KEY } from '../mock-api/server';

export const AIFACESWAP = 'n8n-nodes-aifaceswap.aifaceswap';
export const ITEMS_SOURCE = 'test.itemsSource';

/** A binary file to put on a test item. */
export interface TestFile {
	data: Buffer;
	fileName?: string;
	mimeType: string;
}

export interface TestItem {
	json?: IDataObject;
	binary?: Record<string, TestFile>;
}

/** Emits the items it is given, storing their files through n8n's own binary helper. */
class ItemsSource implements INodeType {
	description = {
		displayName: 'Items Source',
		name: 'itemsSource',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Items Source' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	static pending: TestItem[] = [];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [index, item] of ItemsSource.pending.entries()) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [name, file] of Object.entries(item.binary ?? {})) {
				binary[name] = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
			}
			out.push({ json: item.json ?? {}, binary: item.binary ? binary : undefined, pairedItem: { item: 0 } });
			void index;
		}
		return [out];
	}
}

const nodeClasses: Record<string, INodeType> = {
	[AIFACESWAP]: new Aifaceswap(),
	[ITEMS_SOURCE]: new ItemsSource(),
};

export const nodeTypes: INodeTypes = {
	getByName: (type) => nodeClasses[type],
	getByNameAndVersion: (type) => nodeClasses[type],
	getKnownTypes: () => ({}),
};

const credentialTypes = { aifaceswapApi: new AifaceswapApi() };

/** Applies a credential's generic `authenticate` block as n8n's server does ({{$credentials.x}}). */
export function applyGenericAuth(
	credentials: ICredentialDataDecryptedObject,
	typeName: string,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const type = credentialTypes[typeName as keyof typeof credentialTypes];
	const headers = (type.authenticate.properties.headers ?? {}) as Record<string, string>;
	const resolved: IDataObject = { ...(requestOptions.headers ?? {}) };
	for (const [name, template] of Object.entries(headers)) {
		resolved[name] = template
			.replace(/^=/, '')
			.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
	}
	return { ...requestOptions, headers: resolved };
}

function credentialsHelper(credentials: ICredentialDataDecryptedObject): ICredentialsHelper {
	return {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		authenticate: async (creds: ICredentialDataDecryptedObject, typeName: string, options: IHttpRequestOptions) =>
			applyGenericAuth(creds, typeName, options),
		preAuthentication: async () => undefined,
		runPreAuthentication: async () => undefined,
		getCredentials: async () => {
			throw new Error('not used');
		},
		getDecrypted: async () => ({ ...credentials }),
		updateCredentials: async () => undefined,
		updateCredentialsOauthTokenData: async () => undefined,
		getCredentialsProperties: () => new AifaceswapApi().properties,
	} as unknown as ICredentialsHelper;
}

export interface RunOptions {
	/** Parameters of the Aifaceswap node. */
	parameters: IDataObject;
	items?: TestItem[];
	baseUrl: string;
	apiKey?: string;
	continueOnFail?: boolean;
	executionId?: string;
}

export interface RunResult {
	run: IRun;
	/** The Aifaceswap node's output items, or undefined when it failed. */
	output?: INodeExecutionData[];
	/** The error the execution stopped with, if any. */
	error?: Error & { description?: string; httpCode?: string; itemIndex?: number; context?: IDataObject };
	status: IRun['status'];
}

export const WEBHOOK_WAITING_BASE = 'http://127.0.0.1:5678/webhook-waiting';

/** Runs Items Source -> Aifaceswap through n8n-core's WorkflowExecute. */
export async function runAifaceswap(options: RunOptions): Promise<RunResult> {
	ItemsSource.pending = options.items ?? [{ json: {} }];
	const nodes: INode[] = [
		{ id: 'source', name: 'Items Source', type: ITEMS_SOURCE, typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'aifaceswap-node',
			name: 'Aifaceswap',
			type: AIFACESWAP,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: { aifaceswapApi: { id: '1', name: 'Aifaceswap account' } },
			continueOnFail: options.continueOnFail,
		},
	];
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes,
		connections: { 'Items Source': { main: [[{ node: 'Aifaceswap', type: 'main', index: 0 }]] } },
		nodeTypes,
		active: false,
		settings: {},
	});
	const executionId = options.executionId ?? String(Math.floor(Math.random() * 1e6));
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: {},
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	let resolveFinished: (run: IRun) => void = () => undefined;
	const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

	const additionalData = {
		hooks,
		credentialsHelper: credentialsHelper({ apiKey: options.apiKey ?? MOCK_API_KEY, baseUrl: options.baseUrl }),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: WEBHOOK_WAITING_BASE,
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	try {
		await workflowExecute.processRunExecutionData(workflow);
	} catch (error) {
		// n8n refuses a workflow with static parameter issues before running any node.
		return { run: undefined as unknown as IRun, error: error as RunResult['error'], status: 'error' };
	}
	const run = await finished;
	const taskData = run.data.resultData.runData.Aifaceswap?.[0];
	return {
		run,
		output: taskData?.data?.main?.[0] ?? undefined,
		error: (taskData?.error ?? run.data.resultData.error) as RunResult['error'],
		status: run.status,
	};
}
