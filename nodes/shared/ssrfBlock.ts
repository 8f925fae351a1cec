/**
 * n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED=true, n8n 2.x): n8n's request helpers refuse a
 * URL whose host resolves to a blocked address range (by default the private, loopback and
 * link-local ranges) before any byte is sent, with SsrfBlockedIpError or SsrfBlockedHostnameError
 * (`@n8n/backend-network`). This recognises that refusal and says what the n8n administrator sets.
 */

export interface SsrfBlock {
	/** The host name n8n refused, when n8n names it. */
	hostname?: string;
	/** The address it resolved to, when the refusal is for an address. */
	ip?: string;
}

const BLOCK_NAMES = ['SsrfBlockedIpError', 'SsrfBlockedHostnameError'];

/** The SSRF refusal in this error or one of its causes; undefined for any other error. */
export function ssrfBlock(error: unknown): SsrfBlock | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const { name, hostname, ip, cause } = current as { name?: unknown; hostname?: unknown; ip?: unknown; cause?: unknown };
		if (typeof name === 'string' && BLOCK_NAMES.includes(name)) {
			return { hostname: typeof hostname === 'string' ? hostname : undefined, ip: typeof ip === 'string' ? ip : undefined };
		}
		current = cause;
	}
	return undefined;
}

/** The refusal in words, naming the setting that lets the request through. */
export function ssrfBlockInWords(block: SsrfBlock, url?: string): string {
	let host = block.hostname;
	if (host === undefined && url !== undefined) {
		try {
			host = new URL(url).hostname;
		} catch {
			host = undefined;
		}
	}
	const target = [host, block.ip && block.ip !== host ? `(${block.ip})` : undefined].filter(Boolean).join(' ');
	return (
		`n8n's SSRF protection blocked the request${target ? ` to ${target}` : ''}: n8n refuses the address it resolves to. ` +
		'To allow it, the n8n administrator adds the host name to N8N_SSRF_ALLOWED_HOSTNAMES or its address to N8N_SSRF_ALLOWED_IP_RANGES'
	);
}
