/** Credit prices from the aifaceswap price list. */
export const CREDITS = {
	imageSwap: 2,
	extractFaces: 2,
	multipleImageSwap: 5,
} as const;

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
