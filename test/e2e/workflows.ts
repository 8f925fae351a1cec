import { randomUUID } from 'node:crypto';

import type { IDataObject, INode } from 'n8n-workflow';

import type { WorkflowFile } from './n8n-server';

export const AIFACESWAP = 'n8n-nodes-aifaceswap.aifaceswap';
export const AIFACESWAP_TRIGGER = 'n8n-nodes-aifaceswap.aifaceswapTrigger';

export interface CredentialRef {
	id: string;
	name: string;
}

/** A node of the given type at the origin (`extra`: credentials, webhookId, ...). */
export const node = (name: string, type: string, typeVersion: number, parameters: IDataObject, extra: Partial<INode> = {}): INode => ({
	id: randomUUID(),
	name,
	type,
	typeVersion,
	position: [0, 0],
	parameters: parameters as INode['parameters'],
	...extra,
});

/** n8n's Webhook node named "Webhook", taking POST /webhook/<path>; `response` sets how it answers. */
function webhookNode(path: string, response: INode['parameters']): INode {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, ...response, options: {} },
	};
}

/** Webhook (POST /webhook/<path>) -> Aifaceswap; the webhook answers with the node's output. */
export function webhookToAifaceswap(options: {
	name: string;
	path: string;
	parameters: IDataObject;
	credential: CredentialRef;
	continueOnFail?: boolean;
	respond?: 'lastNode' | 'onReceived';
}): WorkflowFile {
	const webhook = webhookNode(options.path, {
		responseMode: options.respond ?? 'lastNode',
		...(options.respond === 'onReceived' ? {} : { responseData: 'allEntries' }),
	});
	const aifaceswap: INode = {
		id: randomUUID(),
		name: 'Aifaceswap',
		type: AIFACESWAP,
		typeVersion: 1,
		position: [240, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: { aifaceswapApi: options.credential },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	return {
		name: options.name,
		nodes: [webhook, aifaceswap],
		connections: { Webhook: { main: [[{ node: 'Aifaceswap', type: 'main', index: 0 }]] } },
	};
}

/** The node after the trigger that reads its binary "data": n8n's Crypto node, SHA-256 into `sha256`. */
export const HASH_NODE: Pick<INode, 'name' | 'type' | 'typeVersion' | 'parameters'> = {
	name: 'Hash',
	type: 'n8n-nodes-base.crypto',
	typeVersion: 1,
	parameters: { action: 'hash', type: 'SHA256', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'sha256', encoding: 'hex' },
};

/** Aifaceswap Trigger -> No Operation ("Done"), or -> `next`. */
export function triggerWorkflow(options: {
	name: string;
	webhookId: string;
	parameters: IDataObject;
	credential?: CredentialRef;
	next?: Pick<INode, 'name' | 'type' | 'typeVersion' | 'parameters'>;
}): WorkflowFile {
	const next = options.next ?? { name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
	return {
		name: options.name,
		nodes: [
			{
				id: randomUUID(),
				name: 'Aifaceswap Trigger',
				type: AIFACESWAP_TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: options.parameters as INode['parameters'],
				...(options.credential ? { credentials: { aifaceswapApi: options.credential } } : {}),
			},
			{ id: randomUUID(), position: [240, 0], ...next },
		],
		connections: { 'Aifaceswap Trigger': { main: [[{ node: next.name, type: 'main', index: 0 }]] } },
	};
}

export const BATCH_NODE = 'Batch Node';

/**
 * Webhook (POST /webhook/<path> with `{ items: [...] }`) -> Split Out -> the given node: one
 * execution with as many items as the body has. The webhook answers when the last node is done.
 */
export function batchWorkflow(options: { name: string; path: string; node: Pick<INode, 'type' | 'parameters'> & Partial<INode> }): WorkflowFile {
	return {
		name: options.name,
		nodes: [
			webhookNode(options.path, { responseMode: 'lastNode', responseData: 'noData' }),
			{
				id: randomUUID(),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [240, 0],
				parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			},
			{ id: randomUUID(), name: BATCH_NODE, typeVersion: 1, position: [480, 0], ...options.node } as INode,
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: BATCH_NODE, type: 'main', index: 0 }]] },
		},
	};
}
