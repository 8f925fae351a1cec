import type { FunctionsBase } from 'n8n-workflow';

/**
 * n8n's Engine 2.0 (the `engine-v2` module of n8n 2.x) cannot pause an execution or take a file
 * from a trigger yet (n8n 2.41). n8n sends a workflow there when its settings say engineType "v2"
 * and the execution is a new manual, webhook or trigger one; sub-workflows and resumed executions
 * stay on the default engine. Facts and n8n's code: docs/n8n-features.md.
 */
export const ENGINE_V2_SETTING = 'workflow setting "engineType": "v2"';

/** The trigger's `downloadError` when the file could not reach the workflow. */
export const NO_FILE_ON_ENGINE_V2 = `Result not downloaded: n8n's Engine 2.0 (${ENGINE_V2_SETTING}) cannot take a file from a trigger yet; the result is at resultUrl. To get the file here, remove the engineType setting so this workflow runs on the default engine.`;

const ROUTED_MODES = ['manual', 'webhook', 'trigger'];

/** n8n's Engine 2.0 names its executions with a UUID v7; the default engine with a number. */
const ENGINE_V2_EXECUTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The running execution is Engine 2.0's. Told by its ID: Engine 2.0 gives a node no workflow
 * settings, so the setting itself is not visible there.
 */
export function runsOnEngineV2(ctx: Pick<FunctionsBase, 'getExecutionId'>): boolean {
	return ENGINE_V2_EXECUTION_ID.test(ctx.getExecutionId() ?? '');
}

/**
 * The execution a trigger's webhook call starts will run on Engine 2.0: a webhook sees the
 * workflow's settings, and n8n decides after the trigger has answered, by the same rule.
 */
export function startsOnEngineV2(ctx: Pick<FunctionsBase, 'getWorkflowSettings' | 'getMode'>): boolean {
	// Engine 2.0 is n8n 2.x only; the optional call spares an older n8n 1.x without getWorkflowSettings.
	return ctx.getWorkflowSettings?.().engineType === 'v2' && ROUTED_MODES.includes(ctx.getMode?.() ?? '');
}
