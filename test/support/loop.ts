/**
 * Items -> Loop Over Items -> Aifaceswap -> back to the loop, in one execution of n8n-core's real
 * engine: the Aifaceswap node runs once per batch, as in a workflow with n8n's Loop Over Items.
 * The loop node here does what n8n's SplitInBatches v3 does: it keeps the items still to pass in
 * its per-execution node state (`getContext('node')`), sends the next batch on its "loop" output,
 * and all the loop's results on "done" at the end.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeType, INodeTypes, IRun } from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, Workflow } from 'n8n-workflow';
import { WorkflowExecute } from 'n8n-core';

import { AIFACESWAP, makeAdditionalData, nodeTypes } from './n8n';

const LOOP = 'test.loopOverItems';

class LoopOverItems implements INodeType {
	description = {
		displayName: 'Loop Over Items',
		name: 'loopOverItems',
		group: ['organization'],
		version: 1,
		description: 'Test loop',
		defaults: { name: 'Loop Over Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['done', 'loop'],
		properties: [{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 1 }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const state = this.getContext('node') as { left?: INodeExecutionData[]; done?: INodeExecutionData[] };
		const batchSize = this.getNodeParameter('batchSize', 0) as number;
		const input = this.getInputData();
		if (state.left === undefined) {
			state.left = input.map((item, index) => ({ json: item.json, pairedItem: { item: index } }));
			state.done = [];
		} else {
			state.done!.push(...input.map((item, index) => ({ json: item.json, pairedItem: { item: index } })));
		}
		if (state.left.length === 0) return [state.done!, []];
		return [[], state.left.splice(0, batchSize)];
	}
}

const loopTypes: INodeTypes = {
	getByName: (type) => (type === LOOP ? new LoopOverItems() : nodeTypes.getByName(type)),
	getByNameAndVersion: (type, version) => (type === LOOP ? new LoopOverItems() : nodeTypes.getByNameAndVersion(type, version)),
	getKnownTypes: () => ({}),
};

let executionCounter = 5000;

export interface LoopRun {
	/** The Aifaceswap node's output of each pass, in order. */
	passes: INodeExecutionData[][];
	/** The error the execution stopped with, if any. */
	error?: Error & { description?: string };
	status: IRun['status'];
}

/** One execution in which the Aifaceswap node runs once per batch of `batchSize` items. */
export async function runInLoop(options: {
	parameters: IDataObject;
	items: IDataObject[];
	batchSize: number;
	baseUrl: string;
	continueOnFail?: boolean;
	workflowId?: string;
}): Promise<LoopRun> {
	const executionId = String(executionCounter++);
	const nodes: INode[] = [
		{ id: 'loop', name: 'Loop Over Items', type: LOOP, typeVersion: 1, position: [0, 0], parameters: { batchSize: options.batchSize } },
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
		id: options.workflowId ?? `loop-workflow-${executionId}`,
		nodes,
		connections: {
			'Loop Over Items': { main: [[], [{ node: 'Aifaceswap', type: 'main', index: 0 }]] },
			Aifaceswap: { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
		},
		nodeTypes: loopTypes,
		active: false,
		settings: { executionOrder: 'v1' },
	});
	const { additionalData, finished } = makeAdditionalData({ baseUrl: options.baseUrl, executionId, workflowNodes: nodes });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [options.items.map((json) => ({ json }))] }, source: null }],
		},
	});
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	const run = await finished();
	const runs = run.data.resultData.runData.Aifaceswap ?? [];
	return {
		passes: runs.flatMap((taskData) => (taskData.data?.main?.[0] ? [taskData.data.main[0]] : [])),
		error: (runs.find((taskData) => taskData.error)?.error ?? run.data.resultData.error) as LoopRun['error'],
		status: run.status,
	};
}
