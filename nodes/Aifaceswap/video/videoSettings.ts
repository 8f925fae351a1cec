import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PARAMETERS } from '../inputs/parameters';
import type { ApiLocation } from '../inputs/publicUrl';
import { requirePublicHttpUrl } from '../inputs/publicUrl';
import type { Enhance } from '../inputs/validation';
import { invalidParameter, requireEnhance, requirePositiveDuration } from '../inputs/validation';
import { readVideoDuration, VideoDurationError } from './mp4Duration';
import { httpRangeReader, VIDEO_READ } from './rangeReader';

/** The settings every video swap has, checked: the source video, the enhance level and the entered length. */
export interface VideoSettings {
	sourceVideo: string;
	enhance: Enhance;
	/** The entered length (Duration Source: Manual); undefined when it is read from the video. */
	manualDuration?: number;
}

/** Reads and checks the video settings; sends nothing. */
export async function readVideoSettings(ctx: IExecuteFunctions, itemIndex: number, api: ApiLocation): Promise<VideoSettings> {
	const sourceVideo = await requirePublicHttpUrl(ctx, itemIndex, api, PARAMETERS.sourceVideoUrl, ctx.getNodeParameter(PARAMETERS.sourceVideoUrl.name, itemIndex));
	// An operation without the Enhance field (enhanceField) sends no enhancement.
	const enhance = requireEnhance(ctx, itemIndex, ctx.getNodeParameter('enhance', itemIndex, 0));
	const durationSource = ctx.getNodeParameter('durationSource', itemIndex, 'video') as string;
	if (durationSource === 'manual') {
		const manualDuration = requirePositiveDuration(ctx, itemIndex, ctx.getNodeParameter('duration', itemIndex));
		return { sourceVideo, enhance, manualDuration };
	}
	if (durationSource !== 'video') {
		throw invalidParameter(ctx, itemIndex, PARAMETERS.durationSource, `must be "video" or "manual", got "${String(durationSource)}".`);
	}
	return { sourceVideo, enhance };
}

/**
 * The seconds to send as `duration`: the entered length, or the length read from the video's
 * own header (MP4 / MOV) with a few small range requests. Call it after every other check, since
 * reading the video is a request; nothing is sent to aifaceswap when it fails.
 */
export async function videoDuration(ctx: IExecuteFunctions, itemIndex: number, settings: VideoSettings): Promise<number> {
	if (settings.manualDuration !== undefined) return settings.manualDuration;
	const reader = httpRangeReader(ctx, settings.sourceVideo);
	let seconds = 0;
	let problem: unknown;
	try {
		seconds = await readVideoDuration(reader);
	} catch (error) {
		problem = error;
	}
	if (problem instanceof VideoDurationError) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Could not read the length of the video at Source Video URL (sourceVideoUrl): ${problem.message}. Nothing was sent to aifaceswap.`,
			{
				itemIndex,
				description:
					`Use a URL that serves the MP4 or MOV file itself and answers HTTP range requests (n8n reads at most ${VIDEO_READ.maxBytes / 1024} KiB of it), ` +
					'or set Duration Source to Manual and enter the Duration in seconds. aifaceswap must be able to download the URL too.',
			},
		);
	}
	if (problem) throw new NodeOperationError(ctx.getNode(), problem as Error, { itemIndex });
	return Math.round(seconds * 100) / 100;
}
