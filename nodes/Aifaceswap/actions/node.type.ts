import type { AllEntities } from 'n8n-workflow';

import type * as image from './image/Image.resource';
import type { OperationModule } from './operation';
import type * as video from './video/Video.resource';

/** The declarations of a resource index's operations. */
type DeclarationsOf<Operations extends readonly OperationModule[]> = Operations[number]['declaration'];

/** Each resource's operations, from the resource indexes: a new operation is added there only. */
export type AifaceswapMap = {
	image: DeclarationsOf<typeof image.operations>['option']['value'];
	video: DeclarationsOf<typeof video.operations>['option']['value'];
};

export type AifaceswapType = AllEntities<AifaceswapMap>;

/** Every operation's declaration, as the resource indexes register them. */
export type AifaceswapDeclaration = DeclarationsOf<typeof image.operations> | DeclarationsOf<typeof video.operations>;
