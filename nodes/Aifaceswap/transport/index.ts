import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { classifyAnswer } from './answers';
import type { RequestFailure } from './errors';
import { answerError, ExecutionStoppedError, networkFailureError, RunStoppedError } from './errors';
import { classifyNetworkFailure } from './networkErrors';
import { attemptAgain } from './retryRule';
import type { RequestThrottle } from './throttle';

export const CREDENTIAL_TYPE = 'aifaceswapApi';

export const API_PATH = '/api/aifaceswap/v1/';

export const DEFAULT_BASE_URL = 'https://aifaceswap.io';

/** An aifaceswap endpoint's name (the last part of its path), as each operation declares it. */
export type Endpoint = string;

/** A request body ready to send: JSON fields, or encoded bytes with their content type. */
export type EncodedBody = { json: IDataObject } | { bytes: Buffer; contentType: string };

/** How a request ended: the API's data, or what is known about the failure. */
export type RequestResult = { ok: true; data: IDataObject } | { ok: false; failure: RequestFailure };

const REQUEST_TIMEOUT_MS = 120_000;

/** Whether the execution was stopped (Stop in the editor, a workflow timeout): n8n then cancels every request of the node unsent. */
export function executionStopped(ctx: IExecuteFunctions): boolean {
	return ctx.getExecutionCancelSignal?.()?.aborted === true;
}

/** What the caller of `send` is told on the way, and may decide. */
export interface SendHooks {
	/** The request has its slot (before spacing and back-off). */
	slotTaken?: () => void;
	/**
	 * Asked right before each attempt leaves (after the slot, the pacing and any shared back-off):
	 * false holds the request back, which is not a failure of the run; a throw holds it back as one
	 * (the run stops after it, as after a failed request).
	 */
	mayLeave?: () => Promise<boolean>;
}

/**
 * The aifaceswap API as one run uses it: the credential read once (n8n would otherwise load and
 * decrypt it twice per item), and every request through the run's throttle.
 */
export class ApiClient {
	private reading: Promise<ICredentialDataDecryptedObject> | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly throttle: RequestThrottle,
	) {}

	private async credentials(): Promise<ICredentialDataDecryptedObject> {
		return await (this.reading ??= this.ctx.getCredentials(CREDENTIAL_TYPE));
	}

	/** The credential's Base URL (the API origin), without a trailing slash. */
	async baseUrl(): Promise<string> {
		return (String((await this.credentials()).baseUrl ?? '') || DEFAULT_BASE_URL).replace(/\/+$/, '');
	}

	/**
	 * POSTs to an endpoint once a slot of the run is free; `position` orders the request in the
	 * run (see RequestThrottle); `hooks` are told when it has its slot and may still hold it back.
	 */
	async send(endpoint: Endpoint, body: EncodedBody, position: number, hooks: SendHooks = {}): Promise<RequestResult> {
		const node = this.ctx.getNode();
		let credentials: ICredentialDataDecryptedObject;
		let options: IHttpRequestOptions;
		try {
			credentials = await this.credentials();
			options = {
				method: 'POST',
				url: `${await this.baseUrl()}${API_PATH}${endpoint}`,
				...('json' in body
					? { body: body.json, json: true }
					: { body: body.bytes, headers: { 'Content-Type': body.contentType }, json: false }),
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: REQUEST_TIMEOUT_MS,
			};
			await this.throttle.acquire(position);
		} catch (error) {
			// No credential, or the run stopped: nothing left.
			const failure = error instanceof RunStoppedError ? error : new NodeOperationError(node, error as Error);
			return { ok: false, failure: { error: failure, reachedApi: 'no', taskMayExist: false } };
		}
		hooks.slotTaken?.();
		let result: RequestResult | undefined;
		let heldBack = false;
		const mayLeave = async () => {
			heldBack = hooks.mayLeave !== undefined && !(await hooks.mayLeave());
			return !heldBack;
		};
		try {
			result = await this.sendWithRetries(options, credentials, mayLeave);
			return result;
		} finally {
			await this.throttle.release(position, !heldBack && result?.ok !== true);
		}
	}

	/** `send`, throwing the failure's error: for requests that create no task (the Extract operations). */
	async request(endpoint: Endpoint, body: EncodedBody, position: number): Promise<IDataObject> {
		const result = await this.send(endpoint, body, position);
		if (!result.ok) throw result.failure.error;
		return result.data;
	}

	private async sendWithRetries(options: IHttpRequestOptions, credentials: ICredentialDataDecryptedObject, mayLeave: () => Promise<boolean>): Promise<RequestResult> {
		const { ctx, throttle } = this;
		const node = ctx.getNode();
		const { id = '', name = '' } = node.credentials?.[CREDENTIAL_TYPE] ?? {};
		// Stopped before it left: certainly not sent (n8n would cancel it unsent, an error that reads like a lost answer).
		const stopped = (): RequestResult => ({ ok: false, failure: { error: new ExecutionStoppedError(node), reachedApi: 'no', taskMayExist: false } });
		for (let attempt = 1; ; attempt++) {
			await throttle.turn();
			if (executionStopped(ctx)) return stopped();
			try {
				if (!(await mayLeave())) return { ok: false, failure: { error: new NodeOperationError(node, 'The request was held back before it left'), reachedApi: 'no', taskMayExist: false } };
			} catch (error) {
				return { ok: false, failure: { error: error as NodeOperationError, reachedApi: 'no', taskMayExist: false } };
			}
			// the check before leaving can take seconds: a Stop meanwhile is looked at again
			if (executionStopped(ctx)) return stopped();
			let response: IN8nHttpFullResponse;
			const sentAt = Date.now();
			try {
				response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
					credentialsDecrypted: { id: id ?? '', name, type: CREDENTIAL_TYPE, data: { ...credentials } },
				})) as IN8nHttpFullResponse;
				throttle.observe(Date.now() - sentAt);
			} catch (error) {
				const failure = classifyNetworkFailure(error);
				if (failure.kind === 'notSent' && attemptAgain(failure.mayRetry, attempt)) {
					throttle.backOff(attempt);
					continue;
				}
				const nodeError = networkFailureError(node, error, failure, attempt, options.url);
				const notSent = failure.kind === 'notSent';
				return { ok: false, failure: { error: nodeError, reachedApi: notSent ? 'no' : 'unknown', taskMayExist: !notSent } };
			}

			const answer = classifyAnswer(response.statusCode, response.headers, response.body);
			if (answer.kind === 'created') return { ok: true, data: answer.data };
			if (attemptAgain(answer.mayRetry, attempt)) {
				throttle.backOff(attempt, answer.retryAfterMs);
				continue;
			}
			const error = answerError(node, answer.status, response.statusCode, answer.body);
			return { ok: false, failure: { error, reachedApi: 'yes', taskMayExist: answer.kind === 'unknown' } };
		}
	}
}
