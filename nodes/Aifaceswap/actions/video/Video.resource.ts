import type { OperationModule } from '../operation';
import { resourceDescription } from '../operation';
import * as extractFaces from './extractFaces.operation';
import * as swapFace from './swapFace.operation';
import * as swapMultipleFaces from './swapMultipleFaces.operation';

/** The video operations, in the order the editor lists them. */
export const operations = [swapFace, extractFaces, swapMultipleFaces] as const satisfies readonly OperationModule[];

export const description = resourceDescription('video', operations);
