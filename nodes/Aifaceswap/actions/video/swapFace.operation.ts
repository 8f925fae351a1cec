import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { videoSwapCredits } from '../../helpers/credits';
import { sendSwap } from '../../helpers/swap';
import { requirePublicHttpUrl } from '../../helpers/publicUrl';
import { readVideoSettings, videoDuration } from '../../helpers/videoSettings';
import { durationFields, enhanceField, resultFields, urlField } from '../common.descriptions';
import { MODEL_INPUTS, TOOL_DESCRIPTIONS, toolDescriptionField } from '../tool.descriptions';

const properties: INodeProperties[] = [
	...urlField({
		displayName: 'Source Video URL',
		name: 'sourceVideoUrl',
		placeholder: 'https://example.com/clip.mp4',
		description: 'The video whose face is replaced',
		modelInput: MODEL_INPUTS.targetVideoUrl,
	}),
	...urlField({
		displayName: 'Face Image URL',
		name: 'faceImageUrl',
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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	const video = await readVideoSettings(this, itemIndex);
	const { sourceVideo, enhance } = video;
	const faceImage = await requirePublicHttpUrl(
		this,
		itemIndex,
		{ label: 'Face Image URL', name: 'faceImageUrl' },
		this.getNodeParameter('faceImageUrl', itemIndex),
	);
	const duration = await videoDuration(this, itemIndex, video);
	return await sendSwap.call(this, itemIndex, {
		endpoint: 'video_faceswap',
		body: { source_video: sourceVideo, face_image: faceImage, duration, enhance },
		estimatedCredits: videoSwapCredits(duration, enhance),
		output: { duration },
	});
}
