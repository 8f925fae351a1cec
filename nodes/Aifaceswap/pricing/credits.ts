/** Credit prices from the aifaceswap price list. */
export const CREDITS = {
	imageSwap: 2,
	extractFaces: 2,
	multipleImageSwap: 5,
} as const;

/**
 * The AI Agent tool's default Max Credits per call. It covers every image operation (2 to 5 credits)
 * and a short video (30 s without enhancement, 15 s at 1080p, 10 s at 2K), and refuses what a
 * model should not spend on its own: a one-hour 2K video costs 21,600 credits.
 */
export const TOOL_MAX_CREDITS = 60;

/** Basic video face swap: 2, 4 or 6 credits a second for enhance 0, 1 or 2. */
export function videoSwapCredits(durationSeconds: number, enhance: number): number {
	return 2 * (enhance + 1) * durationSeconds;
}

/** Multiple video face swap: (faces + 1), (faces + 2) or (faces + 3) times 2 credits a second. */
export function multipleVideoSwapCredits(
	faceCount: number,
	durationSeconds: number,
	enhance: number,
): number {
	return 2 * (faceCount + 1 + enhance) * durationSeconds;
}
