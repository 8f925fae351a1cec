/**
 * Reads parts of a public file (the source video of a video swap) with HTTP range requests,
 * through n8n's own HTTP helper, so n8n's proxy and SSRF settings apply. Every read is bounded:
 * at most VIDEO_READ.maxBytes per file in all, and a timeout per request. A server that ignores
 * `Range` would send the whole file, so the answer is streamed and dropped after the bytes asked for.
 */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { networkFailureInWords } from '../transport/networkErrors';
import type { ByteReader } from './mp4Duration';
import { VideoDurationError } from './mp4Duration';

export const VIDEO_READ = {
	/** The first read: enough for `ftyp` and, in a faststart file, `moov` and its `mvhd`. */
	firstReadBytes: 64 * 1024,
	/** Each later read (a box header further on). */
	windowBytes: 4 * 1024,
	/** All reads of one file together. */
	maxBytes: 1024 * 1024,
	timeoutMs: 15_000,
};

interface Window {
	offset: number;
	bytes: Uint8Array;
}

type BodyStream = AsyncIterable<Uint8Array> & { destroy?: () => void };

function header(response: IN8nHttpFullResponse, name: string): string {
	const value = response.headers[name];
	return Array.isArray(value) ? String(value[0]) : String(value ?? '');
}

async function readAtMost(body: BodyStream, limit: number): Promise<Uint8Array> {
	const chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for await (const chunk of body) {
			chunks.push(chunk);
			total += chunk.length;
			if (total >= limit) break;
		}
	} finally {
		body.destroy?.();
	}
	const all = new Uint8Array(Math.min(total, limit));
	let at = 0;
	for (const chunk of chunks) {
		const part = chunk.subarray(0, all.length - at);
		all.set(part, at);
		at += part.length;
		if (at >= all.length) break;
	}
	return all;
}

/** A ByteReader over `url`, within the bounds of VIDEO_READ. */
export function httpRangeReader(ctx: IExecuteFunctions, url: string): ByteReader {
	const windows: Window[] = [];
	let fileSize: number | undefined;
	let bytesRead = 0;

	async function fetchRange(start: number, length: number): Promise<Window> {
		if (bytesRead + length > VIDEO_READ.maxBytes) {
			throw new VideoDurationError(`finding its length would take reading more than ${VIDEO_READ.maxBytes / 1024} KiB of it`);
		}
		const options: IHttpRequestOptions = {
			method: 'GET',
			url,
			headers: { Range: `bytes=${start}-${start + length - 1}`, 'Accept-Encoding': 'identity' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: VIDEO_READ.timeoutMs,
		};
		let response: IN8nHttpFullResponse | undefined;
		let failure: unknown;
		try {
			response = (await ctx.helpers.httpRequest(options)) as IN8nHttpFullResponse;
		} catch (error) {
			failure = error;
		}
		if (!response) throw new VideoDurationError(`n8n could not download it (${networkFailureInWords(failure, undefined, options.url)})`);
		const body = response.body as BodyStream;
		const status = response.statusCode;
		if (status === 416) {
			body.destroy?.();
			return { offset: start, bytes: new Uint8Array(0) };
		}
		if (status >= 300) {
			body.destroy?.();
			throw new VideoDurationError(`the server answered HTTP ${status}`);
		}
		if (/^text\/html/i.test(header(response, 'content-type'))) {
			body.destroy?.();
			throw new VideoDurationError('it is a web page (text/html), not a video file');
		}
		if (status !== 206) {
			const contentLength = Number(header(response, 'content-length'));
			// A whole file smaller than what was asked for is as good as a range.
			if (!(start === 0 && Number.isFinite(contentLength) && contentLength > 0 && contentLength <= length)) {
				body.destroy?.();
				throw new VideoDurationError(`the server ignores range requests (HTTP ${status} instead of 206), so n8n would have to download the whole video`);
			}
			fileSize = contentLength;
		} else {
			const total = /\/(\d+)\s*$/.exec(header(response, 'content-range'));
			if (total) fileSize = Number(total[1]);
		}
		const bytes = await readAtMost(body, length);
		bytesRead += bytes.length;
		const window = { offset: start, bytes };
		windows.push(window);
		return window;
	}

	return {
		size: () => fileSize,
		async read(offset: number, length: number): Promise<Uint8Array> {
			if (fileSize !== undefined && offset >= fileSize) return new Uint8Array(0);
			const covers = (w: Window) => {
				const end = w.offset + w.bytes.length;
				return offset >= w.offset && offset < end && (offset + length <= end || end === fileSize);
			};
			let window = windows.find(covers);
			if (!window) {
				let want = Math.max(length, offset === 0 ? VIDEO_READ.firstReadBytes : VIDEO_READ.windowBytes);
				if (fileSize !== undefined) want = Math.min(want, fileSize - offset);
				window = await fetchRange(offset, want);
			}
			return window.bytes.subarray(offset - window.offset, offset - window.offset + length);
		},
	};
}
