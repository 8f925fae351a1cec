/**
 * The end-to-end tests in n8n 1.x (npm run test:e2e:n8n1): the workflow, trigger, error, batch and
 * example scenarios (n8n.e2e.test.ts), the AI Agent tool (agent.e2e.test.ts) and example 9's Data
 * Table batch (batch-example.e2e.test.ts: n8n 1.123's Data Table node has what it uses). The editor test
 * runs on n8n 2.x only: it drives 2.x's editor.
 */
process.env.N8N_MAJOR = '1';

/** @type {import('jest').Config} */
module.exports = {
	...require('./jest.e2e.config.js'),
	testMatch: ['**/n8n.e2e.test.ts', '**/agent.e2e.test.ts', '**/batch-example.e2e.test.ts'],
};
