// n8n's node lint rules: eslint-plugin-n8n-nodes-base (nodes, credentials, package.json) and the
// n8n Cloud rules of @n8n/eslint-plugin-community-nodes (no runtime deps, no restricted globals
// or imports) on the code that ships.
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import jsoncParser from 'jsonc-eslint-parser';

const { rules: communityRules, plugins: communityPlugins } = communityNodes.configs.recommended;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.n8n-dev/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...communityPlugins },
		rules: {
			...n8nNodesBase.configs.community.rules,
			...Object.fromEntries(Object.entries(communityRules)),
		},
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...communityPlugins },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			...communityRules,
			// As in n8n-nodes-starter: this rule is for credentials inside n8n's own repository.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...communityPlugins },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			...communityRules,
			// These two predate NodeConnectionTypes, which the community rules require instead of 'main'.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
