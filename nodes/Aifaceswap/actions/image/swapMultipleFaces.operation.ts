import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { named, PARAMETERS } from '../../inputs/parameters';
import { requirePublicHttpUrl } from '../../inputs/publicUrl';
import { asNumber, invalidParameter } from '../../inputs/validation';
import { PRICES } from '../../pricing/credits';
import type { Task } from '../../tasks/submitTask';
import { PUBLIC_URL_HINT, resultFields, urlField } from '../common.descriptions';
import type { OperationDeclaration, Run } from '../operation';
import { submitting } from '../operation';
import { notForModelsFields } from '../tool.descriptions';

export const declaration = {
	option: {
		name: 'Swap Multiple Faces',
		value: 'swapMultipleFaces',
		description: 'Replace several faces of a photo at once',
		action: 'Swap multiple faces in an image',
	},
	endpoint: 'multi_faceswap',
	fields: ['source_image', 'face_image', 'index'],
	price: PRICES.image.swapMultipleFaces,
	callbackType: 2,
	callbackName: 'Multiple face swap',
	// A model cannot give the faces.
	notForModels: { operation: 'Swap Multiple Faces (image)', needs: 'face indexes paired with face image URLs' },
} as const satisfies OperationDeclaration;

const properties: INodeProperties[] = [
	...urlField({
		parameter: PARAMETERS.sourceImageUrl,
		placeholder: 'https://example.com/group-photo.jpg',
		description: 'The photo with several faces; run Extract Faces on it first to learn their indexes',
	}),
	{
		...named(PARAMETERS.faces),
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Face',
		default: {},
		required: true,
		description: 'Which detected face to replace with which new face',
		options: [
			{
				displayName: 'Face',
				name: 'face',
				values: [
					{
						displayName: 'Index',
						name: 'index',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 0 },
						default: 0,
						description: 'Index of the face in the source image, as output by Extract Faces (from 0)',
					},
					{
						displayName: 'Face Image URL',
						name: 'faceImageUrl',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/face.jpg',
						description: 'Public URL of the face to put there',
						hint: PUBLIC_URL_HINT,
					},
				],
			},
		],
	},
	...resultFields,
	...notForModelsFields(declaration.notForModels),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['swapMultipleFaces'] } },
	properties,
);

interface FaceEntry {
	index?: number | string;
	faceImageUrl?: string;
}

/** The item's task, checked and priced; `execute` submits it. */
export async function task(this: IExecuteFunctions, itemIndex: number, run: Run): Promise<Task> {
	const sourceImage = await requirePublicHttpUrl(
		this,
		itemIndex,
		run.api,
		PARAMETERS.sourceImageUrl,
		this.getNodeParameter(PARAMETERS.sourceImageUrl.name, itemIndex),
	);
	const { face: entries = [] } = this.getNodeParameter('faces', itemIndex, {}) as { face?: FaceEntry[] };
	if (entries.length === 0) {
		throw invalidParameter(this, itemIndex, PARAMETERS.faces, 'is empty: add at least one face to swap.');
	}
	const seen = new Set<number>();
	const faceImages: string[] = [];
	const indexes: number[] = [];
	for (const [position, entry] of entries.entries()) {
		const ref = { label: `Faces > Face ${position + 1} > Index`, name: `faces.face[${position}].index` };
		const index = asNumber(entry.index);
		if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
			throw invalidParameter(this, itemIndex, ref, `must be a whole number from 0, got ${JSON.stringify(entry.index ?? '')}.`);
		}
		if (seen.has(index)) {
			throw invalidParameter(this, itemIndex, ref, `repeats face index ${index}: each face of the source image can be swapped once.`);
		}
		seen.add(index);
		indexes.push(index);
		faceImages.push(
			await requirePublicHttpUrl(
				this,
				itemIndex,
				run.api,
				{ label: `Faces > Face ${position + 1} > Face Image URL`, name: `faces.face[${position}].faceImageUrl` },
				entry.faceImageUrl,
			),
		);
	}
	return {
		endpoint: declaration.endpoint,
		fields: { source_image: sourceImage, face_image: faceImages, index: indexes },
		estimatedCredits: declaration.price,
		price: declaration.price,
		callbackType: declaration.callbackType,
	};
}

export const execute = submitting(task);
