import type { IBinaryData, IN8nHttpFullResponse, INodeProperties, IWebhookFunctions } from 'n8n-workflow';

/** aifaceswap's own hosts, where result files are served from. */
export const API_HOSTS = ['aifaceswap.io', 'yimeta.ai'];

const MAX_REDIRECTS = 3;

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

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
};

/** Host names as users type them in a list: "cdn.example.com, .example.org". */
export function parseHostList(text: string | undefined): string[] {
	return (text ?? '')
		.split(/[\s,]+/)
		.map((host) => host.trim().toLowerCase().replace(/^\*?\./, ''))
		.filter((host) => host !== '');
}

function hostMatches(hostname: string, allowed: string): boolean {
	return hostname === allowed || hostname.endsWith(`.${allowed}`);
}

/**
 * The SSRF guard for result downloads. A callback is unauthenticated unless a token is set, so its
 * result URL is fetched only over http(s) from aifaceswap's hosts and their subdomains, the host
 * of the credential's base URL, and the hosts the user added. Everything else (loopback, private
 * and link-local addresses, other sites, other schemes) is refused.
 */
export function checkDownloadUrl(url: string, allowedHosts: string[]): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url.slice(0, 100)}" is not a URL`;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return `only http and https URLs are downloaded, not ${parsed.protocol}`;
	}
	const hostname = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (![...API_HOSTS, ...allowedHosts].some((allowed) => hostMatches(hostname, allowed))) {
		return `the host ${hostname} is not allowed: results are downloaded only from ${API_HOSTS.join(', ')}${
			allowedHosts.length ? `, ${allowedHosts.join(', ')}` : ''
		} (add it to Allowed Download Hosts if you trust it)`;
	}
	return undefined;
}

export type DownloadOutcome = { binary: IBinaryData } | { error: string };

function fileName(taskId: string, mimeType: string, url: string): string {
	const fromPath = /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
	const extension = EXTENSIONS[mimeType] ?? fromPath ?? 'bin';
	return `${taskId.replace(/[^\w.-]/g, '_')}.${extension}`;
}

/**
 * Downloads a task's result file as binary data named after the task. Redirects are followed by
 * hand, at most 3, each checked by the same guard. A refused or failed download is returned as
 * an error text for the item, never thrown, so the callback's data is not lost.
 */
export async function downloadResultFile(
	ctx: IWebhookFunctions,
	url: string,
	taskId: string,
	allowedHosts: string[],
): Promise<DownloadOutcome> {
	let current = url;
	for (let redirects = 0; ; redirects++) {
		const refused = checkDownloadUrl(current, allowedHosts);
		if (refused) return { error: `Result not downloaded: ${refused}.` };
		let response: IN8nHttpFullResponse;
		try {
			response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url: current,
				encoding: 'arraybuffer',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: 120_000,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			return { error: `Result not downloaded: ${(error as Error).message}` };
		}
		const location = response.headers?.location;
		if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
			if (redirects >= MAX_REDIRECTS) return { error: 'Result not downloaded: too many redirects.' };
			current = new URL(location, current).toString();
			continue;
		}
		if (response.statusCode >= 400) {
			return { error: `Result not downloaded: the server answered HTTP ${response.statusCode}.` };
		}
		const contentType = String(response.headers?.['content-type'] ?? 'application/octet-stream');
		const mimeType = contentType.split(';')[0].trim().toLowerCase();
		const data = Buffer.from(response.body as ArrayBuffer);
		const binary = await ctx.helpers.prepareBinaryData(data, fileName(taskId, mimeType, current), mimeType);
		return { binary };
	}
}

/** The hosts allowed besides aifaceswap's: the credential's base URL host and the user's list. */
export async function allowedDownloadHosts(ctx: IWebhookFunctions, userHosts: string | undefined): Promise<string[]> {
	const hosts = parseHostList(userHosts);
	try {
		const credentials = await ctx.getCredentials<{ baseUrl?: string }>('aifaceswapApi');
		if (credentials?.baseUrl) hosts.push(new URL(credentials.baseUrl).hostname.toLowerCase());
	} catch {
		// No credential chosen on this node: only aifaceswap's hosts and the user's list.
	}
	return hosts;
}
