/**
 * The editor's hint on a swap sent in Submit Only mode without a Callback URL. The editor (n8n 1.x
 * and 2.x) shows a node type's `hints` in the output panel when `displayCondition` evaluates to
 * true, evaluated with n8n's own expression engine against the node's parameters
 * (`workflow.expression.getParameterValue`, as the editor's getNodeHints does); this test does the same.
 */
import type { INode, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { Aifaceswap } from '../../nodes/Aifaceswap/Aifaceswap.node';
import { AIFACESWAP, nodeTypes } from '../support/n8n';
import { DECLARED, SWAPS } from '../support/operations';

const description = new Aifaceswap().description;

/** Which of the node's hints the editor shows for these parameters (defaults filled in, as in the editor). */
function shownHints(set: Record<string, unknown>, asTool = false): string[] {
	const type = { ...description, name: asTool ? `${description.name}Tool` : description.name } as INodeTypeDescription;
	const parameters = NodeHelpers.getNodeParameters(type.properties, set as never, true, false, { typeVersion: 1 } as never, type) ?? {};
	const node: INode = { id: 'n', name: 'Aifaceswap', type: AIFACESWAP, typeVersion: 1, position: [0, 0], parameters };
	const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
	return (description.hints ?? [])
		.filter((hint) => {
			if (!hint.displayCondition) return true;
			const display = workflow.expression.getParameterValue(hint.displayCondition, null, 0, 0, node.name, [], 'manual', {});
			return display === true || (typeof display === 'string' && display.trim() === 'true');
		})
		.map((hint) => hint.message);
}

const HINT = /^Submit Only without a Callback URL: aifaceswap shows the result in your aifaceswap\.io account only, and n8n is not told\. To receive it in n8n, paste the Production URL of an Aifaceswap Trigger into Callback URL, or set Result Mode to Wait for Result\./;

test('the hint is in the output panel, at all times, as information', () => {
	expect(description.hints).toEqual([expect.objectContaining({ type: 'info', location: 'outputPane', whenToDisplay: 'always' })]);
});

test.each(SWAPS.map(({ resource, operation }) => [resource, operation]))('%s %s in Submit Only without a Callback URL: shown', (resource, operation) => {
	const hints = shownHints({ resource, operation });
	expect(hints).toHaveLength(1);
	expect(hints[0]).toMatch(HINT);
	expect(hints[0]).toContain('WEBHOOK_URL');
});

test.each([
	['a Callback URL', { webhookUrl: 'https://n8n.example.com/webhook/abc/task_callback' }],
	['a Callback URL from an expression', { webhookUrl: '={{ $json.callback }}' }],
	['Wait for Result', { resultMode: 'wait' }],
	['Estimate Only', { resultMode: 'estimate' }],
])('with %s: not shown', (_name, set) => {
	expect(shownHints({ resource: 'image', operation: 'swapFace', ...set })).toEqual([]);
});

test('a Callback URL of spaces only counts as none: shown', () => {
	expect(shownHints({ resource: 'image', operation: 'swapFace', webhookUrl: '   ' })).toHaveLength(1);
});

test.each(DECLARED.filter((d) => !SWAPS.includes(d)).map(({ resource, operation }) => [resource, operation]))('%s %s (no task, no result to deliver): not shown', (resource, operation) => {
	expect(shownHints({ resource, operation })).toEqual([]);
});

test('the AI Agent tool without a Callback URL: shown', () => {
	expect(shownHints({ resource: 'image', operation: 'swapFace' }, true)).toHaveLength(1);
});
