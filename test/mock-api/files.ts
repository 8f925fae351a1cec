/**
 * Files served by the mock at /files/<name> (videos for the video swaps' length reading, video
 * frames for the face-reference example): HTTP range requests
 * (`Range: bytes=a-b` -> 206 with `Content-Range`), and switches for a server that ignores
 * `Range`, answers with an error status or with an HTML page. The file is sent in small chunks
 * with back-pressure and stopped when the client hangs up, so `bytesSent` is what really left.
 */
import type http from 'node:http';

export interface ServedFile {
	bytes: Buffer;
	/** Answer 200 with the whole file, as a server without range support does. */
	ignoreRange?: boolean;
	/** Answer with this status and no file. */
	status?: number;
	contentType?: string;
}

const CHUNK = 16 * 1024;

export class MockFiles {
	private files = new Map<string, ServedFile>();
	private sent = new Map<string, number>();
	/** The Range headers received, per file. */
	ranges = new Map<string, string[]>();

	serve(name: string, file: ServedFile): void {
		this.files.set(name, file);
	}

	bytesSent(name: string): number {
		return this.sent.get(name) ?? 0;
	}

	reset(): void {
		this.sent.clear();
		this.ranges.clear();
	}

	/** Answers GET /files/<name>; false when the path is not a file's. */
	handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean {
		const match = /^\/files\/([\w.-]+)$/.exec(path);
		if (req.method !== 'GET' || !match) return false;
		const name = match[1];
		const file = this.files.get(name);
		const range = req.headers.range;
		this.ranges.set(name, [...(this.ranges.get(name) ?? []), range ?? '']);
		if (!file) {
			res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
			return true;
		}
		if (file.status) {
			res.writeHead(file.status, { 'Content-Type': 'text/plain' }).end('refused');
			return true;
		}
		const contentType = file.contentType ?? 'video/mp4';
		const size = file.bytes.length;
		const asked = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
		if (file.ignoreRange || !asked) {
			res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': size, 'Accept-Ranges': 'none' });
			void this.send(name, res, file.bytes);
			return true;
		}
		const start = Number(asked[1]);
		const end = Math.min(asked[2] === '' ? size - 1 : Number(asked[2]), size - 1);
		if (start >= size) {
			res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
			return true;
		}
		res.writeHead(206, {
			'Content-Type': contentType,
			'Content-Length': end - start + 1,
			'Content-Range': `bytes ${start}-${end}/${size}`,
			'Accept-Ranges': 'bytes',
		});
		void this.send(name, res, file.bytes.subarray(start, end + 1));
		return true;
	}

	private async send(name: string, res: http.ServerResponse, bytes: Buffer): Promise<void> {
		let closed = false;
		res.once('close', () => (closed = true));
		for (let at = 0; at < bytes.length && !closed; at += CHUNK) {
			const chunk = bytes.subarray(at, at + CHUNK);
			this.sent.set(name, this.bytesSent(name) + chunk.length);
			if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
		}
		if (!closed) res.end();
	}
}
