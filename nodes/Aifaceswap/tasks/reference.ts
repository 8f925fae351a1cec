import type { IExecuteFunctions } from 'n8n-workflow';

import { REFERENCE_QUERY_PARAMETER } from '../../shared/callback';
import { PARAMETERS } from '../inputs/parameters';
import { invalidParameter } from '../inputs/validation';

/** The most characters Reference (`options.reference`) may have. */
export const MAX_REFERENCE_LENGTH = 200;

/** An item's Reference (`options.reference`), trimmed: '' when not set; a number from an expression counts by its text. */
export function readReference(ctx: IExecuteFunctions, itemIndex: number): string {
	const value = ctx.getNodeParameter(PARAMETERS.reference.name, itemIndex, '') as unknown;
	if (value === undefined || value === null) return '';
	const reference = (typeof value === 'string' ? value : JSON.stringify(value)).trim();
	if (reference.length > MAX_REFERENCE_LENGTH) {
		throw invalidParameter(
			ctx,
			itemIndex,
			PARAMETERS.reference,
			`is ${reference.length} characters long, more than the ${MAX_REFERENCE_LENGTH} it may have, so nothing was sent.`,
			'Use a short ID of the row (such as {{ $json.id }}), not the row itself.',
		);
	}
	return reference;
}

/**
 * The Callback URL with the reference added as query parameter `ref`, after what the URL already
 * has (kept as it was written: a token and other parameters are not re-encoded) and before a
 * fragment. A Callback URL that already has a `ref` parameter (`ref[...]` included) is refused:
 * the trigger could not tell which one is the reference.
 */
export function withReference(ctx: IExecuteFunctions, itemIndex: number, callbackUrl: string, reference: string): string {
	if (reference === '') return callbackUrl;
	// n8n reads a query as `qs` does, where `ref[]=x` or `ref[k]=x` is `ref` too (an array or an object).
	const names = [...new URL(callbackUrl).searchParams.keys()];
	if (names.some((name) => name === REFERENCE_QUERY_PARAMETER || name.startsWith(`${REFERENCE_QUERY_PARAMETER}[`))) {
		throw invalidParameter(
			ctx,
			itemIndex,
			PARAMETERS.callbackUrl,
			`already has a "${REFERENCE_QUERY_PARAMETER}" query parameter, where ${PARAMETERS.reference.label} (${PARAMETERS.reference.name}) goes, so nothing was sent.`,
			`Remove "${REFERENCE_QUERY_PARAMETER}=..." from the Callback URL: the node adds it with the item's Reference.`,
		);
	}
	const hash = callbackUrl.indexOf('#');
	const base = hash < 0 ? callbackUrl : callbackUrl.slice(0, hash);
	const fragment = hash < 0 ? '' : callbackUrl.slice(hash);
	const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
	return `${base}${separator}${REFERENCE_QUERY_PARAMETER}=${encodeURIComponent(reference)}${fragment}`;
}
