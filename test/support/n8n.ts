/**
 * Runs workflows of this package's nodes in-process with n8n-core's real engine (WorkflowExecute),
 * so parameter resolution, expressions, binary data, credentials and HTTP are n8n's own.
 * Only the parts n8n's server would supply are stubbed here: the credential store and the URLs.
 */
import type express from 'express';
import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
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
	IRunExecutionData,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { AifaceswapApi } from '../../credentials/AifaceswapApi.credentials';
import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import { AifaceswapTrigger } from '../../nodes/AifaceswapTrigger/AifaceswapTrigger.node';
import { MOCK_API_KEY } from '../mock-api/server';
import './processed-data';

export const AIFACESWAP = 'n8n-nodes-aifaceswap.aifaceswap';
/** The tool variant n8n makes of a `usableAsTool` node: the same class under the type name + "Tool". */
export const AIFACESWAP_TOOL = 'n8n-nodes-aifaceswap.aifaceswapTool';
export const AIFACESWAP_TRIGGER = 'n8n-nodes-aifaceswap.aifaceswapTrigger';
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

	/** The items of each execution, by execution ID: executions may run at the same time. */
	static pending = new Map<string, TestItem[]>();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const executionId = this.getExecutionId();
		const items = ItemsSource.pending.get(executionId) ?? [];
		ItemsSource.pending.delete(executionId);
		for (const item of items) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [name, file] of Object.entries(item.binary ?? {})) {
				binary[name] = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
			}
			out.push({ json: item.json ?? {}, binary: item.binary ? binary : undefined, pairedItem: { item: 0 } });
		}
		return [out];
	}
}

const nodeClasses: Record<string, INodeType> = {
	[AIFACESWAP]: new Aifaceswap(),
	[AIFACESWAP_TOOL]: new Aifaceswap(),
	[AIFACESWAP_TRIGGER]: new AifaceswapTrigger(),
	[ITEMS_SOURCE]: new ItemsSource(),
};

export const nodeTypes: INodeTypes = {
	getByName: (type) => nodeClasses[type],
	getByNameAndVersion: (type) => nodeClasses[type],
	getKnownTypes: () => ({}),
};

/**
 * The Aifaceswap node as another n8n process has it: its own copy of every module (and so its own
 * in-memory state), sharing the processed-data store (the database) with this one.
 */
export function anotherProcess(): INodeType {
	let node: INodeType | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Aifaceswap: OtherAifaceswap } = require('../../nodes/Aifaceswap/Aifaceswap.node') as { Aifaceswap: new () => INodeType };
		node = new OtherAifaceswap();
	});
	return node!;
}

/** The node types with another Aifaceswap class (both type names). */
function withAifaceswap(aifaceswap: INodeType): INodeTypes {
	const classes: Record<string, INodeType> = { ...nodeClasses, [AIFACESWAP]: aifaceswap, [AIFACESWAP_TOOL]: aifaceswap };
	return { getByName: (type) => classes[type], getByNameAndVersion: (type) => classes[type], getKnownTypes: () => ({}) };
}

const credentialTypes = { aifaceswapApi: new AifaceswapApi() };

/** Applies a credential's `authenticate` as n8n's server does (the type's own function). */
export async function applyAuth(
	credentials: ICredentialDataDecryptedObject,
	typeName: string,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const type = credentialTypes[typeName as keyof typeof credentialTypes];
	return await type.authenticate(credentials, requestOptions);
}

