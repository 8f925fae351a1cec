import type { FieldValue } from './inputs';
import { isUploadFile } from './inputs';

export interface MultipartBody {
	body: Buffer;
	contentType: string;
}

function quoted(text: string): string {
	return text.replace(/[\r\n"]/g, (char) => encodeURIComponent(char));
}

/**
 * Encodes fields as multipart/form-data (RFC 7578). Files keep their file name and MIME type;
 * arrays repeat the field. Built by hand into one Buffer so that it works the same on every
 * n8n version, whatever HTTP client n8n uses underneath.
 */
export function encodeMultipart(
	fields: Record<string, FieldValue | FieldValue[] | undefined>,
	boundary: string,
): MultipartBody {
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
					Buffer.from(
						`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${String(entry)}\r\n`,
					),
				);
			}
		}
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
