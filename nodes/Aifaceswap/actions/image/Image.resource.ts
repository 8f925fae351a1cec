import type { OperationModule } from '../operation';
import { resourceDescription } from '../operation';
import * as extractFaces from './extractFaces.operation';
import * as swapFace from './swapFace.operation';
import * as swapMultipleFaces from './swapMultipleFaces.operation';

export { extractFaces, swapFace, swapMultipleFaces };

/** The image operations, in the order the editor lists them. */
export const operations: OperationModule[] = [swapFace, extractFaces, swapMultipleFaces];

export const description = resourceDescription('image', operations);
