import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type { FullResponse } from './answerText';
import { bodyText, clip, describeNonJson, header, hostOf, httpStatus, parseJson, protocolOf, shownUrl } from './answerText';
import { API_PATH, DEFAULT_BASE_URL } from './index';
import { networkErrorCode } from './networkErrors';

/**
 * The key check of the Aifaceswap API credential, which n8n runs when a credential is saved or
 * tested (both nodes name it with `testedBy`).
 *
 * It sends `POST <Base URL>/api/aifaceswap/v1/extract_face` with an empty JSON body and the key.
 * The API refuses that for the missing `img` field before doing any work, so no task is created
 * and nothing is charged. The check passes only on the API's own answer: a JSON object with a
 * numeric `code` (every answer in the API's documentation has one) that does not refuse the key.
 * Anything else fails with what was wrong: the key refused (HTTP or `code` 401/403), no API at
 * that address (404), a redirect, a server or proxy failing (5xx), a page that is not the API's
 * JSON (another site, a proxy, a captive portal), rate limiting, or the network. The key is never
 * part of a message.
 */

export const CHECK_ENDPOINT = 'extract_face';
const TIMEOUT_SECONDS = 20;

const KEY_ADVICE = 'Copy the key again from the API Management page of aifaceswap.io.';
const BASE_URL_ADVICE = `Set the Base URL to ${DEFAULT_BASE_URL}, or to a proxy that forwards to the aifaceswap API.`;

function fail(message: string): INodeCredentialTestResult {
	return { status: 'Error', message };
}

/** Where a redirect goes, and the Base URL it implies when it keeps the API's path. */
function redirectBase(location: string, base: string): { shown: string; base?: string } | undefined {
	if (location === '') return undefined;
	try {
		const target = new URL(location, `${base}${API_PATH}${CHECK_ENDPOINT}`);
		const shown = shownUrl(target.toString());
		const suffix = `${API_PATH}${CHECK_ENDPOINT}`;
		return target.pathname.endsWith(suffix) ? { shown, base: shown.slice(0, shown.length - suffix.length) } : { shown };
	} catch {
		return { shown: clip(location, 100) };
	}
}

/** Judges the answer to the empty extract_face request. */
function judgeAnswer(response: FullResponse, base: string): INodeCredentialTestResult {
	const status = response.statusCode;
	const where = shownUrl(base);
	const contentType = header(response.headers, 'content-type');
	const json = parseJson(response.body);
	const answer =
		typeof json === 'object' && json !== null && !Array.isArray(json) && typeof (json as IDataObject).code === 'number'
			? (json as IDataObject & { code: number })
			: undefined;
	const reason = answer && typeof answer.message === 'string' && answer.message.trim() !== '' ? clip(answer.message) : '';
	const apiSaid = answer ? `code ${answer.code}${reason ? `: ${reason}` : ''}` : '';

	if (status === 401 || status === 403 || answer?.code === 401 || answer?.code === 403) {
		if (answer) return fail(`The aifaceswap API rejected this API key (${httpStatus(response)}, ${apiSaid}). ${KEY_ADVICE}`);
		return fail(
			`The aifaceswap API rejected this API key (${httpStatus(response)}). ${KEY_ADVICE} If n8n reaches the API through a proxy, the proxy may be the one refusing: its answer was ${describeNonJson(bodyText(response.body), contentType)}, not the API's JSON.`,
		);
	}
	if (status === 404 || answer?.code === 404) {
		return fail(
			`No aifaceswap API at ${where}${API_PATH} (${httpStatus(response)}${answer ? `, ${apiSaid}` : ''}): check the Base URL. ${BASE_URL_ADVICE} It ends before /api/.`,
		);
	}
	if (status >= 300 && status < 400) {
		const target = redirectBase(header(response.headers, 'location'), base);
		return fail(
			`The server at ${where} redirects the API's requests (${httpStatus(response)}${target ? ` to ${target.shown}` : ''}) instead of answering them: set the Base URL to ${target?.base ? `${target.base}, if that is the aifaceswap API or a proxy to it` : 'the address the API answers at'}.`,
		);
	}
	if (status === 429 || answer?.code === 429) {
		return fail(
			`The aifaceswap API is rate limiting requests (${httpStatus(response)}${answer ? `, ${apiSaid}` : ''}), so the key could not be checked. Try again in a minute.`,
		);
	}
	if (status >= 500 || (answer && answer.code >= 500)) {
		if (answer) {
			return fail(
				`The aifaceswap API at ${where} answered with a server error (${httpStatus(response)}, ${apiSaid}), so the key could not be checked. Try again later.`,
			);
		}
		return fail(
			`The server at ${where} answered ${httpStatus(response)} with ${describeNonJson(bodyText(response.body), contentType)}: the API, or a proxy in front of it, is failing, so the key could not be checked. Try again later, and check the Base URL if it persists.`,
		);
	}
	if (json === undefined) {
		return fail(
			`The server at ${where} answered ${httpStatus(response)} with ${describeNonJson(bodyText(response.body), contentType)} instead of the aifaceswap API's JSON: the Base URL points to another site or a proxy. ${BASE_URL_ADVICE}`,
		);
	}
	if (!answer) {
		return fail(
			`The server at ${where} answered ${httpStatus(response)} with JSON that has no numeric "code" field (${clip(bodyText(response.body), 80)}), which every aifaceswap API answer has: the Base URL points to another service. ${BASE_URL_ADVICE}`,
		);
	}
	return { status: 'OK', message: `The aifaceswap API at ${where} accepted the API key.` };
}

