import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { named, PARAMETERS } from '../../inputs/parameters';
import { readBase64Image } from '../../inputs/images';
import { requirePublicHttpUrl } from '../../inputs/publicUrl';
import { invalidParameter } from '../../inputs/validation';
import { PRICES } from '../../pricing/credits';
import type { Task } from '../../tasks/submitTask';
import { readVideoSettings, videoDuration } from '../../video/videoSettings';
import { durationFields, enhanceField, PUBLIC_URL_HINT, resultFields, urlField } from '../common.descriptions';
import type { OperationDeclaration, Run } from '../operation';
import { submitting } from '../operation';
import { notForModelsFields } from '../tool.descriptions';

const MAX_REFERENCES = 3;

export const declaration = {
	option: {
		name: 'Swap Multiple Faces',
		value: 'swapMultipleFaces',
		description: 'Replace up to 3 faces of a video',
		action: 'Swap multiple faces in a video',
	},
	endpoint: 'multi_video_faceswap',
	fields: ['source_video', 'ref_info', 'duration', 'enhance'],
	price: PRICES.video.swapMultipleFaces,
	callbackType: 2,
	callbackName: 'Multiple face swap',
	// A model cannot give the face references.
	notForModels: { operation: 'Swap Multiple Faces (video)', needs: 'face references cut from a video frame' },
} as const satisfies OperationDeclaration;

const properties: INodeProperties[] = [
	...urlField({
		parameter: PARAMETERS.sourceVideoUrl,
		placeholder: 'https://example.com/clip.mp4',
		description: 'The video with the faces to replace',
	}),
	{
		...named(PARAMETERS.references),
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, maxAllowedFields: MAX_REFERENCES },
		placeholder: 'Add Reference',
		default: {},
		required: true,
		description:
			'Up to 3 faces to replace: each pairs a face cut from a video frame (Extract Faces From Frame gives its box) with the new face',
		options: [
			{
				displayName: 'Reference',
				name: 'reference',
				values: [
					{
						displayName: 'Face Reference Input',
						name: 'faceRefInput',
						type: 'options',
						options: [
							{ name: 'Base64 Text', value: 'base64' },
							{ name: 'Binary File', value: 'binary' },
						],
						default: 'base64',
						description: 'Where the image of the face to replace comes from',
					},
					{
						displayName: 'Face Reference Base64',
						name: 'faceRefBase64',
						type: 'string',
						default: '',
						description: 'Base64 image of the face to replace, cut from a video frame',
						displayOptions: { show: { faceRefInput: ['base64'] } },
					},
					{
						displayName: 'Face Reference Binary Property',
						name: 'faceRefBinaryProperty',
						type: 'string',
						default: 'data',
						description: 'Binary property holding the image of the face to replace',
						displayOptions: { show: { faceRefInput: ['binary'] } },
					},
					{
						displayName: 'Face Image URL',
						name: 'faceImageUrl',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/face.jpg',
						description: 'Public URL of the new face',
						hint: PUBLIC_URL_HINT,
					},
				],
			},
		],
	},
	...durationFields,
	enhanceField,
	...resultFields,
	...notForModelsFields(declaration.notForModels),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['swapMultipleFaces'] } },
	properties,
);

interface ReferenceEntry {
	faceRefInput?: 'base64' | 'binary';
	faceRefBase64?: string;
	faceRefBinaryProperty?: string;
	faceImageUrl?: string;
}

/** The item's task, checked and priced; `execute` submits it. */
export async function task(this: IExecuteFunctions, itemIndex: number, run: Run): Promise<Task> {
	const video = await readVideoSettings(this, itemIndex, run.api);
	const { sourceVideo, enhance } = video;
	const { reference: entries = [] } = this.getNodeParameter('references', itemIndex, {}) as {
		reference?: ReferenceEntry[];
	};
	const referencesRef = PARAMETERS.references;
	if (entries.length === 0) {
		throw invalidParameter(this, itemIndex, referencesRef, 'is empty: add at least one face reference.');
	}
	if (entries.length > MAX_REFERENCES) {
		throw invalidParameter(
			this,
			itemIndex,
			referencesRef,
			`has ${entries.length} entries, but aifaceswap swaps at most ${MAX_REFERENCES} faces in a video.`,
		);
	}
	const refInfo = [];
	for (const [position, entry] of entries.entries()) {
		const label = `References > Reference ${position + 1}`;
		const name = `references.reference[${position}]`;
		const input = entry.faceRefInput ?? 'base64';
		const faceRef = await readBase64Image(
			this,
			itemIndex,
			input,
			(input === 'binary' ? entry.faceRefBinaryProperty : entry.faceRefBase64) ?? '',
			{
				base64: { label: `${label} > Face Reference Base64`, name: `${name}.faceRefBase64` },
				binaryProperty: { label: `${label} > Face Reference Binary Property`, name: `${name}.faceRefBinaryProperty` },
			},
		);
		const faceUrl = await requirePublicHttpUrl(
			this,
			itemIndex,
			run.api,
			{ label: `${label} > Face Image URL`, name: `${name}.faceImageUrl` },
			entry.faceImageUrl,
		);
		refInfo.push({ face_ref: faceRef, face_url: faceUrl });
	}
	const duration = await videoDuration(this, itemIndex, video);
	return {
		endpoint: declaration.endpoint,
		fields: { source_video: sourceVideo, ref_info: refInfo, duration, enhance },
		estimatedCredits: declaration.price.credits({ durationSeconds: duration, enhance, faceCount: refInfo.length }),
		price: declaration.price,
		callbackType: declaration.callbackType,
		output: { duration },
	};
}

export const execute = submitting(task);
