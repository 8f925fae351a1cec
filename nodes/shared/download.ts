import type { IBinaryData, IN8nHttpFullResponse, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { DownloadAllowance } from './downloadAllowance';
import { checkDownloadUrl, downloadAllowance } from './downloadAllowance';

/** Max Download Size when the option is not set, in MB: n8n's own limit for uploaded files (N8N_FORMDATA_FILE_SIZE_MAX). */
export const DEFAULT_MAX_DOWNLOAD_MB = 200;

/**
 * How long a download may take in all (redirects, headers, body, storing). n8n answers the
 * callback only after it, and senders of webhooks commonly give up after 10 to 30 s and deliver
 * again: 20 s leaves n8n the rest of 30 s to start the execution and answer.
 */
export const DOWNLOAD_DEADLINE_SECONDS = 20;

const MB = 1024 * 1024;
const MAX_REDIRECTS = 3;

/** The Download Result option; `when` names the mode it works in, if the node has several. */
export function downloadResultOption(when = ''): INodeProperties {
	return {
		displayName: 'Download Result',
		name: 'downloadResult',
		type: 'boolean',
		default: false,
		description: `Whether to download the result file into the binary property "data"${when}. Downloads only from aifaceswap's own hosts, the credential's Base URL (its scheme, host and port) and Allowed Download Hosts, up to Max Download Size and within ${DOWNLOAD_DEADLINE_SECONDS} seconds; otherwise the item carries downloadError.`,
	};
}

/** The option that widens where results may be downloaded from (trigger and Wait for Result). */
export const allowedDownloadHostsOption: INodeProperties = {
	displayName: 'Allowed Download Hosts',
	name: 'allowedDownloadHosts',
	type: 'string',
	default: '',
	placeholder: 'cdn.example.com, files.example.org',
	description: 'More hosts (and their subdomains) results may be downloaded from, separated by commas',
	displayOptions: { show: { downloadResult: [true] } },
};

/** The largest result file downloaded (trigger and Wait for Result). */
export const maxDownloadSizeOption: INodeProperties = {
	displayName: 'Max Download Size (MB)',
	name: 'maxDownloadSize',
	type: 'number',
	default: DEFAULT_MAX_DOWNLOAD_MB,
	typeOptions: { minValue: 1 },
	description: `Largest result file to download, in MB (1 MB = 1,048,576 bytes). A larger file is not downloaded: the item carries downloadError and resultUrl, so a later HTTP Request node can fetch it. Every download must also finish within ${DOWNLOAD_DEADLINE_SECONDS} seconds.`,
	displayOptions: { show: { downloadResult: [true] } },
};

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
	return `${Math.round((bytes / MB) * 10) / 10} MB`;
}

/** Thrown inside the byte counter when the file passes the size limit. */
class TooLarge extends Error {}

/** The deadline's reason for stopping a download. */
class PastDeadline extends Error {}

/**
 * One download, hop by hop: each URL (the first and every redirect, at most 3) checked by the
 * guard, the body streamed into n8n's binary data storage through a byte counter that stops it
 * past `maxBytes`. `stop` aborts it (the deadline): the request and the body are destroyed, so
 * n8n discards what it stored so far.
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
		let response: IN8nHttpFullResponse;
		try {
			response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url: current,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: DOWNLOAD_DEADLINE_SECONDS * 1000,
				abortSignal: stop,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			return { error: `Result not downloaded: ${(error as Error).message}` };
		}
		const body = response.body as BodyStream;
		if (stop.aborted) {
			body.destroy();
			return { error: 'Result not downloaded: past the deadline.' };
		}
		const headers = response.headers ?? {};
		const location = headers.location;
		if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
			body.destroy();
			if (redirects >= MAX_REDIRECTS) return { error: 'Result not downloaded: too many redirects.' };
			current = new URL(location, current).toString();
			continue;
		}
		if (response.statusCode >= 400) {
			body.destroy();
			return { error: `Result not downloaded: the server answered HTTP ${response.statusCode}.` };
		}
		// A compressed body's Content-Length is not the file's size: such a body is only counted.
		const declared = Number(headers['content-length']);
		if (headers['content-encoding'] === undefined && Number.isFinite(declared) && declared > maxBytes) {
			body.destroy();
			return tooLarge(maxBytes, declared);
		}
		const contentType = String(headers['content-type'] ?? 'application/octet-stream');
		const mimeType = contentType.split(';')[0].trim().toLowerCase();
		// The stream's own map(): a Readable that passes each chunk on, counted; n8n stores it as it
		// arrives (to disk in filesystem mode), and a throw here ends it, the request included.
		const counted = body.map((chunk: Uint8Array) => {
			received.bytes += chunk.length;
			if (received.bytes > maxBytes) throw new TooLarge();
			return chunk;
		}) as BodyStream;
		const onStop = () => counted.destroy(new PastDeadline());
		stop.addEventListener('abort', onStop, { once: true });
		try {
			const binary = await ctx.helpers.prepareBinaryData(counted, fileName(taskId, mimeType, current), mimeType);
			return { binary };
		} catch (error) {
			if (error instanceof TooLarge) return tooLarge(maxBytes);
			return { error: `Result not downloaded: ${(error as Error).message}` };
		} finally {
			stop.removeEventListener('abort', onStop);
		}
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