function credentialsHelper(credentials: ICredentialDataDecryptedObject): ICredentialsHelper {
	return {
		getParentTypes: () => [],
		isCredentialUsableByNode: () => true,
		authenticate: async (creds: ICredentialDataDecryptedObject, typeName: string, options: IHttpRequestOptions) =>
			await applyAuth(creds, typeName, options),
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
	/** false: the node has no credential selected. */
	credential?: false;
	/** Base of the resume URL (`$execution.resumeUrl`): a waiting-webhook server of the test. */
	webhookWaitingBaseUrl?: string;
	/**
	 * The workflow's ID, which scopes what the node records as submitted. Each run gets a new one
	 * unless a test runs "the same workflow again".
	 */
	workflowId?: string;
	/** Run the node as an AI Agent's tool would (its type name ends with "Tool"). */
	asTool?: boolean;
	/**
	 * The Aifaceswap node class to run, e.g. one loaded in an isolated module registry to stand for
	 * another n8n process (its own module state) sharing the same database.
	 */
	aifaceswap?: INodeType;
	/**
	 * How n8n runs the execution: its ID (n8n's Engine 2.0 gives a UUID v7, the default engine a
	 * number), mode and the workflow settings the node sees (Engine 2.0 gives a node none).
	 */
	execution?: { id?: string; mode?: WorkflowExecuteMode; settings?: IWorkflowSettings };
	/** Called when the execution starts with what stops it, as Stop in the editor does (n8n aborts its cancel signal). */
	onStart?: (stop: () => void) => void;
	/** Node options n8n keeps outside the parameters. */
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export type NodeError = Error & {
	description?: string;
	httpCode?: string;
	itemIndex?: number;
	context?: IDataObject;
};

export interface RunResult {
	run: IRun;
	/** The Aifaceswap node's output items (of its last run), or undefined when it failed. */
	output?: INodeExecutionData[];
	/** The error the execution stopped with, if any. */
	error?: NodeError;
	status: IRun['status'];
	/** What resuming a waiting execution needs. */
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
}

const BASE = 'http://127.0.0.1:5678';

/** What n8n's server would give the engine: hooks, credentials, URLs. */
export function makeAdditionalData(options: {
	baseUrl: string;
	apiKey?: string;
	executionId: string;
	workflowNodes: INode[];
	webhookWaitingBaseUrl?: string;
}): { additionalData: IWorkflowExecuteAdditionalData; finished: () => Promise<IRun> } {
	const hooks = new ExecutionLifecycleHooks('manual', options.executionId, {
		id: 'test-workflow',
		name: 'test',
		nodes: options.workflowNodes,
		connections: {},
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	let resolveFinished: (run: IRun) => void = () => undefined;
	let finishedRun = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

	const additionalData = {
		hooks,
		credentialsHelper: credentialsHelper({ apiKey: options.apiKey ?? MOCK_API_KEY, baseUrl: options.baseUrl }),
		executionId: options.executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${BASE}/rest`,
		instanceBaseUrl: `${BASE}/`,
		formBaseUrl: `${BASE}/form`,
		formWaitingBaseUrl: `${BASE}/form-waiting`,
		formTestBaseUrl: `${BASE}/form-test`,
		webhookBaseUrl: `${BASE}/webhook`,
		webhookWaitingBaseUrl: options.webhookWaitingBaseUrl ?? `${BASE}/webhook-waiting`,
		webhookTestBaseUrl: `${BASE}/webhook-test`,
		mcpBaseUrl: `${BASE}/mcp`,
		mcpTestBaseUrl: `${BASE}/mcp-test`,
		variables: {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	return {
		additionalData,
		finished: async () => {
			const run = await finishedRun;
			finishedRun = new Promise<IRun>((resolve) => (resolveFinished = resolve));
			return run;
		},
	};
}

let executionCounter = 1000;

/** Runs Items Source -> Aifaceswap through n8n-core's WorkflowExecute. */
export async function runAifaceswap(options: RunOptions): Promise<RunResult> {
	const executionId = options.execution?.id ?? String(executionCounter++);
	ItemsSource.pending.set(executionId, options.items ?? [{ json: {} }]);
	const nodes: INode[] = [
		{ id: 'source', name: 'Items Source', type: ITEMS_SOURCE, typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'aifaceswap-node',
			name: 'Aifaceswap',
			type: options.asTool ? AIFACESWAP_TOOL : AIFACESWAP,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters as INode['parameters'],
			credentials: options.credential === false ? undefined : { aifaceswapApi: { id: '1', name: 'Aifaceswap account' } },
			continueOnFail: options.continueOnFail,
			retryOnFail: options.retryOnFail,
			maxTries: options.maxTries,
			waitBetweenTries: options.waitBetweenTries,
		},
	];
	const workflow = new Workflow({
		id: options.workflowId ?? `test-workflow-${executionId}`,
		nodes,
		connections: { 'Items Source': { main: [[{ node: 'Aifaceswap', type: 'main', index: 0 }]] } },
		nodeTypes: options.aifaceswap ? withAifaceswap(options.aifaceswap) : nodeTypes,
		active: false,
		settings: options.execution?.settings ?? {},
	});
	const { additionalData, finished } = makeAdditionalData({ ...options, executionId, workflowNodes: nodes });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const workflowExecute = new WorkflowExecute(additionalData, options.execution?.mode ?? 'manual', runExecutionData);
	try {
		const execution = workflowExecute.processRunExecutionData(workflow);
		// A stopped execution's promise never settles (n8n ends it through its hooks); the node's code goes on unawaited.
		let stopped: () => void = () => undefined;
		const stop = new Promise<void>((resolve) => (stopped = resolve));
		options.onStart?.(() => {
			execution.cancel();
			stopped();
		});
		await Promise.race([execution, stop]);
	} catch (error) {
		// n8n refuses a workflow with static parameter issues before running any node.
		return { run: undefined as unknown as IRun, error: error as NodeError, status: 'error', workflow, additionalData };
	}
	return { ...outcome(await finished()), workflow, additionalData };
}

function outcome(run: IRun): Pick<RunResult, 'run' | 'output' | 'error' | 'status'> {
	const runs = run.data.resultData.runData.Aifaceswap ?? [];
	const taskData = runs[runs.length - 1];
	return {
		run,
		output: taskData?.data?.main?.[0] ?? undefined,
		error: (taskData?.error ?? run.data.resultData.error) as NodeError | undefined,
		status: run.status,
	};
}

/** A webhook call as n8n's webhook server hands it to a node: express's request and response. */
export interface WebhookCall {
	req: express.Request;
	res: express.Response;
}

function webhookContext(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	call: WebhookCall,
	runExecutionData: IRunExecutionData | null,
	mode: WorkflowExecuteMode = 'webhook',
): WebhookContext {
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookDescription = nodeType.description.webhooks![0];
	const data = { ...additionalData, httpRequest: call.req, httpResponse: call.res } as IWorkflowExecuteAdditionalData;
	const webhookData = {
		httpMethod: webhookDescription.httpMethod,
		node: node.name,
		path: String(webhookDescription.path),
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: data,
	} as IWebhookData;
	return new WebhookContext(workflow, node, data, mode, webhookData, [], runExecutionData);
}

/**
 * Resumes a waiting execution with a callback, as n8n's waiting-webhook server does: the node's
 * webhook() answers; with workflow data, the node is disabled so that it passes that data on,
 * and the execution runs on from where it paused.
 */
export async function resumeWaitingExecution(
	paused: RunResult,
	call: WebhookCall,
): Promise<{ response: IWebhookResponseData; resumed?: Pick<RunResult, 'run' | 'output' | 'error' | 'status'> }> {
	const runExecutionData = paused.run.data;
	const stackEntry = runExecutionData.executionData!.nodeExecutionStack[0];
	const node = paused.workflow.getNode(stackEntry.node.name)!;
	const aifaceswap = nodeTypes.getByNameAndVersion(node.type) as INodeType;
	const response = await aifaceswap.webhook!.call(
		webhookContext(paused.workflow, node, paused.additionalData, call, runExecutionData) as unknown as IWebhookFunctions,
	);
	if (!response.workflowData) return { response };
	stackEntry.node.disabled = true;
	stackEntry.data.main = response.workflowData;
	runExecutionData.waitTill = undefined;
	const executionId = paused.additionalData.executionId!;
	const { additionalData, finished } = makeAdditionalData({
		baseUrl: 'unused',
		executionId,
		workflowNodes: Object.values(paused.workflow.nodes),
	});
	additionalData.credentialsHelper = paused.additionalData.credentialsHelper;
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(paused.workflow);
	return { response, resumed: outcome(await finished()) };
}

export const TRIGGER_NODE_NAME = 'Aifaceswap Trigger';

/**
 * Calls the Aifaceswap Trigger's webhook() as n8n's webhook server does for a production URL
 * (`workflow`: its settings, and the mode: "manual" for the Test URL).
 */
export async function callTrigger(
	parameters: IDataObject,
	call: WebhookCall,
	credentials?: { baseUrl: string },
	workflowOf: { settings?: IWorkflowSettings; mode?: WorkflowExecuteMode } = {},
): Promise<IWebhookResponseData> {
	const node: INode = {
		id: 'trigger-node',
		name: TRIGGER_NODE_NAME,
		type: AIFACESWAP_TRIGGER,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		webhookId: 'c0ffee00-0000-4000-8000-000000000001',
		credentials: credentials ? { aifaceswapApi: { id: '1', name: 'Aifaceswap account' } } : undefined,
	};
	const workflow = new Workflow({ id: 'trigger-workflow', nodes: [node], connections: {}, nodeTypes, active: true, settings: workflowOf.settings ?? {} });
	const { additionalData } = makeAdditionalData({
		baseUrl: credentials?.baseUrl ?? 'https://aifaceswap.io',
		executionId: String(executionCounter++),
		workflowNodes: [node],
	});
	const trigger = nodeTypes.getByNameAndVersion(AIFACESWAP_TRIGGER) as INodeType;
	return await trigger.webhook!.call(
		webhookContext(workflow, node, additionalData, call, null, workflowOf.mode) as unknown as IWebhookFunctions,
	);
}

/** What n8n does when a waiting execution's wait limit passes: it runs on from the paused node. */
export async function resumeAfterWaitLimit(paused: RunResult): Promise<Pick<RunResult, 'run' | 'output' | 'error' | 'status'>> {
	const { additionalData, finished } = makeAdditionalData({
		baseUrl: 'unused',
		executionId: paused.additionalData.executionId!,
		workflowNodes: Object.values(paused.workflow.nodes),
	});
	additionalData.credentialsHelper = paused.additionalData.credentialsHelper;
	await new WorkflowExecute(additionalData, 'manual', paused.run.data).processRunExecutionData(paused.workflow);
	return outcome(await finished());
}
