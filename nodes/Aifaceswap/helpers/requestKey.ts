import type { Endpoint, RequestBody } from '../transport';
import { isUploadFile } from './inputs';

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
 * What identifies a task request: the endpoint and every body field except `webhook` (where the
 * result goes is not part of the task; in Wait for Result it even differs per execution). An
 * uploaded file counts by its bytes and type, not by its name.
 */
export function requestKey(endpoint: Endpoint, body: RequestBody): string {
	const { webhook: _where, ...task } = body;
	const canonical = JSON.stringify(task, (_key, value: unknown) =>
		isUploadFile(value) ? { file: digest(value.data), size: value.data.length, type: value.mimeType } : value,
	);
	return `${endpoint}:${digest(canonical)}`;
}
