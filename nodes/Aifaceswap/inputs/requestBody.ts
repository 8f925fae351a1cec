import type { IDataObject } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import type { EncodedBody } from '../transport';

/** A file read from an n8n binary property, ready to upload as a multipart file field. */
export interface UploadFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** What goes into one body field: text (a URL, a number, base64) or an uploaded file. */
export type FieldValue = string | number | UploadFile;

/** The fields of a request to the API, as the operations build them. */
export type RequestFields = Record<string, FieldValue | FieldValue[] | IDataObject[] | undefined>;

export function isUploadFile(value: unknown): value is UploadFile {
	return typeof value === 'object' && value !== null && 'data' in value && 'mimeType' in value;
}

function quoted(text: string): string {
	return text.replace(/[\r\n"]/g, (char) => encodeURIComponent(char));
}

/**
 * Encodes fields as multipart/form-data (RFC 7578). Files keep their file name and MIME type;
 * arrays repeat the field. Built by hand into one Buffer so that it works the same on every
 * n8n version, whatever HTTP client n8n uses underneath.
 */
function encodeMultipart(fields: Record<string, FieldValue | FieldValue[] | undefined>, boundary: string): Buffer {
	const chunks: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined) continue;
		for (const entry of Array.isArray(value) ? value : [value]) {
			if (isUploadFile(entry)) {
				chunks.push(
					Buffer.from(
						`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"; filename="${quoted(entry.fileName)}"\r\nContent-Type: ${entry.mimeType}\r\n\r\n`,
					),
					entry.data,
					Buffer.from('\r\n'),
				);
			} else {
				chunks.push(
					Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${String(entry)}\r\n`),
				);
			}
		}
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

/** The body as the API takes it: JSON, or multipart/form-data when a field is an uploaded file. */
export function encodeBody(fields: RequestFields): EncodedBody {
	const hasFile = Object.values(fields).some((value) => isUploadFile(value) || (Array.isArray(value) && value.some(isUploadFile)));
	if (!hasFile) return { json: fields as IDataObject };
	const boundary = `----n8nAifaceswap${randomString(24)}`;
	return {
		bytes: encodeMultipart(fields as Record<string, FieldValue | FieldValue[] | undefined>, boundary),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}
