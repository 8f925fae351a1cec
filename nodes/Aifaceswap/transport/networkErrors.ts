import { ssrfBlock, ssrfBlockInWords } from '../../shared/ssrfBlock';

/**
 * What a failed connection tells: its error code, whether the request certainly never left, and
 * the failure in words. Used by every request the node makes (to the API, and for reading a video).
 */
import { PASSING_CAUSES } from './retryRule';

/** The error code (ECONNREFUSED, ENOTFOUND ...) of an HTTP client's error or of one of its causes. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/**
 * Errors that can only happen before a request is written to the network: the host name did not
 * resolve, the connection was refused, the TLS handshake failed (certificate, or TLS spoken to a
 * plain HTTP port), or the URL is not one. Errors that can also end a connection after the request
 * went out (EHOSTUNREACH, EPROTO, other SSL errors) are not in the list: the request may have arrived.
 */
const NEVER_SENT = {
	codes: [
		'ENOTFOUND',
		'EAI_AGAIN',
		'EAI_FAIL',
		'EAI_NONAME',
		'ECONNREFUSED',
		'EADDRNOTAVAIL',
		'ERR_INVALID_URL',
		'DEPTH_ZERO_SELF_SIGNED_CERT',
		'SELF_SIGNED_CERT_IN_CHAIN',
	],
	/** Certificate checks, which fail in the handshake (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE ...). */
	patterns: [/^CERT_/, /^ERR_TLS_CERT_/, /^UNABLE_TO_/],
};

/** TLS spoken to a plain HTTP port fails the first handshake message (EPROTO, "wrong version number"). */
function tlsToPlainHttp(error: unknown, code: string | undefined): boolean {
	let current: unknown = error;
	for (let depth = 0; code === 'EPROTO' && depth < 5 && typeof current === 'object' && current !== null; depth++) {
		if (String((current as { message?: unknown }).message).includes('wrong version number')) return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}

/** Whether a request that failed with this error (and code) certainly never left this machine. */
export function neverSent(error: unknown, code = networkErrorCode(error)): boolean {
	// n8n's SSRF protection refuses before connecting (the URL's check, or the name's lookup)
	if (ssrfBlock(error)) return true;
	if (code === undefined) return false;
	return NEVER_SENT.codes.includes(code) || NEVER_SENT.patterns.some((pattern) => pattern.test(code)) || tlsToPlainHttp(error, code);
}

/**
 * Network failures in words. Messages say them in words, not codes: n8n replaces an error message
 * that holds a code such as ECONNREFUSED with a generic text.
 */
const IN_WORDS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	EAI_AGAIN: 'the host name could not be resolved for now',
	ENOTFOUND: 'the host name does not exist',
	ERR_INVALID_URL: 'the URL is not valid',
	ECONNRESET: 'the connection was closed before an answer came',
	ETIMEDOUT: 'no answer came in time',
	ECONNABORTED: 'no answer came in time',
};

/** The failure in words; a general phrase for a code without words of its own. */
export function networkFailureInWords(error: unknown, code = networkErrorCode(error), url?: string): string {
	const block = ssrfBlock(error);
	if (block) return ssrfBlockInWords(block, url);
	if (code !== undefined && IN_WORDS[code]) return IN_WORDS[code];
	return neverSent(error, code) ? 'no connection could be made (name, network or TLS)' : 'the request failed on the network';
}

/**
 * What a request that failed on the network means for the task:
 * - `notSent`: it never left (see `neverSent`); `mayRetry` when the cause may pass (refused
 *   connection, name not resolved for now);
 * - `unknown`: it may have arrived (reset connection, timeout): the task may exist.
 */
export type NetworkFailure = { kind: 'notSent'; code: string | undefined; mayRetry: boolean } | { kind: 'unknown'; code: string | undefined };


export function classifyNetworkFailure(error: unknown): NetworkFailure {
	const code = networkErrorCode(error);
	if (!neverSent(error, code)) return { kind: 'unknown', code };
	return { kind: 'notSent', code, mayRetry: code !== undefined && PASSING_CAUSES.includes(code) };
}
