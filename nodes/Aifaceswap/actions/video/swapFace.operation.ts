import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PARAMETERS } from '../../inputs/parameters';
import { requirePublicHttpUrl } from '../../inputs/publicUrl';
import { PRICES } from '../../pricing/credits';
import type { Task } from '../../tasks/submitTask';
import { readVideoSettings, videoDuration } from '../../video/videoSettings';
import { durationFields, enhanceField, resultFields, urlField } from '../common.descriptions';
import type { OperationDeclaration, Run } from '../operation';
import { submitting } from '../operation';
import { MODEL_INPUTS, TOOL_DESCRIPTIONS, toolDescriptionField } from '../tool.descriptions';

export const declaration = {
	option: {
		name: 'Swap Face',
		value: 'swapFace',
		description: 'Put a face into a video',
		action: 'Swap a face in a video',
	},
	endpoint: 'video_faceswap',
	fields: ['source_video', 'face_image', 'duration', 'enhance'],
	price: PRICES.video.swapFace,
	callbackType: 1,
	callbackName: 'Single face swap',
} as const satisfies OperationDeclaration;

const properties: INodeProperties[] = [
	...urlField({
		parameter: PARAMETERS.sourceVideoUrl,
		placeholder: 'https://example.com/clip.mp4',
		description: 'The video whose face is replaced',
		modelInput: MODEL_INPUTS.targetVideoUrl,
	}),
	...urlField({
		parameter: PARAMETERS.faceImageUrl,
		placeholder: 'https://example.com/face.jpg',
		description: 'The face to put into the video',
		modelInput: MODEL_INPUTS.faceImageUrl,
	}),
	...durationFields,
	enhanceField,
	...resultFields,
	toolDescriptionField(TOOL_DESCRIPTIONS.videoSwapFace),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['swapFace'] } },
	properties,
);

/** The item's task, checked and priced; `execute` submits it. */
export async function task(this: IExecuteFunctions, itemIndex: number, run: Run): Promise<Task> {
	const video = await readVideoSettings(this, itemIndex, run.api);
	const { sourceVideo, enhance } = video;
	const faceImage = await requirePublicHttpUrl(
		this,
		itemIndex,
		run.api,
		PARAMETERS.faceImageUrl,
		this.getNodeParameter(PARAMETERS.faceImageUrl.name, itemIndex),
	);
	const duration = await videoDuration(this, itemIndex, video);
	return {
		endpoint: declaration.endpoint,
		fields: { source_video: sourceVideo, face_image: faceImage, duration, enhance },
		estimatedCredits: declaration.price.credits({ durationSeconds: duration, enhance }),
		price: declaration.price,
		callbackType: declaration.callbackType,
		output: { duration },
	};
}

export const execute = submitting(task);
