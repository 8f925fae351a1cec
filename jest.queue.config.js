/** End-to-end tests in n8n's queue mode: Postgres, Redis, main, webhook process, two workers (npm run test:queue). */
/** @type {import('jest').Config} */
module.exports = {
	...require('./jest.e2e.config.js'),
	roots: ['<rootDir>/test/queue'],
	testTimeout: 180000,
};
