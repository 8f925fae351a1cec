import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PARAMETERS } from '../inputs/parameters';
import { roundCredits } from '../pricing/credits';

/**
 * What this node has counted against Max Credits per Run in this execution, kept in n8n's
 * per-execution node state (`getContext('node')`, as n8n's Loop Over Items keeps its own), so that
 * every run of the node in one execution (each Loop Over Items pass) adds to one total.
 */
interface RunTotal {
	/** Credits of the items let through, at their estimated cost. */
	credits: number;
	/** Set once an item was refused: sending stopped, and every later item is refused too. */
	stopped: boolean;
}

const STATE_KEY = 'maxCreditsPerRun';

/** Max Credits per Run (`options.maxCreditsPerRun`), read from the first item: one value per run; 0 = none. */
export function readMaxCreditsPerRun(ctx: IExecuteFunctions): number {
	const value = ctx.getNodeParameter(PARAMETERS.maxCreditsPerRun.name, 0, 0) as unknown;
	const cap = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof cap !== 'number' || !Number.isFinite(cap) || cap < 0) {
		const { label, name } = PARAMETERS.maxCreditsPerRun;
		throw new NodeOperationError(ctx.getNode(), `${label} (${name}) must be a number of credits from 0 (0: no limit), not ${JSON.stringify(value)}, so nothing was sent.`);
	}
	return cap;
}

/** The run's decision: for each item priced (in item order), whether it is within the cap. */
export interface CapDecision {
	cap: number;
	/** Credits counted in this execution before this run. */
	before: number;
	/** What the execution's total would be with every priced item of this run. */
	wanted: number;
	/** Per item: true = within the cap; undefined for an item that was not priced (it failed before). */
	within: Array<boolean | undefined>;
	/** The total after the items within the cap. */
	after: number;
	/** The first refused item, if any. */
	firstRefused?: number;
	stoppedBefore: boolean;
}

/**
 * Decides, before anything is claimed or sent, which items are within the cap: in item order,
 * the first item whose estimated cost would take the execution's total past the cap, and every
 * later item, are refused. An item counts at its estimated cost even if the submission record
 * later finds it already submitted. Nothing is counted until `commit`.
 */
export function decideCap(ctx: IExecuteFunctions, cap: number, costs: Array<number | undefined>): CapDecision {
	const state = ctx.getContext('node') as { [STATE_KEY]?: RunTotal };
	const { credits: before = 0, stopped = false } = state[STATE_KEY] ?? {};
	let total = before;
	let wanted = before;
	let refusing = stopped;
	let firstRefused: number | undefined;
	const within = costs.map((cost, itemIndex) => {
		if (cost === undefined) return undefined;
		wanted = roundCredits(wanted + cost);
		if (cap === 0) return true;
		if (!refusing && roundCredits(total + cost) <= cap) {
			total = roundCredits(total + cost);
			return true;
		}
		refusing = true;
		firstRefused ??= itemIndex;
		return false;
	});
	return { cap, before, wanted, within, after: cap === 0 ? wanted : total, firstRefused, stoppedBefore: stopped };
}

/** Counts the items within the cap in this execution's total (and a refusal stops later runs too). */
export function commitCap(ctx: IExecuteFunctions, decision: CapDecision): void {
	if (decision.cap === 0) return;
	const state = ctx.getContext('node') as { [STATE_KEY]?: RunTotal };
	state[STATE_KEY] = { credits: decision.after, stopped: decision.stoppedBefore || decision.firstRefused !== undefined };
}

const RAISE = 'Raise Max Credits per Run, send fewer items, or turn on Continue On Fail to send the items within it.';

/** The run's error without Continue On Fail: nothing was sent. */
export function overCapError(ctx: IExecuteFunctions, decision: CapDecision): NodeOperationError {
	const { label, name } = PARAMETERS.maxCreditsPerRun;
	const earlier = decision.before > 0 ? ` (${decision.before} of them counted by earlier runs of this node in this execution)` : '';
	const where = decision.stoppedBefore
		? 'An earlier run of this node in this execution already reached it.'
		: `Item ${decision.firstRefused} is the first that takes the total past it.`;
	return new NodeOperationError(
		ctx.getNode(),
		`${label} (${name}) is ${decision.cap} credits, but the total of this execution's items would be ${decision.wanted} credits${earlier}, so nothing was sent.`,
		{ itemIndex: decision.firstRefused, description: `${where} ${RAISE}` },
	);
}

/** The error of one refused item (Continue On Fail): the items within the cap were sent. */
export function refusedItemError(ctx: IExecuteFunctions, decision: CapDecision, itemIndex: number, cost: number): NodeOperationError {
	const { label, name } = PARAMETERS.maxCreditsPerRun;
	return new NodeOperationError(
		ctx.getNode(),
		`${label} (${name}) is ${decision.cap} credits and this execution's total has reached ${decision.after}, so this item (estimated ${cost} credits) was not sent.`,
		{
			itemIndex,
			description: `Sending stops at the first item that would take the total past ${label}: it and every later item are not sent. Raise ${label}, or send fewer items.`,
		},
	);
}
