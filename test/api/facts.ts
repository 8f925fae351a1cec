/**
 * The aifaceswap API as its documentation states it (aifaceswap-api-doc.txt, "Website API
 * Documentation"): each endpoint's body fields, callback type and price, copied from the doc and
 * nothing more. What the doc leaves unsaid stays unset here (the video swaps' callback `type`).
 * test/api/facts.test.ts holds the operations' declarations and the price table to it: this file
 * and that test are the only places a test spells out an endpoint or a price.
 */

/** What a task is priced by, as the doc's price list names it. */
export interface PricedBy {
	/** Seconds of video ("credits / s"). */
	seconds: number;
	/** 0 no enhance, 1 "1080p", 2 "2k". */
	enhance: 0 | 1 | 2;
	/** "face count" of a multiple video face swap. */
	faces: number;
}

export interface ApiFact {
	/** The doc's section. */
	section: string;
	/** `POST api/aifaceswap/v1/<endpoint>`. */
	endpoint: string;
	/** The "Body Attributes", in the doc's order. */
	fields: string[];
	/** The callback's `type` (2.4 Webhook Definition), where the doc names it. */
	callbackType?: number;
	/** The price (4. Pricing), as the doc's row computes it. */
	credits: (task: PricedBy) => number;
}

export const API_FACTS: ApiFact[] = [
	{
		section: '2.1 Face Swap',
		endpoint: 'faceswap',
		fields: ['source_image', 'face_image', 'webhook'],
		callbackType: 1, // "1 for single person face swap"
		credits: () => 2, // "Face swap - 2 credits"
	},
	{
		section: '2.2 Extract Faces',
		endpoint: 'extract_face',
		fields: ['img'],
		credits: () => 2, // "Extract faces (for multiple face swap) - 2 credits"
	},
	{
		section: '2.3 Multiple Face Swap',
		endpoint: 'multi_faceswap',
		fields: ['source_image', 'face_image', 'index', 'webhook'],
		callbackType: 2, // "2 for multiple person face swap"
		credits: () => 5, // "Multiple face swap - 5 credits"
	},
	{
		section: '3.1 Basic Video Face Swap',
		endpoint: 'video_faceswap',
		fields: ['source_video', 'face_image', 'duration', 'enhance', 'webhook'],
		// "No enhance 2 credits / s, 1080p 4 credits / s, 2k 6 credits / s"
		credits: ({ seconds, enhance }) => [2, 4, 6][enhance] * seconds,
	},
	{
		section: '3.2 Extract Faces From Video Frame',
		endpoint: 'extract_base64_face',
		fields: ['base64_img'],
		credits: () => 2, // "Extract faces from video frame (for multiple video face swap) - 2 credits"
	},
	{
		section: '3.3 Multiple Video Face Swap',
		endpoint: 'multi_video_faceswap',
		fields: ['source_video', 'ref_info', 'duration', 'enhance', 'webhook'],
		// "No enhance (face count + 1) * 2 credits / s, 1080p (face count + 2) * 2, 2k (face count + 3) * 2"
		credits: ({ seconds, enhance, faces }) => (faces + 1 + enhance) * 2 * seconds,
	},
];
