import type { AllEntities } from 'n8n-workflow';

type AifaceswapMap = {
	image: 'swapFace' | 'extractFaces' | 'swapMultipleFaces';
	video: 'swapFace' | 'extractFaces' | 'swapMultipleFaces';
};

export type AifaceswapType = AllEntities<AifaceswapMap>;
