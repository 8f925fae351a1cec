/**
 * The one place where the simulation touches the node's code. The node runs as n8n runs it: its
 * `router` (Image > Swap Face, Submit Only as a batch, or Wait for Result with one item), with an
 * n8n context whose store helpers, HTTP helper and logger are the simulation's. Everything else
 * (claim window, claims, sends, heals, refusal removals, clean-ups) is the node's own code.
 *
 * Simulated processes: the record's state in memory is per workflow and node (the node's own
 * modules keep it), so each simulated n8n process runs the workflow under an id of its own, while
 * the simulated store gives every process the same row. If the record's state ever stops being
 * keyed by workflow and node, `processWorkflowId` is what has to change.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { router } from '../../nodes/Aifaceswap/actions/router';
import { submissionKey } from '../../nodes/Aifaceswap/submissions/submissionKey';
import { submissionRecordOf } from '../../nodes/Aifaceswap/submissions/recordRegistry';

export interface ExecutionSpec {
	/** Request identities, one per input item (the same identity: the same request). */
	requests: string[];
	resultMode: 'submit' | 'wait';
	concurrency: number;
	continueOnFail: boolean;
}

/** What n8n gives the node: the store row, the API, the logger. */
export interface Environment {
	check(values: string[], maxEntries: number | undefined): Promise<{ new: string[]; processed: string[] }>;
	remove(values: string[]): Promise<void>;
	http(request: string): Promise<{ statusCode: number; headers: object; body: unknown }>;
	warn(message: string): void;
	/** Whether the execution was stopped (what n8n's cancel signal tells). */
	stopped(): boolean;
}

const NODE: INode = {
	id: 'aifaceswap-node',
	name: 'Aifaceswap',
	type: 'n8n-nodes-aifaceswap.aifaceswap',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { aifaceswapApi: { id: '1', name: 'Aifaceswap account' } },
};

const IMAGE_HOST = 'https://images.aifaceswap-sim.com/';

/** The request identity a request body carries (the source image's name). */
function requestOf(body: unknown): string {
	const url = String((body as IDataObject | undefined)?.source_image ?? '');
	return url.startsWith(IMAGE_HOST) ? url.slice(IMAGE_HOST.length, -'.jpg'.length) : `unknown ${url}`;
}

/** The submission key of `request` in `resultMode`, as the node makes it (the judge reads the store's values by it). */
export function keyOf(request: string, resultMode: ExecutionSpec['resultMode']): string {
	const fields = { source_image: `${IMAGE_HOST}${request}.jpg`, face_image: `${IMAGE_HOST}face.jpg` };
	return submissionKey('faceswap', fields, resultMode === 'wait' ? { kind: 'wait' } : { kind: 'none' }, '');
}

function processWorkflowId(processId: string): string {
	return `sim ${processId}`;
}

function context(processId: string, spec: ExecutionSpec, env: Environment): IExecuteFunctions {
	const parameters: IDataObject = {
		resource: 'image',
		operation: 'swapFace',
		resultMode: spec.resultMode,
		sourceImageInput: 'url',
		faceImageInput: 'url',
		faceImageUrl: `${IMAGE_HOST}face.jpg`,
		webhookUrl: '',
		options: { concurrency: spec.concurrency },
	};
	const parameter = (name: string, itemIndex: number, fallback?: unknown): unknown => {
		if (name === 'sourceImageUrl') return `${IMAGE_HOST}${spec.requests[itemIndex]}.jpg`;
		let value: unknown = parameters;
		for (const part of name.split('.')) value = (value as IDataObject | undefined)?.[part];
		if (value !== undefined) return value;
		if (fallback !== undefined) return fallback;
		throw new Error(`simulation: no value for parameter ${name}`);
	};
	const executeData = { data: {} };
	const ctx = {
		getNode: () => NODE,
		getWorkflow: () => ({ id: processWorkflowId(processId), name: 'simulated workflow', active: true }),
		// a default-engine execution (Engine 2.0's IDs are UUIDs)
		getExecutionId: () => '1',
		getInputData: () => spec.requests.map(() => ({ json: {} })),
		getNodeParameter: parameter,
		continueOnFail: () => spec.continueOnFail,
		getCredentials: async () => ({ apiKey: 'simulated-key', baseUrl: 'https://api.aifaceswap-sim.com' }),
		getExecutionCancelSignal: () => ({ aborted: env.stopped() }) as AbortSignal,
		evaluateExpression: () => 'https://n8n.aifaceswap-sim.com/webhook-waiting/1',
		putExecutionToWait: async () => undefined,
		getExecuteData: () => executeData,
		logger: { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (message: string) => env.warn(message) },
		helpers: {
			checkProcessedAndRecord: async (values: unknown[], _scope: string, options: { maxEntries?: number }) =>
				await env.check(values.map(String), options.maxEntries),
			removeProcessed: async (values: unknown[]) => await env.remove(values.map(String)),
			httpRequestWithAuthentication: async (_type: string, options: { body?: unknown }) => await env.http(requestOf(options.body)),
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

/** Runs the node once (one execution) in process `processId`. */
export async function runNode(processId: string, spec: ExecutionSpec, env: Environment): Promise<INodeExecutionData[][]> {
	const ctx = context(processId, spec, env);
	return await router.call(ctx);
}

/** An error of the node as the simulation judges it: its message and description. */
export function errorText(error: unknown): string {
	const { message, description } = error as { message?: unknown; description?: unknown };
	return `${String(message ?? error)} ${typeof description === 'string' ? description : ''}`.trim();
}

/**
 * How many things the node's record for process `processId` holds in memory (every list, set and
 * map in it, two levels deep): `cleanup`, the clean-up's queue of values to remove (it waits for a
 * batch or a quiet moment, see recordCleanup.ts), and `record`, all the rest.
 */
export function heldInMemory(processId: string, env: Environment): { record: number; cleanup: number } {
	const spec: ExecutionSpec = { requests: [], resultMode: 'submit', concurrency: 1, continueOnFail: true };
	const { cleanup, ...record } = submissionRecordOf(context(processId, spec, env)) as unknown as Record<string, unknown>;
	return { record: countHeld(record, 2), cleanup: countHeld(cleanup, 1) };
}

function countHeld(value: unknown, depth: number): number {
	if (Array.isArray(value)) return value.length;
	if (value instanceof Set || value instanceof Map) return value.size;
	if (depth === 0 || typeof value !== 'object' || value === null) return 0;
	return Object.entries(value).reduce((sum, [key, inner]) => sum + (key === 'ctx' ? 0 : countHeld(inner, depth - 1)), 0);
}
