/** A parameter as the user sees it: its display name and its name in saved workflows. */
export interface ParameterRef {
	label: string;
	name: string;
}

/**
 * The node's parameters that errors name, each as the editor shows it and as saved workflows store
 * it: the one source of both, for the field definitions and for the checks of the values.
 */
export const PARAMETERS = {
	sourceImageUrl: { label: 'Source Image URL', name: 'sourceImageUrl' },
	faceImageUrl: { label: 'Face Image URL', name: 'faceImageUrl' },
	sourceVideoUrl: { label: 'Source Video URL', name: 'sourceVideoUrl' },
	faces: { label: 'Faces', name: 'faces' },
	references: { label: 'References', name: 'references' },
	durationSource: { label: 'Duration Source', name: 'durationSource' },
	duration: { label: 'Duration (Seconds)', name: 'duration' },
	enhance: { label: 'Enhance', name: 'enhance' },
	frameBase64: { label: 'Frame Base64', name: 'frameBase64' },
	frameBinaryProperty: { label: 'Frame Binary Property', name: 'frameBinaryProperty' },
	resultMode: { label: 'Result Mode', name: 'resultMode' },
	/** Sent to aifaceswap as `webhook`. */
	callbackUrl: { label: 'Callback URL', name: 'webhookUrl' },
	reference: { label: 'Reference', name: 'options.reference' },
	maxCreditsPerRun: { label: 'Max Credits per Run', name: 'options.maxCreditsPerRun' },
} satisfies Record<string, ParameterRef>;

/** A field's `displayName` and `name` from its parameter. */
export function named(parameter: ParameterRef): { displayName: string; name: string } {
	return { displayName: parameter.label, name: parameter.name };
}
