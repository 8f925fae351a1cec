/**
 * Result files of any size made on the fly, served by the mock at /generated/<name>: a large
 * "video" that is never whole in the test's memory (each 64 KiB block is a fixed random block
 * with its index written into its first bytes, so a block out of place changes the hash), and a
 * result host that trickles bytes slowly. Each request is recorded with what was sent and when
 * the client hung up.
 */
import { createHash, randomBytes } from 'node:crypto';
import type http from 'node:http';

export interface GeneratedFile {
	size: number;
	contentType?: string;
	/** Send Content-Length (default true); without it the body is chunked and only counted by the client. */
	declareLength?: boolean;
	/** Send `bytes` bytes every `everyMs` ms instead of as fast as the client reads. */
	trickle?: { bytes: number; everyMs: number };
}

export interface GeneratedRequest {
	name: string;
	receivedAt: number;
	bytesSent: number;
	/** When the response ended or the client hung up. */
	closedAt?: number;
	/** Whether the whole file was sent. */
	complete: boolean;
}

const BLOCK = 64 * 1024;
const PATTERN = randomBytes(BLOCK);

/** Bytes [offset, offset + length) of every generated file (offset a multiple of BLOCK, length at most BLOCK). */
function block(index: number, length: number): Buffer {
	const bytes = Buffer.from(PATTERN.subarray(0, length));
	bytes.writeUInt32BE(index >>> 0, 0);
	return bytes;
}

/** The SHA-256 (hex) of a generated file of this size, computed block by block. */
export function generatedSha256(size: number): string {
	const hash = createHash('sha256');
	for (let index = 0; index * BLOCK < size; index++) hash.update(block(index, Math.min(BLOCK, size - index * BLOCK)));
	return hash.digest('hex');
}

/** Waits until the response takes more data or the client is gone (its listeners removed again). */
async function drainedOrClosed(res: http.ServerResponse): Promise<void> {
	await new Promise<void>((resolve) => {
		const done = () => {
			res.off('drain', done).off('close', done);
			resolve();
		};
		res.once('drain', done).once('close', done);
	});
}

export class GeneratedFiles {
	private files = new Map<string, GeneratedFile>();
	requests: GeneratedRequest[] = [];

	serve(name: string, file: GeneratedFile): void {
		this.files.set(name, file);
	}

	reset(): void {
		this.requests = [];
	}

	/** Answers GET /generated/<name>; false when the path is not a generated file's. */
	handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
		const match = /^\/generated\/([\w.-]+)$/.exec(path);
		if (req.method !== 'GET' || !match) return false;
		const file = this.files.get(match[1]);
		if (!file) {
			res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
			return true;
		}
		const record: GeneratedRequest = { name: match[1], receivedAt: Date.now(), bytesSent: 0, complete: false };
		this.requests.push(record);
		res.once('close', () => (record.closedAt = Date.now()));
		res.writeHead(200, {
			'Content-Type': file.contentType ?? 'video/mp4',
			...(file.declareLength === false ? {} : { 'Content-Length': file.size }),
		});
		void this.send(file, res, record);
		return true;
	}

	private async send(file: GeneratedFile, res: http.ServerResponse, record: GeneratedRequest): Promise<void> {
		let closed = false;
		res.once('close', () => (closed = true));
		for (let index = 0; index * BLOCK < file.size && !closed; index++) {
			const chunk = block(index, Math.min(BLOCK, file.size - index * BLOCK));
			const parts = file.trickle ? Math.ceil(chunk.length / file.trickle.bytes) : 1;
			for (let part = 0; part < parts && !closed; part++) {
				const piece = file.trickle ? chunk.subarray(part * file.trickle.bytes, (part + 1) * file.trickle.bytes) : chunk;
				if (file.trickle) await new Promise((resolve) => setTimeout(resolve, file.trickle!.everyMs));
				if (closed) break;
				record.bytesSent += piece.length;
				if (!res.write(piece)) await drainedOrClosed(res);
			}
		}
		if (!closed) {
			record.complete = true;
			res.end();
		}
	}
}
