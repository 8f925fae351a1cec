import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { PRICES, TOOL_MAX_CREDITS } from '../pricing/credits';
import { withDisplay } from './displayOptions';
import type { NotForModels } from './operation';

/**
 * The node as an AI Agent's tool ("Aifaceswap Tool", n8n's `usableAsTool`). n8n shows a property to
 * the tool variant only with `@tool: [true]` and hides it there with `hide: { '@tool': [true] }`.
 * What the model reads is the tool description (n8n takes the node's own `toolDescription`
 * parameter when the node has one) and the descriptions of `$fromAI()` placeholders.
 */

const IN_TOOL: IDisplayOptions = { show: { '@tool': [true] } };
const NOT_IN_TOOL: IDisplayOptions = { hide: { '@tool': [true] } };

/** Shown on the node, hidden in its tool variant. */
export function notInTool(property: INodeProperties): INodeProperties {
	return withDisplay(property, NOT_IN_TOOL);
}

/** Shown only in the tool variant. */
export function onlyInTool(property: INodeProperties): INodeProperties {
	return withDisplay(property, IN_TOOL);
}

/** Text the model reads about one operation: what it does, returns, costs and needs. */
export function toolDescriptionField(text: string): INodeProperties {
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		typeOptions: { rows: 6 },
		description:
			'What the AI Agent\'s model is told about this tool. The default says what it does, what it returns, what it costs and what the inputs must be.',
		displayOptions: IN_TOOL,
	};
}

/** A value the model gives: its key and the description the model reads. */
export interface ModelInput {
	key: string;
	description: string;
}

/**
 * A text field as the user fills it on the node, and in the tool variant pre-filled with `$fromAI()`
 * so that the model gives the value, told what it is. The user can still replace it.
 */
export function fillableByModel(property: INodeProperties, input: ModelInput): INodeProperties[] {
	return [
		withDisplay(property, NOT_IN_TOOL),
		withDisplay({ ...property, default: `={{ $fromAI('${input.key}', '${input.description}', 'string') }}` }, IN_TOOL),
	];
}

const PUBLIC_URL = 'a public http(s) URL that aifaceswap can download (no login, not localhost)';

export const MODEL_INPUTS = {
	targetImageUrl: {
		key: 'target_image_url',
		description: `URL of the photo whose face is replaced (the picture that is changed), ${PUBLIC_URL}`,
	},
	faceImageUrl: {
		key: 'face_image_url',
		description: `URL of a photo of the face to put in, ${PUBLIC_URL}`,
	},
	imageUrl: {
		key: 'image_url',
		description: `URL of the image to find faces in, ${PUBLIC_URL}`,
	},
	targetVideoUrl: {
		key: 'target_video_url',
		description: `URL of the MP4 or MOV video whose face is replaced, ${PUBLIC_URL}`,
	},
} satisfies Record<string, ModelInput>;

const BUDGET = `It refuses, with an error and without spending anything, a task estimated above ${TOOL_MAX_CREDITS} credits (the tool's Max Credits).`;

const LATER =
	'The result is not returned: it is made in the background and delivered later to the Callback URL set on this tool (an Aifaceswap Trigger workflow) or shown in the aifaceswap.io account. Do not wait for it or call again to get it.';
const ONCE =
	'Calling again with the same inputs within 24 to 48 hours sends nothing and returns alreadySubmitted: true. On bad input it returns an error and spends nothing.';

/** Credits a second of video swap at an enhance level, by the price list. */
function videoSwapCredits(enhance: number): number {
	return PRICES.video.swapFace.credits({ durationSeconds: 1, enhance });
}

export const TOOL_DESCRIPTIONS = {
	imageSwapFace: `Starts a face swap on a photo with aifaceswap.io: the face from face_image_url is put into the photo at target_image_url. Returns at once: taskId (the job), credits (charged: ${PRICES.image.swapFace}) and estimatedCredits. ${BUDGET} ${LATER} Both URLs must be public http(s) links to images. ${ONCE}`,
	imageExtractFaces: `Finds the faces in an image with aifaceswap.io and returns them at once: faces (index and box x1, y1, x2, y2 of each, in order), faceCount and credits (charged: ${PRICES.image.extractFaces}). Use it to check that a photo has a face before a face swap. The URL must be a public http(s) link to an image. On bad input it returns an error and spends nothing.`,
	videoSwapFace: `Starts a face swap in a video with aifaceswap.io: the face from face_image_url is put into the video at target_video_url. Returns at once: taskId, duration (seconds), credits (charged) and estimatedCredits. Costs ${videoSwapCredits(0)} credits per second of video (${videoSwapCredits(1)} or ${videoSwapCredits(2)} with face enhancement), so ${TOOL_MAX_CREDITS} credits cover ${TOOL_MAX_CREDITS / videoSwapCredits(0)} s without enhancement. ${BUDGET} ${LATER} The video must be a public http(s) link to an MP4 or MOV file, the face an image. ${ONCE}`,
};

/** Why an operation does not work as a tool: the error a call gets, and the notice on the tool. */
export function notForModelsMessage({ operation, needs }: NotForModels): string {
	return `${operation} is not available to an AI Agent: it needs ${needs}, which the model cannot give, so nothing was sent. Use it in a workflow, or choose Swap Face or Extract Faces for the tool.`;
}

/** The tool variant of an operation a model cannot use: a notice to the user, and a description that tells the model not to call it. */
export function notForModelsFields(operation: NotForModels): INodeProperties[] {
	return [
		onlyInTool({ displayName: notForModelsMessage(operation), name: 'notForModelsNotice', type: 'notice', default: '' }),
		toolDescriptionField(`Not available: ${operation.operation} of aifaceswap.io does not work as a tool. Do not call this tool; it does nothing and returns an error.`),
	];
}
