import type { IDisplayOptions, INodeProperties, NodeHint } from 'n8n-workflow';

import type { ImageParameters } from '../inputs/images';
import { named, PARAMETERS } from '../inputs/parameters';
import type { ParameterRef } from '../inputs/parameters';
import { allowedDownloadHostsOption, downloadResultOption, maxDownloadSizeOption } from '../../shared/downloadOptions';
import { TOOL_MAX_CREDITS } from '../pricing/credits';
import { MAX_REFERENCE_LENGTH } from '../tasks/reference';
import { DEFAULT_WAIT_MINUTES } from '../wait/waitForResult';
import type { ModelInput } from './tool.descriptions';
import { withDisplay } from './displayOptions';
import { fillableByModel, notInTool, onlyInTool } from './tool.descriptions';

export const PUBLIC_URL_HINT = 'aifaceswap downloads it itself, so the URL must be public (no login; not localhost, a private address or a local name)';

/**
 * The three parameters that choose one image: from a URL, or from a binary property. In the AI
 * Agent tool the URL is the model's to give (`modelInput`).
 */
export function imageInputFields(options: {
	label: string;
	parameters: ImageParameters;
	defaultBinaryProperty: string;
	urlPlaceholder: string;
	description: string;
	modelInput: ModelInput;
}): INodeProperties[] {
	const { label, parameters, defaultBinaryProperty } = options;
	return [
		{
			displayName: `${label} Input`,
			name: parameters.input,
			type: 'options',
			options: [
				{ name: 'URL', value: 'url', description: 'A public URL of the image' },
				{
					name: 'Binary File',
					value: 'binary',
					description: 'An image in a binary property of the input item, uploaded as a file',
				},
			],
			default: 'url',
			description: `Where the ${label.toLowerCase()} comes from`,
		},
		...fillableByModel(
			{
				displayName: parameters.url.label,
				name: parameters.url.name,
				type: 'string',
				default: '',
				required: true,
				placeholder: options.urlPlaceholder,
				description: options.description,
				hint: PUBLIC_URL_HINT,
				displayOptions: { show: { [parameters.input]: ['url'] } },
			},
			options.modelInput,
		),
		{
			displayName: parameters.binaryProperty.label,
			name: parameters.binaryProperty.name,
			type: 'string',
			default: defaultBinaryProperty,
			required: true,
			description: `Name of the binary property of the input item that holds the ${label.toLowerCase()}`,
			displayOptions: { show: { [parameters.input]: ['binary'] } },
		},
	];
}

/** A required URL; in the AI Agent tool the model's to give (`modelInput`), if the operation is a model's to use. */
export function urlField(options: {
	parameter: ParameterRef;
	description: string;
	placeholder: string;
	modelInput?: ModelInput;
}): INodeProperties[] {
	const { modelInput, parameter, ...field } = options;
	const property: INodeProperties = { ...named(parameter), ...field, type: 'string', default: '', required: true, hint: PUBLIC_URL_HINT };
	return modelInput ? fillableByModel(property, modelInput) : [property];
}

/** Where a video swap's length (what aifaceswap bills by) comes from, and the entered length. */
export const durationFields: INodeProperties[] = [
	{
		...named(PARAMETERS.durationSource),
		type: 'options',
		options: [
			{
				name: 'Read From the Video',
				value: 'video',
				description: 'Read the length from the MP4 or MOV file before sending (only its header, with HTTP range requests)',
			},
			{ name: 'Manual', value: 'manual', description: 'Enter the length in Duration (Seconds)' },
		],
		default: 'video',
		description: 'Where the length of the video comes from. aifaceswap charges by the second of the length sent.',
	},
	{
		...named(PARAMETERS.duration),
		type: 'number',
		// The smallest value the node takes (it refuses 0): the editor cannot be set to a refused value.
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		default: 5,
		required: true,
		description:
			'Length of the source video in seconds. aifaceswap charges by the second, so give the real length.',
		displayOptions: { show: { durationSource: ['manual'] } },
	},
];

