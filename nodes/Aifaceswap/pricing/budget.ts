import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Price } from './credits';
import { TOOL_MAX_CREDITS } from './credits';

/**
 * The budget guard: refuses, before anything is sent, a task estimated above Max Credits
 * (`options.maxCredits`). As an AI Agent's tool (n8n's type name + "Tool") Max Credits not set is
 * a budget (TOOL_MAX_CREDITS), not "no limit".
 */
export function requireWithinBudget(
	ctx: IExecuteFunctions,
	itemIndex: number,
	estimatedCredits: number,
	maxCreditsOption: number | undefined,
	price: Price,
): void {
	const maxCredits = maxCreditsOption ?? (ctx.getNode().type.endsWith('Tool') ? TOOL_MAX_CREDITS : 0);
	if (maxCredits > 0 && estimatedCredits > maxCredits) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Max Credits (options.maxCredits) is ${maxCredits}, but this task is estimated at ${estimatedCredits} credits, so it was not sent.`,
			{
				itemIndex,
				description:
					typeof price === 'number'
						? `This operation always costs ${price} credits: raise Max Credits to at least ${price}, or set it to 0 for no limit.`
						: `Raise Max Credits, or lower what the price depends on: ${price.text}.`,
			},
		);
	}
}
