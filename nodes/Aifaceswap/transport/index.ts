import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, randomString, sleep } from 'n8n-workflow';

import type { FieldValue } from '../helpers/inputs';
import { isUploadFile } from '../helpers/inputs';
import { encodeMultipart } from '../helpers/multipart';

export const CREDENTIAL_TYPE = 'aifaceswapApi';

export const API_PATH = '/api/aifaceswap/v1/';

export type Endpoint =
	| 'faceswap'
	| 'extract_face'
	| 'multi_faceswap'
	| 'video_faceswap'
	| 'extract_base64_face'
	| 'multi_video_faceswap';

export type RequestBody = Record<string, FieldValue | FieldValue[] | IDataObject[] | undefined>;

/**
 * Retry rule: a request is sent again only when it certainly did not create a task, so a task is
 * never created (and charged) twice:
 * - HTTP 429 (rate limited), and HTTP 503 (unavailable) in the API's own JSON: the request was
 *   refused unprocessed;
 * - the connection was refused or the host name did not resolve for now: nothing reached the API.
 * Anything else that fails after the request went out (timeout, reset connection, HTTP 500, 502,
 * 504) is not retried: the task may exist, and the error says so.
 */
export const RETRY = {
	maxAttempts: 4,
	firstBackoffMs: 500,
	maxWaitMs: 30_000,
	statuses: [429, 503],
	networkCodes: ['ECONNREFUSED', 'EAI_AGAIN'],
};

/**
 * Errors that can only happen before a request is written to the network: the host name did not
 * resolve, the connection was refused, the TLS handshake failed (certificate, or TLS spoken to a
 * plain HTTP port), or the URL is not one. Such a request never reached the API. Errors that can
 * also end a connection after the request went out (EHOSTUNREACH, EPROTO, other SSL errors) are not
 * in the list: the task may exist.
 */
const NOT_SENT = {
	codes: [
		'ENOTFOUND',
		'EAI_AGAIN',
		'EAI_FAIL',
		'EAI_NONAME',
		'ECONNREFUSED',
		'EADDRNOTAVAIL',
		'ERR_INVALID_URL',
		'DEPTH_ZERO_SELF_SIGNED_CERT',
		'SELF_SIGNED_CERT_IN_CHAIN',
	],
	/** Certificate checks, which fail in the handshake (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE ...). */
	patterns: [/^CERT_/, /^ERR_TLS_CERT_/, /^UNABLE_TO_/],
};