export const enhanceField: INodeProperties = {
	...named(PARAMETERS.enhance),
	type: 'options',
	options: [
		{ name: 'None', value: 0, description: 'No face enhancement (cheapest)' },
		{ name: 'Face Enhance up to 1080p', value: 1, description: 'For videos up to 1080p' },
		{ name: 'Face Enhance up to 2K', value: 2, description: 'For videos up to 2K' },
	],
	default: 0,
	description: 'Whether to enhance the swapped faces; each level costs more per second',
};

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
function swapOptionsField(forTool: boolean): INodeProperties {
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
					'The most credits this node may spend in one execution, all its runs together (Loop Over Items passes too). 0 means no limit. The items are priced before anything is sent: in item order, sending stops at the first item that would take the total past it, and it and every later item are refused. Without Continue On Fail such a run sends nothing.',
			},
			{
				displayName: 'Reference',
				name: 'reference',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.orderNumber }}',
				description: `Your own ID of the item (at most ${MAX_REFERENCE_LENGTH} characters), output as reference. Submit Only adds it to the Callback URL as query parameter ref, so the Aifaceswap Trigger outputs it with the result; in Wait for Result the resumed item carries it.`,
			},
			{
				displayName: 'Skip Already Submitted',
				name: 'skipAlreadySubmitted',
				type: 'boolean',
				default: true,
				description:
					'Whether to skip a request that is already in this node\'s submission record (kept in n8n\'s database), that is, one it sent in the last 24 to 48 hours: same operation, inputs and settings, and its result going to the same place (no callback, this Callback URL, or Wait for Result). A re-run, Retry On Fail, or the same webhook call arriving twice then never pays twice; a skipped item comes out with alreadySubmitted = true and nothing is sent. Executing the same test input again in the editor is skipped too: turn this off to send it again on purpose.',
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

/**
 * The editor's hint (output panel) on an operation with Result Mode (given by value) in Submit Only mode without a Callback URL: the task
 * is allowed, but its result goes only to the aifaceswap.io account, and n8n hears nothing of it.
 * `$rawParameter`: the parameters as entered (an expression in Callback URL counts as a URL, unevaluated).
 */
export function submitWithoutCallbackHint(operationsWithResultMode: string[]): NodeHint {
	return {
	message:
		'Submit Only without a Callback URL: aifaceswap shows the result in your aifaceswap.io account only, and n8n is not told. To receive it in n8n, paste the Production URL of an Aifaceswap Trigger into Callback URL, or set Result Mode to Wait for Result. Both need an n8n the internet can reach (WEBHOOK_URL set to its public address).',
	type: 'info',
	location: 'outputPane',
	whenToDisplay: 'always',
	displayCondition:
		`={{ ${JSON.stringify(operationsWithResultMode).replace(/","/g, '", "')}.includes($rawParameter["operation"]) && !["wait", "estimate"].includes($rawParameter["resultMode"]) && String($rawParameter["webhookUrl"] ?? "").trim() === "" }}`,
	};
}

/** How a swap delivers its result, and its options: the same on all four swap operations. */
export const resultFields: INodeProperties[] = [
	// Not in the AI Agent tool: a tool call must answer the model, and a paused execution does not.
	notInTool({
		...named(PARAMETERS.resultMode),
		type: 'options',
		// How the whole run goes (a batch, or one item that pauses): one value, not one per item.
		noDataExpression: true,
		options: [
			{
				name: 'Submit Only',
				value: 'submit',
				description:
					'Send the task and output its ID at once; get the result with the Aifaceswap Trigger',
			},
			{
				name: 'Wait for Result',
				value: 'wait',
				description:
					'Pause this execution until aifaceswap calls back with the result (one input item each time the node runs)',
			},
			{
				name: 'Estimate Only (Sends Nothing)',
				value: 'estimate',
				description:
					'Check and price every item as Submit Only would (video lengths read from the files) and send nothing: each item gets estimatedCredits and overRunCap',
			},
		],
		default: 'submit',
		description: 'How the result comes back. Applies to the whole run: it cannot be an expression.',
	}),
	{
		displayName:
			'This execution will pause until aifaceswap sends the result to n8n\'s resume URL, which aifaceswap calls from the internet. While n8n hands out a resume URL on localhost, a private address or a local name (WEBHOOK_URL not set), the node refuses to send the task: nothing is sent or charged. If n8n runs on your own computer or in Docker, give it a public address with a tunnel (cloudflared, ngrok), set WEBHOOK_URL to that address and restart n8n. The node takes one input item each time it runs: put Loop Over Items (batch size 1) before it for several.',
		name: 'waitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resultMode: ['wait'] } },
	},
	{
		...named(PARAMETERS.callbackUrl),
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/1a2b3c/task_callback',
		description:
			'Where aifaceswap POSTs the result when the task is done: paste the Production URL of an Aifaceswap Trigger (with its ?token= when the trigger has a Secret Token). aifaceswap calls it from the internet, so a URL on localhost, a private address or a local name is refused. Leave empty to send no callback (the result then shows in your aifaceswap.io account only).',
		displayOptions: { hide: { resultMode: ['wait'] } },
	},
	// The tool variant's Max Credits defaults to a budget per call; the node's to no limit.
	notInTool(swapOptionsField(false)),
	onlyInTool(swapOptionsField(true)),
];
