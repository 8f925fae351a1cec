import type { IExecuteFunctions } from 'n8n-workflow';

import type { ParameterRef } from './parameters';
import type { ApiLocation } from './publicUrl';
import { requirePublicHttpUrl } from './publicUrl';
import type { FieldValue, UploadFile } from './requestBody';
import { invalidParameter, requireBase64 } from './validation';

/** The names of the parameters that together choose one image: URL or binary property. */
export interface ImageParameters {
	input: string;
	url: ParameterRef;
	binaryProperty: ParameterRef;
}

async function readBinaryImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: ParameterRef,
	propertyName: string,
): Promise<UploadFile> {
	const name = propertyName.trim();
	if (name === '') {
		throw invalidParameter(ctx, itemIndex, parameter, 'is empty: enter the name of the binary property that holds the image.');
	}
	const binary = ctx.getInputData()[itemIndex]?.binary?.[name];
	if (!binary) {
		const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
		throw invalidParameter(
			ctx,
			itemIndex,
			parameter,
			`names "${name}", but the item has no binary property of that name.`,
			available.length
				? `The item's binary properties are: ${available.join(', ')}.`
				: 'The item has no binary data. Add a node before this one that reads or downloads the image.',
		);
	}
	const mimeType = binary.mimeType ?? '';
	if (!mimeType.startsWith('image/')) {
		throw invalidParameter(
			ctx,
			itemIndex,
			parameter,
			`names "${name}", which is not an image (its type is "${mimeType || 'unknown'}").`,
		);
	}
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, name);
	if (data.length === 0) {
		throw invalidParameter(ctx, itemIndex, parameter, `names "${name}", which is an empty file.`);
	}
	const extension = mimeType.slice('image/'.length).replace(/[^a-z0-9]/gi, '') || 'img';
	return { data, fileName: binary.fileName || `${name}.${extension}`, mimeType };
}

/** An image chosen by URL (sent as text) or by binary property (sent as a file). */
export async function readImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	api: ApiLocation,
	parameters: ImageParameters,
): Promise<FieldValue> {
	const input = ctx.getNodeParameter(parameters.input, itemIndex) as 'url' | 'binary';
	if (input === 'binary') {
		const property = ctx.getNodeParameter(parameters.binaryProperty.name, itemIndex) as string;
		return await readBinaryImage(ctx, itemIndex, parameters.binaryProperty, property);
	}
	const url = ctx.getNodeParameter(parameters.url.name, itemIndex);
	const binaryInput = { label: `${parameters.url.label.replace(/ URL$/, '')} Input`, name: parameters.input };
	return await requirePublicHttpUrl(ctx, itemIndex, api, parameters.url, url, { kind: 'file', binaryInput });
}

/** An image as base64 text: pasted as text, or read from a binary property and encoded. */
export async function readBase64Image(
	ctx: IExecuteFunctions,
	itemIndex: number,
	input: 'base64' | 'binary',
	value: string,
	parameters: { base64: ParameterRef; binaryProperty: ParameterRef },
): Promise<string> {
	if (input === 'binary') {
		const file = await readBinaryImage(ctx, itemIndex, parameters.binaryProperty, value);
		return file.data.toString('base64');
	}
	return requireBase64(ctx, itemIndex, parameters.base64, value);
}
