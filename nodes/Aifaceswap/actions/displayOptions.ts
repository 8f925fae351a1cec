import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** The property with more display conditions: `extra`'s show and hide added to its own. */
export function withDisplay(property: INodeProperties, extra: IDisplayOptions): INodeProperties {
	const { show, hide } = property.displayOptions ?? {};
	const displayOptions: IDisplayOptions = {};
	if (show || extra.show) displayOptions.show = { ...show, ...extra.show };
	if (hide || extra.hide) displayOptions.hide = { ...hide, ...extra.hide };
	return { ...property, displayOptions };
}
