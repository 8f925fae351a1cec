import type { RequestFields } from '../inputs/requestBody';
import { isUploadFile } from '../inputs/requestBody';
import type { Endpoint } from '../transport';

/**
 * 53 bits of the cyrb53 hash over text (UTF-16 code units) or bytes. Not cryptographic: it only
 * has to tell requests apart, and two seeds give 106 bits.
 */
function hash53(input: string | Uint8Array, seed: number): string {
	let h1 = 0xdeadbeef ^ seed;
	let h2 = 0x41c6ce57 ^ seed;
	const length = input.length;
	for (let i = 0; i < length; i++) {
		const unit = typeof input === 'string' ? input.charCodeAt(i) : input[i];
		h1 = Math.imul(h1 ^ unit, 2654435761);
		h2 = Math.imul(h2 ^ unit, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

function digest(input: string | Uint8Array): string {
	return `${hash53(input, 1)}${hash53(input, 2)}`;
}

/**
 * Where a task's result goes. It is part of the key: the same swap sent first without a callback
 * and then with Wait for Result (or to another Callback URL) is a new request, whose result can
 * arrive. Wait for Result counts as one place, since n8n's resume URL differs per execution.
 */
export type ResultDestination = { kind: 'none' } | { kind: 'callback'; url: string } | { kind: 'wait' };

function destinationKey(destination: ResultDestination): string {
	return destination.kind === 'callback' ? `callback ${destination.url}` : destination.kind;
}

/**
 * What identifies a task request in the submission record: the endpoint and either the user's
 * Value to Dedupe On (that value alone says which requests are the same), or every body field
 * except `webhook` together with where the result goes and the item's Reference (so the same
 * photo for two rows is two requests, in every result mode). An uploaded file counts by its bytes
 * and type, not by its name. Without a Reference the key is what it was before Reference existed,
 * so requests recorded then are still found.
 */
export function submissionKey(
	endpoint: Endpoint,
	body: RequestFields,
	destination: ResultDestination,
	dedupeValue: string,
	reference = '',
): string {
	if (dedupeValue !== '') return `${endpoint}:${digest(`value ${dedupeValue}`)}`;
	const { webhook: _where, ...task } = body;
	const request = JSON.stringify(task, (_key, value: unknown) =>
		isUploadFile(value) ? { file: digest(value.data), size: value.data.length, type: value.mimeType } : value,
	);
	const referenceLine = reference === '' ? '' : `\nreference ${JSON.stringify(reference)}`;
	return `${endpoint}:${digest(`${destinationKey(destination)}${referenceLine}\n${request}`)}`;
}
