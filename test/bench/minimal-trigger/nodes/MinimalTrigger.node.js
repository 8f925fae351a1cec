// The floor for any community webhook trigger, for the benchmark: one POST webhook on the same
// path as the Aifaceswap Trigger that starts a run with the request body and does nothing else.
class MinimalTrigger {
	description = {
		displayName: 'Minimal Trigger',
		name: 'minimalTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts a workflow with the request body',
		defaults: { name: 'Minimal Trigger' },
		inputs: [],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'task_callback' }],
		properties: [],
	};

	async webhook() {
		return { workflowData: [this.helpers.returnJsonArray(this.getBodyData())] };
	}
}

module.exports = { MinimalTrigger };