/** TLS spoken to a plain HTTP port fails the first handshake message (EPROTO, "wrong version number"). */
function tlsToPlainHttp(error: unknown, code: string | undefined): boolean {
	let current: unknown = error;
	for (let depth = 0; code === 'EPROTO' && depth < 5 && typeof current === 'object' && current !== null; depth++) {
		if (String((current as { message?: unknown }).message).includes('wrong version number')) return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}

function neverSent(code: string | undefined, error: unknown): boolean {
	if (code === undefined) return false;
	return NOT_SENT.codes.includes(code) || NOT_SENT.patterns.some((pattern) => pattern.test(code)) || tlsToPlainHttp(error, code);
}

const REQUEST_TIMEOUT_MS = 120_000;

/**
 * How long an item whose request just finished lets the next request leave before it goes on
 * (n8n needs about 3 ms to send a request; preparing an item takes about as long).
 */
const HANDOVER_MS = 5;

/** Errors of requests the API certainly did not act on: it answered with a refusal, or was never reached. */
const refusals = new WeakSet<object>();

/** Whether a request that failed with this error certainly created no task (and charged nothing). */
export function createdNothing(error: unknown): boolean {
	return typeof error === 'object' && error !== null && refusals.has(error);
}

function refusal<E extends object>(error: E): E {
	refusals.add(error);
	return error;
}

export interface ApiResponse {
	code: number;
	message?: string;
	data?: IDataObject;
}

function transportErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Seconds or an HTTP date in Retry-After, as milliseconds from now. */
function retryAfterMs(header: unknown): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(attempt: number, retryAfter?: number): number {
	const exponential = RETRY.firstBackoffMs * 2 ** (attempt - 1);
	return Math.min(retryAfter ?? exponential, RETRY.maxWaitMs);
}

/**
 * The back-off shared by all requests of one node run (one execute context): when the API says
 * "too many requests" or cannot be reached, every in-flight item waits, not only the one that was
 * told, so a batch backs off together instead of hammering the API.
 */
class SharedBackoff {
	private resumeAt = 0;

	pause(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	async ready(): Promise<void> {
		for (let left = this.resumeAt - Date.now(); left > 0; left = this.resumeAt - Date.now()) {
			await sleep(left);
		}
	}
}

/**
 * Spreads a run's requests evenly over time instead of in bursts. Answers to requests sent
 * together arrive together, and n8n (one thread) then prepares all the next requests at once, so
 * they leave late and together again. Keeping sends 80 % of (average request time / concurrency)
 * apart breaks such bursts within a few requests. That spacing allows more requests per second
 * than `concurrency` requests in flight can make, so it never lowers a batch's pace, and the API
 * sees a steady rate. With concurrency 1 there is nothing to spread.
 */
class RequestPacer {
	private nextSendAt = 0;
	private averageMs: number | undefined;

	constructor(private readonly concurrency: number) {}

	async turn(): Promise<void> {
		const now = Date.now();
		if (this.averageMs === undefined || this.concurrency === 1) return;
		const sendAt = Math.max(now, this.nextSendAt);
		this.nextSendAt = sendAt + (0.8 * this.averageMs) / this.concurrency;
		if (sendAt > now) await sleep(sendAt - now);
	}

	/** How long a request took, from sending to its answer. */
	observe(ms: number): void {
		this.averageMs = this.averageMs === undefined ? ms : 0.8 * this.averageMs + 0.2 * ms;
	}
}

/**
 * At most `concurrency` requests to the API at once. Items are prepared (parameters read,
 * checked, recorded) while they wait for a slot, so a request leaves as soon as one is free.
 */
class RequestSlots {
	private waiting: Array<{ itemIndex: number; resolve: () => void; reject: (error: Error) => void }> = [];
	private stop: { afterItem: number; reason: Error } | undefined;

	constructor(private free: number) {}

	async acquire(itemIndex: number): Promise<void> {
		if (this.stop && itemIndex > this.stop.afterItem) throw this.stop.reason;
		if (this.free > 0) {
			this.free--;
			return;
		}
		await new Promise<void>((resolve, reject) => this.waiting.push({ itemIndex, resolve, reject }));
	}

	/** Frees a slot; true when a waiting item took it over. */
	release(): boolean {
		const next = this.waiting.shift();
		if (next) next.resolve();
		else this.free++;
		return next !== undefined;
	}

	/** Items after `afterItem` send nothing any more: the ones waiting fail with `reason`. */
	stopAfter(afterItem: number, reason: Error): void {
		this.stop = { afterItem: Math.min(afterItem, this.stop?.afterItem ?? afterItem), reason };
		const { afterItem: limit } = this.stop;
		for (const waiter of this.waiting.filter((w) => w.itemIndex > limit)) waiter.reject(reason);
		this.waiting = this.waiting.filter((w) => w.itemIndex <= limit);
	}
}

/** The error of a request that was never sent because its run stopped (an earlier item failed). */
export class RunStoppedError extends NodeOperationError {
	constructor(node: INode) {
		super(node, 'Not sent: the run stopped at a failed item');
	}
}

/** What one node run (one execute context) shares between its items' requests. */
class RunState {
	readonly backoff = new SharedBackoff();
	readonly pacer: RequestPacer;
	readonly slots: RequestSlots;
	private reading: Promise<ICredentialDataDecryptedObject> | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		concurrency: number,
		/** Without Continue On Fail, the first failed item stops the run. */
		readonly stopOnFailure: boolean,
	) {
		this.pacer = new RequestPacer(concurrency);
		this.slots = new RequestSlots(concurrency);
	}

	/** The credential, read once: n8n would otherwise load and decrypt it twice per item. */
	async credentials(): Promise<ICredentialDataDecryptedObject> {
		return await (this.reading ??= this.ctx.getCredentials(CREDENTIAL_TYPE));
	}
}

const stateOfRun = new WeakMap<IExecuteFunctions, RunState>();

/**
 * Starts a run's shared state, for `concurrency` requests in flight at most; `stopOnFailure`:
 * the first failed item stops the run (see stopRun).
 */
export function startRun(ctx: IExecuteFunctions, options: { concurrency: number; stopOnFailure: boolean }): void {
	stateOfRun.set(ctx, new RunState(ctx, options.concurrency, options.stopOnFailure));
}

/**
 * Stops a run at a failed item: the requests of later items that were not sent yet never are
 * (they fail with RunStoppedError); earlier items and requests already sent finish.
 */
export function stopRun(ctx: IExecuteFunctions, failedItem: number): void {
	stateOfRun.get(ctx)?.slots.stopAfter(failedItem, refusal(new RunStoppedError(ctx.getNode())));
}

/** The run's shared state; a run that was not started (Wait for Result: one item) gets its own. */
function runState(ctx: IExecuteFunctions): RunState {
	let state = stateOfRun.get(ctx);
	if (!state) {
		state = new RunState(ctx, 1, false);
		stateOfRun.set(ctx, state);
	}
	return state;
}

const DEFAULT_BASE_URL = 'https://aifaceswap.io';

function baseUrlOf(credentials: ICredentialDataDecryptedObject): string {
	return (String(credentials.baseUrl ?? '') || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** The credential's Base URL (the API origin), read once per run like every request's credential. */
export async function credentialBaseUrl(ctx: IExecuteFunctions): Promise<string> {
	return baseUrlOf(await runState(ctx).credentials());
}

function buildBody(body: RequestBody): Pick<IHttpRequestOptions, 'body' | 'headers' | 'json'> {
	const hasFile = Object.values(body).some(
		(value) => isUploadFile(value) || (Array.isArray(value) && value.some(isUploadFile)),
	);
	if (!hasFile) return { body: body as IDataObject, json: true };
	const multipart = encodeMultipart(
		body as Record<string, FieldValue | FieldValue[] | undefined>,
		`----n8nAifaceswap${randomString(24)}`,
	);
	return { body: multipart.body, headers: { 'Content-Type': multipart.contentType }, json: false };
}

function parseJson(body: unknown): unknown {
	if (typeof body !== 'string' && !(body instanceof Buffer)) return body;
	try {
		return JSON.parse(body.toString());
	} catch {
		return body.toString();
	}
}

function apiError(
	ctx: IExecuteFunctions,
	statusCode: number,
	body: unknown,
	itemIndex: number,
): NodeApiError {
	const response = (typeof body === 'object' && body !== null ? body : {}) as IDataObject;
	const code = typeof response.code === 'number' ? response.code : undefined;
	const apiMessage =
		typeof response.message === 'string' && response.message !== ''
			? response.message
			: typeof body === 'string' && body.trim() !== ''
				? body.trim().slice(0, 300)
				: `HTTP ${statusCode}`;
	const status = statusCode >= 400 ? statusCode : (code ?? statusCode);
	const details = `HTTP ${statusCode}${code !== undefined ? `, API code ${code}` : ''}`;
	// Any 4xx answer (the API's, or a proxy's page: 404, 407, 413 ...) and the API's own 503 refuse
	// the request; any other 5xx leaves open whether a task was created.
	const isApiJson = typeof body === 'object' && body !== null;
	const refused = (status >= 400 && status < 500) || (status === 503 && isApiJson);
	const mark = (error: NodeApiError) => (refused ? refusal(error) : error);
	if (status === 401 || status === 403 || code === 401 || code === 403) {
		return mark(new NodeApiError(ctx.getNode(), response as JsonObject, {
			message: `The aifaceswap API rejected the API key: ${apiMessage}`,
			description: `${details}. Check the API Key in the Aifaceswap API credential.`,
			httpCode: String(status),
			itemIndex,
		}));
	}
	return mark(new NodeApiError(ctx.getNode(), response as JsonObject, {
		message: apiMessage,
		description: `The aifaceswap API answered with an error (${details}).`,
		httpCode: String(status),
		itemIndex,
	}));
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	EAI_AGAIN: 'the host name could not be resolved for now',
	ENOTFOUND: 'the host name does not exist',
	ERR_INVALID_URL: 'the Base URL is not a valid URL',
	ECONNRESET: 'the connection was closed before an answer came',
	ETIMEDOUT: 'no answer came in time',
	ECONNABORTED: 'no answer came in time',
};

function networkError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	attempts: number,
): NodeApiError {
	const code = transportErrorCode(error);
	const sentNothing = neverSent(code, error);
	const what =
		(code && NETWORK_FAILURES[code]) ??
		(sentNothing ? 'no connection could be made (name, network or TLS)' : 'the request failed on the network');
	// Built from a plain object: the HTTP client's error holds the request headers (the API key).
	// The code stays out of the message, where n8n would swap it for a generic text.
	const failure = new NodeApiError(ctx.getNode(), { networkCode: code ?? 'unknown' } as JsonObject, {
		message: sentNothing
			? `Could not reach the aifaceswap API: ${what} (${attempts} attempt${attempts > 1 ? 's' : ''})`
			: `The connection to the aifaceswap API failed: ${what}`,
		description: sentNothing
			? `Network error ${code}. Check the Base URL in the Aifaceswap API credential and that the API is reachable from n8n.`
			: `Network error ${code ?? 'unknown'}. The request was sent but no answer arrived, so the task may have been created and charged. It is not sent again automatically, and a re-run reports it as already submitted: check your tasks on aifaceswap.io.`,
		itemIndex,
	});
	return sentNothing ? refusal(failure) : failure;
}

/**
 * POSTs to an aifaceswap endpoint and returns the response's `data`, or throws a NodeApiError
 * that keeps the API's message. Bodies with a file are sent as multipart/form-data, others as JSON.
 */
export async function apiRequest(
	this: IExecuteFunctions,
	endpoint: Endpoint,
	body: RequestBody,
	itemIndex: number,
	/** Called when the request has its slot and is about to leave. */
	slotTaken?: () => void,
): Promise<IDataObject> {
	const run = runState(this);
	let credentials: ICredentialDataDecryptedObject;
	let options: IHttpRequestOptions;
	try {
		credentials = await run.credentials();
		const baseUrl = baseUrlOf(credentials);
		options = {
			method: 'POST',
			url: `${baseUrl}${API_PATH}${endpoint}`,
			...buildBody(body),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: REQUEST_TIMEOUT_MS,
		};
	} catch (error) {
		// The credential could not be read or the body not built: nothing left.
		throw refusal(error as object);
	}

	await run.slots.acquire(itemIndex);
	slotTaken?.();
	let answered = false;
	try {
		const data = await send(this, options, credentials, run, itemIndex);
		answered = true;
		return data;
	} finally {
		// A failure that stops the run stops it before its slot goes to a later item.
		if (!answered && run.stopOnFailure) stopRun(this, itemIndex);
		// n8n runs every item on one thread: the request that took over the slot goes through n8n's
		// request path to the network first, before this item's worker prepares its next item.
		if (run.slots.release()) await sleep(HANDOVER_MS);
	}
}

/** Sends one request; sends it again only when the API certainly did not take it (RETRY). */
async function send(
	ctx: IExecuteFunctions,
	options: IHttpRequestOptions,
	credentials: ICredentialDataDecryptedObject,
	{ backoff, pacer }: RunState,
	itemIndex: number,
): Promise<IDataObject> {
	const { id = '', name = '' } = ctx.getNode().credentials?.[CREDENTIAL_TYPE] ?? {};
	for (let attempt = 1; ; attempt++) {
		await backoff.ready();
		await pacer.turn();
		let response: IN8nHttpFullResponse;
		const sentAt = Date.now();
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
				credentialsDecrypted: { id: id ?? '', name, type: CREDENTIAL_TYPE, data: { ...credentials } },
			})) as IN8nHttpFullResponse;
			pacer.observe(Date.now() - sentAt);
		} catch (error) {
			const code = transportErrorCode(error);
			if (code && RETRY.networkCodes.includes(code) && attempt < RETRY.maxAttempts) {
				backoff.pause(backoffMs(attempt));
				continue;
			}
			throw networkError(ctx, error, itemIndex, attempt);
		}

		const parsed = parseJson(response.body);
		const apiCode = (parsed as ApiResponse | undefined)?.code;
		// A 503 that is not the API's own answer (a gateway's page) may come after the API took the
		// task: it is not retried, and the request counts as possibly taken.
		const isApiJson = typeof parsed === 'object' && parsed !== null;
		const retryable =
			(RETRY.statuses.includes(response.statusCode) && (response.statusCode < 500 || isApiJson)) ||
			(typeof apiCode === 'number' && RETRY.statuses.includes(apiCode));
		if (retryable && attempt < RETRY.maxAttempts) {
			backoff.pause(backoffMs(attempt, retryAfterMs(response.headers?.['retry-after'])));
			continue;
		}
		if (response.statusCode >= 400 || typeof parsed !== 'object' || parsed === null || apiCode !== 200) {
			throw apiError(ctx, response.statusCode, parsed, itemIndex);
		}
		return ((parsed as ApiResponse).data ?? {}) as IDataObject;
	}
}
