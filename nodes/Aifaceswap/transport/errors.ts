import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { NetworkFailure } from './networkErrors';
import { ssrfBlock } from '../../shared/ssrfBlock';
import { networkFailureInWords } from './networkErrors';

/** A request that failed, with what is known about it. */
export interface RequestFailure {
	error: NodeApiError | NodeOperationError;
	/** 'yes': the API answered; 'no': the request never left n8n; 'unknown': the connection failed after sending. */
	reachedApi: 'yes' | 'no' | 'unknown';
	/** Whether a task may exist anyway (the request may have been taken), so it must not be sent again. */
	taskMayExist: boolean;
}

/** The error of a request that was never sent because its run stopped (an earlier item failed). */
export class RunStoppedError extends NodeOperationError {
	constructor(node: INode, message = 'Not sent: the run stopped at a failed item') {
		super(node, message);
	}
}

/** A request not sent because the execution was stopped (Stop in the editor, a workflow timeout). */
export class ExecutionStoppedError extends RunStoppedError {
	constructor(node: INode) {
		super(node, 'Not sent: the execution was stopped');
	}
}

/** The API's answer as an error that keeps the API's own message. */
export function answerError(node: INode, status: number, httpStatus: number, body: unknown): NodeApiError {
	const response = (typeof body === 'object' && body !== null ? body : {}) as IDataObject;
	const code = typeof response.code === 'number' ? response.code : undefined;
	const apiMessage =
		typeof response.message === 'string' && response.message !== ''
			? response.message
			: typeof body === 'string' && body.trim() !== ''
				? body.trim().slice(0, 300)
				: `HTTP ${httpStatus}`;
	const details = `HTTP ${httpStatus}${code !== undefined ? `, API code ${code}` : ''}`;
	if (status === 401 || status === 403 || code === 401 || code === 403) {
		return new NodeApiError(node, response as JsonObject, {
			message: `The aifaceswap API rejected the API key: ${apiMessage}`,
			description: `${details}. Check the API Key in the Aifaceswap API credential.`,
			httpCode: String(status),
		});
	}
	return new NodeApiError(node, response as JsonObject, {
		message: apiMessage,
		description: `The aifaceswap API answered with an error (${details}).`,
		httpCode: String(status),
	});
}

/**
 * A network failure as an error. Built from a plain object: the HTTP client's error holds the
 * request headers (the API key). The code stays out of the message, where n8n would swap it for a
 * generic text.
 */
export function networkFailureError(node: INode, error: unknown, failure: NetworkFailure, attempts: number, url?: string): NodeApiError {
	const what = networkFailureInWords(error, failure.code, url);
	const code = failure.code ?? 'unknown';
	if (ssrfBlock(error)) {
		return new NodeApiError(node, { networkCode: 'SSRF_BLOCKED' } as JsonObject, {
			message: `Could not reach the aifaceswap API: ${what}. Nothing was sent`,
			description: 'A Base URL on a private address (a proxy) needs that allowance; https://aifaceswap.io needs none.',
		});
	}
	if (failure.kind === 'notSent') {
		return new NodeApiError(node, { networkCode: code } as JsonObject, {
			message: `Could not reach the aifaceswap API: ${what} (${attempts} attempt${attempts > 1 ? 's' : ''})`,
			description: `Network error ${code}. Check the Base URL in the Aifaceswap API credential and that the API is reachable from n8n.`,
		});
	}
	return new NodeApiError(node, { networkCode: code } as JsonObject, {
		message: `The connection to the aifaceswap API failed: ${what}`,
		description: `Network error ${code}. The request was sent but no answer arrived, so aifaceswap may have carried it out. It was not sent again automatically.`,
	});
}
