import type { IBinaryData, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { DownloadAllowance } from './downloadAllowance';
import { checkDownloadUrl, downloadAllowance } from './downloadAllowance';
import { DEFAULT_MAX_DOWNLOAD_MB, DOWNLOAD_DEADLINE_SECONDS } from './downloadOptions';
import { ssrfBlock, ssrfBlockInWords } from './ssrfBlock';

const MB = 1024 * 1024;
const MAX_REDIRECTS = 3;

/** The download options of a node, as the user set them. */
export interface DownloadSettings {
	allowedDownloadHosts?: string;
	maxDownloadSize?: number;
}

export type DownloadOutcome = { binary: IBinaryData } | { error: string };

/** A response body as n8n's HTTP helper hands it out with `encoding: 'stream'`. */
type BodyStream = Exclude<Parameters<IWebhookFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
};

const LARGER_FILES = 'download it in the workflow with an HTTP Request node from resultUrl';

function tooLarge(maxBytes: number, size?: number): DownloadOutcome {
	const file = size === undefined ? 'the file' : `the file (${megabytes(size)})`;
	return {
		error: `Result not downloaded: ${file} is larger than Max Download Size (${megabytes(maxBytes)}); raise Max Download Size or ${LARGER_FILES}.`,
	};
}

function fileName(taskId: string, mimeType: string, url: string): string {
	const fromPath = /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
	const extension = EXTENSIONS[mimeType] ?? fromPath ?? 'bin';
	return `${taskId.replace(/[^\w.-]/g, '_')}.${extension}`;
}

function megabytes(bytes: number): string {
	if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
	return `${Math.round((bytes / MB) * 10) / 10} MB`;
}

/** Thrown inside the byte counter when the file passes the size limit. */
class TooLarge extends Error {}

/** The deadline's reason for stopping a download. */
class PastDeadline extends Error {}

/** One request's answer, its body not read yet. */
interface Hop {
	statusCode: number;
	headers: IN8nHttpFullResponse['headers'];
	body: BodyStream;
	/** Ends the request and its body unread (the connection is closed, not left waiting). */
	discard: () => void;
}

/**
 * GETs one URL without following redirects; the answer comes as soon as its headers do. The
 * request has its own abort signal, aborted with `stop`: n8n's HTTP helper (axios) then closes
 * the connection, which destroying the body alone does not do while nobody has read from it.
 */
async function requestHop(ctx: IWebhookFunctions, url: string, stop: AbortSignal): Promise<Hop | { error: string }> {
	const request = new AbortController();
	const onStop = () => request.abort();
	stop.addEventListener('abort', onStop, { once: true });
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: DOWNLOAD_DEADLINE_SECONDS * 1000,
			abortSignal: request.signal,
		})) as IN8nHttpFullResponse;
		const body = response.body as BodyStream;
		const discard = () => {
			stop.removeEventListener('abort', onStop);
			// the helper reports the abort as an error of the body: nobody reads it any more
			body.on('error', () => undefined);
			request.abort();
			body.destroy();
		};
		if (stop.aborted) discard();
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body, discard };
	} catch (error) {
		stop.removeEventListener('abort', onStop);
		const block = ssrfBlock(error);
		return { error: `Result not downloaded: ${block ? `${ssrfBlockInWords(block, url)}.` : (error as Error).message}` };
	}
}

/**
 * Streams a body into n8n's binary data storage through a byte counter: the stream's own map()
 * makes a Readable that passes each chunk on, counted, so n8n stores the file as it arrives (to
 * disk in filesystem mode); past `maxBytes`, or when `stop` aborts, it ends in an error, the
 * request is closed and n8n discards what it stored so far.
 */
