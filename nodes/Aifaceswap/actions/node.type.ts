import type { AllEntities } from 'n8n-workflow';

/** Each resource's operations: a new operation adds its value here. */
export type AifaceswapMap = {
	image: 'swapFace' | 'extractFaces' | 'swapMultipleFaces';
	video: 'swapFace' | 'extractFaces' | 'swapMultipleFaces';
};

export type AifaceswapType = AllEntities<AifaceswapMap>;
