import type { IDataObject } from 'n8n-workflow';

/** A task_callback as aifaceswap POSTs it, in the names the nodes output. */
export interface TaskCallback {
	taskId: string;
	success: boolean;
	type: number;
	typeName: string;
	resultUrl: string;
}

/** The callback `type`s known by name (the operations declare them; the Aifaceswap Trigger passes them in). */
export type CallbackTypeNames = Readonly<Record<number, string>>;

/** The name of a type nobody declared: such a callback is still taken, so that its result is not lost. */
export const UNKNOWN_TYPE_NAME = 'Unknown';

/** The Callback URL's query parameter that carries the swap's Reference to the Aifaceswap Trigger. */
export const REFERENCE_QUERY_PARAMETER = 'ref';

/** A task_callback is a few hundred bytes; anything far bigger is not one. */
export const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * Checks a callback request's headers before its body is used: a JSON (or form) body of at most
 * MAX_CALLBACK_BYTES. Returns the HTTP status and reason to refuse it with, or undefined.
 */
export function callbackRequestProblem(
	headers: Record<string, string | string[] | undefined>,
): { status: number; problem: string } | undefined {
	const length = Number(headers['content-length'] ?? 0);
	if (Number.isFinite(length) && length > MAX_CALLBACK_BYTES) {
		return { status: 413, problem: `The body is ${length} bytes; a task callback has at most ${MAX_CALLBACK_BYTES}.` };
	}
	const contentType = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (contentType !== 'application/json' && contentType !== 'application/x-www-form-urlencoded' && !contentType.endsWith('+json')) {
		return {
			status: 415,
			problem: `Content-Type ${contentType === '' ? '(none)' : contentType} is not accepted: send application/json.`,
		};
	}
	return undefined;
}

export type ParsedCallback = { callback: TaskCallback } | { problem: string };

function asFlag(value: unknown): number | undefined {
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'number') return value;
	if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value);
	return undefined;
}

/**
 * Reads a task_callback body: a JSON object with `task_id` (string), `success` (1 or 0; any other
 * value read from whether there is a result), `type`
 * (a number; named by `typeNames`, any other value taken too, named as unknown) and `result_image`
 * (URL, may be empty on failure). Anything else yields a short reason to answer with HTTP 400.
 */
export function parseTaskCallback(body: unknown, typeNames: CallbackTypeNames = {}): ParsedCallback {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { problem: 'The body must be a JSON object (send Content-Type: application/json).' };
	}
	const data = body as IDataObject;
	const taskId = typeof data.task_id === 'number' ? String(data.task_id) : data.task_id;
	if (typeof taskId !== 'string' || taskId.trim() === '') {
		return { problem: 'The body has no task_id.' };
	}
	// Never refused for its `success` either: 1 or 0 as documented; any other value is read like a
	// missing one (a success when the callback carries a result).
	const flag = asFlag(data.success);
	const success = flag === 0 || flag === 1 ? flag : undefined;
	// Never refused for its type: the API documents some types only, and a refused callback is a lost result.
	const type = asFlag(data.type) ?? 0;
	const resultUrl = typeof data.result_image === 'string' ? data.result_image.trim() : '';
	return {
		callback: {
			taskId: taskId.trim(),
			// A callback without a `success` of 1 or 0 but with a result is taken as a success.
			success: success === undefined ? resultUrl !== '' : success === 1,
			type,
			typeName: typeNames[type] ?? UNKNOWN_TYPE_NAME,
			resultUrl,
		},
	};
}

/** Compares two strings in time that depends only on their lengths, not on where they differ. */
export function constantTimeEqual(given: string, expected: string): boolean {
	const length = Math.max(given.length, expected.length);
	let difference = given.length ^ expected.length;
	for (let index = 0; index < length; index++) {
		difference |= (given.charCodeAt(index) || 0) ^ (expected.charCodeAt(index) || 0);
	}
	return difference === 0;
}
