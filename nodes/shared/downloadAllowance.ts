import type { IWebhookFunctions } from 'n8n-workflow';

/** aifaceswap's own hosts, where result files are served from. */
export const API_HOSTS = ['aifaceswap.io', 'yimeta.ai'];

/**
 * Where result files may be downloaded from: host names (each with its subdomains, on any port)
 * and, exactly, the origin (scheme, host and port) of the credential's Base URL.
 */
export interface DownloadAllowance {
	hosts: string[];
	baseUrlOrigin?: string;
}

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
 * result URL is fetched only over http(s) from aifaceswap's hosts and their subdomains, the hosts
 * the user added, and the credential's Base URL: its scheme, host and port exactly (a local Base
 * URL must not open every other service on that host). Everything else (loopback, private and
 * link-local addresses, other sites, other ports, other schemes) is refused.
 */
export function checkDownloadUrl(url: string, allowance: DownloadAllowance): string | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url.slice(0, 100)}" is not a URL`;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		return `only http and https URLs are downloaded, not ${parsed.protocol}`;
	}
	if (allowance.baseUrlOrigin !== undefined && parsed.origin === allowance.baseUrlOrigin) return undefined;
	const hostname = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if ([...API_HOSTS, ...allowance.hosts].some((allowed) => hostMatches(hostname, allowed))) return undefined;
	const baseUrl = allowance.baseUrlOrigin === undefined ? undefined : new URL(allowance.baseUrlOrigin);
	if (baseUrl && baseUrl.hostname === parsed.hostname) {
		return `${parsed.origin} is not the credential's Base URL ${baseUrl.origin}: on its host only that scheme and port are downloaded from`;
	}
	const from = [...API_HOSTS, ...allowance.hosts, ...(baseUrl ? [`the credential's Base URL ${baseUrl.origin}`] : [])];
	return `the host ${hostname} is not allowed: results are downloaded only from ${from.join(', ')} (add it to Allowed Download Hosts if you trust it)`;
}

/** What this node may download from: aifaceswap's hosts, the user's list and the credential's Base URL. */
export async function downloadAllowance(ctx: IWebhookFunctions, userHosts: string | undefined): Promise<DownloadAllowance> {
	const allowance: DownloadAllowance = { hosts: parseHostList(userHosts) };
	try {
		const credentials = await ctx.getCredentials<{ baseUrl?: string }>('aifaceswapApi');
		const baseUrl = credentials?.baseUrl ? new URL(credentials.baseUrl) : undefined;
		if (baseUrl?.protocol === 'http:' || baseUrl?.protocol === 'https:') allowance.baseUrlOrigin = baseUrl.origin;
	} catch {
		// No credential chosen on this node (or no valid Base URL): aifaceswap's hosts and the user's list.
	}
	return allowance;
}