async function storeCounted(
	ctx: IWebhookFunctions,
	hop: Hop,
	name: string,
	mimeType: string,
	maxBytes: number,
	stop: AbortSignal,
	received: { bytes: number },
): Promise<DownloadOutcome> {
	const counted = hop.body.map((chunk: Uint8Array) => {
		received.bytes += chunk.length;
		if (received.bytes > maxBytes) throw new TooLarge();
		return chunk;
	}) as BodyStream;
	const onStop = () => counted.destroy(new PastDeadline());
	stop.addEventListener('abort', onStop, { once: true });
	try {
		return { binary: await ctx.helpers.prepareBinaryData(counted, name, mimeType) };
	} catch (error) {
		hop.discard();
		if (error instanceof TooLarge) return tooLarge(maxBytes);
		return { error: `Result not downloaded: ${(error as Error).message}` };
	} finally {
		stop.removeEventListener('abort', onStop);
	}
}

/**
 * One download, hop by hop: each URL (the first and every redirect, at most 3) checked by the
 * guard before it is requested, then the body stored, counted. `stop` (the deadline) ends it.
 */
async function streamResultFile(
	ctx: IWebhookFunctions,
	url: string,
	taskId: string,
	allowance: DownloadAllowance,
	maxBytes: number,
	stop: AbortSignal,
	received: { bytes: number },
): Promise<DownloadOutcome> {
	let current = url;
	for (let redirects = 0; ; redirects++) {
		const refused = checkDownloadUrl(current, allowance);
		if (refused) return { error: `Result not downloaded: ${refused}.` };
		const hop = await requestHop(ctx, current, stop);
		if ('error' in hop) return hop;
		const { statusCode, headers } = hop;
		const location = headers.location;
		if (statusCode >= 300 && statusCode < 400 && typeof location === 'string') {
			hop.discard();
			if (redirects >= MAX_REDIRECTS) return { error: 'Result not downloaded: too many redirects.' };
			current = new URL(location, current).toString();
			continue;
		}
		if (statusCode >= 400) {
			hop.discard();
			return { error: `Result not downloaded: the server answered HTTP ${statusCode}.` };
		}
		const declared = Number(headers['content-length']);
		if (Number.isFinite(declared) && declared > maxBytes) {
			hop.discard();
			return tooLarge(maxBytes, declared);
		}
		const mimeType = String(headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
		return await storeCounted(ctx, hop, fileName(taskId, mimeType, current), mimeType, maxBytes, stop, received);
	}
}

/**
 * Downloads a task's result file into n8n's binary data storage, named after the task, streamed
 * (never whole in memory where n8n's storage takes a stream), at most Max Download Size and
 * within DOWNLOAD_DEADLINE_SECONDS in all. A refused, failed, too large or too slow download is
 * returned as an error text for the item, never thrown, so the callback's data is not lost.
 */
export async function downloadResultFile(
	ctx: IWebhookFunctions,
	url: string,
	taskId: string,
	settings: DownloadSettings,
): Promise<DownloadOutcome> {
	const allowance = await downloadAllowance(ctx, settings.allowedDownloadHosts);
	const maxMegabytes = Number(settings.maxDownloadSize ?? DEFAULT_MAX_DOWNLOAD_MB);
	const maxBytes = Math.floor((Number.isFinite(maxMegabytes) && maxMegabytes > 0 ? maxMegabytes : DEFAULT_MAX_DOWNLOAD_MB) * MB);
	const stop = new AbortController();
	const timer = new AbortController();
	const received = { bytes: 0 };
	const download = streamResultFile(ctx, url, taskId, allowance, maxBytes, stop.signal, received).catch(
		(error: Error): DownloadOutcome => ({ error: `Result not downloaded: ${error.message}` }),
	);
	const deadline = sleep(DOWNLOAD_DEADLINE_SECONDS * 1000, timer.signal).then(
		() => undefined,
		() => undefined,
	);
	const outcome = await Promise.race([download, deadline]);
	if (outcome !== undefined) {
		timer.abort();
		return outcome;
	}
	stop.abort();
	return {
		error: `Result not downloaded: it did not arrive within ${DOWNLOAD_DEADLINE_SECONDS} s (${megabytes(received.bytes)} received); ${LARGER_FILES}.`,
	};
}
