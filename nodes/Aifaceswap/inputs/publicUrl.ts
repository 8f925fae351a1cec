import type { IExecuteFunctions } from 'n8n-workflow';

import type { ParameterRef } from './parameters';
import { invalidParameter, requireHttpUrl } from './validation';

/**
 * Which URLs aifaceswap can reach. aifaceswap runs on the internet: it downloads the files a
 * request names and posts the result to its callback URL. A URL it cannot reach makes a task that
 * is paid for and can never succeed, so such URLs are refused before anything is sent, judged from
 * the URL's text alone (no DNS look-up): the host as the WHATWG URL parser normalises it (so
 * `http://0x7f.1/` and `http://2130706433/` are 127.0.0.1).
 */

/** An IPv4 range: its first address as a number and its prefix length, and what it is. */
interface Range {
	start: number;
	bits: number;
	what: string;
}

function ipv4Number(address: string): number {
	return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

const range = (cidr: string, what: string): Range => {
	const [start, bits] = cidr.split('/');
	return { start: ipv4Number(start), bits: Number(bits), what };
};

const IPV4_UNREACHABLE: Range[] = [
	range('0.0.0.0/8', 'a "this host" address (0.0.0.0/8)'),
	range('10.0.0.0/8', 'a private network address (10.0.0.0/8)'),
	range('100.64.0.0/10', 'a shared (carrier-grade NAT) address (100.64.0.0/10)'),
	range('127.0.0.0/8', 'a loopback address (127.0.0.0/8, this computer)'),
	range('169.254.0.0/16', 'a link-local address (169.254.0.0/16)'),
	range('172.16.0.0/12', 'a private network address (172.16.0.0/12)'),
	range('192.168.0.0/16', 'a private network address (192.168.0.0/16)'),
	range('224.0.0.0/4', 'a multicast address (224.0.0.0/4)'),
	range('240.0.0.0/4', 'a reserved address (240.0.0.0/4)'),
];

function ipv4Problem(address: string): string | undefined {
	const value = ipv4Number(address);
	const found = IPV4_UNREACHABLE.find(({ start, bits }) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(start / 2 ** (32 - bits)));
	return found?.what;
}

/** The eight 16-bit groups of an IPv6 address as the URL parser writes it (compressed, no IPv4 part). */
function ipv6Groups(address: string): number[] {
	const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
	const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
	const first = parse(head);
	const last = parse(tail);
	return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

function embeddedIpv4(groups: number[]): string {
	return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
}

function ipv6Problem(address: string): string | undefined {
	const groups = ipv6Groups(address);
	const zeros = (count: number) => groups.slice(0, count).every((group) => group === 0);
	if (zeros(8)) return 'the unspecified address (::)';
	if (zeros(7) && groups[7] === 1) return 'a loopback address (::1, this computer)';
	if (zeros(5) && groups[5] === 0xffff) {
		const ipv4 = embeddedIpv4(groups);
		const problem = ipv4Problem(ipv4);
		return problem && `an IPv4-mapped address of ${ipv4}, ${problem}`;
	}
	if (zeros(6)) return 'an IPv4-compatible address (::/96, no longer routed)';
	if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
		const ipv4 = embeddedIpv4(groups);
		const problem = ipv4Problem(ipv4);
		return problem && `a NAT64 address of ${ipv4}, ${problem}`;
	}
	if ((groups[0] & 0xfe00) === 0xfc00) return 'a unique-local address (fc00::/7)';
	if ((groups[0] & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
	if ((groups[0] & 0xffc0) === 0xfec0) return 'a site-local address (fec0::/10)';
	if ((groups[0] & 0xff00) === 0xff00) return 'a multicast address (ff00::/8)';
	return undefined;
}

/** Name suffixes that only a local network resolves. */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'lan', 'home.arpa'];

function nameProblem(name: string): string | undefined {
	if (name === 'localhost' || name.endsWith('.localhost')) return 'a name of this computer';
	const suffix = LOCAL_SUFFIXES.find((local) => name.endsWith(`.${local}`));
	if (suffix) return `a name only a local network resolves (.${suffix})`;
	if (!name.includes('.')) return 'a name without a dot, which only a local network (or Docker) resolves';
	return undefined;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Why a host cannot be reached from the internet, or undefined when it may be. `hostname` as
 * `new URL(...).hostname` gives it: lowercase, IPv4 in dotted decimal, IPv6 in brackets.
 */
export function unreachableFromInternet(hostname: string): string | undefined {
	const host = hostname.toLowerCase();
	if (host.startsWith('[') && host.endsWith(']')) return ipv6Problem(host.slice(1, -1));
	if (IPV4.test(host)) return ipv4Problem(host);
	const name = host.replace(/\.+$/, '');
	if (name === '') return 'an empty host name';
	return nameProblem(name);
}

/** Whether the host of this URL may be reached from the internet (false for a URL that does not parse). */
export function isInternetUrl(url: string): boolean {
	try {
		return unreachableFromInternet(new URL(url).hostname) === undefined;
	} catch {
		return false;
	}
}

/** Where the API is: the credential's Base URL, read when needed. */
export interface ApiLocation {
	baseUrl(): Promise<string>;
}

/** What a URL is for: this decides the advice in the error. */
export type UrlRole =
	/** a file aifaceswap downloads; `binaryInput` names the input switch when the file can be uploaded instead */
	| { kind: 'file'; binaryInput?: ParameterRef }
	/** the Callback URL the user entered */
	| { kind: 'callback' }
	/** n8n's resume URL of this execution (Wait for Result) */
	| { kind: 'resume' };

/** The URL as shown in an error: without its query (a resume URL's signature) and shortened. */
function shownUrl(url: URL): string {
	const text = `${url.origin}${url.pathname}`;
	return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

const TUNNEL =
	'If n8n runs on your own computer or in Docker, give it a public address with a tunnel (for example `cloudflared tunnel --url http://localhost:5678` or `ngrok http 5678`), set the WEBHOOK_URL environment variable to that address and restart n8n.';

/** What the URL is in the error's first words, and what to do: short in the message, in full in the description. */
function wording(role: UrlRole): { subject: string; todo: string; description: string } {
	switch (role.kind) {
		case 'resume':
			return {
				subject: "needs aifaceswap to call n8n's resume URL",
				todo: "n8n needs the WEBHOOK_URL environment variable set to its public address.",
				description: `n8n makes resume URLs from WEBHOOK_URL (without it: http://localhost:5678). ${TUNNEL} Or use Result Mode "Submit Only" with the Callback URL of an Aifaceswap Trigger.`,
			};
		case 'callback':
			return {
				subject: 'is',
				todo: 'Use an address the internet can reach, or leave Callback URL empty.',
				description: `Paste the Production URL of an Aifaceswap Trigger on an n8n that the internet can reach, or leave Callback URL empty (the result then shows in your aifaceswap.io account only). ${TUNNEL}`,
			};
		case 'file':
			return role.binaryInput
				? {
						subject: 'is',
						todo: `Use a public URL, or set ${role.binaryInput.label} (${role.binaryInput.name}) to Binary File.`,
						description: `aifaceswap downloads the file itself, from the internet. For a file only your network can reach, download it into n8n first (HTTP Request node, Response Format: File) and set ${role.binaryInput.label} to Binary File: n8n then uploads it.`,
					}
				: {
						subject: 'is',
						todo: 'Use a public URL of the file.',
						description: 'aifaceswap downloads the file itself, from the internet: put the file where a public link reaches it (for example a public link of your cloud storage).',
					};
	}
}

/**
 * Refuses a URL aifaceswap cannot reach, while the credential's Base URL is on the internet. When
 * the Base URL itself is not (a local test server or a proxy on the same network), everything is
 * allowed: that server may well reach the URL.
 */
export async function requireReachableByApi(
	ctx: IExecuteFunctions,
	itemIndex: number,
	api: ApiLocation,
	parameter: ParameterRef,
	url: string,
	role: UrlRole,
): Promise<void> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return; // not a URL: refused by requireHttpUrl already
	}
	const problem = unreachableFromInternet(parsed.hostname);
	if (problem === undefined) return;
	// Read only now: the credential is read when a URL is in question.
	if (!isInternetUrl(await api.baseUrl())) return;
	const { subject, todo, description } = wording(role);
	throw invalidParameter(
		ctx,
		itemIndex,
		parameter,
		`${subject} "${shownUrl(parsed)}", which aifaceswap cannot reach from the internet: ${parsed.hostname} is ${problem}. Nothing was sent. ${todo}`,
		description,
	);
}

/** A public http(s) URL (trimmed) that aifaceswap can reach: requireHttpUrl and requireReachableByApi. */
export async function requirePublicHttpUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	api: ApiLocation,
	parameter: ParameterRef,
	value: unknown,
	role: UrlRole = { kind: 'file' },
): Promise<string> {
	const url = requireHttpUrl(ctx, itemIndex, parameter, value);
	await requireReachableByApi(ctx, itemIndex, api, parameter, url, role);
	return url;
}
