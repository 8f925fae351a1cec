import type { IDataObject } from 'n8n-workflow';

import { TRY_AGAIN_LATER } from './retryRule';

/**
 * What an answer of the API means for the task, decided from the answer alone (no I/O):
 * - `created`: the API took the request (its `code` 200); `data` is the answer's data.
 * - `refused`: the API certainly created no task: any 4xx (the API's own, or a proxy's page:
 *   404, 407, 413 ...) or the API's own 503.
 * - `unknown`: any other failure (HTTP 500, 502, 504, a 503 page that is not the API's JSON, an
 *   answer that is not the API's JSON): the task may exist, so a re-run does not send it again.
 * `mayRetry`: the answer asks to try again later (HTTP 429, or 503 / an API `code` 429 or 503 in the
 * API's JSON), so the same request may be sent again after a while. An HTTP 5xx carrying such a
 * `code` is retried but, once the attempts run out, counts as `unknown` (its HTTP status decides).
 */
export type Answer =
	| { kind: 'created'; data: IDataObject }
	| { kind: 'refused' | 'unknown'; status: number; body: unknown; mayRetry: boolean; retryAfterMs?: number };


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
	return { kind: refused ? 'refused' : 'unknown', status, body, mayRetry, retryAfterMs: retryAfterMs(headers?.['retry-after']) };
}
