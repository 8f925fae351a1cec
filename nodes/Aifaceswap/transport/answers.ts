import type { IDataObject } from 'n8n-workflow';

import { neverSent, networkErrorCode } from './networkErrors';

/**
 * What an answer of the API means for the task, decided from the answer alone (no I/O):
 * - `created`: the API took the request (its `code` 200); `data` is the answer's data.
 * - `refused`: the API certainly created no task: any 4xx (the API's own, or a proxy's page:
 *   404, 407, 413 ...) or the API's own 503. `mayRetry`: refused unprocessed for now (HTTP 429,
 *   the API's 503), so the same request may be sent again after a while.
 * - `unknown`: any other failure (HTTP 500, 502, 504, a 503 page that is not the API's JSON, an
 *   answer that is not the API's JSON): the task may exist, so it is never sent again.
 */
export type Answer =
	| { kind: 'created'; data: IDataObject }
	| { kind: 'refused'; status: number; body: unknown; mayRetry: boolean; retryAfterMs?: number }
	| { kind: 'unknown'; status: number; body: unknown };

/** HTTP statuses (and API codes) that refuse a request unprocessed for now. */
const TRY_AGAIN_LATER = [429, 503];

function parseJson(body: unknown): unknown {
	if (typeof body !== 'string' && !(body instanceof Buffer)) return body;
	try {
		return JSON.parse(body.toString());
	} catch {
		return body.toString();
	}
}

/** Seconds or an HTTP date in Retry-After, as milliseconds from `now`. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function classifyAnswer(statusCode: number, headers: IDataObject | undefined, rawBody: unknown): Answer {
	const body = parseJson(rawBody);
	const isApiJson = typeof body === 'object' && body !== null;
	const apiCode = isApiJson ? (body as { code?: unknown }).code : undefined;
	if (statusCode < 400 && isApiJson && apiCode === 200) {
		return { kind: 'created', data: ((body as { data?: IDataObject }).data ?? {}) as IDataObject };
	}
	// The API answers some errors with HTTP 200 and the error in its `code`.
	const status = statusCode >= 400 ? statusCode : typeof apiCode === 'number' ? apiCode : statusCode;
	// A 503 that is not the API's own answer (a gateway's page) may come after the API took the task.
	const mayRetry =
		(TRY_AGAIN_LATER.includes(statusCode) && (statusCode < 500 || isApiJson)) ||
		(typeof apiCode === 'number' && TRY_AGAIN_LATER.includes(apiCode));
	const refused = (status >= 400 && status < 500) || (status === 503 && isApiJson);
	if (refused || mayRetry) {
		return { kind: 'refused', status, body, mayRetry, retryAfterMs: retryAfterMs(headers?.['retry-after']) };
	}
	return { kind: 'unknown', status, body };
}

/**
 * What a request that failed on the network means for the task:
 * - `notSent`: it never left (see `neverSent`); `mayRetry` when the cause may pass (refused
 *   connection, name not resolved for now);
 * - `unknown`: it may have arrived (reset connection, timeout): the task may exist.
 */
export type NetworkFailure = { kind: 'notSent'; code: string | undefined; mayRetry: boolean } | { kind: 'unknown'; code: string | undefined };

const PASSING_CAUSES = ['ECONNREFUSED', 'EAI_AGAIN'];

export function classifyNetworkFailure(error: unknown): NetworkFailure {
	const code = networkErrorCode(error);
	if (!neverSent(error, code)) return { kind: 'unknown', code };
	return { kind: 'notSent', code, mayRetry: code !== undefined && PASSING_CAUSES.includes(code) };
}
