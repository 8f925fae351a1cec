/**
 * How an HTTP answer, a URL or an error reads in a message of the credential test: short, on one
 * line, and never with user info or a query string.
 */
/** The answer of n8n's legacy request helper with `resolveWithFullResponse` and `simple: false`. */
export interface FullResponse {
	statusCode: number;
	statusMessage?: string;
	headers?: Record<string, unknown>;
	body?: unknown;
}

/** What the user sees of the Base URL: scheme, host, port and path, never user info or query. */
export function shownUrl(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
	} catch {
		return url.slice(0, 200);
	}
}

/** The URL's host and port, or the whole text when it is not a URL. */
export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return shownUrl(url);
	}
}

export function protocolOf(url: string): string {
	try {
		return new URL(url).protocol;
	} catch {
		return '';
	}
}

/** Text from an answer or an error, on one line and short. */
export function clip(text: string, length = 200): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > length ? `${line.slice(0, length)}...` : line;
}

export function header(headers: Record<string, unknown> | undefined, name: string): string {
	if (!headers) return '';
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return String((Array.isArray(value) ? value[0] : value) ?? '');
}

export function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (body instanceof Uint8Array) return new TextDecoder().decode(body);
	return JSON.stringify(body);
}

/** The body as JSON, or undefined when it is not JSON at all. */
export function parseJson(body: unknown): unknown {
	if (typeof body === 'object' && body !== null && !(body instanceof Uint8Array)) return body;
	const text = bodyText(body).trim();
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** How a body that is not JSON looks, for the message. */
export function describeNonJson(text: string, contentType: string): string {
	if (text.trim() === '') return 'an empty body';
	if (/html/i.test(contentType) || /^\s*</.test(text)) {
		const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1];
		return title && title.trim() !== '' ? `an HTML page ("${clip(title, 80)}")` : 'an HTML page';
	}
	return `"${clip(text, 80)}"${contentType ? ` (${contentType.split(';')[0]})` : ''}`;
}

export function httpStatus(response: FullResponse): string {
	const text = response.statusMessage ? ` ${response.statusMessage}` : '';
	return `HTTP ${response.statusCode}${text}`;
}
