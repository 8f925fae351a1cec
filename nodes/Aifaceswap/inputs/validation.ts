import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ParameterRef } from './parameters';
import { PARAMETERS } from './parameters';

export function invalidParameter(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: ParameterRef,
	problem: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`${parameter.label} (${parameter.name}) ${problem}`,
		{ itemIndex, description },
	);
}

function shown(value: unknown): string {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A public http(s) URL, trimmed. */
export function requireHttpUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: ParameterRef,
	value: unknown,
): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw invalidParameter(ctx, itemIndex, parameter, 'is empty: enter the full http(s) URL of the file.');
	}
	const url = value.trim();
	let protocol: string;
	try {
		protocol = new URL(url).protocol;
	} catch {
		throw invalidParameter(ctx, itemIndex, parameter, `is not a valid URL: "${shown(url)}".`);
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw invalidParameter(
			ctx,
			itemIndex,
			parameter,
			`must start with http:// or https://, got "${shown(url)}".`,
			'aifaceswap downloads the file itself, so it must be a public web address.',
		);
	}
	return url;
}

/** Numbers may arrive as text from expressions: "5" counts as 5, "" stays as it is. */
export function asNumber(value: unknown): unknown {
	return typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
}

export function requirePositiveDuration(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): number {
	const duration = asNumber(value);
	if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
		throw invalidParameter(
			ctx,
			itemIndex,
			PARAMETERS.duration,
			`must be a positive number of seconds, got ${shown(value ?? '')}.`,
			'aifaceswap charges by the second of video, so give the length of the source video.',
		);
	}
	return duration;
}

export type Enhance = 0 | 1 | 2;

export function requireEnhance(ctx: IExecuteFunctions, itemIndex: number, value: unknown): Enhance {
	const enhance = asNumber(value);
	if (enhance !== 0 && enhance !== 1 && enhance !== 2) {
		throw invalidParameter(
			ctx,
			itemIndex,
			PARAMETERS.enhance,
			`must be 0 (none), 1 (up to 1080p) or 2 (up to 2K), got ${shown(value ?? '')}.`,
		);
	}
	return enhance;
}

const BASE64_BODY = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL_PREFIX = /^data:[\w.+-]+\/[\w.+-]+;base64,/;

/**
 * Base64 text as the API wants it: without whitespace and without a `data:...;base64,` prefix
 * (both are accepted from the user).
 */
export function requireBase64(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: ParameterRef,
	value: unknown,
): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw invalidParameter(ctx, itemIndex, parameter, 'is empty: paste the base64 text of the image.');
	}
	const base64 = value.trim().replace(DATA_URL_PREFIX, '').replace(/\s+/g, '');
	if (base64.length % 4 !== 0 || !BASE64_BODY.test(base64)) {
		throw invalidParameter(
			ctx,
			itemIndex,
			parameter,
			'is not base64 text of an image.',
			'Use the base64 text itself (a "data:image/...;base64," prefix is allowed), or switch the input to a binary property.',
		);
	}
	return base64;
}
