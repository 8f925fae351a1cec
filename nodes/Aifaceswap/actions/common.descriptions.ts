import type { INodeProperties } from 'n8n-workflow';

import type { ImageParameters } from '../helpers/inputs';
import { allowedDownloadHostsOption, downloadResultOption, maxDownloadSizeOption } from '../../shared/download';
import { DEFAULT_WAIT_MINUTES } from '../helpers/wait';
import type { ModelInput } from './tool.descriptions';
import { fillableByModel, notInTool } from './tool.descriptions';

const PUBLIC_URL_HINT = 'aifaceswap downloads it itself, so the URL must be public (no login, not localhost)';

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

/** A required URL; in the AI Agent tool the model's to give (`modelInput`). */
export function urlField(options: {
	displayName: string;
	name: string;
	description: string;
	placeholder: string;
	modelInput: ModelInput;
}): INodeProperties[] {
	const { modelInput, ...field } = options;
	return fillableByModel({ ...field, type: 'string', default: '', required: true, hint: PUBLIC_URL_HINT }, modelInput);
}

/** Where a video swap's length (what aifaceswap bills by) comes from, and the entered length. */
export const durationFields: INodeProperties[] = [
	{
		displayName: 'Duration Source',
		name: 'durationSource',
		type: 'options',
		options: [
			{
				name: 'Read From the Video',
				value: 'video',
				description: 'Read the length from the MP4 or MOV file before sending (only its header, with HTTP range requests)',
			},
			{ name: 'Manual', value: 'manual', description: 'Enter the length in Duration' },
		],
		default: 'video',
		description: 'Where the length of the video comes from. aifaceswap charges by the second of the length sent.',
	},
	{
		displayName: 'Duration (Seconds)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 5,
		required: true,
		description:
			'Length of the source video in seconds. aifaceswap charges by the second, so give the real length.',
		displayOptions: { show: { durationSource: ['manual'] } },
	},
];

export const enhanceField: INodeProperties = {
	displayName: 'Enhance',
	name: 'enhance',
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
export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
	default: DEFAULT_CONCURRENCY,
	description: `How many items are sent to aifaceswap at the same time (1 to ${MAX_CONCURRENCY}). Output order stays the input order. When the API answers "too many requests", all of them pause together.`,
};

/** The Options of the two extract operations: only how many items run at once. */
export const requestOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [concurrencyOption],
};

/** How a swap delivers its result, and its options: the same on all four swap operations. */
export const resultFields: INodeProperties[] = [
	// Not in the AI Agent tool: a tool call must answer the model, and a paused execution does not.
	notInTool({
		displayName: 'Result Mode',
		name: 'resultMode',
		type: 'options',
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
					'Pause this execution until aifaceswap calls back with the result (one item per execution)',
			},
		],
		default: 'submit',
	}),
	{
		displayName:
			'This execution will pause until aifaceswap sends the result to n8n\'s resume URL, so n8n must be reachable from the internet (set WEBHOOK_URL if it runs on localhost or behind a proxy). One item per execution.',
		name: 'waitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resultMode: ['wait'] } },
	},
	{
		displayName: 'Callback URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/1a2b3c/task_callback',
		description:
			'Where aifaceswap POSTs the result when the task is done: paste the production URL of an Aifaceswap Trigger. Leave empty to send no callback.',
		displayOptions: { hide: { resultMode: ['wait'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Credits',
				name: 'maxCredits',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Refuse, before sending, a task whose estimated cost is higher than this. 0 means no limit.',
			},
			downloadResultOption(' (Wait for Result mode)'),
			allowedDownloadHostsOption,
			maxDownloadSizeOption,
			{
				displayName: 'Skip Already Submitted',
				name: 'skipAlreadySubmitted',
				type: 'boolean',
				default: true,
				description:
					'Whether to skip a request this node already sent in the last 24 to 48 hours (same operation, images, videos and settings), so that running a batch again after a crash or with Retry On Fail never pays twice. A skipped item comes out with alreadySubmitted = true. Turn off to send identical requests again on purpose.',
			},
			{
				...concurrencyOption,
				description: `${concurrencyOption.description} Submit Only mode (Wait for Result sends one item).`,
			},
			{
				displayName: 'Wait Limit (Minutes)',
				name: 'waitLimit',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_WAIT_MINUTES,
				description:
					'Wait for Result mode: how long to wait for the callback. When it passes, the item continues with the task ID and timedOut = true. 0 means no limit.',
			},
		],
	},
];