function errorText(error: unknown): string {
	let current: unknown = error;
	const texts: string[] = [];
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const message = (current as { message?: unknown }).message;
		if (typeof message === 'string' && message !== '') texts.push(message);
		current = (current as { cause?: unknown }).cause;
	}
	return texts.join(' / ');
}

/** What went wrong when no answer came. */
function describeNetworkError(error: unknown, base: string): string {
	const where = shownUrl(base);
	const host = hostOf(base);
	const code = networkErrorCode(error);
	const text = errorText(error);
	switch (code) {
		case 'ENOTFOUND':
		case 'EAI_NONAME':
		case 'EAI_FAIL':
			return `The host of the Base URL, ${host}, was not found (${code}): check the Base URL for typos. ${BASE_URL_ADVICE}`;
		case 'EAI_AGAIN':
			return `The host of the Base URL, ${host}, could not be looked up right now (${code}): check n8n's network and DNS, then try again.`;
		case 'ECONNREFUSED':
			return `${host} refused the connection (${code}): nothing answers at that host and port. Check the Base URL.`;
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
		case 'ESOCKETTIMEDOUT':
			return `No answer from ${where} within ${TIMEOUT_SECONDS} seconds (${code}): check the Base URL, and that n8n can reach it (firewall, proxy).`;
		case 'ECONNRESET':
		case 'EPIPE':
			return `${host} closed the connection without answering (${code}): check the Base URL (http or https, host and port), and try again.`;
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return `${host} cannot be reached from n8n (${code}): check the Base URL and n8n's network.`;
		default:
	}
	if (code === 'EPROTO' && /wrong version number/i.test(text)) {
		return `${host} does not speak HTTPS on that port (${code}): if it is a plain HTTP server, start the Base URL with http://.`;
	}
	if (code !== undefined && (/CERT|SSL|TLS/.test(code) || /^UNABLE_TO_/.test(code))) {
		return `The TLS certificate of ${host} was not accepted (${code}): check the Base URL; a proxy that intercepts HTTPS needs its certificate trusted by n8n.`;
	}
	if (/timeout/i.test(text)) {
		return `No answer from ${where} within ${TIMEOUT_SECONDS} seconds: check the Base URL, and that n8n can reach it (firewall, proxy).`;
	}
	return `Could not reach ${where}${code ? ` (${code})` : ''}: ${clip(text || 'unknown network error')}. Check the Base URL.`;
}

/** The key, wherever a server or an error repeated it, replaced by asterisks. */
function withoutKey(message: string, apiKey: string): string {
	return apiKey.length >= 4 ? message.split(apiKey).join('***') : message;
}

/** The check both nodes name with `testedBy: 'aifaceswapApiTest'` (n8n calls it with the test context as `this`). */
export async function aifaceswapApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data: ICredentialDataDecryptedObject = credential.data ?? {};
	const apiKey = String(data.apiKey ?? '');
	// As every request of the nodes builds it: the Base URL without trailing slashes, then the path.
	const base = (String(data.baseUrl ?? '') || DEFAULT_BASE_URL).replace(/\/+$/, '');
	let result: INodeCredentialTestResult;
	try {
		result = await check(this, base, apiKey);
	} catch (error) {
		result = fail(`The key check failed: ${clip(errorText(error) || String(error))}`);
	}
	return { status: result.status, message: withoutKey(result.message, apiKey) };
}

async function check(ctx: ICredentialTestFunctions, base: string, apiKey: string): Promise<INodeCredentialTestResult> {
	const protocol = protocolOf(base);
	if (protocol !== 'http:' && protocol !== 'https:') {
		return fail(`The Base URL "${clip(base, 100)}" is not an http:// or https:// address. ${BASE_URL_ADVICE}`);
	}
	if (apiKey.trim() === '') return fail(`The API Key is empty. ${KEY_ADVICE}`);

	// n8n gives a credential test only its legacy `request` helper (ICredentialTestFunctions has no
	// httpRequest), so this is the one place the package uses it. (n8n's community lint rule
	// no-deprecated-workflow-functions, which asks for httpRequest, matches `this.helpers.request`
	// only, not this call on the context passed in.)
	let response: FullResponse;
	try {
		response = (await ctx.helpers.request({
			method: 'POST',
			uri: `${base}${API_PATH}${CHECK_ENDPOINT}`,
			headers: {
				Authorization: `Bearer ${apiKey}`,
				'Content-Type': 'application/json',
				Accept: 'application/json',
			},
			// Sent and read as text, so that any answer (an HTML page too) can be judged.
			body: '{}',
			json: false,
			simple: false,
			resolveWithFullResponse: true,
			followRedirect: false,
			timeout: TIMEOUT_SECONDS * 1000,
		})) as FullResponse;
	} catch (error) {
		return fail(describeNetworkError(error, base));
	}
	return judgeAnswer(response, base);
}
