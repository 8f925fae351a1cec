import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { allowedDownloadHostsOption, downloadResultOption, maxDownloadSizeOption } from '../../shared/downloadOptions';
import { TOOL_MAX_CREDITS } from '../pricing/credits';
import { MAX_REFERENCE_LENGTH } from '../tasks/reference';
import { DEFAULT_WAIT_MINUTES } from '../wait/waitForResult';
import { withDisplay } from './displayOptions';

export const DEFAULT_CONCURRENCY = 5;
export const MAX_CONCURRENCY = 20;

/** How many items' requests are in flight at once (read from the first item: one value per run). */
const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
	default: DEFAULT_CONCURRENCY,
	description: `How many items are sent to aifaceswap at the same time (1 to ${MAX_CONCURRENCY}), one value for the whole run. Output order stays the input order. When the API answers "too many requests", all of them pause together.`,
};

/** An option of the swaps' Options collection that acts only in Wait for Result (`/`: a parameter outside the collection). */
const ONLY_IN_WAIT_MODE: IDisplayOptions = { show: { '/resultMode': ['wait'] } };
const NOT_IN_WAIT_MODE: IDisplayOptions = { hide: { '/resultMode': ['wait'] } };

/** The Options of the two extract operations: only how many items run at once. */
export const requestOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [concurrencyOption],
};

/**
 * The Options of the four swaps. The node's show each option only in the result mode it acts in;
 * the tool variant (`forTool`), which has no Wait for Result, has no wait options, and its Max
 * Credits defaults to a budget per call (TOOL_MAX_CREDITS), set from the start.
 */
export function swapOptionsField(forTool: boolean): INodeProperties {
	const maxCredits = forTool ? TOOL_MAX_CREDITS : 0;
	const waitOptions = forTool
		? []
		: [downloadResultOption, allowedDownloadHostsOption, maxDownloadSizeOption].map((option) => withDisplay(option, ONLY_IN_WAIT_MODE));
	const field: INodeProperties = {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...waitOptions,
			{
				displayName: 'Max Credits',
				name: 'maxCredits',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: maxCredits,
				description:
					maxCredits > 0
						? `Refuse, before sending, a task whose estimated cost is higher than this (0: no limit). The tool's default, ${maxCredits}, is what its Tool Description tells the model: change both together.`
						: 'Refuse, before sending, a task whose estimated cost is higher than this. 0 means no limit.',
			},
			{
				displayName: 'Max Credits per Run',
				name: 'maxCreditsPerRun',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'The most credits this node may spend in one execution, all its runs together (Loop Over Items passes too; on n8n\'s Engine 2.0 each run alone). 0 means no limit. The items are priced before anything is sent: in item order, sending stops at the first item that would take the total past it, and it and every later item are refused. Without Continue On Fail such a run sends nothing.',
			},
			{
				displayName: 'Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.orderNumber }}',
				description: `Your own ID of the item (at most ${MAX_REFERENCE_LENGTH} characters), output as reference. Submit Only adds it to the Callback URL as query parameter ref, so the Aifaceswap Trigger outputs it with the result; in Wait for Result the resumed item carries it. Two items with different references are different requests for Skip Already Submitted, unless Value to Dedupe On is set.`,
			},
			{
				displayName: 'Skip Already Submitted',
				name: 'skipAlreadySubmitted',
				type: 'boolean',
				default: true,
				description:
					'Whether to skip a request that is already in this node\'s submission record (kept in n8n\'s database), that is, one it sent in the last 24 to 48 hours: same operation, inputs and settings, and its result going to the same place (no callback, this Callback URL, or Wait for Result). A re-run, Retry On Fail, or the same webhook call arriving twice then sends nothing again (rare exceptions: several n8n processes writing the record at the same moment); a skipped item comes out with alreadySubmitted = true and nothing is sent. Executing the same test input again in the editor is skipped too: turn this off to send it again on purpose.',
			},
			{
				displayName: 'Value to Dedupe On',
				name: 'dedupeValue',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.fileId }}',
				description:
					'What makes two requests the same for Skip Already Submitted. Empty: the request itself (its URLs and settings). Set it, usually to an expression, when input URLs change on every run (signed S3, Google Drive or Airtable links): requests with the same value and operation are then sent once.',
			},
			forTool ? concurrencyOption : withDisplay(concurrencyOption, NOT_IN_WAIT_MODE),
			...(forTool
				? []
				: [
						withDisplay(
							{
								displayName: 'Wait Limit (Minutes)',
								name: 'waitLimit',
								type: 'number',
								typeOptions: { minValue: 0 },
								default: DEFAULT_WAIT_MINUTES,
								description:
									'How long to wait for the callback. When it passes, the item continues with the task ID and timedOut = true, and a result that comes later is not received. 0 means no limit.',
							},
							ONLY_IN_WAIT_MODE,
						),
					]),
		],
	};
	return maxCredits > 0 ? { ...field, default: { maxCredits } } : field;
}
