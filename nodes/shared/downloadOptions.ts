import type { INodeProperties } from 'n8n-workflow';

/** The download options of the trigger and of Wait for Result, and the limits they name. */

/**
 * Max Download Size when the option is not set, in MB: a minute or two of 1080p video, what
 * arrives within the deadline at 40 Mbit/s, and what n8n's database and S3 binary modes (queue
 * mode) hold in memory a few times over while they store a file (they take no stream).
 */
export const DEFAULT_MAX_DOWNLOAD_MB = 100;

/**
 * How long a download may take in all (redirects, headers, body, storing). n8n answers the
 * callback only after it, and senders of webhooks commonly give up after 10 to 30 s and deliver
 * again: 20 s leaves n8n the rest of 30 s to start the execution and answer.
 */
export const DOWNLOAD_DEADLINE_SECONDS = 20;

/** The Download Result option (trigger and Wait for Result). */
export const downloadResultOption: INodeProperties = {
	displayName: 'Download Result',
	name: 'downloadResult',
	type: 'boolean',
	default: false,
	description: `Whether to download the result file into the binary property "data". Downloads only from aifaceswap's own hosts, the credential's Base URL (its scheme, host and port) and Allowed Download Hosts, up to Max Download Size and within ${DOWNLOAD_DEADLINE_SECONDS} seconds; otherwise the item carries downloadError.`,
};

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
