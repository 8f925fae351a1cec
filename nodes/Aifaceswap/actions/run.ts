import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { SwapRun } from '../swap/sendSwap';

/**
 * What the items of one run share, made once per run (by the batch, or by Wait for Result) and
 * passed to each item's operation: the API client with the run's throttle, the result mode (one
 * value per run) and, in a batch, the claim window.
 */
export type Run = SwapRun;

/** An operation's `execute`: one input item in, its output item out. */
export type OperationExecute = (this: IExecuteFunctions, itemIndex: number, run: Run) => Promise<INodeExecutionData>;
