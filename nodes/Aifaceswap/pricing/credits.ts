/** What a video task is priced by: its length sent, its enhance level and (multiple swap) its faces. */
export interface VideoPriceInputs {
	durationSeconds: number;
	enhance: number;
	faceCount?: number;
}

/** A price that depends on the task's inputs: the rule, and the text users read about it. */
export interface PriceRule {
	text: string;
	credits(inputs: VideoPriceInputs): number;
}

/** An operation's price: a fixed number of credits, or a rule. */
export type Price = number | PriceRule;

/**
 * The aifaceswap price list, keyed by resource and operation: the one place a price is written.
 * The editor's option texts, the tool descriptions and the estimates are built from it, and a
 * test compares the README and the mock API with it.
 */
export const PRICES = {
	image: {
		swapFace: 2,
		extractFaces: 2,
		swapMultipleFaces: 5,
	},
	video: {
		swapFace: {
			text: '2, 4 or 6 credits a second by enhance level',
			credits: ({ durationSeconds, enhance }) => 2 * (enhance + 1) * durationSeconds,
		},
		extractFaces: 2,
		swapMultipleFaces: {
			text: '(faces + 1 + enhance) x 2 credits a second',
			credits: ({ durationSeconds, enhance, faceCount = 1 }) => 2 * (faceCount + 1 + enhance) * durationSeconds,
		},
	},
} as const satisfies Record<string, Record<string, Price>>;

/** The price as users read it: "2 credits", or the rule's text. */
export function priceText(price: Price): string {
	return typeof price === 'number' ? `${price} credit${price === 1 ? '' : 's'}` : price.text;
}

/** Credits rounded to cents, as the outputs and the limits count them. */
export function roundCredits(credits: number): number {
	return Math.round(credits * 100) / 100;
}

/** What a task costs by the price list. */
export function creditsOf(price: Price, inputs: VideoPriceInputs = { durationSeconds: 0, enhance: 0 }): number {
	return typeof price === 'number' ? price : price.credits(inputs);
}

/**
 * The AI Agent tool's default Max Credits per call. It covers every operation a model can use at a
 * fixed price and a short video (the video swap's tool description says how many seconds, from the
 * price list), and refuses what a model should not spend on its own, such as an hour of video.
 */
export const TOOL_MAX_CREDITS = 60;
